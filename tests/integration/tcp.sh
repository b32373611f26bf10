#!/bin/sh
# TCP links (wire-protocol.md 12.3): each node connects to the other's
# listener and writes only there.  FT-FW between two ctsyncd nodes, one
# started before the other could listen; a stranger's connection that
# breaks the framing is dropped and the peer gets back in; a message cut
# in two writes is put together; NOTRACK's error queue keeps what was sent
# while the peer was down and delivers it when it is back; both ways with
# Debian's conntrackd 1.4.7.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
# tcp_conf <udp conf> <tcp conf> [mode]: the same node over TCP
tcp_conf() {
	sed -e 's/UDP {/TCP {/' -e "s/Mode FTFW/Mode ${3:-FTFW}/" "$1" >"$2"
}
tcp_conf "$T/a.conf" "$T/at.conf"
tcp_conf "$T/b.conf" "$T/bt.conf"
ct() { $NA conntrack "$@" >/dev/null 2>&1; }
# b_has <conf> <pattern>: B's external cache shows it
b_has() { $NB "$CTSYNCD" -C "$1" -e | grep -q "$2"; }
b_count() { test "$($NB "$CTSYNCD" -C "$T/bt.conf" -e | wc -l)" = "$1"; }
# conns <ns> <sport|dport> <n>: n established connections on port 3780
conns() {
	test "$(ip netns exec "$1" ss -Htn state established \
	    "( $2 = :3780 )" | wc -l)" = "$3"
}
# errorq <conf> <pattern>: A's error queue length matches
errorq() {
	$NA "$CTSYNCD" -C "$1" -s queue | grep -A1 '^queue errorq:' |
	    grep -Eq "current elements:[[:space:]]*$2\$"
}
rsq_empty() {
	$NA "$CTSYNCD" -C "$1" -s rsqueue | grep -qx 'resent queue (len=0)'
}

check "A starts over TCP while B is not listening yet" \
	$NA "$CTSYNCD" -C "$T/at.conf" -d
check "no 'not supported' warning" sh -c \
	"! grep -q 'not supported yet' '$DA/ctsyncd.log'"
ct -I -p tcp -s 192.168.5.10 -d 192.168.6.20 --sport 1234 --dport 80 \
	--state ESTABLISHED -t 120 -m 42
sleep 1.2
check "B starts over TCP" $NB "$CTSYNCD" -C "$T/bt.conf" -d
check "A connects to B once B listens" wait_until 5 conns "$A" dport 1
check "B connects to A: one connection each way" wait_until 5 conns "$A" sport 1
check "A's state, created before B was up, reaches B" wait_until 5 \
	b_has "$T/bt.conf" 'sport=1234 .*mark=42'
ct -I -p udp -s 10.9.9.9 -d 10.9.9.10 --sport 1 --dport 2 -t 60
check "a new state reaches B" wait_until 5 b_count 2
ct -U -p tcp -s 192.168.5.10 --sport 1234 -m 43
check "an update too" wait_until 5 b_has "$T/bt.conf" 'sport=1234 .*mark=43'
ct -D -p udp -s 10.9.9.9
check "a destroy too" wait_until 5 b_count 1
check "A's resend queue drains: B's ACKs come back over B's connection" \
	wait_until 10 rsq_empty "$T/at.conf"
check "-s network names the TCP link" sh -c \
	"$NB '$CTSYNCD' -C '$T/bt.conf' -s network | grep -qx 'TCP traffic (active device=veth0) server=connected client=connected:'"

# A stranger connects to B's listener (replacing A's connection, as in
# conntrackd) and sends a message of length 0: B cannot find the next
# message, counts it and closes; A connects again and is heard.
$NA python3 -c '
import socket, struct, time
s = socket.create_connection(("10.99.0.2", 3780))
s.sendall(struct.pack("!BBHI", 0x10, 0, 0, 1))
time.sleep(0.5)
'
check "the broken stream is counted as a bad message size" sh -c \
	"$NB '$CTSYNCD' -C '$T/bt.conf' -s network | grep -q 'Bad message size:[[:space:]]*1$'"
ct -I -p udp -s 10.9.9.11 -d 10.9.9.12 --sport 5 --dport 6 -t 60
check "A gets back in: its next state reaches B" wait_until 10 \
	b_has "$T/bt.conf" 'src=10.9.9.11 '
check "both daemons still run" kill -0 "$(daemon_pid "$DA")" "$(daemon_pid "$DB")"
$NA "$CTSYNCD" -C "$T/at.conf" -k
$NB "$CTSYNCD" -C "$T/bt.conf" -k
check "B starts again, without A's sequence numbers in mind" \
	$NB "$CTSYNCD" -C "$T/bt.conf" -d

# conntrackd's captured CT_NEW (wire-protocol.md 14.1) in two writes,
# cut inside an attribute: B keeps the first part for the second.
$NA python3 -c '
import socket, time
m = bytes.fromhex(
    "10000054 6b02c2b8 000c0000 c0a8010a c0a80214 00080005 0000000c"
    "00050002 06000000 00080003 04d20050 00050004 03000000 00080006"
    "00000078 00080007 0000002a 0010001f 00000000 00000000 00000000")
s = socket.create_connection(("10.99.0.2", 3780))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(m[:30]); time.sleep(0.3); s.sendall(m[30:]); time.sleep(0.3)
'
check "a message cut in two writes is read whole" wait_until 5 \
	b_has "$T/bt.conf" 'src=192.168.1.10 .*sport=1234 .*mark=42'
$NB "$CTSYNCD" -C "$T/bt.conf" -k

# NOTRACK: no repairs, so what A sent while B was down must come from
# A's error queue once B is back.
tcp_conf "$T/a.conf" "$T/an.conf" NOTRACK
tcp_conf "$T/b.conf" "$T/bn.conf" NOTRACK
check "A and B start in NOTRACK over TCP" sh -c \
	"$NA '$CTSYNCD' -C '$T/an.conf' -d && $NB '$CTSYNCD' -C '$T/bn.conf' -d"
check "connected" wait_until 5 conns "$A" dport 1
$NB "$CTSYNCD" -C "$T/bn.conf" -k
for i in 1 2 3 4 5 6 7 8 9 10; do
	ct -I -p udp -s 10.7.0.$i -d 10.7.1.1 --sport 7 --dport 8 -t 120
done
check "A keeps what it could not send in its error queue" wait_until 5 \
	errorq "$T/an.conf" '[1-9][0-9]*'
check "B starts again" $NB "$CTSYNCD" -C "$T/bn.conf" -d
check "the ten states reach B from A's error queue" wait_until 10 sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/bn.conf' -e | grep -c 'src=10.7.0.') = 10"
check "and the queue is empty" errorq "$T/an.conf" 0
$NA "$CTSYNCD" -C "$T/an.conf" -k
$NB "$CTSYNCD" -C "$T/bn.conf" -k

if command -v conntrackd >/dev/null; then
	grep -v Privsep "$T/bt.conf" >"$T/cb.conf"
	check "conntrackd starts as B over TCP" $NB conntrackd -C "$T/cb.conf" -d
	check "ctsyncd starts as A" $NA "$CTSYNCD" -C "$T/at.conf" -d
	check "connected both ways" wait_until 5 sh -c \
		"ip netns exec $A ss -Htn state established '( sport = :3780 or dport = :3780 )' | wc -l | grep -qx 2"
	ct -I -p udp -s 10.6.6.6 -d 10.6.6.7 --sport 9 --dport 10 -t 60
	check "ctsyncd's new state reaches conntrackd" wait_until 5 sh -c \
		"$NB conntrackd -C '$T/cb.conf' -e | grep -q 'src=10.6.6.6 '"
	$NB conntrack -I -p udp -s 10.5.5.5 -d 10.5.5.6 --sport 11 --dport 12 \
		-t 60 >/dev/null 2>&1
	check "conntrackd's new state reaches ctsyncd" wait_until 5 sh -c \
		"$NA '$CTSYNCD' -C '$T/at.conf' -e | grep -q 'src=10.5.5.5 '"
	check "-n on ctsyncd is answered by conntrackd with its table" sh -c \
		"$NA '$CTSYNCD' -C '$T/at.conf' -f external &&
		 $NA '$CTSYNCD' -C '$T/at.conf' -n && sleep 1 &&
		 $NA '$CTSYNCD' -C '$T/at.conf' -e | grep -q 'src=10.5.5.5 '"
	check "ctsyncd's resend queue drains: conntrackd ACKs over TCP" \
		wait_until 10 rsq_empty "$T/at.conf"
	$NB conntrackd -C "$T/cb.conf" -k >/dev/null 2>&1
	$NA "$CTSYNCD" -C "$T/at.conf" -k
else
	echo "# conntrackd is not installed: no interoperability test"
fi
done_testing
