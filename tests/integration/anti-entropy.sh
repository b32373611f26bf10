#!/bin/sh
# Anti-entropy between two ctsyncd nodes (AntiEntropy 2 s here): B's copy
# of A's table, made wrong in ways the sync protocol does not repair, is
# found and repaired within a round or two, and ctsyncctl health says
# "NOT VERIFIED" (exit non-zero) until it matches, "verified" after.
#   1. FT-FW: states destroyed while A's whole daemon was down (A no
#      longer knows them; 1.4.7's protocol cannot say so) are dropped
#      from B's external cache;
#   2. NOTRACK: datagrams dropped at B (20%, nothing is resent) leave B
#      without some states: they are sent again.
# With Debian's conntrackd as the peer nothing is compared, health says
# so, and conntrackd counts none of ctsyncd's messages as malformed.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
CTLOAD="$top_builddir/bench/ctload"
set_mode() {	# set_mode <FTFW|NOTRACK>: both nodes, AntiEntropy 2
	for f in "$T/a.conf" "$T/b.conf"; do
		sed -i "s/Mode [A-Z]* {.*}/Mode $1 { AntiEntropy 2 }/" "$f"
	done
}
health_b() { ip netns exec "$B" "$CTSYNCCTL" -C "$T/b.conf" health; }
insync_b() { health_b | grep -q "peer's table: verified"; }
field_b() { health_b | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

# --- 1. FT-FW: what A destroyed while it was down -------------------------
set_mode FTFW
check "A starts (FT-FW, AntiEntropy 2)" ctl_a -d
check "B starts" ctl_b -d
health_b >"$T/h0"; status=$?
diag "$(cat "$T/h0")"
check "before any digest, health fails and says why" sh -c \
	"test $status -ne 0 && grep -q 'NOT VERIFIED (no digest' '$T/h0'"
$NA "$CTLOAD" create 5000 31 >/dev/null
check "A's 5000 states reach B" wait_until 20 a_table_on_b
verified_and_healthy() { insync_b && health_b >/dev/null; }
check "B's copy is verified by a digest, health succeeds" \
	wait_until 10 verified_and_healthy
ctl_a -k
wait_until 5 sh -c "! test -e $T/a/ctsyncd.lock"
$NA "$CTLOAD" delete 1000 31 >/dev/null	# gone while no daemon listened
$NA "$CTLOAD" create 500 32 >/dev/null
check "A starts again" ctl_a -d
check "B's copy becomes exact again: the new states came, the 1000 gone \
are dropped" wait_until 20 a_table_on_b
diag "$(health_b)"
check "... counted as stale entries removed" test "$(field_b stale_removed)" -ge 1000
check "... and verified again" wait_until 10 insync_b
ctl_a -k; ctl_b -k
wait_until 5 sh -c "! test -e $T/a/ctsyncd.lock && ! test -e $T/b/ctsyncd.lock"
$NA conntrack -F >/dev/null 2>&1

# --- 2. NOTRACK: datagrams lost for good ----------------------------------
set_mode NOTRACK
check "A and B start (NOTRACK, AntiEntropy 2)" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
wait_until 10 insync_b
lose_sync "$B" 20
$NA "$CTLOAD" create 3000 33 >/dev/null
sleep 0.5
lose_sync_end "$B"
$NA conntrack -L 2>/dev/null | load_tuples >"$T/kernel"
ctl_b -e | load_tuples >"$T/external"
diag "B holds $(wc -l <"$T/external") of $(wc -l <"$T/kernel") right after the loss"
check "the loss left B without some states (the test means something)" \
	test "$(wc -l <"$T/external")" -lt "$(wc -l <"$T/kernel")"
check "within a few rounds B holds all of them" wait_until 15 a_table_on_b
check "... found by a digest that differed, and repaired" \
	test "$(field_b mismatches)" -ge 1
check "... and verified again" wait_until 10 insync_b
ctl_a -k; ctl_b -k
wait_until 5 sh -c "! test -e $T/a/ctsyncd.lock && ! test -e $T/b/ctsyncd.lock"

# --- 3. conntrackd as the peer: nothing compared ------------------------
if command -v conntrackd >/dev/null; then
	set_mode FTFW
	grep -v -e Privsep -e AntiEntropy "$T/a.conf" >"$T/ca.conf"
	sed -i 's/Mode FTFW { AntiEntropy 2 }/Mode FTFW { }/' "$T/ca.conf"
	check "conntrackd as A, ctsyncd as B" sh -c \
		"$NA conntrackd -C '$T/ca.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
	sleep 5	# two rounds of CAPS
	health_b >"$T/h3"
	diag "$(cat "$T/h3")"
	check "health says no ctsyncd peer sent a digest" \
		grep -q "NOT VERIFIED (no digest" "$T/h3"
	check "conntrackd counted none of ctsyncd's messages as malformed" sh -c \
		"$NA conntrackd -C '$T/ca.conf' -s network |
		 awk '/Malformed|Bad message|Truncated/ { s += \$NF } END { exit s != 0 }'"
	$NA conntrackd -C "$T/ca.conf" -k >/dev/null 2>&1
	ctl_b -k
fi
done_testing
