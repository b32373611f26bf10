#!/bin/sh
# Anti-entropy in hot standby (DisableExternalCache on both nodes,
# AntiEntropy 2 s): B's kernel is compared with A's table, not a cache.
# B keeps a record of what it wrote into its kernel for A and loses it
# when its kernel drops an entry behind the daemon's back, so that:
#   1. FT-FW: entries deleted from B's kernel by someone else (conntrack
#      -D) are found by the next digest and written again; health says
#      NOT VERIFIED in between, verified after;
#   2. NOTRACK: datagrams lost for good (20% dropped at B) leave B's
#      kernel without some states: they are sent again;
#   3. -e prints nothing on B and -f does not empty the record (a flush
#      would make A send its whole table again);
#   4. a node standing down (-t, its purge pending) neither sends its
#      digest nor answers a difference with its stale table.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
CTLOAD="$top_builddir/bench/ctload"
cp "$T/a.conf" "$T/a.orig"; cp "$T/b.conf" "$T/b.orig"
set_mode() {	# set_mode <FTFW|NOTRACK>: hot standby, AntiEntropy 2
	for n in a b; do
		sed "s/Mode FTFW { }/Mode $1 {\\n\\t\\tDisableExternalCache on\\n\\t\\tAntiEntropy 2\\n\\t}/" \
		    "$T/$n.orig" >"$T/$n.conf"
	done
}
health_b() { ip netns exec "$B" "$CTSYNCCTL" -C "$T/b.conf" health; }
insync_b() { health_b | grep -q "peer's table: verified"; }
# health says NOT VERIFIED for a digest that differed, and fails
not_insync_b() {
	health_b >"$T/h"; st=$?
	grep -q "peer's table: NOT VERIFIED (the last" "$T/h" && test $st -ne 0
}
field_b() { health_b | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
# A's ctload entries are all in B's kernel, and no more
a_kernel_on_b() {
	$NA conntrack -L 2>/dev/null | load_tuples >"$T/ka"
	$NB conntrack -L 2>/dev/null | load_tuples >"$T/kb"
	cmp -s "$T/ka" "$T/kb"
}
count_b() { $NB conntrack -L 2>/dev/null | load_tuples | wc -l; }
stop_both() {
	ctl_a -k; ctl_b -k
	wait_until 5 sh -c "! test -e $T/a/ctsyncd.lock && ! test -e $T/b/ctsyncd.lock"
	$NA conntrack -F >/dev/null 2>&1; $NB conntrack -F >/dev/null 2>&1
}

# --- 1. FT-FW: entries deleted from B's kernel behind the daemon's back ---
set_mode FTFW
check "A and B start (hot standby, FT-FW, AntiEntropy 2)" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
$NA "$CTLOAD" create 3000 31 >/dev/null
check "A's 3000 states reach B's kernel" wait_until 20 a_kernel_on_b
check "B's kernel copy is verified by a digest" wait_until 10 insync_b
ext_empty_b() { out=$(ctl_b -e) && test -z "$out"; }
check "-e prints nothing on a hot standby" ext_empty_b
ctl_b -f >/dev/null
sleep 5		# two rounds: a flushed record would differ now
verified_unchanged() { insync_b && test "$(field_b mismatches)" = 0; }
check "-f does not empty the record of B's kernel (still verified, \
nothing sent again)" verified_unchanged
$NB "$CTLOAD" delete 700 31 >/dev/null	# conntrack -D, 700 times
diag "B's kernel holds $(count_b) of A's 3000 after the deletion"
check "health says NOT VERIFIED once a digest differs, and fails" \
	wait_until 5 not_insync_b
check "B's kernel holds all of A's states again" wait_until 15 a_kernel_on_b
diag "$(health_b)"
check "... the 700 counted as dropped by the kernel" \
	test "$(field_b kernel_dropped)" -ge 700
check "... found by a digest that differed" test "$(field_b mismatches)" -ge 1
check "... and verified again" wait_until 10 insync_b
check "health succeeds then" health_b
stop_both

# --- 2. NOTRACK: datagrams lost for good ------------------------------------
set_mode NOTRACK
check "A and B start (hot standby, NOTRACK, AntiEntropy 2)" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
wait_until 10 insync_b
lose_sync "$B" 20
$NA "$CTLOAD" create 3000 33 >/dev/null
sleep 0.5
lose_sync_end "$B"
diag "B's kernel holds $(count_b) of 3000 right after the loss"
check "the loss left B's kernel without some states (the test means \
something)" test "$(count_b)" -lt 3000
check "within a few rounds B's kernel holds all of them" \
	wait_until 15 a_kernel_on_b
check "... sent again for a digest that differed" \
	test "$(field_b mismatches)" -ge 1
check "... and verified again" wait_until 10 insync_b

# --- 4. standing down: no stale table for the peer's kernel ----------------
health_a() { ip netns exec "$A" "$CTSYNCCTL" -C "$T/a.conf" health; }
mismatches_a() { health_a | tr ' ' '\n' | awk -F= '$1 == "mismatches" { print $2 }'; }
$NB "$CTLOAD" create 200 34 >/dev/null		# B's own states
in_a_34() { test "$($NA conntrack -L 2>/dev/null | grep -c 'src=34\.')" = 200; }
check "B's own 200 states reach A's kernel" wait_until 10 in_a_34
before=$(mismatches_a)
ctl_b -t			# B goes backup: its purge is pending
$NA "$CTLOAD" delete 200 34 >/dev/null	# gone from A's kernel
sleep 5				# two rounds
check "B standing down does not write its stale table into A's kernel" \
	sh -c "! $NA conntrack -L 2>/dev/null | grep -q 'src=34\\.'"
check "... it sends no digest: A compared nothing since" \
	test "$(mismatches_a)" = "$before"
stop_both
done_testing
