#!/bin/sh
# The failover test.  A client and a server on two bridged segments talk
# through two firewalls that run a strict stateful ruleset (invalid
# dropped, new TCP only on SYN, nf_conntrack_tcp_loose=0).  keepalived
# moves both virtual IPs and calls conntrack-tools' primary-backup.sh
# (only its paths changed).  Long-lived TCP connections must survive a hard
# failure of the primary and the failback.  The control run, the same
# without ctsyncd, must break them: it proves the test can fail.
# failover-nat.sh runs it again with source NAT and TCPWindowTracking;
# faults/takeover.sh with 250,000 more states and hot standby.  Each run
# reports the forward chain's ct-invalid drops on the new primary, in the
# failover and in the failback.
: "${FAILOVER_SNAT:=0}"		# 1: the firewalls SNAT to the server side VIP
: "${FAILOVER_WT:=0}"		# 1: TCPWindowTracking on (strict windows)
: "${FAILOVER_CONTROL:=1}"	# 0: no control run
: "${FAILOVER_HOT:=0}"		# 1: hot standby, DisableExternalCache on both
: "${FAILOVER_EXTRA:=0}"	# states inserted on fw1 before the failure
: "${FAILOVER_COMPARE:=0}"	# 1: the same run with Debian's conntrackd
# (also sourced from tests/faults/: its own folder is FAILOVER_DIR)
FAILOVER_DIR=${FAILOVER_DIR:-$(cd "$(dirname "$0")" && pwd)}
. "$FAILOVER_DIR/lib.sh"
command -v keepalived >/dev/null || skip_all "keepalived is not installed"
command -v nft >/dev/null || skip_all "nftables is not installed"
SCRIPT=/usr/share/doc/conntrackd/examples/sync/primary-backup.sh
[ -r "$SCRIPT" ] || skip_all "conntrackd's primary-backup.sh is not installed"
HERE=$FAILOVER_DIR/failover
CONNS=4
DURATION=32
# hot standby has no commit: a returning node must not take the virtual
# IPs back before its peer's table is in its kernel (doc/examples/
# keepalived.conf); the client runs long enough for that delay
PREEMPT_DELAY=0
[ "$FAILOVER_HOT" = 1 ] && PREEMPT_DELAY=10 && DURATION=44

make_firewalls
for i in 1 2; do
	eval f=\$F$i
	ip netns exec "$f" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	ip netns exec "$f" nft -f - <<EON
table inet fw {
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state invalid counter drop
		ct state established,related counter accept
		iifname "eth1" oifname "eth2" tcp flags & (fin|syn|rst|ack) == syn ct state new accept
	}
}
EON
	# the server then sees only the VIP, which moves with the primary
	[ "$FAILOVER_SNAT" = 1 ] && ip netns exec "$f" nft -f - <<EON
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "eth2" counter snat to 10.2.0.1
	}
}
EON
done
ip -n "$CL" route add default via 10.1.0.1
ip -n "$SV" route add default via 10.2.0.1

for i in 1 2; do
	D="$T/fw$i"; mkdir -p "$D"; chmod 755 "$D"
	write_conf "$T/fw$i.conf" "$D" 10.99.0.$i 10.99.0.$((3 - i)) sync0
	[ "$FAILOVER_WT" = 1 ] && sed -i \
	    's/^\tMode FTFW { }/\tMode FTFW { }\n\tOptions { TCPWindowTracking on }/' \
	    "$T/fw$i.conf"
	[ "$FAILOVER_HOT" = 1 ] && sed -i \
	    's/^\tMode FTFW { }/\tMode FTFW { DisableExternalCache on }/' \
	    "$T/fw$i.conf"
	[ "$FAILOVER_EXTRA" -gt 0 ] && sed -i \
	    's/^\tNetlinkBufferSize .*/\tNetlinkBufferSize 8388608\n\tHashLimit 1048576/' \
	    "$T/fw$i.conf"
	sed -e "s|^CONNTRACKD_BIN=.*|CONNTRACKD_BIN=$CTSYNCD|" \
	    -e "s|^CONNTRACKD_CONFIG=.*|CONNTRACKD_CONFIG=$T/fw$i.conf|" \
	    -e "s|^CONNTRACKD_LOCK=.*|CONNTRACKD_LOCK=$D/ctsyncd.lock|" \
	    "$SCRIPT" >"$T/pb$i-ctsyncd.sh"
	# the same with Debian's conntrackd (faults/takeover-compare.sh)
	grep -v Privsep "$T/fw$i.conf" >"$T/cfw$i.conf"
	sed -e "s|^CONNTRACKD_BIN=.*|CONNTRACKD_BIN=$(command -v conntrackd)|" \
	    -e "s|^CONNTRACKD_CONFIG=.*|CONNTRACKD_CONFIG=$T/cfw$i.conf|" \
	    -e "s|^CONNTRACKD_LOCK=.*|CONNTRACKD_LOCK=$D/ctsyncd.lock|" \
	    "$SCRIPT" >"$T/pb$i-conntrackd.sh"
	cp "$T/pb$i-ctsyncd.sh" "$T/pb$i.sh"
	cat >"$T/keepalived$i.conf" <<EOC
global_defs {
	router_id fw$i
	script_user root
}
vrrp_sync_group G {
	group {
		VI_1
		VI_2
	}
	notify_master "/bin/sh $T/pb$i.sh primary"
	notify_backup "/bin/sh $T/pb$i.sh backup"
	notify_fault "/bin/sh $T/pb$i.sh fault"
}
vrrp_instance VI_1 {
	state BACKUP
	interface eth1
	virtual_router_id 51
	priority $((200 - 50 * i))
	advert_int 1
	preempt_delay $PREEMPT_DELAY
	virtual_ipaddress {
		10.1.0.1/24
	}
}
vrrp_instance VI_2 {
	state BACKUP
	interface eth2
	virtual_router_id 52
	priority $((200 - 50 * i))
	advert_int 1
	preempt_delay $PREEMPT_DELAY
	virtual_ipaddress {
		10.2.0.1/24
	}
}
EOC
done

keepalived_start() {	# keepalived_start <1|2>
	eval f=\$F$1
	ip netns exec "$f" keepalived --vrrp -n -l -D -f "$T/keepalived$1.conf" \
	    -p "$T/ka$1.pid" -r "$T/ka$1-vrrp.pid" -c "$T/ka$1-chk.pid" \
	    >>"$T/keepalived$1.log" 2>&1 &
}
keepalived_stop() {	# keepalived_stop <1|2> [signal]
	[ -f "$T/ka$1.pid" ] && kill -"${2:-TERM}" "$(cat "$T/ka$1.pid")" \
	    $(cat "$T/ka$1-vrrp.pid" 2>/dev/null) 2>/dev/null
	rm -f "$T/ka$1.pid" "$T/ka$1-vrrp.pid"
	sleep 0.5
}
vip_on() { ip -n "$1" addr show eth1 | grep -q "10.1.0.1/24"; }
# invalid <ns>: the forward chain's ct-invalid drops so far
invalid() {
	ip netns exec "$1" nft list chain inet fw forward |
	    sed -n 's/.*ct state invalid counter packets \([0-9]*\).*/\1/p'
}
# extra_on_fw2 <n>: fw2 holds fw1's extra states (its kernel in hot
# standby, its external cache otherwise)
extra_on_fw2() {
	if [ "$FAILOVER_HOT" = 1 ]; then
		test "$(ip netns exec "$F2" conntrack -L 2>/dev/null |
		    grep -c 'dst=10.200.0.1 ')" -ge "$1"
	else	# -s, not a dump of 250,000 lines per try
		test "$(daemon_cmd 2 -s | awk '/^cache external:/ { e = 1 }
		    e && /current active connections/ { print $NF; exit }')" \
		    -ge "$1"
	fi
}

# The daemon of a run: ctsyncd (1), Debian's conntrackd, or none (0).
DAEMON=1
daemon_cmd() {	# daemon_cmd <1|2> <arguments>: on fw1 or fw2
	n=$1; shift
	eval f=\$F$n
	if [ "$DAEMON" = conntrackd ]; then
		ip netns exec "$f" conntrackd -C "$T/cfw$n.conf" "$@"
	else
		ip netns exec "$f" "$CTSYNCD" -C "$T/fw$n.conf" "$@"
	fi
}
daemon_start() {	# daemon_start <1|2>; a dead conntrackd leaves its lock
	[ "$DAEMON" = 0 ] && return
	[ "$DAEMON" = conntrackd ] && rm -f "$T/fw$1/ctsyncd.lock"
	daemon_cmd "$1" -d >/dev/null 2>&1
}
daemon_kill() {		# daemon_kill <1|2>: SIGKILL, as a power loss
	case $DAEMON in
	1) kill -9 "$(daemon_pid "$T/fw$1")" 2>/dev/null ;;
	conntrackd) pkill -9 -f "conntrackd -C $T/cfw$1.conf" ;;
	esac
}

# Stall measurement: every 50 ms, whether <ns> holds the virtual IP and
# its forward chain's ct-invalid drops; the stall is the time from the
# first sample with the VIP to the last sample whose drops grew.
sampler() {	# sampler <ns> <file>
	while :; do
		echo "$(cut -d' ' -f1 /proc/uptime) $(vip_on "$1" && echo 1 ||
		    echo 0) $(invalid "$1")"
		sleep 0.05
	done >"$2"
}
stall() {	# stall <file>: seconds, two decimals
	awk 'NR == 1 { last = $3 } $2 == 1 && t0 == "" { t0 = $1 }
	    $3 > last { last = $3; tl = $1 }
	    END { s = (t0 != "" && tl != "" && tl > t0) ? tl - t0 : 0
	          printf "%.2f\n", s }' "$1"
}

# run_scenario <ctsyncd 1 | conntrackd | none 0>: prints the client's
# `alive N', the drops and the stall of each phase
run_scenario() {
	DAEMON=$1
	for i in 1 2; do
		eval f=\$F$i
		ip netns exec "$f" conntrack -F >/dev/null 2>&1
		[ "$DAEMON" = conntrackd ] && cp "$T/pb$i-conntrackd.sh" "$T/pb$i.sh"
		[ "$DAEMON" = 1 ] && cp "$T/pb$i-ctsyncd.sh" "$T/pb$i.sh"
		daemon_start $i
	done
	keepalived_start 1
	keepalived_start 2
	wait_until 15 vip_on "$F1" || { echo "alive -1 (no master)"; return; }
	sleep 1
	if [ "$FAILOVER_EXTRA" -gt 0 ]; then
		# a big table besides the test connections, replicated first
		ip netns exec "$F1" "$top_builddir/bench/ctload" create \
		    "$FAILOVER_EXTRA" 40 >/dev/null
		[ "$DAEMON" != 0 ] && { wait_until 60 extra_on_fw2 \
		    "$FAILOVER_EXTRA" || echo "extra-not-replicated"; }
	fi
	ip netns exec "$CL" python3 "$HERE/echo-client.py" 10.2.0.10 5000 \
	    $CONNS $DURATION 12 >"$T/client.out" 2>&1 &
	cpid=$!
	sleep 6
	base2=$(invalid "$F2")
	sampler "$F2" "$T/samples-failover" &
	spid=$!
	# hard failure of fw1: VRRP, sync daemon and data path gone at once
	keepalived_stop 1 KILL
	daemon_kill 1
	ip -n "$F1" link set eth1 down
	ip -n "$F1" link set eth2 down
	# and, as a firewall that lost power, it comes back with no state
	# and without the virtual IPs
	ip netns exec "$F1" conntrack -F >/dev/null 2>&1
	ip -n "$F1" addr del 10.1.0.1/24 dev eth1 2>/dev/null
	ip -n "$F1" addr del 10.2.0.1/24 dev eth2 2>/dev/null
	wait_until 15 vip_on "$F2"
	sleep 8
	kill "$spid"
	echo "drops-failover $(( $(invalid "$F2") - base2 ))"
	echo "stall-failover $(stall "$T/samples-failover")"
	base1=$(invalid "$F1")
	# failback: fw1 comes back, takes the virtual IPs again (preempt)
	ip -n "$F1" link set eth1 up
	ip -n "$F1" link set eth2 up
	daemon_start 1
	sampler "$F1" "$T/samples-failback" &
	spid=$!
	keepalived_start 1
	wait_until 15 vip_on "$F1"
	wait "$cpid"
	kill "$spid"
	echo "drops-failback $(( $(invalid "$F1") - base1 ))"
	echo "stall-failback $(stall "$T/samples-failback")"
	cat "$T/client.out"
	# packets of established connections that crossed fw2 (counted
	# since the start: the first run, with ctsyncd, is the one checked)
	ip netns exec "$F2" nft list chain inet fw forward |
	    sed -n 's/.*established,related counter packets \([0-9]*\).*/fw2-forwarded \1/p'
	keepalived_stop 1
	keepalived_stop 2
	for i in 1 2; do
		[ "$DAEMON" != 0 ] && daemon_cmd $i -k >/dev/null 2>&1
	done
}

ip netns exec "$SV" python3 "$HERE/echo-server.py" 5000 >/dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 0.5

run_scenario 1 >"$T/with.out"
check "with ctsyncd: all $CONNS connections survive the failover and the failback" \
	grep -qx "alive $CONNS" "$T/with.out"
[ "$(grep -c alive "$T/with.out")" = 1 ] || cat "$T/with.out" | sed 's/^/# /'
check "the connections really crossed fw2 while it was primary" \
	grep -q "^fw2-forwarded [1-9]" "$T/with.out"
if [ "$FAILOVER_EXTRA" -gt 0 ]; then
	check "fw1's $FAILOVER_EXTRA extra states were replicated before the failure" \
		sh -c "! grep -q extra-not-replicated '$T/with.out'"
fi
if [ "$FAILOVER_HOT" = 1 ]; then
	# the new primary's kernel already holds every connection: nothing
	# to commit, and no packet of theirs meets an unknown state
	check "hot standby: no ct-invalid drop on fw2 during the failover" \
		grep -qx "drops-failover 0" "$T/with.out"
	check "hot standby: none on fw1 during the failback" \
		grep -qx "drops-failback 0" "$T/with.out"
else
	check "fw2 committed the replicated states when it became primary" \
		grep -q "Committed [1-9][0-9]* new entries" "$T/fw2/ctsyncd.log"
	check "fw1 committed them back on failback" \
		grep -q "Committed [1-9][0-9]* new entries" "$T/fw1/ctsyncd.log"
fi
if [ "$FAILOVER_SNAT" = 1 ]; then
	check "the connections were source-NATed by fw1" sh -c \
		"ip netns exec $F1 nft list chain ip nat post | grep -Eq 'counter packets ([4-9]|[1-9][0-9]+) '"
fi
if [ "$FAILOVER_COMPARE" = 1 ] && command -v conntrackd >/dev/null; then
	run_scenario conntrackd >"$T/conntrackd.out"
	check "the same run with conntrackd 1.4.7 ended (its result below)" \
		grep -q "^alive" "$T/conntrackd.out"
	diag "ctsyncd:    $(grep -E '^(alive|drops|stall|extra)' "$T/with.out" | tr '\n' ' ')"
	diag "conntrackd: $(grep -E '^(alive|drops|stall|extra)' "$T/conntrackd.out" | tr '\n' ' ')"
fi
if [ "$FAILOVER_CONTROL" = 0 ]; then
	sed 's/^/# /' "$T/with.out"
	done_testing
	exit 0
fi

run_scenario 0 >"$T/without.out"
check "control, without ctsyncd: the connections break" \
	sh -c "grep -q '^alive' '$T/without.out' && ! grep -qx 'alive $CONNS' '$T/without.out'"
sed 's/^/# /' "$T/with.out" "$T/without.out"
done_testing
