#!/bin/sh
# FT-FW's tail probe.  A peer learns of a lost message from the next one's
# sequence number, and after the last message of a burst there is none
# until the heartbeat, a second later.  A sends an ALIVE 50 ms after its
# last data while some of it waits for its ACK, so that a lost tail is
# asked for again at once.  The loss: B's nftables drops the first data
# datagram (a limit of one an hour) that comes after the warm-up: the one with a
# single new state, the last thing A sends.
. "$(dirname "$0")/lib.sh"
command -v nft >/dev/null || skip_all "nftables is not installed"
CTLOAD="$top_builddir/bench/ctload"

make_nodes
probes() { ctl_a -s network | awk '/Tail probes/ { print $NF }'; }
lost_on_b() { ctl_b -s network | awk '/Packets lost/ { print $NF }'; }
b_has() { ctl_b -e | grep -q "src=$1 "; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

check "A starts" ctl_a -d
check "B starts" ctl_b -d
check "a first state in A's kernel" $NA "$CTLOAD" create 1
check "reaches B (the peers hear each other)" wait_until 10 b_has 10.0.0.1
check "A's resend queue drains (B acknowledged it)" wait_until 10 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s rsqueue | grep -qx 'resent queue (len=0)'"
before=$(probes)

# data messages are types 0 to 5, in the low nibble of the payload's
# first byte; ALIVE, ACK and NACK (type 10) pass
check "B drops the next datagram that carries data" \
	ip netns exec "$B" nft -f - <<EON
table inet tail {
	chain in {
		type filter hook input priority 0;
		udp dport 3780 @th,68,4 < 6 limit rate 1/hour burst 1 packets counter drop
	}
}
EON
t0=$(now_ms)
check "a second state in A's kernel, the last A sends" \
	$NA "$CTLOAD" create 1 11
got=1
while [ $(($(now_ms) - t0)) -lt 5000 ]; do
	if b_has 11.0.0.1; then got=0; break; fi
	sleep 0.02
done
took=$(($(now_ms) - t0))
check "its datagram was dropped on the way" sh -c \
	"$NB nft list chain inet tail in | grep -q 'counter packets 1 '"
ok $got "B has the second state all the same"
# without the probe, the loss shows at A's next heartbeat (1 s)
ok $([ $got = 0 ] && [ "$took" -lt 700 ] && echo 0 || echo 1) \
	"... well before A's next heartbeat (${took} ms, the probe after 50)"
lost=$(lost_on_b)
ok $([ "$lost" -ge 1 ] && echo 0 || echo 1) "B counted the loss ($lost)"
after=$(probes)
ok $([ "$after" -gt "$before" ] && echo 0 || echo 1) \
	"A counted tail probes ($before, then $after)"
check "A's resend queue drains" wait_until 10 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s rsqueue | grep -qx 'resent queue (len=0)'"
idle=$(probes)
sleep 2
ok $([ "$(probes)" = "$idle" ] && echo 0 || echo 1) \
	"none while all is acknowledged and nothing is sent"
ctl_a -k
ctl_b -k
done_testing
