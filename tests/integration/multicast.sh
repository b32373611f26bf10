#!/bin/sh
# Multicast links (wire-protocol.md 12.2), IPv4 and IPv6: FT-FW between
# two ctsyncd nodes through a group, both ways with Debian's conntrackd
# 1.4.7; a datagram that reaches the port without being sent to the group
# is not read (1.4.7 reads it).
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
ip -n "$A" addr add 2001:db8:99::1/64 dev veth0 nodad
ip -n "$B" addr add 2001:db8:99::2/64 dev veth0 nodad

# mcast_conf <file> <dir> <IPv4_interface>: FT-FW over 225.0.0.50:3780;
# with a fourth argument, over the IPv6 group ff02::3780 instead
mcast_conf() {
	if [ $# -gt 3 ]; then
		link="IPv6_address ff02::3780
		Interface veth0"
	else
		link="IPv4_address 225.0.0.50
		IPv4_interface $3
		Interface veth0"
	fi
	cat >"$1" <<EOC
General {
	LogFile $2/ctsyncd.log
	LockFile $2/ctsyncd.lock
	UNIX { Path $2/ctl.sock }
}
Sync {
	Mode FTFW { }
	Multicast {
		$link
		Group 3780
	}
}
Privsep { ChrootDirectory $2/empty }
EOC
}
mcast_conf "$T/a.conf" "$DA" 10.99.0.1
mcast_conf "$T/b.conf" "$DB" 10.99.0.2
cd_conf() { grep -v Privsep "$1" >"$2"; }
ct() { $NA conntrack "$@" >/dev/null 2>&1; }

check "A starts with a multicast link" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts with a multicast link" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "no 'not supported' warning" sh -c \
	"! grep -q 'not supported yet' '$DA/ctsyncd.log'"
check "B's receiving socket joined 225.0.0.50 on veth0" sh -c \
	"ip -n $B maddr show dev veth0 | grep -q 225.0.0.50"
ct -I -p tcp -s 192.168.1.10 -d 192.168.2.20 --sport 1234 --dport 80 \
	--state ESTABLISHED -t 120 -m 42
ct -I -p udp -s 10.9.9.9 -d 10.9.9.10 --sport 1 --dport 2 -t 60
check "new states reach B through the group" wait_until 5 sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2"
ct -U -p tcp -s 192.168.1.10 --sport 1234 -m 43
check "an update too" wait_until 5 sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 .*mark=43'"
ct -D -p udp -s 10.9.9.9
check "a destroy too" wait_until 5 sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 1"
# (idle peers exchange an ACK a second, each kept until acknowledged:
# one may always be in flight)
check "A's resend queue drains: B's ACKs come back through the group" \
	wait_until 5 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s rsqueue | awk '/^object/ { o++ }
	    /^resent queue/ { split(\$0, a, \"=\"); n = a[2] + 0 }
	    END { exit !(o == 0 && n <= 1) }'"
check "-s network names the multicast link" sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -s network | grep -q '^multicast traffic (active device=veth0):'"
# a datagram of a wrong protocol version, sent to B's own address and
# the group's port: read, it would be counted as such
$NA python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(struct.pack("!BBHIII", 7, 0x10, 16, 1, 0, 0), ("10.99.0.2", 3780))
'
sleep 0.3
check "a datagram to B's address, not to the group, is not read" sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -s network | grep -q 'Wrong protocol version:[[:space:]]*0$'"
$NB "$CTSYNCD" -C "$T/b.conf" -k

if command -v conntrackd >/dev/null; then
	cd_conf "$T/b.conf" "$T/cb.conf"
	check "conntrackd starts as B on the group" $NB conntrackd -C "$T/cb.conf" -d
	wait_until 5 $NB conntrackd -C "$T/cb.conf" -s
	check "-B on ctsyncd A" $NA "$CTSYNCD" -C "$T/a.conf" -B
	check "conntrackd B receives it through the group" wait_until 5 sh -c \
		"$NB conntrackd -C '$T/cb.conf' -e | grep -q 'sport=1234 .*mark=43'"
	$NA "$CTSYNCD" -C "$T/a.conf" -k
	$NB conntrackd -C "$T/cb.conf" -k >/dev/null 2>&1
	cd_conf "$T/a.conf" "$T/ca.conf"
	check "conntrackd starts as A on the group" $NA conntrackd -C "$T/ca.conf" -d
	check "ctsyncd starts as B" $NB "$CTSYNCD" -C "$T/b.conf" -d
	wait_until 5 $NA conntrackd -C "$T/ca.conf" -s
	check "-n on ctsyncd B is answered by conntrackd through the group" \
		$NB "$CTSYNCD" -C "$T/b.conf" -n
	check "... with its table" wait_until 5 sh -c \
		"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 .*mark=43'"
	$NA conntrackd -C "$T/ca.conf" -k >/dev/null 2>&1
	$NB "$CTSYNCD" -C "$T/b.conf" -k
else
	echo "# conntrackd is not installed: no interoperability test"
	$NA "$CTSYNCD" -C "$T/a.conf" -k
fi

# --- IPv6: the group ff02::3780 on veth0 --------------------------------
mcast_conf "$T/a6.conf" "$DA" - v6
mcast_conf "$T/b6.conf" "$DB" - v6
check "A starts on the IPv6 group" $NA "$CTSYNCD" -C "$T/a6.conf" -d
check "B starts on the IPv6 group" $NB "$CTSYNCD" -C "$T/b6.conf" -d
check "B joined ff02::3780 on veth0" sh -c \
	"ip -n $B maddr show dev veth0 | grep -q ff02::3780"
check "-B on A (IPv6 group)" $NA "$CTSYNCD" -C "$T/a6.conf" -B
check "... the state reaches B over IPv6 multicast" wait_until 5 sh -c \
	"$NB '$CTSYNCD' -C '$T/b6.conf' -e | grep -q 'sport=1234 .*mark=43'"
check "a new state too" sh -c "$NA conntrack -I -p udp -s 10.8.8.8 -d 10.8.8.9 \
	--sport 3 --dport 4 -t 60 >/dev/null 2>&1 && sleep 0.5 && \
	$NB '$CTSYNCD' -C '$T/b6.conf' -e | grep -q 'src=10.8.8.8 '"
$NB "$CTSYNCD" -C "$T/b6.conf" -k
if command -v conntrackd >/dev/null; then
	cd_conf "$T/b6.conf" "$T/cb6.conf"
	check "conntrackd starts as B on the IPv6 group" $NB conntrackd -C "$T/cb6.conf" -d
	wait_until 5 $NB conntrackd -C "$T/cb6.conf" -s
	check "-B on ctsyncd A reaches conntrackd over IPv6 multicast" sh -c \
		"$NA '$CTSYNCD' -C '$T/a6.conf' -B && sleep 0.5 && $NB conntrackd -C '$T/cb6.conf' -e | grep -q 'src=10.8.8.8 '"
	$NB conntrackd -C "$T/cb6.conf" -k >/dev/null 2>&1
fi
$NA "$CTSYNCD" -C "$T/a6.conf" -k
done_testing
