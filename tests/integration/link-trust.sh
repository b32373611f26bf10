#!/bin/sh
# Only the configured peer is heard on a UDP or TCP link.  Three
# namespaces on one bridge: the primary A (10.99.0.1), the backup B
# (10.99.0.2, peer A) and an attacker X (10.99.0.66) running a rogue
# ctsyncd that sends B its own kernel's states.  In FTFW, NOTRACK and
# ALARM over UDP, and FTFW over TCP, X's states must not reach B, and
# B's -s network and log say so; genuine replication from A goes on.
# The control: X spoofing A's address (A's link down) is heard, which is
# what a link without Authentication cannot tell apart.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_segment

# scenario <mode> <link kind>
scenario() {
	node_conf a "$1" "$2" 10.99.0.1 10.99.0.2
	node_conf b "$1" "$2" 10.99.0.2 10.99.0.1
	node_conf x "$1" "$2" 10.99.0.66 10.99.0.2
	for n in a x; do ip netns exec "$(ns_of $n)" conntrack -F 2>/dev/null; done
	check "$1/$2: A, B and the rogue X start" start_all a b x
	insert a 1111
	insert x 6666
	check "$1/$2: A's state reaches B" wait_until 10 ext_has "sport=1111"
	sleep 1
	check "$1/$2: X's state does not" ext_lacks "sport=6666"
	check "$1/$2: -s network counts what came not from the peer" \
	    test "$(network b 'Not from the peer:')" -gt 0
	check "$1/$2: the log names the stranger" \
	    grep -q "from 10.99.0.66 .*not the configured peer" "$T/b/ctsyncd.log"
	stop_all
}

scenario FTFW UDP
scenario NOTRACK UDP
scenario ALARM UDP
scenario FTFW TCP

# Protocol sanity without a key: what a forger with the peer's address
# can do is bounded and counted (tests/tools/forge builds the messages).
FORGE="$top_builddir/tests/tools/forge"
node_conf a FTFW UDP 10.99.0.1 10.99.0.2
node_conf b FTFW UDP 10.99.0.2 10.99.0.1
for n in a x; do ip netns exec "$(ns_of $n)" conntrack -F 2>/dev/null; done
check "sanity: A and B start" start_all a b
insert a 3001
check "sanity: replication works" wait_until 10 ext_has "sport=3001"
now=$(date +%s)
# one datagram 2^30 ahead of A's sequence, as if from A
ip netns exec "$A" "$FORGE" -s 10.99.0.1 -q $((now + 1073741824)) \
	10.99.0.2 3780 alive
insert a 3002
check "sanity: after a sequence jump 2^30 ahead, replication goes on" \
	wait_until 10 ext_has "sport=3002"
check "sanity: ... and B counts it out of window" \
	test "$(network b 'Sequence out of window:')" -ge 1
# an ACK, as if from B, of what A never sent (with a sequence number
# after B's, which started at B's start time and has grown since)
ip netns exec "$B" "$FORGE" -s 10.99.0.2 -q $((now + 10000)) 10.99.0.1 3780 \
	"ack:$((now - 10)):$((now + 100000000))"
check "sanity: an ACK of what was never sent is refused and counted" \
	wait_until 5 sh -c "test \"\$(ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s network | awk '/ACK.NACK out of range:/ { print \$NF }')\" -ge 1"
# a flood of RESYNC, as if from B: three bulks, then one per gap
set --
i=0; while [ $i -lt 200 ]; do set -- "$@" resync; i=$((i + 1)); done
ip netns exec "$B" "$FORGE" -s 10.99.0.2 -q $((now + 20000)) 10.99.0.1 3780 "$@"
check "sanity: 200 RESYNC cost A a few bulks; the rest is deferred" \
	wait_until 5 sh -c "test \"\$(ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s network | awk '/Bulk requests deferred:/ { print \$NF }')\" -ge 150"
insert a 3003
check "sanity: replication goes on" wait_until 10 ext_has "sport=3003"
stop_all

# The control: X takes A's address while A's link is down.  Without a key
# the source address is all a link can check, so X is heard.
node_conf b FTFW UDP 10.99.0.2 10.99.0.1
node_conf x FTFW UDP 10.99.0.1 10.99.0.2
ip -n "$A" link set veth0 down
ip -n "$X" addr del 10.99.0.66/24 dev veth0
ip -n "$X" addr add 10.99.0.1/24 dev veth0
check "control: B and X (as 10.99.0.1) start" start_all b x
insert x 7777
check "control: a spoofed peer address is heard (no key)" \
	wait_until 10 ext_has "sport=7777"
stop_all
done_testing
