# Shared by the integration tests (sourced).  Each test gets namespaces
# named with a unique prefix and a private folder; both are removed on any
# exit, failed or not.  Output is TAP.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
CTSYNCD="$top_builddir/supervisor/ctsyncd"
CTSYNCCTL="$top_builddir/ctl/ctsyncctl"
PATH=$PATH:/usr/sbin:/sbin
PREFIX="ctsy$$"
T=$(mktemp -d /tmp/ctsyncd-test.XXXXXX)
chmod 755 "$T"
NETNS=""
PIDS=""
AT_EXIT=""	# a command cleanup runs first (tests/faults/clock-jump.sh)
tap_n=0

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip_all "integration tests need root"
command -v ip >/dev/null || skip_all "iproute2 is not installed"

cleanup() {
	[ -n "$AT_EXIT" ] && eval "$AT_EXIT"
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for ns in $NETNS; do
		# stop anything left in the namespace, then remove it
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() {		# ok <status> <description>
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then echo "ok $tap_n - $2"; else echo "not ok $tap_n - $2"; fi
}
check() {	# check <description> <command...>
	d=$1; shift
	if "$@" >"$T/check.out" 2>&1; then ok 0 "$d"; else ok 1 "$d"; sed 's/^/# /' "$T/check.out"; fi
}
done_testing() { echo "1..$tap_n"; }
diag() { echo "$*" | sed 's/^/# /'; }

# netns_add <short name>: creates "$PREFIX-<name>", registered for cleanup
# and left in $NS (not printed: a $(...) subshell would lose the record).
netns_add() {
	NS="$PREFIX-$1"
	NETNS="$NETNS $NS"
	ip netns add "$NS" || exit 1
	ip -n "$NS" link set lo up
}

# The workers are run from the build tree: a folder of links stands in for
# libexecdir.
LIBEXEC="$T/libexec"
mkdir -p "$LIBEXEC"
ln -s "$top_builddir/netlink-worker/ctsyncd-netlink" "$LIBEXEC/"
ln -s "$top_builddir/sync-worker/ctsyncd-sync" "$LIBEXEC/"
ln -s "$top_builddir/netlink-worker/ctsyncd-commit" "$LIBEXEC/"
ln -s "$top_builddir/ctl/ctsyncd-metrics" "$LIBEXEC/"
export CTSYNCD_LIBEXECDIR="$LIBEXEC"

# write_conf <file> <dir> <local addr> <peer addr>: a FT-FW/UDP node
write_conf() {
	cat >"$1" <<EOC
General {
	LogFile $2/ctsyncd.log
	LockFile $2/ctsyncd.lock
	UNIX { Path $2/ctl.sock }
	NetlinkBufferSize 2097152
}
Sync {
	Mode FTFW { }
	UDP {
		IPv4_address $3
		IPv4_Destination_Address $4
		Port 3780
		Interface ${5:-veth0}
	}
}
Privsep { ChrootDirectory $2/empty }
EOC
}

# A pair of namespaces joined by a veth dedicated link: 10.99.0.1 / .2
make_pair() {
	netns_add a; A=$NS
	netns_add b; B=$NS
	ip link add veth0 netns "$A" type veth peer name veth0 netns "$B"
	ip -n "$A" addr add 10.99.0.1/24 dev veth0
	ip -n "$B" addr add 10.99.0.2/24 dev veth0
	ip -n "$A" link set veth0 up
	ip -n "$B" link set veth0 up
	# the carrier comes up a moment later; daemons read it at start
	wait_until 5 sh -c "ip -n $A link show veth0 | grep -q LOWER_UP &&
	    ip -n $B link show veth0 | grep -q LOWER_UP"
}

# One ctsyncd node on the pair: folder $D, configuration $T/a.conf
# (FT-FW over UDP to 10.99.0.2), and $N to run a command in its namespace.
make_one_node() {
	make_pair
	D="$T/a"; mkdir -p "$D"; chmod 755 "$D"
	write_conf "$T/a.conf" "$D" 10.99.0.1 10.99.0.2
	N="ip netns exec $A"
}

# Two ctsyncd nodes on the pair: folders $DA, $DB, configurations
# $T/a.conf, $T/b.conf (FT-FW over UDP on the veth), and $NA, $NB to run
# a command in either namespace.
make_nodes() {
	make_pair
	DA="$T/a"; DB="$T/b"
	mkdir -p "$DA" "$DB"
	chmod 755 "$DA" "$DB"
	write_conf "$T/a.conf" "$DA" 10.99.0.1 10.99.0.2
	write_conf "$T/b.conf" "$DB" 10.99.0.2 10.99.0.1
	NA="ip netns exec $A"
	NB="ip netns exec $B"
}

# ctsyncd on make_nodes' nodes, and ctload's entries (TCP to
# 10.200.0.1:80) as their original tuples, sorted, from -i, -e or
# conntrack -L output
ctl_a() { $NA "$CTSYNCD" -C "$T/a.conf" "$@"; }
ctl_b() { $NB "$CTSYNCD" -C "$T/b.conf" "$@"; }
load_tuples() {
	awk 'match($0, /src=[^ ]+ dst=10\.200\.0\.1 sport=[^ ]+ dport=[^ ]+/) {
	    print substr($0, RSTART, RLENGTH) }' | sort
}

# For make_nodes' nodes: A's kernel table and B's external cache hold the
# same ctload entries (left in $T/kernel and $T/external)
a_table_on_b() {
	$NA conntrack -L 2>/dev/null | load_tuples >"$T/kernel"
	ctl_b -e | load_tuples >"$T/external"
	cmp -s "$T/kernel" "$T/external"
}

# For make_nodes' nodes: room for big tables in both configurations, and
# one cache's "current active connections" as -s prints it.
big_tables() {
	for f in "$T/a.conf" "$T/b.conf"; do
		sed -i "s/^General {/General {\n\tHashLimit 524288${1-}/" "$f"
	done
}
cache_current() {	# cache_current a|b internal|external
	if [ "$1" = a ]; then set -- "$A" "$T/a.conf" "$2"; else
		set -- "$B" "$T/b.conf" "$2"; fi
	ip netns exec "$1" "$CTSYNCD" -C "$2" -s | awk -v c="$3" \
	    '$0 == "cache " c ":" { f = 1 } f && $1 == "current" { print $NF; exit }'
}

# Two firewalls between a client and a server: namespaces $SW (two
# bridges), $CL (10.1.0.10 on br1), $SV (10.2.0.10 on br2), $F1 and $F2
# (10.1.0.2/.3 on eth1 to br1, 10.2.0.2/.3 on eth2 to br2, forwarding),
# joined by a dedicated link sync0 (10.99.0.1/.2).  Rulesets and routes
# are the test's.
make_firewalls() {
	netns_add sw; SW=$NS
	netns_add client; CL=$NS
	netns_add server; SV=$NS
	netns_add fw1; F1=$NS
	netns_add fw2; F2=$NS
	ip -n "$SW" link add br1 type bridge
	ip -n "$SW" link add br2 type bridge
	ip -n "$SW" link set br1 up
	ip -n "$SW" link set br2 up
	plug "$CL" eth0 br1 cl
	plug "$SV" eth0 br2 sv
	for i in 1 2; do
		eval f=\$F$i
		plug "$f" eth1 br1 f${i}a
		plug "$f" eth2 br2 f${i}b
		ip -n "$f" addr add 10.1.0.$((i + 1))/24 dev eth1
		ip -n "$f" addr add 10.2.0.$((i + 1))/24 dev eth2
		ip netns exec "$f" sysctl -qw net.ipv4.ip_forward=1
	done
	ip link add sync0 netns "$F1" type veth peer name sync0 netns "$F2"
	ip -n "$F1" addr add 10.99.0.1/24 dev sync0
	ip -n "$F2" addr add 10.99.0.2/24 dev sync0
	ip -n "$F1" link set sync0 up
	ip -n "$F2" link set sync0 up
	ip -n "$CL" addr add 10.1.0.10/24 dev eth0
	ip -n "$SV" addr add 10.2.0.10/24 dev eth0
}
# Three namespaces on one bridge, for the tests of what the link trusts:
# the primary $A (10.99.0.1), the backup $B (10.99.0.2) and an attacker
# $X (10.99.0.66), each with a folder $T/a, $T/b, $T/x and, once the test
# writes it, a configuration $T/<node>.conf for the helpers below.
make_segment() {
	netns_add sw; SW=$NS
	netns_add a; A=$NS
	netns_add b; B=$NS
	netns_add x; X=$NS
	ip -n "$SW" link add br0 type bridge
	ip -n "$SW" link set br0 up
	plug "$A" veth0 br0 pa
	plug "$B" veth0 br0 pb
	plug "$X" veth0 br0 px
	ip -n "$A" addr add 10.99.0.1/24 dev veth0
	ip -n "$B" addr add 10.99.0.2/24 dev veth0
	ip -n "$X" addr add 10.99.0.66/24 dev veth0
	wait_until 5 sh -c "ip -n $A link show veth0 | grep -q LOWER_UP &&
	    ip -n $B link show veth0 | grep -q LOWER_UP &&
	    ip -n $X link show veth0 | grep -q LOWER_UP"
	for n in a b x; do mkdir -p "$T/$n"; chmod 755 "$T/$n"; done
}
# For make_segment's three nodes (a, b, x) loaded by ctload, each in a
# net of its own: load <node> create|update|delete <count> [rate batch];
# kernel_of / external_of <node>: the ctload states of its kernel or its
# external cache; exact <node>: its external cache holds the other nodes'
# kernel states (left in $T/want, $T/got.<node>); all_exact: every node's
NODES="a b x"
net_of() { case $1 in a) echo 21 ;; b) echo 22 ;; x) echo 23 ;; esac; }
load() {
	ln=$1; lop=$2; lcount=$3; shift 3
	ip netns exec "$(ns_of "$ln")" "$top_builddir/bench/ctload" "$lop" \
	    "$lcount" "$(net_of "$ln")" "$@" >/dev/null
}
kernel_of() { ip netns exec "$(ns_of "$1")" conntrack -L 2>/dev/null | load_tuples; }
external_of() { ctl "$1" -e | load_tuples; }
exact() {
	: >"$T/want"
	for o in $NODES; do [ "$o" = "$1" ] || kernel_of "$o" >>"$T/want"; done
	sort -o "$T/want" "$T/want"
	external_of "$1" >"$T/got.$1"
	cmp -s "$T/want" "$T/got.$1"
}
all_exact() { for n in $NODES; do exact "$n" || return 1; done; }

# node_conf <node> <mode> <link> <local> <peer> [auth]: $T/<node>.conf, a
# link of kind UDP, TCP or Multicast; with `auth', sealed with the key
# file $T/<node>.key; a multicast link's receive buffer is
# $LINK_RCVBUF bytes if set
node_conf() {
	case $3 in
	Multicast) link="Multicast {
		IPv4_address 225.0.0.50
		IPv4_interface $4
		Interface veth0
		Group 3780
		${LINK_RCVBUF:+RcvSocketBuffer $LINK_RCVBUF}
	}" ;;
	*) link="$3 {
		IPv4_address $4
		IPv4_Destination_Address $5
		Port 3780
		Interface veth0
	}" ;;
	esac
	auth=""
	[ -n "${6-}" ] && auth="Authentication { KeyFile $T/$1.key }"
	cat >"$T/$1.conf" <<EOC
General {
	LogFile $T/$1/ctsyncd.log
	LockFile $T/$1/ctsyncd.lock
	UNIX { Path $T/$1/ctl.sock }
}
Sync {
	Mode $2 { }
	$link
	$auth
}
Privsep { ChrootDirectory $T/$1/empty }
EOC
}
ns_of() { case $1 in a) echo "$A" ;; b) echo "$B" ;; x) echo "$X" ;; esac; }
# ctl <node> <ctsyncd arguments>: ctsyncd in that node's namespace
ctl() { n=$1; shift; ip netns exec "$(ns_of "$n")" "$CTSYNCD" -C "$T/$n.conf" "$@"; }
start_all() { for n in "$@"; do ctl "$n" -d || return 1; done; }
# stop_all: every node stopped (its lock gone) and its log removed
stop_all() {
	for n in a b x; do ctl $n -k >/dev/null 2>&1; done
	for n in a b x; do
		wait_until 5 sh -c "! test -e $T/$n/ctsyncd.lock"
		rm -f "$T/$n/ctsyncd.log"
	done
	return 0
}
ext_has() { ctl b -e | grep -q "$1"; }
ext_lacks() { ! ext_has "$1"; }
# insert <node> <sport>: a state in that node's kernel, sent by its daemon
insert() {
	ip netns exec "$(ns_of "$1")" conntrack -I -p tcp -s 192.0.2.9 \
	    -d 198.51.100.1 --sport "$2" --dport 22 --state ESTABLISHED \
	    -t 300 >/dev/null 2>&1
}
# network <node> <label>: a counter of that node's -s network
network() { ctl "$1" -s network | awk -v k="$2" 'index($0, k) { print $NF }'; }

plug() {	# plug <ns> <ifname> <bridge> <port name>: a veth to a bridge
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$SW"
	ip -n "$SW" link set "$4" master "$3" up
	ip -n "$1" link set "$2" up
}

# daemon_pid <dir>: the supervisor's pid from its lock file
daemon_pid() { cat "$1/ctsyncd.lock" 2>/dev/null; }

# wait_until <seconds> <command...>
wait_until() {
	t=$1; shift
	i=0
	while [ $i -lt $((t * 10)) ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# worker_pid <supervisor pid> <binary name>
worker_pid() { pgrep -P "$1" -x "$2" | head -1; }
# kill_commit_children <supervisor pid> <how many>: SIGKILL each commit
# child of that supervisor as soon as it runs; start it before the -c.
# Gives up after about 30 s.
kill_commit_children() {
	k=0 tries=0
	while [ $k -lt "$2" ] && [ $tries -lt 3000 ]; do
		tries=$((tries + 1))
		c=$(pgrep -P "$1" -x ctsyncd-commit)
		if [ -n "$c" ]; then
			kill -9 $c
			k=$((k + 1))
			while kill -0 $c 2>/dev/null; do sleep 0.01; done
		fi
		sleep 0.005
	done
}
status_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# ids_nonzero <pid> Uid|Gid: none of real, effective, saved, fs is 0
ids_nonzero() { awk -v k="$2:" '$1 == k { exit ($2 == 0 || $3 == 0 || $4 == 0 || $5 == 0) }' "/proc/$1/status"; }

# lose_sync <netns> <percent>: that share of the sync datagrams reaching
# the namespace dropped (nftables numgen: there is no netem here);
# lose_sync_end <netns> takes the rule away
lose_sync() {
	ip netns exec "$1" nft -f - <<EON
table inet lossy {
	chain input {
		type filter hook input priority -200;
		udp dport 3780 numgen random mod 100 < $2 drop
	}
}
EON
}
lose_sync_end() { ip netns exec "$1" nft delete table inet lossy; }
