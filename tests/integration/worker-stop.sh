#!/bin/sh
# Fault: a worker frozen (SIGSTOP) for 3 s in the middle of a churn of
# 50,000 events/s, then let go: first A's sync worker, then A's netlink
# worker, then B's sync worker.  Once the churn is over and the link
# quiet, B's external cache is A's kernel table entry by entry; nobody
# died, and the freezes are absorbed (held events, the overrun resync).
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
CTLOAD="$top_builddir/bench/ctload"

make_nodes
big_tables '\n\tNetlinkOverrunResync 2'
check "A and B start" sh -c "$NA '$CTSYNCD' -C '$T/a.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
SA=$(daemon_pid "$T/a"); SB=$(daemon_pid "$T/b")
net=20
# freeze <supervisor> <binary>: stopped for 3 s during an 8 s churn
freeze() {
	pid=$(worker_pid "$1" "$2")
	net=$((net + 1))
	$NA "$CTLOAD" churn 50000 8 $net >/dev/null &
	churn=$!
	sleep 2
	kill -STOP "$pid"
	sleep 3
	kill -CONT "$pid"
	wait $churn
	check "$2 of $3 frozen 3 s during churn: B matches A's table once quiet" \
		wait_until 60 a_table_on_b
	check "... and it is the same process, alive" sh -c \
	    "test \"\$(pgrep -P $1 -x $2)\" = $pid"
}
freeze "$SA" ctsyncd-sync A
freeze "$SA" ctsyncd-netlink A
freeze "$SB" ctsyncd-sync B
check "no worker died" sh -c "! grep -q 'restarting it' '$T/a/ctsyncd.log' '$T/b/ctsyncd.log'"
ctl_a -k
ctl_b -k
done_testing
