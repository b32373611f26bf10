#!/bin/sh
# Anti-entropy with three nodes on one multicast group (AntiEntropy 2):
# each node compares its copy of each other node's table on its own (a
# digest per sender), a difference is answered by the node it concerns
# only, and a stale entry is dropped only from that node's share.
#   1. FT-FW: x's states destroyed while x's whole daemon was down are
#      dropped from a's and b's external caches; a's and b's states stay;
#      a and b ignore each other's DIFFs to x;
#   2. NOTRACK: 20% of the datagrams lost at x leave x without some of
#      a's states: a sends them again; x's health says NOT VERIFIED in
#      between, verified after;
#   3. with Debian's conntrackd as x, a and b still verify each other.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_segment
health() { ip netns exec "$(ns_of "$1")" "$CTSYNCCTL" -C "$T/$1.conf" health; }
field() { health "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
verified() { health "$1" >"$T/h.$1" && grep -q "peer's table: verified" "$T/h.$1"; }
all_verified() { for n in "$@"; do verified "$n" || return 1; done; }
not_verified() {
	health "$1" >"$T/h.$1"; st=$?
	grep -q "peer's table: NOT VERIFIED (the last" "$T/h.$1" && test $st -ne 0
}
confs() {	# confs <FTFW|NOTRACK>
	for n in $NODES; do
		node_conf $n "$1" Multicast "$(ip -n "$(ns_of $n)" -4 -o addr \
		    show veth0 | awk '{ split($4, a, "/"); print a[1] }')"
		sed -i "s/Mode $1 { }/Mode $1 { AntiEntropy 2 }/" "$T/$n.conf"
		ip netns exec "$(ns_of $n)" conntrack -F >/dev/null 2>&1
	done
}

# --- 1. FT-FW: what x destroyed while it was down --------------------------
confs FTFW
check "three ctsyncd nodes start on one group (FT-FW, AntiEntropy 2)" \
	start_all a b x
for n in $NODES; do load $n create 2000 & done; wait
check "each node holds the other two's 4000 states" wait_until 20 all_exact
check "every node's copies of the two others are verified" \
	wait_until 10 all_verified a b x
check "... both other nodes heard" test "$(field a nodes_heard)" = 2
ctl x -k
wait_until 5 sh -c "! test -e $T/x/ctsyncd.lock"
load x delete 1000			# gone while x's daemon was down
check "x starts again" ctl x -d
check "a and b drop the 1000 and keep the rest: every node exact" \
	wait_until 20 all_exact
for n in $NODES; do
	exact $n || diag "$n: $(wc -l <"$T/got.$n") states, $(wc -l <"$T/want") expected"
done
check "... counted as stale on a and on b" sh -c \
	"test $(field a stale_removed) -ge 1000 && test $(field b stale_removed) -ge 1000"
diag "$(health a | grep "peer's table")"
check "... x sent its ranges again; a and b heard each other's DIFF to x \
and left it (a DIFF is for the node it names)" sh -c \
	"test $(field x repairs_for_peer) -ge 1 &&
	 test $(field a diffs_for_other_nodes) -ge 1 && test $(field b diffs_for_other_nodes) -ge 1"
check "... and all verified again" wait_until 10 all_verified a b x
stop_all

# --- 2. NOTRACK: datagrams lost for good at x -------------------------------
confs NOTRACK
check "three ctsyncd nodes start (NOTRACK, AntiEntropy 2)" start_all a b x
wait_until 10 all_verified a b x
lose_sync "$X" 20
load a create 3000 20000 16
sleep 0.5
lose_sync_end "$X"
kernel_of a >"$T/ka"; ctl x -e | load_tuples >"$T/ex"
diag "x holds $(wc -l <"$T/ex") of a's $(wc -l <"$T/ka") right after the loss"
check "the loss left x without some of a's states (the test means something)" \
	test "$(wc -l <"$T/ex")" -lt "$(wc -l <"$T/ka")"
check "x's health says NOT VERIFIED for it, and fails" wait_until 5 not_verified x
check "within a few rounds every node is exact" wait_until 15 all_exact
check "... sent again by a alone" sh -c \
	"test $(field a entries_resent_for_peer) -ge 1 && test $(field b entries_resent_for_peer) = 0"
check "... and x verified again" wait_until 10 verified x
stop_all

# --- 3. conntrackd as x: a and b still compare each other ------------------
if command -v conntrackd >/dev/null; then
	confs NOTRACK
	grep -v -e Privsep -e AntiEntropy "$T/x.conf" >"$T/cx.conf"
	sed -i 's/Mode NOTRACK { AntiEntropy 2 }/Mode NOTRACK { }/' "$T/cx.conf"
	ctl a -d && ctl b -d && ip netns exec "$X" conntrackd -C "$T/cx.conf" -d
	ok $? "a, b and Debian's conntrackd as x start on one group"
	wait_until 5 ip netns exec "$X" conntrackd -C "$T/cx.conf" -s >/dev/null
	for n in a b; do load $n create 1000 20000 16 & done; wait
	check "a and b verify their copies of each other, conntrackd beside them" \
		wait_until 10 all_verified a b
	check "... with three nodes heard" test "$(field a nodes_heard)" = 2
	check "conntrackd counted none of their messages as malformed" sh -c \
		"ip netns exec $X conntrackd -C $T/cx.conf -s network |
		 awk '/Malformed|Bad message|Truncated/ { s += \$NF } END { exit s != 0 }'"
	ip netns exec "$X" conntrackd -C "$T/cx.conf" -k >/dev/null 2>&1
	stop_all
fi
done_testing
