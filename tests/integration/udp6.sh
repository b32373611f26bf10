#!/bin/sh
# UDP links over IPv6 (IPv6_address, IPv6_Destination_Address): FT-FW
# between two ctsyncd nodes and both ways with Debian's conntrackd 1.4.7.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
ip -n "$A" addr add 2001:db8:99::1/64 dev veth0 nodad
ip -n "$B" addr add 2001:db8:99::2/64 dev veth0 nodad
v6() {
	sed -i -e "s/IPv4_address $2/IPv6_address $3/" \
	    -e "s/IPv4_Destination_Address $4/IPv6_Destination_Address $5/" "$1"
}
v6 "$T/a.conf" 10.99.0.1 2001:db8:99::1 10.99.0.2 2001:db8:99::2
v6 "$T/b.conf" 10.99.0.2 2001:db8:99::2 10.99.0.1 2001:db8:99::1
ct() { $NA conntrack "$@" >/dev/null 2>&1; }

check "A starts on an IPv6 UDP link" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts on an IPv6 UDP link" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "B's receiving socket is bound to its IPv6 address" sh -c \
	"$NB ss -uln | grep -q '\[2001:db8:99::2\]\(%veth0\)\?:3780'"
ct -I -p tcp -s 192.168.1.10 -d 192.168.2.20 --sport 1234 --dport 80 \
	--state ESTABLISHED -t 120 -m 42
check "a new state reaches B" wait_until 5 sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 .*mark=42'"
ct -D -p tcp -s 192.168.1.10
check "its destroy too" wait_until 5 sh -c \
	"! $NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 '"
# (idle peers exchange an ACK a second, each kept until acknowledged:
# one may always be in flight)
check "A's resend queue drains: B's ACKs come back over IPv6" \
	wait_until 10 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s rsqueue | awk '/^object/ { o++ }
	    /^resent queue/ { split(\$0, a, \"=\"); n = a[2] + 0 }
	    END { exit !(o == 0 && n <= 1) }'"
# what was held, and what B missed, should the drain above fail again
$NA "$CTSYNCD" -C "$T/a.conf" -s rsqueue | head -5 | sed 's/^/# A: /'
$NB "$CTSYNCD" -C "$T/b.conf" -s network | grep -E 'lost|before' | sed 's/^/# B: /'

$NB "$CTSYNCD" -C "$T/b.conf" -k
if command -v conntrackd >/dev/null; then
	grep -v Privsep "$T/b.conf" >"$T/cb.conf"
	check "conntrackd starts as B on the IPv6 link" $NB conntrackd -C "$T/cb.conf" -d
	wait_until 5 $NB conntrackd -C "$T/cb.conf" -s
	ct -I -p udp -s 10.9.9.9 -d 10.9.9.10 --sport 1 --dport 2 -t 60
	check "ctsyncd's states reach conntrackd over IPv6" wait_until 5 sh -c \
		"$NB conntrackd -C '$T/cb.conf' -e | grep -q 'src=10.9.9.9 '"
	$NB conntrackd -C "$T/cb.conf" -k >/dev/null 2>&1
	$NA "$CTSYNCD" -C "$T/a.conf" -k
	grep -v Privsep "$T/a.conf" >"$T/ca.conf"
	check "conntrackd starts as A on the IPv6 link" $NA conntrackd -C "$T/ca.conf" -d
	check "ctsyncd starts as B again" $NB "$CTSYNCD" -C "$T/b.conf" -d
	wait_until 5 $NA conntrackd -C "$T/ca.conf" -s
	check "-n on ctsyncd is answered by conntrackd over IPv6" \
		$NB "$CTSYNCD" -C "$T/b.conf" -n
	check "... with its table" wait_until 5 sh -c \
		"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=10.9.9.9 '"
	$NA conntrackd -C "$T/ca.conf" -k >/dev/null 2>&1
	$NB "$CTSYNCD" -C "$T/b.conf" -k
else
	$NA "$CTSYNCD" -C "$T/a.conf" -k
fi
done_testing
