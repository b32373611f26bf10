#!/bin/sh
# Sync { Authentication { KeyFile } }: a sealed dedicated link.  Three
# namespaces on one bridge: the primary A (10.99.0.1), the backup B
# (10.99.0.2) and an attacker X.  With a key on A and B:
# - FTFW, NOTRACK and ALARM over UDP, FTFW over TCP and multicast
#   replicate; X, even with A's address (A's link down), is not heard,
#   without a key or with another one; B counts and logs it;
# - datagrams captured with tcpdump and sent again later are refused;
#   without a key the same replay does bring a deleted state back;
# - keys rotate across the two nodes with SIGHUP, nothing lost; a wrong
#   key shows in -s network, the log and ctsyncctl health;
# - key files with a bad mode, owner or content are refused clearly.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
command -v tcpdump >/dev/null || skip_all "tcpdump is not installed"

make_segment

K1=$("$CTSYNCCTL" genkey)
K2=$("$CTSYNCCTL" genkey)
K3=$("$CTSYNCCTL" genkey)
# keys <node> <line>...: that node's key file
keys() {
	n=$1; shift
	: >"$T/$n.key"
	chmod 600 "$T/$n.key"
	for k in "$@"; do echo "$k" >>"$T/$n.key"; done
}

delete() {
	ip netns exec "$(ns_of "$1")" conntrack -D -p tcp --sport "$2" \
	    >/dev/null 2>&1
}
flush_all() {
	for n in a b x; do ip netns exec "$(ns_of $n)" conntrack -F 2>/dev/null; done
	return 0
}
# X takes A's address while A's link is down, or gives it back
x_as_a() {
	ip -n "$A" link set veth0 down
	ip -n "$X" addr del 10.99.0.66/24 dev veth0
	ip -n "$X" addr add 10.99.0.1/24 dev veth0
}
x_as_x() {
	ip -n "$X" addr del 10.99.0.1/24 dev veth0
	ip -n "$X" addr add 10.99.0.66/24 dev veth0
	ip -n "$A" link set veth0 up
	wait_until 5 sh -c "ip -n $A link show veth0 | grep -q LOWER_UP"
}

keys a "$K1"
keys b "$K1"

# scenario <mode> <link kind>
scenario() {
	s="$1/$2"
	node_conf a "$1" "$2" 10.99.0.1 10.99.0.2 auth
	node_conf b "$1" "$2" 10.99.0.2 10.99.0.1 auth
	flush_all
	check "$s: A and B start with a key" start_all a b
	insert a 1111
	check "$s: A's state reaches B through the sealed link" \
	    wait_until 10 ext_has "sport=1111"
	check "$s: nothing refused so far" \
	    test "$(network b 'Authentication failed:')" = 0
	if [ "$2" = Multicast ]; then
		# any source may send to the group: X talks while A does
		node_conf x "$1" "$2" 10.99.0.66 10.99.0.2
	else
		x_as_a
		node_conf x "$1" "$2" 10.99.0.1 10.99.0.2
	fi
	check "$s: X starts without a key" start_all x
	insert x 6666
	check "$s: B counts X's frames as not authenticated" \
	    wait_until 10 sh -c "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -s network | awk '/Authentication failed:/ { print \$NF }') -gt 0"
	check "$s: X's state does not reach B" ext_lacks "sport=6666"
	check "$s: the log says why, with the source" \
	    grep -q "frames refused, the last from 10.99.0.[16]6*: not sealed" \
	    "$T/b/ctsyncd.log"
	ctl x -k >/dev/null 2>&1
	wait_until 5 sh -c "! test -e $T/x/ctsyncd.lock"
	keys x "$K3"
	node_conf x "$1" "$2" "$(test "$2" = Multicast && echo 10.99.0.66 ||
	    echo 10.99.0.1)" 10.99.0.2 auth
	check "$s: X starts again, with a key of its own" start_all x
	insert x 6667
	check "$s: B refuses that too: a key not in its KeyFile" \
	    wait_until 10 sh -c "ip netns exec $B '$CTSYNCCTL' -C '$T/b.conf' health | grep -q 'unknown_key=[1-9]'"
	check "$s: X's second state does not reach B" ext_lacks "sport=6667"
	ctl x -k >/dev/null 2>&1
	[ "$2" = Multicast ] || x_as_x
	insert a 1112
	check "$s: genuine replication goes on" \
	    wait_until 15 ext_has "sport=1112"
	stop_all
}

scenario FTFW UDP
scenario NOTRACK UDP
scenario ALARM UDP
scenario FTFW TCP
scenario FTFW Multicast

# Replay: B's link captured with tcpdump while A replicates a state, the
# state deleted on A (and so on B), then the capture sent again to B from
# A's address.  replay <mode> [auth]
CAP="$T/link.pcap"
replay() {
	s="replay, $1${2:+ with a key}"
	node_conf a "$1" UDP 10.99.0.1 10.99.0.2 ${2-}
	node_conf b "$1" UDP 10.99.0.2 10.99.0.1 ${2-}
	flush_all
	rm -f "$CAP"
	ip netns exec "$B" tcpdump -U -Z root -i veth0 -w "$CAP" \
	    udp and src host 10.99.0.1 and dst port 3780 2>"$T/tcpdump.err" &
	tcpdump_pid=$!
	PIDS="$PIDS $tcpdump_pid"
	wait_until 5 grep -q listening "$T/tcpdump.err"
	start_all a b
	insert a 2001
	check "$s: the state reaches B" wait_until 10 ext_has "sport=2001"
	sleep 1
	kill "$tcpdump_pid"
	wait "$tcpdump_pid" 2>/dev/null
	delete a 2001
	check "$s: its deletion too" wait_until 10 ext_lacks "sport=2001"
	ctl a -k >/dev/null 2>&1
	x_as_a
	sent=$(ip netns exec "$X" "$top_builddir/tests/tools/pcap_replay" \
	    "$CAP" 10.99.0.1 10.99.0.2 3780)
	check "$s: the capture holds datagrams, sent again ($sent)" \
	    test "${sent:-0}" -ge 1
	sleep 1
}
replay NOTRACK
check "replay, no key (the control): the deleted state is back" \
	wait_until 5 ext_has "sport=2001"
stop_all; x_as_x
replay NOTRACK auth
check "replay, NOTRACK with a key: the deleted state stays deleted" \
	ext_lacks "sport=2001"
check "replay, NOTRACK with a key: -s network counts the replays" \
	test "$(network b 'Replays refused:')" -ge 1
check "replay, NOTRACK with a key: and nothing else" \
	test "$(network b 'Authentication failed:')" = 0
stop_all; x_as_x
replay FTFW auth
check "replay, FTFW with a key: the deleted state stays deleted" \
	ext_lacks "sport=2001"
check "replay, FTFW with a key: -s network counts the replays" \
	test "$(network b 'Replays refused:')" -ge 1
stop_all; x_as_x

# Rotation across the two nodes, by SIGHUP: add K2 as line 2 everywhere,
# swap the lines, drop K1; a state inserted at each step, none lost.
node_conf a FTFW UDP 10.99.0.1 10.99.0.2 auth
node_conf b FTFW UDP 10.99.0.2 10.99.0.1 auth
keys a "$K1"; keys b "$K1"
flush_all
check "rotation: A and B start with K1" start_all a b
hup() { kill -HUP "$(daemon_pid "$T/$1")"; }
step=3000
rotate() {	# rotate <description> <node> <key lines>...
	d=$1; n=$2; shift 2
	keys "$n" "$@"
	hup "$n"
	step=$((step + 1))
	insert a $step
	check "rotation: $d: state $step replicated" \
	    wait_until 10 ext_has "sport=$step"
}
rotate "B holds K1, K2" b "$K1" "$K2"
rotate "A holds K1, K2" a "$K1" "$K2"
rotate "A seals with K2" a "$K2" "$K1"
rotate "B seals with K2" b "$K2" "$K1"
rotate "A drops K1" a "$K2"
rotate "B drops K1" b "$K2"
check "rotation: every state is there on B" sh -c \
    "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -c 'sport=300[1-6]') = 6"
check "rotation: nothing was refused" \
	test "$(network b 'Authentication failed:')" = 0
check "rotation: the keys were read anew" \
	grep -q "link keys read anew" "$T/b/ctsyncd.log"

# A wrong key on A: B refuses, says so, and health fails; back to K2,
# FT-FW repairs what was missed.
keys a "$K3"; hup a
insert a 3100
check "wrong key: the state does not reach B" sh -c \
    "sleep 2; ! ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | grep -q sport=3100"
check "wrong key: -s network counts the failures" \
	test "$(network b 'Authentication failed:')" -gt 0
check "wrong key: the log names the cause" \
	grep -q "sealed with a key not in our KeyFile" "$T/b/ctsyncd.log"
ip netns exec "$B" "$CTSYNCCTL" -C "$T/b.conf" health >"$T/health.out"
check "wrong key: ctsyncctl health fails" test $? -ne 0
check "wrong key: ... and says why" grep -q "FAILING" "$T/health.out"
keys a "$K2"; hup a
check "wrong key fixed: the missed state arrives" \
	wait_until 15 ext_has "sport=3100"
# (health also waits for a digest of A's table that matches B's copy:
# AntiEntropy, 10 s by default, and the one after a refused one)
check "wrong key fixed: health is good again" wait_until 25 \
	ip netns exec "$B" "$CTSYNCCTL" -C "$T/b.conf" health

# A key file gone wrong on SIGHUP: the keys in use stay.
chmod 644 "$T/b.key"; hup b
check "SIGHUP with a bad key file: refused, the old keys kept" \
	wait_until 5 grep -q "keeping the link keys in use" "$T/b/ctsyncd.log"
insert a 3200
check "SIGHUP with a bad key file: replication goes on" \
	wait_until 10 ext_has "sport=3200"
stop_all

# Key files that are not right: -T and the start say so, exit 1.
keys b "$K1"
chmod 644 "$T/b.key"
check "a key file others may read: -T refuses it" sh -c \
    "! '$CTSYNCD' -C '$T/b.conf' -T 2>'$T/t.err' && grep -q 'chmod 600' '$T/t.err'"
check "... and ctsyncd will not start" sh -c \
    "! ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -d 2>/dev/null"
check "... saying why in its log" grep -q "chmod 600" "$T/b/ctsyncd.log"
chmod 600 "$T/b.key"
echo "not a key" >"$T/b.key"
check "a key file of something else: refused" sh -c \
    "! '$CTSYNCD' -C '$T/b.conf' -T 2>'$T/t.err' && grep -q '64 hex digits' '$T/t.err'"
keys b "$K1"
chown 65534 "$T/b.key"
check "a key file not root's: refused" sh -c \
    "! '$CTSYNCD' -C '$T/b.conf' -T 2>'$T/t.err' && grep -q 'not root' '$T/t.err'"
chown 0 "$T/b.key"
check "a good key file: -T prints the clause" sh -c \
    "'$CTSYNCD' -C '$T/b.conf' -T | grep -q 'KeyFile $T/b.key'"
done_testing
