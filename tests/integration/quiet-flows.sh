#!/bin/sh
# Hot standby (DisableExternalCache on, both nodes): a flow that lives on
# A without any change conntrack reports (each packet pushes its timer
# back, no event) keeps its copy in B's kernel alive, for longer than its
# timeout: A sends it again once half its timeout has passed since it
# was last sent.  Once the flow stops, A's entry expires and B's copy
# goes with it.  But once A went backup (-t), what runs out on A stays on
# B, where the connection lives now.  The flow: UDP datagrams from A into
# a dead end, once a second, with A's UDP timeout shortened to 6 s (B
# never sees the packets, so only replication can keep its copy).
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"

make_nodes
sed -i 's/Mode FTFW { }/Mode FTFW { DisableExternalCache on }/' \
	"$T/a.conf" "$T/b.conf"
in_b() { $NB conntrack -L -p udp 2>/dev/null | grep -q -- "$1"; }
not_in_b() { ! in_b "$1"; }
sent_again() { ctl_a -s network | awk '/Quiet states sent again/ { print $NF }'; }

$NA sysctl -qw net.netfilter.nf_conntrack_udp_timeout=6
# a dead end: v0's peer stays down, what goes there is lost
ip -n "$A" link add v0 type veth peer name v1
ip -n "$A" addr add 192.0.2.1/24 dev v0
ip -n "$A" link set v0 up
# conntrack tracks a namespace's packets once a rule needs it
$NA nft -f - <<EON
table inet track {
	chain out { type filter hook output priority 0; ct state new counter; }
}
EON
check "A starts (hot standby configuration)" ctl_a -d
check "B starts (hot standby configuration)" ctl_b -d

# one datagram a second for 24 s, from port 5555 to 192.0.2.2:9999
$NA python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.1", 5555))
for i in range(24):
    s.sendto(b"x", ("192.0.2.2", 9999))
    time.sleep(1)
' &
PIDS="$PIDS $!"
check "the flow reaches B's kernel" wait_until 5 in_b 'sport=5555 dport=9999'
sleep 18
check "18 s later (three times its timeout) it is still in B's kernel" \
	in_b 'sport=5555 dport=9999'
check "A sent it again, counted" test "$(sent_again)" -ge 3
wait
check "once the flow stops, A's entry expires and B's copy goes too" \
	wait_until 20 not_in_b 'sport=5555 dport=9999'
check "-c on B has nothing to do: it returns at once" ctl_b -c

# A goes backup gracefully (primary-backup.sh runs -t, the purge in
# PurgeTimeout): its table is stale now, the connections live on B.  An
# entry that runs out on A must not take B's copy with it.
held() { ctl_a -s network | awk '/DELs held, standing down/ { print $NF }'; }
$NA conntrack -I -p udp -s 10.5.0.1 -d 198.51.100.7 --sport 4000 --dport 53 \
	-t 120 >/dev/null 2>&1
check "a state reaches B's kernel" wait_until 5 in_b 'sport=4000 dport=53'
check "A goes backup: -t schedules its purge" ctl_a -t
$NA conntrack -D -p udp -s 10.5.0.1 >/dev/null 2>&1	# it ran out on A
sleep 1
check "the entry gone on A stays in B's kernel" in_b 'sport=4000 dport=53'
check "... A held back its DEL, counted" test "$(held)" = 1
check "A primary again (-c cancels the purge)" ctl_a -c
$NA conntrack -I -p udp -s 10.5.0.2 -d 198.51.100.7 --sport 4001 --dport 53 \
	-t 120 >/dev/null 2>&1
check "a new state reaches B" wait_until 5 in_b 'sport=4001 dport=53'
$NA conntrack -D -p udp -s 10.5.0.2 >/dev/null 2>&1
check "... and its end too, as before" wait_until 5 not_in_b 'sport=4001 dport=53'
done_testing
