#!/bin/sh
# A commit writes the peer's states without the kernel building an event
# for each one: B's event socket leaves the new-entry group while the
# commit runs (netlink-worker/nl_events.c) and joins it again after; a
# dump then brings what traffic created meanwhile.  Checked here: the
# group left and joined again; entries created in B's kernel during the
# commit reach A; the committed ones are not sent back to A; B's internal
# cache is B's kernel; a sync worker or a netlink worker killed during a
# commit leaves the socket in the group; -c returns once the committed
# states are in B's internal cache.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

N=150000
make_nodes
big_tables
# a flush of N entries may overrun B's event socket: its resync then
# comes a second later, not 30
sed -i 's/^General {/General {\n\tNetlinkOverrunResync 1/' "$T/b.conf"
check "A starts" ctl_a -d
# B's processes on one CPU, as on a small firewall: the sync worker then
# applies the dump after a commit later than the netlink worker ends it
check "B starts" taskset -c 0 $NB "$CTSYNCD" -C "$T/b.conf" -d

# B's event socket: the groups of its only subscribed netfilter socket
# (/proc/net/netlink, protocol 12): 7 = new, update, destroy
groups_b() {
	$NB awk '$2 == 12 && $4 != "00000000" { print $4 }' /proc/net/netlink
}
groups_are() { test "$(groups_b)" = "$1"; }
is_count() { test "$(cache_current "$1" "$2")" = "$3"; }
# made <file>: B's entries from 192.0.2.77 (made during a commit), sorted
made() {
	$NB conntrack -L -s 192.0.2.77 2>/dev/null |
	    sed -n 's/.* sport=\([0-9]*\) dport=22 .*/\1/p' | sort >"$1"
}
on_a() {
	ctl_a -e | grep 'src=192.0.2.77 ' |
	    sed -n 's/.* sport=\([0-9]*\) dport=22 .*/\1/p' | sort >"$T/on_a"
	cmp -s "$1" "$T/on_a"
}
# traffic <first sport>: entries created in B's kernel, one after the
# other, until $T/stop exists; samples of the groups meanwhile
traffic() {
	p=$1
	while [ ! -e "$T/stop" ]; do
		$NB conntrack -I -p tcp -s 192.0.2.77 -d 198.51.100.1 \
		    --sport "$p" --dport 22 --state ESTABLISHED -t 300 \
		    >/dev/null 2>&1
		groups_b >>"$T/groups"
		p=$((p + 1))
	done
}

check "B's event socket is in the three groups" test "$(groups_b)" = 00000007
$NA "$top_builddir/bench/ctload" create $N 12 >/dev/null
check "B holds A's $N states" wait_until 90 is_count b external $N

rm -f "$T/stop" "$T/groups"
traffic 20000 &
tpid=$!
PIDS="$PIDS $tpid"
sleep 0.3
check "B commits" ctl_b -c
check "when -c returns, the committed states are in B's internal cache" \
	test "$(cache_current b internal)" -ge $N
touch "$T/stop"
wait "$tpid"
check "during the commit the socket was out of the new-entry group" \
	grep -qx 00000006 "$T/groups"
check "... and is in it again after" test "$(groups_b)" = 00000007
made "$T/made"
diag "$(wc -l <"$T/made") entries made in B around the commit"
check "every entry made in B during the commit reached A" \
	wait_until 10 on_a "$T/made"
check "the committed states were not sent back to A" \
	is_count a external "$(wc -l <"$T/made")"
check "B's internal cache is B's kernel" \
	is_count b internal "$($NB conntrack -C)"
$NB conntrack -I -p tcp -s 192.0.2.77 -d 198.51.100.1 --sport 1 \
    --dport 22 --state ESTABLISHED -t 300 >/dev/null 2>&1
check "an entry made after the commit reaches A at once" \
	wait_until 2 sh -c "$NA '$CTSYNCD' -C '$T/a.conf' -e | grep -q 'src=192.0.2.77 .* sport=1 '"

# a worker dies during a commit: the group is joined all the same
port=30000
for w in ctsyncd-sync ctsyncd-netlink; do
	$NB conntrack -F >/dev/null 2>&1
	check "$w: B's kernel emptied" wait_until 20 is_count b internal 0
	ctl_b -c >/dev/null 2>&1 &
	cpid=$!
	sup=$(daemon_pid "$DB")
	wait_until 10 sh -c "test -n \"\$(pgrep -P $sup -x ctsyncd-commit)\""
	sleep 0.1
	kill -9 "$(worker_pid "$sup" $w)"
	wait "$cpid"
	check "$w killed during a commit: B's event socket in the three groups" \
		wait_until 20 groups_are 00000007
	check "... and B answers" wait_until 20 ctl_b -s
	port=$((port + 1))
	$NB conntrack -I -p tcp -s 192.0.2.77 -d 198.51.100.1 --sport $port \
	    --dport 22 --state ESTABLISHED -t 300 >/dev/null 2>&1
	check "... and an entry made after it reaches A" wait_until 10 sh -c \
		"$NA '$CTSYNCD' -C '$T/a.conf' -e | grep -q 'src=192.0.2.77 .* sport=$port '"
done
ctl_a -k
ctl_b -k
done_testing
