#!/bin/sh
# systemd's notifications, with a stand-in for systemd's notify socket:
# READY=1 with MAINPID= (the daemon's pid after -d's fork), then
# WATCHDOG=1 every half WATCHDOG_USEC while both workers answer; a worker
# that stops answering (SIGSTOP) stops the watchdog, and it resumes after.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is not installed"

make_one_node

# the notify socket: each datagram one line, newlines as spaces
python3 - "$T/notify" "$T/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode().replace("\n", " ") + "\n")
PY
PIDS="$PIDS $!"
wait_until 5 test -S "$T/notify"
fed() { grep -c "^WATCHDOG=1" "$T/notify.log"; }

check "ctsyncd starts under a watchdog of 600 ms" env NOTIFY_SOCKET="$T/notify" \
	WATCHDOG_USEC=600000 $N "$CTSYNCD" -C "$T/a.conf" -d
SUP=$(daemon_pid "$D")
check "READY=1 with MAINPID= the daemon's pid (after the fork)" \
	wait_until 5 grep -q "^READY=1 MAINPID=$SUP\$" "$T/notify.log"
check "WATCHDOG=1 comes while both workers answer" \
	wait_until 5 sh -c "test \$(grep -c '^WATCHDOG=1' '$T/notify.log') -ge 3"
for w in ctsyncd-sync ctsyncd-netlink; do
	pid=$(worker_pid "$SUP" $w)
	kill -STOP "$pid"
	sleep 0.7
	before=$(fed)
	sleep 1.5
	check "$w stopped: no WATCHDOG=1 for 1.5 s" test "$(fed)" = "$before"
	kill -CONT "$pid"
	check "$w running again: WATCHDOG=1 again" \
		wait_until 5 sh -c "test \$(grep -c '^WATCHDOG=1' '$T/notify.log') -gt $before"
done
$N "$CTSYNCD" -C "$T/a.conf" -k
check "STOPPING=1 at the end" wait_until 5 grep -q "^STOPPING=1" "$T/notify.log"
: >"$T/notify.log"
check "a WATCHDOG_PID of another process: no watchdog" env \
	NOTIFY_SOCKET="$T/notify" WATCHDOG_USEC=600000 WATCHDOG_PID=1 \
	$N "$CTSYNCD" -C "$T/a.conf" -d
sleep 1.5
check "... READY=1, but no WATCHDOG=1" sh -c \
    "grep -q '^READY=1' '$T/notify.log' && ! grep -q '^WATCHDOG=1' '$T/notify.log'"
$N "$CTSYNCD" -C "$T/a.conf" -k
done_testing
