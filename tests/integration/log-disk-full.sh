#!/bin/sh
# Fault: the LogFile's file system is full (a 256 KiB tmpfs, filled).  The
# daemon goes on replicating, nothing crashes; once there is room again,
# SIGHUP (as logrotate sends) brings the log back.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
SMALL="$T/small"
mkdir -p "$SMALL"
mount -t tmpfs -o size=256k tmpfs "$SMALL" || skip_all "cannot mount a tmpfs"
trap 'umount "$SMALL" 2>/dev/null; cleanup' EXIT INT TERM
sed -i "s|LogFile $DA/ctsyncd.log|LogFile $SMALL/ctsyncd.log|" "$T/a.conf"
CTLOAD="$top_builddir/bench/ctload"
ctl_a() { $NA "$CTSYNCD" -C "$T/a.conf" "$@"; }
ctl_b() { $NB "$CTSYNCD" -C "$T/b.conf" "$@"; }

check "A starts, logging to a small file system" ctl_a -d
check "B starts" ctl_b -d
dd if=/dev/zero of="$SMALL/fill" bs=4k count=100 2>/dev/null
check "the file system is full" sh -c "! echo x >>'$SMALL/probe'"
SUP=$(daemon_pid "$DA")
# logs a line per request, a warning per stranger: plenty to write
for i in 1 2 3 4 5 6 7 8 9 10; do ctl_a -s >/dev/null; done
$NA "$CTLOAD" create 5000 >/dev/null
check "replication goes on" wait_until 30 sh -c \
    "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 5000"
kill -HUP "$SUP"
sleep 0.5
check "the daemon is alive with a full log, SIGHUP too" ctl_a -s
ctl_a -k >/dev/null 2>&1
check "... and stops when asked" wait_until 5 sh -c "! kill -0 $SUP 2>/dev/null"
check "ctsyncd starts on a full file system too" ctl_a -d
SUP=$(daemon_pid "$DA")
rm -f "$SMALL/fill"
kill -HUP "$SUP"
check "with room again, SIGHUP brings the log back" \
	wait_until 5 grep -q "log files reopened" "$SMALL/ctsyncd.log"
ctl_a -k
ctl_b -k
done_testing
