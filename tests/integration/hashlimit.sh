#!/bin/sh
# Fault: HashLimit reached on both caches.  With HashLimit 1000 on A and
# 500 on B, 2000 states on A: A's internal cache stops at 1000 and B's
# external cache at 500, the refusals are counted (-s cache: creation
# failed), nothing crashes; once A's table is small again, replication
# goes on.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
CTLOAD="$top_builddir/bench/ctload"

make_nodes
sed -i "s/^General {/General {\n\tHashLimit 1000/" "$T/a.conf"
sed -i "s/^General {/General {\n\tHashLimit 500/" "$T/b.conf"
# create_failed <node> <cache>: the failed half of "creation OK/failed"
create_failed() {
	ctl_"$1" -s cache | awk -v c="cache:$2" '
	    index($0, c) == 1 { f = 1 } f && /creation OK\/failed/ {
	    print $NF + 0; exit }'
}
check "A and B start with HashLimit 1000 and 500" sh -c \
    "$NA '$CTSYNCD' -C '$T/a.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
$NA "$CTLOAD" create 2000 >/dev/null
check "A's internal cache stops at 1000" wait_until 10 sh -c \
    "test \"\$(ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -i | wc -l)\" = 1000"
check "... the refusals counted on A" test "$(create_failed a internal)" -gt 0
check "B's external cache (HashLimit 500) stops at 500" wait_until 10 sh -c \
    "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 500"
check "... the refusals counted on B" test "$(create_failed b external)" -gt 0
check "both daemons answer" sh -c "$NA '$CTSYNCD' -C '$T/a.conf' -s >/dev/null &&
    $NB '$CTSYNCD' -C '$T/b.conf' -s >/dev/null"
$NA "$CTLOAD" delete 2000 >/dev/null
check "once A's table is empty, B's cache empties" wait_until 20 sh -c \
    "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 0"
$NA "$CTLOAD" create 500 11 >/dev/null
check "and new states are replicated again" wait_until 20 sh -c \
    "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 500"
ctl_a -k
ctl_b -k
done_testing
