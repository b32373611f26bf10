#!/bin/sh
# A worker that dies is restarted, and nothing is lost: a replicating pair
# (A primary, B backup, FT-FW/UDP), each worker of each node killed in
# turn while A's table changes; afterwards A's internal cache and B's
# external cache equal A's live kernel table, entry by entry.  Requests
# during a restart fail clearly or wait, never hang; restarts are logged
# and counted; a worker that keeps dying stops the daemon.  Then the same
# with Debian's conntrackd as the peer, on either side.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
CTLOAD="$top_builddir/bench/ctload"
load_a() { $NA "$CTLOAD" "$@" >/dev/null; }
# in_sync <A's client> <B's client>: A's kernel, A's internal cache and
# B's external cache hold the same entries (diff in $T/*.diff)
in_sync() {
	$NA conntrack -L 2>/dev/null | load_tuples >"$T/kernel"
	$1 -i | load_tuples >"$T/internal"
	$2 -e | load_tuples >"$T/external"
	diff "$T/kernel" "$T/internal" >"$T/internal.diff" &&
	    diff "$T/kernel" "$T/external" >"$T/external.diff"
}
show_diff() { diag "$(wc -l <"$T/kernel") in the kernel; $(head -c 600 "$T/internal.diff" "$T/external.diff")"; }
pid_of() {	# pid_of a|b ctsyncd-netlink|ctsyncd-sync
	worker_pid "$(daemon_pid "$T/$1")" "$2"
}
restarted() {	# restarted <node> <binary> <old pid>
	p=$(pid_of "$1" "$2")
	[ -n "$p" ] && [ "$p" != "$3" ] && grep -q "restarted (pid $p)" "$T/$1/ctsyncd.log"
}

check "A and B start" sh -c "$NA '$CTSYNCD' -C '$T/a.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
load_a create 20000
check "20000 states replicated" wait_until 30 in_sync ctl_a ctl_b

# kill_worker <node> <binary> <what A's table does meanwhile...>
kill_worker() {
	n=$1; bin=$2; shift 2
	old=$(pid_of "$n" "$bin")
	kill -9 "$old"
	"$@"
	check "$n's $bin is restarted" wait_until 10 restarted "$n" "$bin" "$old"
	check "... the death is logged with its cause" grep -q \
	    "(pid $old) was killed by signal 9 (SIGKILL); restarting it" \
	    "$T/$n/ctsyncd.log"
	if wait_until 30 in_sync ctl_a ctl_b; then
		ok 0 "... A's kernel, A's internal and B's external caches agree"
	else
		ok 1 "... A's kernel, A's internal and B's external caches agree"
		show_diff
	fi
}
changes() {	# changes <delete N net> <create N net>
	load_a delete "$1" "$2"
	load_a create "$3" "$4"
}
kill_worker a ctsyncd-netlink changes 5000 10 3000 11
kill_worker a ctsyncd-sync changes 3000 11 2000 12
kill_worker b ctsyncd-sync changes 1000 12 1000 13
kill_worker b ctsyncd-netlink changes 1000 13 1000 14
check "health counts the restarts" sh -c \
    "ip netns exec $A '$CTSYNCCTL' -C '$T/a.conf' health | grep -q 'worker_restarts=2'"

# A request while a worker restarts: an answer or a clear error, soon.
old=$(pid_of a ctsyncd-sync)
kill -STOP "$old"
$NA "$CTSYNCCTL" -C "$T/a.conf" stats >/dev/null 2>"$T/asking.err" &
asking=$!
sleep 0.5
kill -9 "$old"
check "a request caught by a worker's death ends (no hang)" \
	wait_until 10 sh -c "! kill -0 $asking 2>/dev/null"
wait $asking
check "... with an error that says why" sh -c \
    "test $? -ne 0 && grep -q 'the sync worker died; it is being restarted' '$T/asking.err'"
check "a request after the restart is answered" wait_until 10 ctl_a -s
check "and the caches agree again" wait_until 30 in_sync ctl_a ctl_b

# A worker that keeps dying: the fifth death within a minute stops ctsyncd.
sup=$(daemon_pid "$T/b")
i=0
while [ $i -lt 6 ] && kill -0 "$sup" 2>/dev/null; do
	p=$(wait_until 10 sh -c "pgrep -P $sup -x ctsyncd-sync >/dev/null" &&
	    pid_of b ctsyncd-sync)
	[ -n "$p" ] && kill -9 "$p"
	i=$((i + 1))
	sleep 0.3
done
check "a crash loop stops the daemon" wait_until 10 sh -c "! kill -0 $sup 2>/dev/null"
check "... saying why" grep -q "deaths within 60 seconds, giving up" "$T/b/ctsyncd.log"
ctl_a -k >/dev/null 2>&1
wait_until 5 sh -c "! test -e $T/a/ctsyncd.lock"

if ! command -v conntrackd >/dev/null; then
	echo "# conntrackd is not installed: no restart test against it"
	done_testing
	exit 0
fi
# conntrackd's configuration for a node: the same, without Privsep
grep -v Privsep "$T/a.conf" >"$T/ca.conf"
grep -v Privsep "$T/b.conf" >"$T/cb.conf"
cd_a() { $NA conntrackd -C "$T/ca.conf" "$@"; }
cd_b() { $NB conntrackd -C "$T/cb.conf" "$@"; }
$NA conntrack -F 2>/dev/null
rm -f "$T/a/ctsyncd.log" "$T/b/ctsyncd.log"

# ctsyncd primary, conntrackd backup
check "ctsyncd A and conntrackd B start" sh -c "$NA '$CTSYNCD' -C '$T/a.conf' -d && $NB conntrackd -C '$T/cb.conf' -d"
wait_until 5 cd_b -s
load_a create 5000
check "5000 states reach conntrackd" wait_until 30 in_sync ctl_a cd_b
# conntrackd as the backup, 5% of A's datagrams lost on their way to it:
# a restarted worker's messages must all be repaired.  (conntrackd 1.4.7
# repairs no loss of messages that carry HELLO, so ctsyncd sends no data
# before conntrackd answers its HELLO.)
$NB nft -f - <<EON
table inet loss {
	chain in {
		type filter hook input priority 0;
		udp dport 3780 numgen random mod 100 < 5 counter drop
	}
}
EON
internal_ok() { in_sync ctl_a "$bclient"; test ! -s "$T/internal.diff"; }
kill_interop() {	# kill_interop <node> <binary> <B's client>
	old=$(pid_of "$1" "$2")
	kill -9 "$old"
	changes 1000 10 1000 11
	check "with conntrackd: $1's $2 is restarted" \
	    wait_until 10 restarted "$1" "$2" "$old"
	bclient=$3
	check "... A's internal cache is A's kernel" wait_until 30 internal_ok
	if wait_until 30 in_sync ctl_a "$bclient"; then
		ok 0 "... and conntrackd's external cache too"
	else
		ok 1 "... and conntrackd's external cache too"
		diag "$(grep -c '^<' "$T/external.diff") missing, $(grep -c '^>' "$T/external.diff") stale"
	fi
}
kill_interop a ctsyncd-sync cd_b
kill_interop a ctsyncd-netlink cd_b
diag "datagrams dropped on their way to B: $($NB nft list table inet loss | grep -o 'packets [0-9]*')"
$NB nft delete table inet loss
ctl_a -k >/dev/null 2>&1
cd_b -k >/dev/null 2>&1
wait_until 5 sh -c "! test -e $T/a/ctsyncd.lock"
$NA conntrack -F 2>/dev/null

# conntrackd primary, ctsyncd backup: a restarted sync worker gets the
# whole table back from conntrackd (FT-FW RESYNC)
check "conntrackd A and ctsyncd B start" sh -c "$NA conntrackd -C '$T/ca.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
wait_until 5 cd_a -s
load_a create 5000
check "5000 states reach ctsyncd" wait_until 30 in_sync cd_a ctl_b
old=$(pid_of b ctsyncd-sync)
kill -9 "$old"
check "B's sync worker is restarted" wait_until 10 restarted b ctsyncd-sync "$old"
check "... and asks conntrackd for the states it lost" \
	wait_until 30 in_sync cd_a ctl_b
cd_a -k >/dev/null 2>&1
ctl_b -k >/dev/null 2>&1
done_testing
