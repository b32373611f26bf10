#!/bin/sh
# Bad input on the dedicated link: hand-made malformed datagrams sent to a
# running ctsyncd are each counted in their `-s network' class and dropped;
# the daemon keeps running and keeps replicating.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is not installed"

make_nodes
net() { $NB "$CTSYNCD" -C "$T/b.conf" -s network |
    awk -F'\t' -v k="$1:" '$3 == k { print $NF + 0 }'; }
# send <name>: one hand-made datagram from A to B's sync port, built from
# the CT_NEW captured in wire-protocol.md 14.1 with a fresh sequence number
send() {
	$NA python3 - "$1" <<'EOP'
import socket, struct, sys
good = bytes.fromhex(
    "100000546b02c2b8000c0000c0a8010ac0a80214000800050000000c00050002"
    "060000000008000304d20050000500040300000000080006000000780008"
    "000700" "00002a0010001f" + "00" * 12)
def seq(m, n):
    return m[:4] + struct.pack(">I", n) + m[8:]
bad = {
    "truncated": good[:5],
    "len0": good[:2] + b"\0\0" + good[4:],
    "pastend": good[:2] + struct.pack(">H", 200) + good[4:],
    "version": bytes([0x20]) + good[1:],
    "type7": bytes([0x17]) + good[1:],
    "badid": seq(good[:22] + struct.pack(">H", 40) + good[24:], 1),
    "badsize": seq(good[:20] + struct.pack(">H", 10) + good[22:], 2),
    "good": seq(good, 3),
}[sys.argv[1]]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(bad, ("10.99.0.2", 3780))
EOP
}
expect() {	# expect <counter> <value> <description>
	check "$3" wait_until 3 sh -c "test \"\$($NB '$CTSYNCD' -C '$T/b.conf' -s network | awk -F'\t' -v k='$1:' '\$3 == k { print \$NF + 0 }' | head -1)\" = $2"
}

check "B starts" $NB "$CTSYNCD" -C "$T/b.conf" -d
send truncated
expect "Truncated message" 1 "5 bytes: truncated message"
send len0
expect "Bad message size" 1 "length 0: bad message size"
send pastend
expect "Bad message size" 2 "length past the end: bad message size"
send version
expect "Wrong protocol version" 1 "version 2: wrong protocol version"
send type7
expect "Malformed header" 1 "message type 7: malformed header"
send badid
expect "Malformed payload" 1 "attribute id out of range: malformed payload"
send badsize
expect "Malformed payload" 2 "wrong fixed size: malformed payload"
check "the malformed total adds them up" \
	test "$(net 'Malformed messages' | head -1)" = 7
check "B is still running" $NB "$CTSYNCD" -C "$T/b.conf" -s
check "no bad message reached the external cache" \
	test "$($NB "$CTSYNCD" -C "$T/b.conf" -e | wc -l)" = 0
send good
check "the untouched message is accepted (so the others failed for their fault)" \
	wait_until 3 sh -c "$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=192.168.1.10 dst=192.168.2.20 sport=1234 dport=80 .*mark=42'"
check "and nothing more was counted" test "$(net 'Malformed messages' | head -1)" = 7

check "A starts" $NA "$CTSYNCD" -C "$T/a.conf" -d
$NA conntrack -I -p udp -s 10.9.9.9 -d 10.9.9.10 --sport 1 --dport 2 \
	-t 60 >/dev/null 2>&1
check "and replication still works" wait_until 5 sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=10.9.9.9'"
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
