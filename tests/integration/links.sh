#!/bin/sh
# Redundant dedicated links: two UDP links, the Default one active; its
# interface going down moves both nodes to the other, its return brings
# them back; a link that silently stops carrying one way is given up
# after LINK_SILENCE (3 s) without a message; -s link shows each link.
# links-tcp.sh runs it with two TCP links.
: "${LINK_KIND:=UDP}"
proto=$(echo "$LINK_KIND" | tr A-Z a-z)
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
command -v nft >/dev/null || skip_all "nft is not installed"

make_nodes
ip link add veth1 netns "$A" type veth peer name veth1 netns "$B"
ip -n "$A" addr add 10.98.1.1/24 dev veth1
ip -n "$B" addr add 10.98.1.2/24 dev veth1
ip -n "$A" link set veth1 up
ip -n "$B" link set veth1 up
wait_until 5 sh -c "ip -n $A link show veth1 | grep -q LOWER_UP"

two_links() {	# <file> <dir> <me on veth0> <peer on veth0> <me on veth1> <peer on veth1>
	cat >"$1" <<EOC
General {
	LogFile $2/ctsyncd.log
	LockFile $2/ctsyncd.lock
	UNIX { Path $2/ctl.sock }
}
Sync {
	Mode FTFW { }
	$LINK_KIND Default {
		IPv4_address $3
		IPv4_Destination_Address $4
		Port 3780
		Interface veth0
	}
	$LINK_KIND {
		IPv4_address $5
		IPv4_Destination_Address $6
		Port 3780
		Interface veth1
	}
}
Privsep { ChrootDirectory $2/empty }
EOC
}
two_links "$T/a.conf" "$DA" 10.99.0.1 10.99.0.2 10.98.1.1 10.98.1.2
two_links "$T/b.conf" "$DB" 10.99.0.2 10.99.0.1 10.98.1.2 10.98.1.1
ct() { $NA conntrack -I -p tcp -s "$1" -d 192.168.2.20 --sport 1234 \
    --dport 80 --state ESTABLISHED -t 120 >/dev/null 2>&1; }
on_b() { wait_until 6 sh -c "$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=$1 '"; }
active() { $1 "$CTSYNCD" -C "$2" -s link | grep -q "device=$3 status=RUNNING role=ACTIVE"; }

check "A starts with two links" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts with two links" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "no 'not supported' warning for Default" sh -c \
	"! grep -q 'not supported yet' '$DA/ctsyncd.log'"
check "-s link: the Default link active, the other backup" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s link | grep -q '$LINK_KIND traffic device=veth0 status=RUNNING role=ACTIVE:' &&
	 $NA '$CTSYNCD' -C '$T/a.conf' -s link | grep -q '$LINK_KIND traffic device=veth1 status=RUNNING role=BACKUP:'"
ct 192.168.1.1
check "a state goes over the Default link" on_b 192.168.1.1

ip -n "$A" link set veth0 down
check "the Default link down: A sends on the other" wait_until 4 \
	active "$NA" "$T/a.conf" veth1
check "... and says so" grep -q "device \`veth1' becomes dedicated link" "$DA/ctsyncd.log"
check "B follows" wait_until 4 active "$NB" "$T/b.conf" veth1
ct 192.168.1.2
check "states still reach B" on_b 192.168.1.2

ip -n "$A" link set veth0 up
wait_until 5 sh -c "ip -n $A link show veth0 | grep -q LOWER_UP"
check "the Default link back: A returns to it" wait_until 4 \
	active "$NA" "$T/a.conf" veth0
check "B too" wait_until 6 active "$NB" "$T/b.conf" veth0
ct 192.168.1.3
check "states reach B over it again" on_b 192.168.1.3

# B stops hearing A on veth0; A still hears B there
$NB nft -f - <<EON
table inet linktest {
	chain in { type filter hook input priority 0; iifname "veth0" $proto dport 3780 drop; }
}
EON
check "a link silent one way: B gives it up after 3 s" wait_until 7 \
	active "$NB" "$T/b.conf" veth1
check "A follows when B's messages come on the other" wait_until 6 \
	active "$NA" "$T/a.conf" veth1
ct 192.168.1.4
check "states reach B over the other link" on_b 192.168.1.4
check "nothing was lost on the way" sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 4"
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
