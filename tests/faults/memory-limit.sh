#!/bin/sh
# Fault: a worker at its memory limit.  In a test build the address space
# (RLIMIT_AS) of the primary's first sync worker, then (in a second run)
# of its first netlink worker, is capped (CTSYNCD_TEST_RLIMIT_AS, see
# supervisor/spawn.c), then 260k states arrive (the kernel's default
# table size; for the netlink worker while the sync worker is frozen, so
# that it has to hold them).  Whatever cannot be allocated is refused and counted (-s
# cache: creation failed) or, where a process cannot go on without it,
# the worker dies and is restarted, logged with the cause (its successor
# has no cap).  Either way the daemon lives on, and once the table is
# small again, the backup's external cache equals the primary's table,
# entry by entry.
. "$(dirname "$0")/../integration/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
"$CTSYNCCTL" --help | grep -q test-seccomp ||
    skip_all "test hooks not built (configure --enable-test-hooks)"
CTLOAD="$top_builddir/bench/ctload"
load_a() { $NA "$CTLOAD" "$@" >/dev/null 2>&1; }

make_nodes
big_tables
in_sync() {
	$NA conntrack -L 2>/dev/null | load_tuples >"$T/kernel"
	ctl_b -e | load_tuples >"$T/external"
	diff "$T/kernel" "$T/external" >"$T/diff"
}
create_failed() {	# create_failed a internal: the failed half of OK/failed
	ctl_"$1" -s cache | awk -v c="cache:$2" 'index($0, c) == 1 { f = 1 }
	    f && /creation OK\/failed/ { print $NF + 0; exit }'
}

check "B starts" $NB "$CTSYNCD" -C "$T/b.conf" -d
round=10
for w in ctsyncd-sync:24 ctsyncd-netlink:6; do
	bin=${w%:*}; mib=${w#*:}
	check "A starts, its first $bin capped at $mib MiB" env \
	    CTSYNCD_TEST_RLIMIT_AS="$bin:$((mib * 1048576))" \
	    $NA "$CTSYNCD" -C "$T/a.conf" -d
	sup=$(daemon_pid "$T/a")
	p=$(worker_pid "$sup" "$bin")
	diag "$bin at start: $(status_field "$p" VmSize) kB"
	# the netlink worker holds events only while the sync worker does
	# not take them: frozen meanwhile, it makes the netlink worker grow
	frozen=""
	[ "$bin" = ctsyncd-netlink ] && frozen=$(worker_pid "$sup" ctsyncd-sync) &&
	    kill -STOP "$frozen"
	load_a create 300000 "$round"
	[ -n "$frozen" ] && sleep 2 && kill -CONT "$frozen"
	sleep 5
	diag "A's kernel: $($NA conntrack -C) states; A's internal cache: $(cache_current a internal), creation failed: $(create_failed a internal)"
	check "... the daemon lives" kill -0 "$sup"
	if kill -0 "$p" 2>/dev/null; then
		diag "$bin lives on, $(status_field "$p" VmSize) kB"
		[ "$bin" = ctsyncd-sync ] &&
		    check "... what it could not hold is counted" \
		    test "$(create_failed a internal)" -gt 0
	else
		diag "$bin died: $(grep -B3 "(pid $p) .*restarting it" "$T/a/ctsyncd.log" | cut -d']' -f3- | tr '\n' '|')"
		check "... it died and was restarted, logged with the cause" \
		    grep -q "(pid $p) .*; restarting it" "$T/a/ctsyncd.log"
	fi
	check "... -s answers" ctl_a -s
	load_a delete 300000 "$round"
	load_a create 2000 $((round + 50))
	if wait_until 60 in_sync; then ok 0 "... once the table is small: B's external cache is A's table"
	else ok 1 "... once the table is small: B's external cache is A's table"; diag "$(grep -c '^<' "$T/diff") missing, $(grep -c '^>' "$T/diff") stale"; fi
	load_a delete 2000 $((round + 50))
	wait_until 30 in_sync
	ctl_a -k >/dev/null 2>&1
	wait_until 5 sh -c "! test -e $T/a/ctsyncd.lock"
	round=$((round + 1))
done
ctl_b -k >/dev/null 2>&1
done_testing
