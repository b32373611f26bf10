#!/bin/sh
# keepalived's notify script for ctsyncd: notify_master, notify_backup and
# notify_fault call it with primary, backup or fault (doc/examples/
# keepalived.conf).  It does what conntrack-tools' primary-backup.sh does
# (that script works unchanged with ctsyncd too), but through ctsyncctl,
# whose exit status says whether each step worked, and it starts ctsyncd
# through systemd when systemd runs.  Each failed step is logged (logger,
# tag ctsyncd-notify) and makes it exit 1.
#   primary: write the peer's states into this kernel (nothing to do in
#            hot standby), flush both caches, read this kernel's table
#            again, send it to the peers;
#   backup:  make sure ctsyncd runs, ask the primary for its table, and
#            flush this kernel's stale entries after PurgeTimeout;
#   fault:   the same purge.
CTSYNCD=${CTSYNCD:-/usr/sbin/ctsyncd}
CTSYNCCTL=${CTSYNCCTL:-/usr/sbin/ctsyncctl}
CONF=${CTSYNCD_CONF:-/etc/ctsyncd/ctsyncd.conf}
status=0

step() {	# step <what> <ctsyncctl command...>
	what=$1; shift
	if ! "$CTSYNCCTL" -C "$CONF" "$@" >/dev/null; then
		logger -t ctsyncd-notify "ERROR: $what failed (ctsyncctl $*)"
		status=1
	fi
}

running() { "$CTSYNCCTL" -C "$CONF" stats >/dev/null 2>&1; }

start_daemon() {
	running && return 0
	if [ -d /run/systemd/system ] && systemctl cat ctsyncd.service \
	    >/dev/null 2>&1; then
		systemctl start ctsyncd.service
	else
		"$CTSYNCD" -C "$CONF" -d
	fi || {
		logger -t ctsyncd-notify "ERROR: ctsyncd did not start"
		status=1
	}
}

case "$1" in
primary)
	step "commit" commit
	step "flush of the caches" flush
	step "resync with the kernel" resync-kernel
	step "bulk send" bulk-send
	;;
backup)
	start_daemon
	step "resync request" request-resync
	step "scheduled purge" reset-timers
	;;
fault)
	step "scheduled purge" reset-timers
	;;
*)
	echo "usage: $0 primary|backup|fault" >&2
	exit 2
	;;
esac
exit $status
