#!/bin/sh
# A commit serves live traffic first (sync-worker/sync_dump.c): the
# entries created or updated in the last 10 seconds reach the kernel
# before the rest, whatever their place in the cache; and nothing is
# left out.  B's kernel events during the commit show the order.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
check "A starts" ctl_a -d
check "B starts" ctl_b -d
$NA "$top_builddir/bench/ctload" create 20000 12 >/dev/null
check "B holds A's 20000 older states" wait_until 20 sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | grep -c 'dst=10.200.0.1 ') = 20000"
sleep 11	# they are older than 10 s now
for i in 1 2 3 4 5; do
	$NA conntrack -I -p tcp -s 192.168.7.$i -d 192.168.8.1 --sport 4321 \
	    --dport 443 --state ESTABLISHED -t 600 >/dev/null 2>&1
done
check "... and the 5 busy ones" wait_until 5 sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | grep -c 'sport=4321 ') = 5"
$NB conntrack -E -e NEW -b 67108864 >"$T/events" 2>/dev/null &
epid=$!
PIDS="$PIDS $epid"
sleep 0.5
check "B commits" $NB "$CTSYNCCTL" -C "$T/b.conf" commit
sleep 1
kill "$epid"
check "the 5 entries busy last came first" sh -c \
	"head -5 '$T/events' | grep -c 'sport=4321 ' | grep -qx 5"
check "every entry is in B's kernel" sh -c \
	"test \$($NB conntrack -C) -ge 20005"
ctl_a -k
ctl_b -k
done_testing
