#!/bin/sh
# FT-FW repairs every loss: with 5% of the datagrams dropped at random
# both ways (nftables numgen) and a resend queue of 1000, a burst of
# 10,000 new states, then their
# destruction, leave B's external cache exactly equal to A's table: zero
# missing, zero stale, the tail of each burst included.
. "$(dirname "$0")/lib.sh"
command -v nft >/dev/null || skip_all "nftables is not installed"
CTLOAD="$top_builddir/bench/ctload"
N=10000

make_nodes
# a resend queue ten times smaller than the burst: sending must be paced
# by its room, or what overflows could never be resent
sed -i 's/Mode FTFW { }/Mode FTFW { ResendQueueSize 1000 }/' "$T/a.conf"
ecount() { $NB "$CTSYNCD" -C "$T/b.conf" -e | wc -l; }

# both ways: data to B, and ACKs and NACKs to A
for ns in "$A" "$B"; do
	check "5% loss into $ns" ip netns exec "$ns" nft -f - <<EON
table inet loss {
	chain in {
		type filter hook input priority 0;
		udp dport 3780 numgen random mod 100 < 5 counter drop
	}
}
EON
done
check "A starts" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "a burst of $N states in A's kernel" $NA "$CTLOAD" create $N
check "B's external cache converges to all $N" wait_until 60 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = $N"
check "datagrams were really dropped" sh -c \
	"$NB nft list chain inet loss in | grep -q 'packets [1-9]'"
check "and losses were seen and repaired (Lost msgs > 0)" sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -s | awk '/Lost msgs/ { exit !(\$4 > 0) }'"
check "each state as in A's kernel" sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | grep -c 'ESTABLISHED src=10\.[0-9.]* dst=10.200.0.1 sport=1000 dport=80') = $N"
check "an update of all $N" $NA "$CTLOAD" update $N
check "reaches every one (mark 7)" wait_until 60 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -c 'mark=7') = $N"
check "their destruction" $NA "$CTLOAD" delete $N
check "leaves nothing stale on B" wait_until 60 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 0"
check "A's resend queue drains" wait_until 10 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s rsqueue | grep -qx 'resent queue (len=0)'"
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
