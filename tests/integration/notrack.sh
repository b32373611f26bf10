#!/bin/sh
# Mode NOTRACK over UDP (wire-protocol.md 9): states go to the peer once,
# no HELLO, ACK or NACK; ALIVE once a second when idle; -n asks for a
# bulk, -B sends one.  ctsyncd to ctsyncd, and both ways with Debian's
# conntrackd 1.4.7 in the same mode; an FT-FW peer's ACKs count as
# malformed headers, as in 1.4.7.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
for n in a b; do
	sed -i 's/Mode FTFW { }/Mode NOTRACK { }/' "$T/$n.conf"
done
cd_conf() { grep -v Privsep "$T/$2.conf" >"$1"; }
ct() { $NA conntrack "$@" >/dev/null 2>&1; }
net() { ip netns exec "$1" "$2" -C "$3" -s network; }

entries() {
	ct -I -p tcp -s 192.168.1.10 -d 192.168.2.20 --sport 1234 --dport 80 \
	    --state ESTABLISHED -t 120 -u ASSURED -m 42
	ct -I -p udp -s 10.9.9.9 -d 10.9.9.10 --sport 1 --dport 2 -t 60
	ct -I -p tcp -s 2001:db8::1 -d 2001:db8:1::2 --sport 7 --dport 8 \
	    --state SYN_SENT -t 100
}

# --- ctsyncd to ctsyncd --------------------------------------------------
check "A starts in NOTRACK" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts in NOTRACK" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "no 'not supported' warning for the mode" sh -c \
	"! grep -q 'Mode NOTRACK is not supported' '$DA/ctsyncd.log'"
entries
check "three new states reach B" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 3"
ct -U -p tcp -s 192.168.1.10 --sport 1234 -m 43
check "an update propagates" wait_until 5 sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 .*mark=43'"
ct -D -p udp -s 10.9.9.9
check "a destroy propagates" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2"
# idle: ALIVE once a second, nothing to acknowledge
pkts_recv() { net "$B" "$CTSYNCD" "$T/b.conf" | awk '/Pckts sent/ { print $4 }'; }
before=$(pkts_recv)
sleep 3.5
after=$(pkts_recv)
check "idle, A sends an ALIVE every second ($before, then $after datagrams)" \
	test $((after - before)) -ge 2 -a $((after - before)) -le 5
check "nothing is kept for resending" sh -c \
	"! ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s queue | grep -q rsqueue"
$NB "$CTSYNCD" -C "$T/b.conf" -f external
check "-n on B asks A for everything" $NB "$CTSYNCD" -C "$T/b.conf" -n
check "... and B has it again" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2"
$NB "$CTSYNCD" -C "$T/b.conf" -f external
check "-B on A sends everything" $NA "$CTSYNCD" -C "$T/a.conf" -B
check "... and B has it again" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2"
check "B counted nothing malformed, lost nothing" sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -s | grep -q '^ *0 Malformed msgs *0 Lost msgs'"
ip netns exec "$B" "$CTSYNCD" -C "$T/b.conf" -e | sed 's/active since [0-9]*s/active since Ns/' | sort >"$T/ctsyncd-e"
$NB "$CTSYNCD" -C "$T/b.conf" -k

if ! command -v conntrackd >/dev/null; then
	echo "# conntrackd is not installed: no interoperability test"
	$NA "$CTSYNCD" -C "$T/a.conf" -k
	done_testing
	exit 0
fi

# --- ctsyncd to conntrackd -----------------------------------------------
cd_conf "$T/cb.conf" b
check "conntrackd starts as B in NOTRACK" $NB conntrackd -C "$T/cb.conf" -d
wait_until 5 $NB conntrackd -C "$T/cb.conf" -s
check "-B on ctsyncd A" $NA "$CTSYNCD" -C "$T/a.conf" -B
check "conntrackd B receives both states" wait_until 5 sh -c \
	"test \$(ip netns exec $B conntrackd -C '$T/cb.conf' -e | wc -l) = 2"
ip netns exec "$B" conntrackd -C "$T/cb.conf" -e | sed 's/active since [0-9]*s/active since Ns/' | sort >"$T/conntrackd-e"
check "conntrackd's -e shows them as ctsyncd's -e did" \
	diff -u "$T/conntrackd-e" "$T/ctsyncd-e"
ct -I -p tcp -s 172.16.0.1 -d 172.16.0.2 --sport 9 --dport 10 \
	--state ESTABLISHED -t 100
check "a live new state reaches conntrackd" wait_until 5 sh -c \
	"ip netns exec $B conntrackd -C '$T/cb.conf' -e | grep -q 'src=172.16.0.1'"
ct -D -p tcp -s 172.16.0.1
check "its destroy too" wait_until 5 sh -c \
	"! ip netns exec $B conntrackd -C '$T/cb.conf' -e | grep -q 'src=172.16.0.1'"
sleep 1.5
check "conntrackd counted nothing malformed (ALIVE is fine)" sh -c \
	"ip netns exec $B conntrackd -C '$T/cb.conf' -s network | grep -q 'Malformed messages:[[:space:]]*0$'"
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB conntrackd -C "$T/cb.conf" -k >/dev/null 2>&1

# --- conntrackd to ctsyncd -----------------------------------------------
cd_conf "$T/ca.conf" a
check "conntrackd starts as A in NOTRACK" $NA conntrackd -C "$T/ca.conf" -d
check "ctsyncd starts as B" $NB "$CTSYNCD" -C "$T/b.conf" -d
wait_until 5 $NA conntrackd -C "$T/ca.conf" -s
check "-n on ctsyncd is answered by conntrackd" $NB "$CTSYNCD" -C "$T/b.conf" -n
check "... with its whole table" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2"
ct -I -p udp -s 172.16.1.1 -d 172.16.1.2 --sport 5 --dport 6 -t 50
check "a live state from conntrackd reaches ctsyncd" wait_until 5 sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=172.16.1.1'"
ct -D -p udp -s 172.16.1.1
check "its destroy too" wait_until 5 sh -c \
	"! ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=172.16.1.1'"
check "ctsyncd counted nothing malformed from conntrackd" sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -s | grep -q '^ *0 Malformed msgs'"
$NA conntrackd -C "$T/ca.conf" -k >/dev/null 2>&1
$NB "$CTSYNCD" -C "$T/b.conf" -k

# --- an FT-FW peer: its ACKs are malformed headers here -------------------
sed 's/Mode NOTRACK { }/Mode FTFW { }/' "$T/a.conf" >"$T/a-ftfw.conf"
check "A starts in FT-FW" $NA "$CTSYNCD" -C "$T/a-ftfw.conf" -d
check "B starts in NOTRACK" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "B counts the FT-FW peer's ACKs as malformed headers" wait_until 8 sh -c \
	"ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -s network | grep -q 'Malformed header:[[:space:]]*[1-9]'"
$NA "$CTSYNCD" -C "$T/a-ftfw.conf" -k
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
