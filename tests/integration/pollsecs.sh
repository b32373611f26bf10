#!/bin/sh
# PollSecs (config.md): no event subscription; the kernel table is dumped
# every N seconds, and what appeared, changed or vanished since goes to
# the peer as with events.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
sed -i 's/^General {/General {\n\tPollSecs 1/' "$T/a.conf"
ct() { $NA conntrack "$@" >/dev/null 2>&1; }
ecache() { $NB "$CTSYNCD" -C "$T/b.conf" -e; }

check "A starts with PollSecs 1" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "no 'not supported' warning" sh -c \
	"! grep -q 'not supported yet' '$DA/ctsyncd.log'"
check "A's netlink sockets subscribe to no event group" sh -c \
	"$NA awk '\$2 == 12 && \$4 != \"00000000\"' /proc/net/netlink | grep -q . && exit 1 || exit 0"
ct -I -p tcp -s 192.168.1.10 -d 192.168.2.20 --sport 1234 --dport 80 \
	--state ESTABLISHED -t 120 -m 42
check "a new entry reaches B at the next poll" wait_until 4 sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 .*mark=42'"
ct -U -p tcp -s 192.168.1.10 --sport 1234 -m 43
check "a change too" wait_until 4 sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 .*mark=43'"
ct -D -p tcp -s 192.168.1.10
check "and its end" wait_until 4 sh -c \
	"! $NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 '"
check "A's internal cache follows the kernel" sh -c \
	"test \$($NA '$CTSYNCD' -C '$T/a.conf' -i | wc -l) = 0"
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
