#!/bin/sh
# The sync worker reads the kernel's conntrack events from the socket the
# netlink worker opened (doc/PRIVSEP.md, "Events"), and that socket is
# read-only for it: a ctnetlink create and a flush sent on it are refused
# by the kernel (the sender has no CAP_NET_ADMIN), the table stays as it
# was, and replication goes on.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
"$CTSYNCCTL" --help 2>&1 | grep -q test-event-write ||
	skip_all "a build without --enable-test-hooks"

make_nodes
check "A starts" ctl_a -d
check "B starts" ctl_b -d
$NA conntrack -I -p tcp -s 10.1.1.1 -d 10.1.1.2 --sport 1000 --dport 80 \
	--state ESTABLISHED -t 300 >/dev/null 2>&1
b_has() { ctl_b -e | grep -q "$1"; }
check "A's state reaches B" wait_until 5 b_has 10.1.1.1

SYNC=$(worker_pid "$(daemon_pid "$DA")" ctsyncd-sync)
# a ctnetlink socket (protocol 12) among the sync worker's fds
nl_inodes=$($NA awk '$2 == 12 { print $NF }' /proc/net/netlink)
holds_ctnetlink() {
	for f in /proc/"$SYNC"/fd/*; do
		i=$(readlink "$f" | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p')
		[ -n "$i" ] && echo "$nl_inodes" | grep -qx "$i" && return 0
	done
	return 1
}
check "A's sync worker holds a ctnetlink socket" holds_ctnetlink
check "... and no capability" sh -c \
	"grep -q '^CapEff:[[:space:]]*0000000000000000' /proc/$SYNC/status"

before=$($NA conntrack -C)
check "the test hook runs" $NA "$CTSYNCCTL" -C "$T/a.conf" test-event-write
check "the kernel refuses a create sent on it" wait_until 5 grep -q \
	'create on the event socket: refused: Operation not permitted' \
	"$DA/ctsyncd.log"
check "... and a flush" wait_until 5 grep -q \
	'flush on the event socket: refused: Operation not permitted' \
	"$DA/ctsyncd.log"
check "nothing was accepted" sh -c "! grep -q 'event socket: ACCEPTED' '$DA/ctsyncd.log'"
check "A's table is as it was" test "$($NA conntrack -C)" = "$before"
check "... without the entry the hook tried to create" sh -c \
	"! $NA conntrack -L 2>/dev/null | grep -q 'src=192.0.2.1 '"
$NA conntrack -I -p tcp -s 10.1.1.3 -d 10.1.1.2 --sport 1000 --dport 80 \
	--state ESTABLISHED -t 300 >/dev/null 2>&1
check "events are replicated afterwards" wait_until 5 b_has 10.1.1.3
ctl_a -k
ctl_b -k
done_testing
