#!/bin/sh
# SIGHUP reopens the LogFile and the Stats LogFile, as logrotate needs:
# a Stats-mode daemon logs 20,000 destroyed flows while its files are
# renamed and it gets SIGHUP in the middle (also sent to its whole
# process group, which the workers ignore); no line is lost, the new
# files get what follows, and the daemon runs on.
. "$(dirname "$0")/lib.sh"

make_pair
NA="ip netns exec $A"
DA="$T/a"; mkdir -p "$DA"; chmod 755 "$DA"
CTLOAD="$top_builddir/bench/ctload"
cat >"$T/a.conf" <<EOC
General {
	LogFile $DA/ctsyncd.log
	LockFile $DA/ctsyncd.lock
	UNIX { Path $DA/ctl.sock }
}
Stats { LogFile $DA/stats.log }
Privsep { ChrootDirectory $DA/empty }
EOC
lines() { cat "$DA"/stats.log* 2>/dev/null | wc -l; }

check "ctsyncd starts in Stats mode" $NA "$CTSYNCD" -C "$T/a.conf" -d
sup=$(daemon_pid "$DA")
$NA "$CTLOAD" create 10000 10 >/dev/null
$NA "$CTLOAD" create 10000 11 >/dev/null
$NA "$CTLOAD" delete 10000 10 >/dev/null
check "10000 flows logged" wait_until 10 sh -c "test \$(cat '$DA'/stats.log | wc -l) = 10000"
mv "$DA/stats.log" "$DA/stats.log.1"
mv "$DA/ctsyncd.log" "$DA/ctsyncd.log.1"
$NA "$CTLOAD" delete 10000 11 >/dev/null &
kill -HUP "$sup"
kill -HUP -- "-$(ps -o pgid= -p "$sup" | tr -d ' ')"
wait
check "every flow logged once, across both files" wait_until 10 sh -c \
	"test \$(cat '$DA'/stats.log* | wc -l) = 20000"
check "the new Stats LogFile has what came after" test -s "$DA/stats.log"
check "the new LogFile says it was reopened" \
	wait_until 5 grep -q "log files reopened (SIGHUP)" "$DA/ctsyncd.log"
check "both workers run on" sh -c \
	"test -n \"\$(pgrep -P $sup -x ctsyncd-sync)\" && test -n \"\$(pgrep -P $sup -x ctsyncd-netlink)\""
check "the daemon answers" $NA "$CTSYNCD" -C "$T/a.conf" -s
check "it stops" $NA "$CTSYNCD" -C "$T/a.conf" -k
done_testing
