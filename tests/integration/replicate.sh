#!/bin/sh
# State replication over FT-FW/UDP between two nodes on a veth link:
# ctsyncd to ctsyncd, ctsyncd to Debian's conntrackd 1.4.7 and back.  New
# states, updates and destroys reach the peer's external cache, which
# prints exactly as conntrackd's does for the same sender.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
# conntrackd's configuration for a node: the same, without Privsep
cd_conf() { grep -v Privsep "$T/$2.conf" >"$1"; }
norm() { sed 's/active since [0-9]*s/active since Ns/' | sort; }
ct() { $NA conntrack "$@" >/dev/null 2>&1; }
ecache() { ip netns exec "$1" "$2" -C "$3" -e | norm; }

entries() {
	ct -I -p tcp -s 192.168.1.10 -d 192.168.2.20 --sport 1234 --dport 80 \
	    --state ESTABLISHED -t 120 -u ASSURED -m 42
	ct -I -p udp -s 10.9.9.9 -d 10.9.9.10 --sport 1 --dport 2 -t 60
	ct -I -p icmp -s 192.168.1.12 -d 192.168.2.22 --icmp-type 8 \
	    --icmp-code 0 --icmp-id 4660 -t 30
	ct -I -p tcp -s 192.168.1.13 -d 192.168.2.23 --sport 2222 \
	    --dport 22 --state ESTABLISHED -t 100 --zone 7
	ct -I -p tcp -s 10.0.0.5 -d 198.51.100.7 --sport 40000 --dport 443 \
	    --state ESTABLISHED -t 100 --src-nat 203.0.113.9:61000
	ct -I -p tcp -s 2001:db8::1 -d 2001:db8:1::2 --sport 7 --dport 8 \
	    --state SYN_SENT -t 100
}
count_e() { ip netns exec "$1" "$2" -C "$3" -e | wc -l; }

# --- ctsyncd to ctsyncd --------------------------------------------------
check "A starts" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts" $NB "$CTSYNCD" -C "$T/b.conf" -d
entries
check "six new states reach B's external cache" \
	wait_until 5 sh -c "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 6"
check "with state, mark, zone, as sent" sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'ESTABLISHED src=192.168.1.13 dst=192.168.2.23 sport=2222 dport=22 \[UNREPLIED\] mark=0 zone=7'"
ct -U -p tcp -s 192.168.1.10 --sport 1234 -m 43
check "an update propagates (mark 43)" wait_until 5 sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 .*mark=43'"
ct -D -p udp -s 10.9.9.9
check "a destroy propagates" wait_until 5 sh -c \
	"! ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=10.9.9.9'"
check "every message acknowledged: A's resend queue drains" wait_until 5 sh -c \
	"ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s rsqueue | grep -qx 'resent queue (len=0)'"
check "-f external empties B's external cache" sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -f external && test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 0"
check "-n on B asks A for everything" $NB "$CTSYNCD" -C "$T/b.conf" -n
check "... and B has it again" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 5"
$NB "$CTSYNCD" -C "$T/b.conf" -f external
check "-B on A sends everything" $NA "$CTSYNCD" -C "$T/a.conf" -B
check "... and B has it again" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 5"
check "B counted nothing malformed, lost nothing" sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -s | grep -q '^ *0 Malformed msgs *0 Lost msgs'"
ecache "$B" "$CTSYNCD" "$T/b.conf" >"$T/ctsyncd-e"
$NB "$CTSYNCD" -C "$T/b.conf" -k

if ! command -v conntrackd >/dev/null; then
	echo "# conntrackd is not installed: no interoperability test"
	$NA "$CTSYNCD" -C "$T/a.conf" -k
	done_testing
	exit 0
fi

# --- ctsyncd to conntrackd -----------------------------------------------
cd_conf "$T/cb.conf" b
check "conntrackd starts as B" $NB conntrackd -C "$T/cb.conf" -d
wait_until 5 $NB conntrackd -C "$T/cb.conf" -s
check "-B on ctsyncd A" $NA "$CTSYNCD" -C "$T/a.conf" -B
check "conntrackd B receives all five states" wait_until 5 sh -c \
	"test \$(ip netns exec $B conntrackd -C '$T/cb.conf' -e | wc -l) = 5"
ecache "$B" conntrackd "$T/cb.conf" >"$T/conntrackd-e"
check "conntrackd's -e shows them exactly as ctsyncd's -e did" \
	diff -u "$T/conntrackd-e" "$T/ctsyncd-e"
ct -I -p tcp -s 172.16.0.1 -d 172.16.0.2 --sport 9 --dport 10 \
	--state ESTABLISHED -t 100
check "a live new state reaches conntrackd" wait_until 5 sh -c \
	"ip netns exec $B conntrackd -C '$T/cb.conf' -e | grep -q 'src=172.16.0.1'"
ct -U -p tcp -s 172.16.0.1 -m 99
check "its update too (mark 99)" wait_until 5 sh -c \
	"ip netns exec $B conntrackd -C '$T/cb.conf' -e | grep -q 'src=172.16.0.1 .*mark=99'"
ct -D -p tcp -s 172.16.0.1
check "its destroy too" wait_until 5 sh -c \
	"! ip netns exec $B conntrackd -C '$T/cb.conf' -e | grep -q 'src=172.16.0.1'"
check "conntrackd counted nothing malformed" sh -c \
	"ip netns exec $B conntrackd -C '$T/cb.conf' -s network | grep -q 'Malformed messages:[[:space:]]*0$'"

# --- conntrackd to ctsyncd -----------------------------------------------
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB conntrackd -C "$T/cb.conf" -k >/dev/null 2>&1
cd_conf "$T/ca.conf" a
check "conntrackd starts as A" $NA conntrackd -C "$T/ca.conf" -d
check "ctsyncd starts as B" $NB "$CTSYNCD" -C "$T/b.conf" -d
wait_until 5 $NA conntrackd -C "$T/ca.conf" -s
check "-B on conntrackd A" $NA conntrackd -C "$T/ca.conf" -B
check "ctsyncd B receives conntrackd's states" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 5"
ecache "$B" "$CTSYNCD" "$T/b.conf" >"$T/from-conntrackd"
check "identical to what it received from ctsyncd" \
	diff -u "$T/ctsyncd-e" "$T/from-conntrackd"
ct -I -p udp -s 172.16.1.1 -d 172.16.1.2 --sport 5 --dport 6 -t 50
check "a live state from conntrackd reaches ctsyncd" wait_until 5 sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=172.16.1.1'"
ct -U -p udp -s 172.16.1.1 -m 98
check "its update too (mark 98)" wait_until 5 sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=172.16.1.1 .*mark=98'"
ct -D -p udp -s 172.16.1.1
check "its destroy too" wait_until 5 sh -c \
	"! ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=172.16.1.1'"
check "-n on ctsyncd is answered by conntrackd" sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -f external && ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -n"
check "... with its whole table" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 5"
check "ctsyncd counted nothing malformed from conntrackd" sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -s | grep -q '^ *0 Malformed msgs'"
$NA conntrackd -C "$T/ca.conf" -k >/dev/null 2>&1
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
