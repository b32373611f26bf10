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

netns_add sw; SW=$NS
netns_add a; A=$NS
netns_add b; B=$NS
netns_add x; X=$NS
ip -n "$SW" link add br0 type bridge
ip -n "$SW" link set br0 up
plug "$A" veth0 br0 pa
plug "$B" veth0 br0 pb
plug "$X" veth0 br0 px
ip -n "$A" addr add 10.99.0.1/24 dev veth0
ip -n "$B" addr add 10.99.0.2/24 dev veth0
ip -n "$X" addr add 10.99.0.66/24 dev veth0
wait_until 5 sh -c "ip -n $A link show veth0 | grep -q LOWER_UP &&
    ip -n $B link show veth0 | grep -q LOWER_UP &&
    ip -n $X link show veth0 | grep -q LOWER_UP"
for n in a b x; do mkdir -p "$T/$n"; chmod 755 "$T/$n"; done

# conf <name> <mode> <link> <local> <peer>
conf() {
	cat >"$T/$1.conf" <<EOC
General {
	LogFile $T/$1/ctsyncd.log
	LockFile $T/$1/ctsyncd.lock
	UNIX { Path $T/$1/ctl.sock }
}
Sync {
	Mode $2 { }
	$3 {
		IPv4_address $4
		IPv4_Destination_Address $5
		Port 3780
		Interface veth0
	}
}
Privsep { ChrootDirectory $T/$1/empty }
EOC
}
ns_of() { case $1 in a) echo "$A" ;; b) echo "$B" ;; x) echo "$X" ;; esac; }
ctl() { n=$1; shift; ip netns exec "$(ns_of "$n")" "$CTSYNCD" -C "$T/$n.conf" "$@"; }
start_all() { for n in "$@"; do ctl "$n" -d || return 1; done; }
stop_all() {
	for n in a b x; do ctl $n -k >/dev/null 2>&1; done
	return 0
}
ext_has() { ctl b -e | grep -q "$1"; }
ext_lacks() { ! ext_has "$1"; }
# insert <node> <sport>: a state in that node's kernel, sent by its daemon
insert() {
	ip netns exec "$(ns_of "$1")" conntrack -I -p tcp -s 192.0.2.9 \
	    -d 198.51.100.1 --sport "$2" --dport 22 --state ESTABLISHED \
	    -t 300 >/dev/null 2>&1
}
not_from_peer() { ctl b -s network | awk '/Not from the peer:/ { print $NF }'; }

# scenario <mode> <link kind>
scenario() {
	conf a "$1" "$2" 10.99.0.1 10.99.0.2
	conf b "$1" "$2" 10.99.0.2 10.99.0.1
	conf x "$1" "$2" 10.99.0.66 10.99.0.2
	for n in a x; do ip netns exec "$(ns_of $n)" conntrack -F 2>/dev/null; done
	check "$1/$2: A, B and the rogue X start" start_all a b x
	insert a 1111
	insert x 6666
	check "$1/$2: A's state reaches B" wait_until 10 ext_has "sport=1111"
	sleep 1
	check "$1/$2: X's state does not" ext_lacks "sport=6666"
	check "$1/$2: -s network counts what came not from the peer" \
	    test "$(not_from_peer)" -gt 0
	check "$1/$2: the log names the stranger" \
	    grep -q "from 10.99.0.66 .*not the configured peer" "$T/b/ctsyncd.log"
	stop_all
	rm -f "$T/b/ctsyncd.log"
}

scenario FTFW UDP
scenario NOTRACK UDP
scenario ALARM UDP
scenario FTFW TCP

# Protocol sanity without a key: what a forger with the peer's address
# can do is bounded and counted (tests/tools/forge builds the messages).
FORGE="$top_builddir/tests/tools/forge"
network() { ctl "$1" -s network | awk -v k="$2" 'index($0, k) { print $NF }'; }
conf a FTFW UDP 10.99.0.1 10.99.0.2
conf b FTFW UDP 10.99.0.2 10.99.0.1
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
# an ACK, as if from B, of what A never sent
ip netns exec "$B" "$FORGE" -s 10.99.0.2 -q "$now" 10.99.0.1 3780 \
	"ack:$((now - 10)):$((now + 100000000))"
check "sanity: an ACK of what was never sent is refused and counted" \
	wait_until 5 sh -c "test \"\$(ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s network | awk '/ACK.NACK out of range:/ { print \$NF }')\" -ge 1"
# a flood of RESYNC, as if from B: three bulks, then one per gap
set --
i=0; while [ $i -lt 200 ]; do set -- "$@" resync; i=$((i + 1)); done
ip netns exec "$B" "$FORGE" -s 10.99.0.2 -q "$now" 10.99.0.1 3780 "$@"
check "sanity: 200 RESYNC cost A a few bulks; the rest is deferred" \
	wait_until 5 sh -c "test \"\$(ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s network | awk '/Bulk requests deferred:/ { print \$NF }')\" -ge 150"
insert a 3003
check "sanity: replication goes on" wait_until 10 ext_has "sport=3003"
stop_all

# The control: X takes A's address while A's link is down.  Without a key
# the source address is all a link can check, so X is heard.
conf b FTFW UDP 10.99.0.2 10.99.0.1
conf x FTFW UDP 10.99.0.1 10.99.0.2
ip -n "$A" link set veth0 down
ip -n "$X" addr del 10.99.0.66/24 dev veth0
ip -n "$X" addr add 10.99.0.1/24 dev veth0
check "control: B and X (as 10.99.0.1) start" start_all b x
insert x 7777
check "control: a spoofed peer address is heard (no key)" \
	wait_until 10 ext_has "sport=7777"
stop_all
done_testing
