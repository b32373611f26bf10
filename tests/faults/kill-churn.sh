#!/bin/sh
# Fault: a worker killed in the middle of a churn of 50,000 events/s:
# SIGKILL of each worker of each node, then a seccomp violation of each
# of A's workers (the test hook makes it call ptrace).  Each is restarted
# (logged with the cause); once the churn is over and the link quiet, B's
# external cache is A's kernel table entry by entry.
. "$(dirname "$0")/../integration/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
CTLOAD="$top_builddir/bench/ctload"

make_nodes
big_tables '\n\tNetlinkOverrunResync 2'
check "A and B start" sh -c "$NA '$CTSYNCD' -C '$T/a.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
net=20
# during <node> <binary> <how: KILL or seccomp>: 2 s into a 6 s churn
during() {
	sup=$(daemon_pid "$T/$1")
	pid=$(worker_pid "$sup" "$2")
	net=$((net + 1))
	ip netns exec "$A" "$CTLOAD" churn 50000 6 $net >/dev/null &
	churn=$!
	sleep 2
	if [ "$3" = KILL ]; then
		kill -KILL "$pid"
		cause="killed by signal 9 (SIGKILL)"
	else
		ip netns exec "$(ns_of "$1")" "$CTSYNCCTL" -C "$T/$1.conf" \
		    test-seccomp "${2#ctsyncd-}" >/dev/null 2>&1
		cause="killed by signal 31 (SIGSYS)"
	fi
	wait $churn
	check "$1's $2, $3 during churn: restarted, logged with the cause" \
	    wait_until 10 grep -q "(pid $pid) was $cause" "$T/$1/ctsyncd.log"
	if wait_until 60 a_table_on_b; then ok 0 "... once quiet, B matches A's table"; else
		ok 1 "... once quiet, B matches A's table"
		diag "$(wc -l <"$T/kernel") in A's kernel, $(wc -l <"$T/external") in B's external cache"
	fi
}
during a ctsyncd-sync KILL
during a ctsyncd-netlink KILL
during b ctsyncd-sync KILL
during b ctsyncd-netlink KILL
if "$CTSYNCCTL" --help | grep -q test-seccomp &&
    ! grep -q "SECCOMP_TRAP_MODE 1" "$top_builddir/config.h"; then
	during a ctsyncd-sync seccomp
	during a ctsyncd-netlink seccomp
else
	echo "# test hooks not built, or seccomp in trap mode: no seccomp kill"
fi
ctl_a -k >/dev/null 2>&1
ctl_b -k >/dev/null 2>&1
done_testing
