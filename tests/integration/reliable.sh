#!/bin/sh
# NetlinkEventsReliable on: the event socket asks the kernel to report
# undelivered events (NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS), the
# log says so as conntrackd's does, and replication works as before.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
sed -i 's/^General {/General {\n\tNetlinkEventsReliable on/' "$T/a.conf"
check "A starts with NetlinkEventsReliable on" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "the log says so" grep -q 'reliable ctnetlink event delivery is ENABLED.' "$DA/ctsyncd.log"
check "no 'not supported' warning" sh -c "! grep -q 'not supported yet' '$DA/ctsyncd.log'"
check "a burst of 10000 states" $NA "$top_builddir/bench/ctload" create 10000
check "... all reach B" wait_until 10 sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 10000"
check "their destruction too" sh -c "$NA '$top_builddir/bench/ctload' delete 10000 >/dev/null"
check "... reaches B" wait_until 10 sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 0"
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
