#!/bin/sh
# What happens when a process dies: the supervisor names the worker and
# how it ended (SIGKILL, or SIGSYS for a seccomp violation) and starts it
# again, keeping its pid, lock and control socket, also when a worker
# breaks the protocol (test hook: it sends garbage) (worker-restart.sh
# checks that no state is lost, and the crash-loop limit); nothing left
# behind blocks the next start, not even after the supervisor crashed.
. "$(dirname "$0")/lib.sh"

make_one_node

start() {
	: >"$D/ctsyncd.log"
	$N "$CTSYNCD" -C "$T/a.conf" -d && SUP=$(daemon_pid "$D") &&
	    NLW=$(worker_pid "$SUP" ctsyncd-netlink) &&
	    SYW=$(worker_pid "$SUP" ctsyncd-sync)
}
gone() { ! kill -0 "$SUP" 2>/dev/null && ! kill -0 "$NLW" 2>/dev/null &&
    ! kill -0 "$SYW" 2>/dev/null; }

# replaced <binary> <old pid>: a new worker of that kind runs
replaced() {
	p=$(worker_pid "$SUP" "$1")
	[ -n "$p" ] && [ "$p" != "$2" ]
}

check "start" start
kill -9 "$SYW"
check "after SIGKILL of the sync worker, a new one runs" \
	wait_until 5 replaced ctsyncd-sync "$SYW"
check "the supervisor names the worker and the signal" \
	grep -q "sync worker (pid $SYW) was killed by signal 9 (SIGKILL); restarting it" "$D/ctsyncd.log"
check "... and keeps its pid, lock and socket" sh -c \
    "kill -0 $SUP && test \$(cat '$D/ctsyncd.lock') = $SUP && test -S '$D/ctl.sock'"
check "... and answers" wait_until 5 $N "$CTSYNCD" -C "$T/a.conf" -s
kill -9 "$NLW"
check "after SIGKILL of the netlink worker, a new one runs" \
	wait_until 5 replaced ctsyncd-netlink "$NLW"
check "the supervisor names it" \
	grep -q "netlink worker (pid $NLW) was killed by signal 9 (SIGKILL); restarting it" "$D/ctsyncd.log"
$N "$CTSYNCD" -C "$T/a.conf" -k
wait_until 5 gone

check "restart" start
kill -9 "$SUP"
check "after the supervisor crashed, its workers exit (channel closed)" \
	wait_until 5 sh -c "! kill -0 $NLW 2>/dev/null && ! kill -0 $SYW 2>/dev/null"
check "the stale lock file is still there" test -e "$D/ctsyncd.lock"
check "and does not block the next start" start
check "which answers" $N "$CTSYNCD" -C "$T/a.conf" -s
$N "$CTSYNCD" -C "$T/a.conf" -k

check "restart" start
# SIGTERM to the whole process group, as Ctrl-C or systemd would send
kill -TERM -"$(ps -o pgid= "$SUP" | tr -d ' ')"
check "a group-wide SIGTERM is a clean stop" wait_until 5 gone
check "... logged as a shutdown, not as a worker failure" sh -c \
	"grep -q -- '---- shutdown received ----' '$D/ctsyncd.log' &&
	 ! grep -q 'stopping ctsyncd' '$D/ctsyncd.log'"

if "$CTSYNCCTL" --help | grep -q test-seccomp; then
	for w in netlink sync; do
		check "restart ($w)" start
		old=$(worker_pid "$SUP" ctsyncd-$w)
		$N "$CTSYNCCTL" -C "$T/a.conf" test-seccomp $w >/dev/null
		if grep -q "SECCOMP_TRAP_MODE 1" "$top_builddir/config.h"; then
			check "trap mode: $w worker survives and names the call" \
				wait_until 5 grep -q "seccomp: trapped forbidden syscall ptrace" "$D/ctsyncd.log"
			$N "$CTSYNCD" -C "$T/a.conf" -k
			continue
		fi
		check "a seccomp violation kills the $w worker; a new one runs" \
			wait_until 5 replaced ctsyncd-$w "$old"
		check "reported as SIGSYS, a seccomp violation" \
			grep -q "$w worker (pid $old) was killed by signal 31 (SIGSYS): seccomp violation" "$D/ctsyncd.log"
		# the kernel's audit record, when it reaches the kernel log,
		# lets the supervisor name the call
		wpid=$(sed -n "s/.*$w worker (pid \([0-9]*\)) was killed by signal 31.*/\1/p" "$D/ctsyncd.log")
		if dmesg 2>/dev/null | grep -q "type=1326.* pid=$wpid "; then
			check "the forbidden call is named: ptrace" \
				grep -q "forbidden system call ptrace (number [0-9]*)" "$D/ctsyncd.log"
		else
			echo "# no audit record in the kernel log: call not named"
		fi
		$N "$CTSYNCD" -C "$T/a.conf" -k
		wait_until 5 gone
	done
	# a worker that breaks the protocol (as a compromised one could):
	# killed and restarted, the daemon goes on
	for w in netlink sync; do
		check "restart ($w, garbage)" start
		old=$(worker_pid "$SUP" ctsyncd-$w)
		$N "$CTSYNCCTL" -C "$T/a.conf" test-garbage $w >/dev/null
		check "a $w worker that sends garbage is killed; a new one runs" \
			wait_until 5 replaced ctsyncd-$w "$old"
		check "... logged: what it sent, and the restart" sh -c \
			"grep -q '$w worker (pid $old) sent a malformed LOG: killing it' '$D/ctsyncd.log' &&
			 grep -q '$w worker (pid $old) was killed by signal 9' '$D/ctsyncd.log'"
		check "... the daemon answers" wait_until 5 $N "$CTSYNCD" -C "$T/a.conf" -s
		$N "$CTSYNCD" -C "$T/a.conf" -k
		wait_until 5 gone
	done
else
	echo "# test hooks not built (configure --enable-test-hooks): seccomp violation not tested"
fi
done_testing
