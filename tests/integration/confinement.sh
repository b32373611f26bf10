#!/bin/sh
# The process model as a user sees it from /proc: three processes, each
# holding exactly the privileges doc/PRIVSEP.md lists; the control socket,
# lock and shutdown as documented.
. "$(dirname "$0")/lib.sh"

make_one_node

check "ctsyncd -d starts and returns 0 once ready" $N "$CTSYNCD" -C "$T/a.conf" -d
check "the control socket exists when -d returns" test -S "$D/ctl.sock"
SUP=$(daemon_pid "$D")
check "the lock file holds the supervisor's pid" kill -0 "$SUP"
NLW=$(worker_pid "$SUP" ctsyncd-netlink)
SYW=$(worker_pid "$SUP" ctsyncd-sync)
check "three processes: supervisor, netlink worker, sync worker" \
	test -n "$NLW" -a -n "$SYW" -a "$(pgrep -P "$SUP" | wc -l)" = 2

check "supervisor runs as root" test "$(status_field "$SUP" Uid)" = 0
check "netlink worker: unprivileged uid" test "$(status_field "$NLW" Uid)" != 0
check "netlink worker: CapEff is CAP_NET_ADMIN only" \
	test "$(status_field "$NLW" CapEff)" = 0000000000001000
check "netlink worker: CapPrm is CAP_NET_ADMIN only" \
	test "$(status_field "$NLW" CapPrm)" = 0000000000001000
check "netlink worker: bounding set empty" \
	test "$(status_field "$NLW" CapBnd)" = 0000000000000000
check "netlink worker: no ambient or inheritable capability" \
	test "$(status_field "$NLW" CapAmb)$(status_field "$NLW" CapInh)" = 00000000000000000000000000000000
check "netlink worker: NoNewPrivs" test "$(status_field "$NLW" NoNewPrivs)" = 1
check "netlink worker: seccomp filter" test "$(status_field "$NLW" Seccomp)" = 2
check "netlink worker: only sockets open (netlink + channel)" \
	sh -c "ls -l /proc/$NLW/fd | tail -n +2 | grep -v 'socket:' | grep -q . && exit 1 || exit 0"
check "netlink worker: exactly four fds (two channels, two ctnetlink sockets)" \
	test "$(ls /proc/$NLW/fd | wc -l)" = 4
check "netlink worker: its two ctnetlink sockets are netlink sockets" \
	test "$(ls -l /proc/$NLW/fd | grep -c socket:)" = 4 -a \
	"$(awk 'NR > 1 && $2 == 12' /proc/$NLW/net/netlink | wc -l)" -ge 2
check "sync worker: two channels, the event socket, one receiving and one sending link socket" \
	test "$(ls /proc/$SYW/fd | wc -l)" = 5

check "sync worker: real, effective, saved and fs uid all non-zero" ids_nonzero "$SYW" Uid
check "sync worker: real, effective, saved and fs gid all non-zero" ids_nonzero "$SYW" Gid
check "netlink worker: all four uids non-zero" ids_nonzero "$NLW" Uid
check "sync worker: no supplementary group" test -z "$(status_field "$SYW" Groups)"
check "sync worker: CapEff 0" test "$(status_field "$SYW" CapEff)" = 0000000000000000
check "sync worker: CapPrm 0" test "$(status_field "$SYW" CapPrm)" = 0000000000000000
check "sync worker: CapBnd 0" test "$(status_field "$SYW" CapBnd)" = 0000000000000000
check "sync worker: NoNewPrivs" test "$(status_field "$SYW" NoNewPrivs)" = 1
check "sync worker: seccomp filter" test "$(status_field "$SYW" Seccomp)" = 2
check "sync worker: root is the empty chroot" \
	test "$(readlink /proc/$SYW/root)" = "$D/empty"
check "netlink worker: root is the empty chroot" \
	test "$(readlink /proc/$NLW/root)" = "$D/empty"
check "sync worker: only sockets open (channel + link sockets)" \
	sh -c "ls -l /proc/$SYW/fd | tail -n +2 | grep -v 'socket:' | grep -q . && exit 1 || exit 0"

check "control socket mode is 0600, owned by root" \
	test "$(stat -c %a:%u "$D/ctl.sock")" = 600:0
check "-s answers with the cache blocks" \
	sh -c "$N '$CTSYNCD' -C '$T/a.conf' -s | grep -q '^cache internal:'"
check "ctsyncctl health: every process answers, kernel reached" \
	sh -c "$N '$CTSYNCCTL' -C '$T/a.conf' health | grep -c 'status=ok' | grep -qx 3"
check "ctsyncctl --json stats is JSON" \
	sh -c "$N '$CTSYNCCTL' -C '$T/a.conf' --json stats | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"status\"]==\"ok\" and d[\"items\"][0][\"block\"]==\"cache\"'"

# a user other than root cannot use the control socket
check "a non-root user cannot connect (socket mode)" \
	sh -c "! $N setpriv --reuid=65534 --regid=65534 --clear-groups '$CTSYNCD' -C '$T/a.conf' -s"
chmod 666 "$D/ctl.sock"
check "a non-root user is refused by SO_PEERCRED even if the mode allows" \
	sh -c "$N setpriv --reuid=65534 --regid=65534 --clear-groups '$CTSYNCCTL' -C '$T/a.conf' stats 2>&1 | grep -q 'permission denied'"
chmod 600 "$D/ctl.sock"
check "the refusal is logged" grep -q "refused a connection from uid 65534" "$D/ctsyncd.log"

# one instance at a time
$N "$CTSYNCD" -C "$T/a.conf" -d >"$T/second.out" 2>&1
check "a second instance refuses to start (exit 1)" test $? = 1
check "... with a message naming the lock and the running pid" \
	grep -q "lockfile \`$D/ctsyncd.lock' is held by pid $SUP" "$T/second.out"
check "the first instance still answers" $N "$CTSYNCD" -C "$T/a.conf" -s

check "-k stops the daemon, exit 0" $N "$CTSYNCD" -C "$T/a.conf" -k
check "every process is gone" wait_until 5 sh -c "! kill -0 $SUP && ! kill -0 $NLW && ! kill -0 $SYW"
check "socket removed" test ! -e "$D/ctl.sock"
check "lock removed" test ! -e "$D/ctsyncd.lock"
check "shutdown logged" grep -q -- "---- shutdown received ----" "$D/ctsyncd.log"
check "-s without a daemon exits 1 (primary-backup.sh relies on it)" \
	sh -c "! $N '$CTSYNCD' -C '$T/a.conf' -s"
done_testing
