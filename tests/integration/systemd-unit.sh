#!/bin/sh
# The systemd files (systemd/): systemd is not PID 1 on the test machines,
# so the unit is checked offline: `systemd-analyze verify --man=no' on it
# (ExecStart pointed at the build tree, which exists), its exposure by
# `systemd-analyze security --offline=yes' (beside Debian's
# conntrackd.service), the sysusers.d and tmpfiles.d files applied to an
# empty root.  And its CapabilityBoundingSet is enough: two nodes run
# under exactly that bounding set with no_new_privs (setpriv), replicate,
# commit, restart a killed worker and stop.
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze is not installed"
UNIT_IN="$srcdir/systemd/ctsyncd.service.in"
BUILT="$top_builddir/systemd/ctsyncd.service"

check "make built the unit, ExecStart with the configured paths" sh -c \
	"grep -Eq '^ExecStart=/.*/ctsyncd -C /.*/ctsyncd/ctsyncd.conf$' '$BUILT' &&
	 ! grep -q '@[a-z]*@' '$BUILT'"
sed -e "s|@sbindir@|$top_builddir/supervisor|" -e "s|@sysconfdir@|/etc|" \
	-e "s|@localstatedir@|/var|" "$UNIT_IN" >"$T/ctsyncd.service"
systemd-analyze verify --man=no "$T/ctsyncd.service" >"$T/verify" 2>&1
status=$?
sed 's/^/# verify: /' "$T/verify"
check "systemd-analyze verify: no complaint" sh -c \
	"test $status = 0 && ! test -s '$T/verify'"
exposure() {
	systemd-analyze security --offline=yes "$1" 2>/dev/null |
	    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p'
}
ours=$(exposure "$T/ctsyncd.service")
theirs=$(exposure /lib/systemd/system/conntrackd.service 2>/dev/null)
diag "systemd-analyze security: ctsyncd.service ${ours:-?}, Debian's conntrackd.service ${theirs:-not installed}"
check "its exposure is at most 3.5 (of 10)" \
	awk -v e="$ours" 'BEGIN { exit !(e != "" && e <= 3.5) }'
mkdir -p "$T/root/etc"
check "sysusers.d: the workers' user, no login" sh -c \
	"systemd-sysusers --root='$T/root' '$srcdir/systemd/ctsyncd.sysusers' >/dev/null 2>&1 &&
	 grep -q '^ctsyncd:x:[0-9]*:[0-9]*:.*:/nonexistent:.*nologin$' '$T/root/etc/passwd'"
check "make built tmpfiles.d with the configured runstatedir" sh -c \
	"grep -q '^d ${runstatedir:-/run}/ctsyncd/empty ' '$top_builddir/systemd/tmpfiles/ctsyncd.conf'"
sed "s|@runstatedir@|/run|g" "$srcdir/systemd/ctsyncd.tmpfiles" >"$T/tmpfiles.conf"
check "tmpfiles.d: /run/ctsyncd and its empty chroot, root's, 0755" sh -c \
	"systemd-tmpfiles --create --root='$T/root' '$T/tmpfiles.conf' &&
	 test \"\$(stat -c '%U %a' '$T/root/run/ctsyncd/empty')\" = 'root 755'"

# The bounding set of the unit, for setpriv: -all,+net_admin,...
if command -v setpriv >/dev/null; then
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT_IN" |
	    tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
	diag "bounding set: $caps"
	make_nodes
	# A also serves metrics: the listener starts under the same bounds
	sed -i 's/^General {/General {\n\tMetrics {\n\t\tIPv4_address 127.0.0.1\n\t\tPort 9117\n\t}/' "$T/a.conf"
	check "A starts with only the unit's capabilities" \
		$NA setpriv --bounding-set "-all,$caps" --no-new-privs \
		"$CTSYNCD" -C "$T/a.conf" -d
	check "B too" $NB setpriv --bounding-set "-all,$caps" --no-new-privs \
		"$CTSYNCD" -C "$T/b.conf" -d
	$NA "$top_builddir/bench/ctload" create 1000 10 >/dev/null
	check "A's states reach B" wait_until 10 a_table_on_b
	check "A's Metrics listener answers" sh -c "$NA /usr/bin/python3 -c \"import urllib.request; assert b'# EOF' in urllib.request.urlopen('http://127.0.0.1:9117/metrics', timeout=10).read()\""
	check "B commits them" ctl_b -c
	check "... into its kernel" sh -c "test \$($NB conntrack -C) -ge 1000"
	sup=$(daemon_pid "$T/a")
	kill -9 "$(worker_pid "$sup" ctsyncd-sync)"
	check "A's supervisor restarts a killed worker (signals it, sets its ids)" \
		wait_until 10 sh -c "grep -q 'restarting it' '$T/a/ctsyncd.log' &&
		    $NA '$CTSYNCD' -C '$T/a.conf' -s cache >/dev/null"
	check "A stops" ctl_a -k
	check "nothing was refused for want of a capability" sh -c \
		"! grep -Eqi 'not permitted|permission denied' '$T/a/ctsyncd.log' '$T/b/ctsyncd.log'"
	ctl_b -k
fi

# Run by systemd, the daemon logs to the journal stream: each line with
# its priority ("<6>" info, "<3>" error), no time stamp of its own.
journal_run() {	# journal_run <config>: in the foreground, stderr to $T/journal
	: >"$T/journal"
	ino=$(stat -c '%d:%i' "$T/journal")
	ip netns exec "$A" env JOURNAL_STREAM="$ino" "$CTSYNCD" -C "$1" \
	    >/dev/null 2>>"$T/journal" &
}
[ -n "${A:-}" ] || make_nodes
journal_run "$T/a.conf"
jpid=$!
check "on the journal stream: info lines as <6>" wait_until 10 \
	grep -q '^<6>-- starting in console mode --$' "$T/journal"
kill "$jpid"; wait "$jpid" 2>/dev/null
sed 's#^\(\tLockFile\).*#\1 /nonexistent/dir/ctsyncd.lock#' "$T/a.conf" >"$T/bad.conf"
journal_run "$T/bad.conf"
wait $!
check "an error as <3>" grep -q '^<3>ctsyncd cannot start' "$T/journal"
check "no line with a time stamp of its own" sh -c "! grep -q '^\[' '$T/journal'"
done_testing
