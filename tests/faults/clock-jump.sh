#!/bin/sh
# Fault: the wall clock jumps, 2 hours ahead, then 4 hours back (an NTP
# step, an operator).  Every timer runs on CLOCK_MONOTONIC (common/
# clock.h), so nothing fires or stalls: an ALARM pair (RefreshTime 5,
# CacheTimeout 30) keeps every state on the backup through both jumps,
# changes go on replicating, refreshes go on.  The machine's clock is set
# right again at the end, whatever happens.
. "$(dirname "$0")/../integration/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
CTLOAD="$top_builddir/bench/ctload"

# the true time, kept from the monotonic clock while the wall clock lies
wall0=$(date +%s.%N)
up0=$(cut -d' ' -f1 /proc/uptime)
true_now() { awk -v w="$wall0" -v u="$up0" '{ printf "%.3f", w + $1 - u }' /proc/uptime; }
restore_clock() { date -s "@$(true_now)" >/dev/null; }
AT_EXIT=restore_clock
jump() {	# jump <seconds from the true time>
	date -s "@$(awk -v t="$(true_now)" -v d="$1" 'BEGIN { printf "%.3f", t + d }')" >/dev/null
}

make_segment
node_conf a ALARM UDP 10.99.0.1 10.99.0.2
node_conf b ALARM UDP 10.99.0.2 10.99.0.1
sed -i 's/Mode ALARM { }/Mode ALARM { RefreshTime 5 CacheTimeout 30 }/' \
    "$T/a.conf" "$T/b.conf"
count_b() { ctl b -e | wc -l; }
# holds <n> <seconds>: B's external cache has n states at every look
holds() {
	i=0
	while [ $i -lt "$2" ]; do
		c=$(count_b)
		[ "$c" = "$1" ] || { echo "B held $c states, not $1"; return 1; }
		sleep 1
		i=$((i + 1))
	done
}

check "an ALARM pair starts" start_all a b
ip netns exec "$A" "$CTLOAD" create 2000 >/dev/null
check "2000 states reach B" wait_until 20 sh -c "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2000"

jump 7200
check "the clock 2 h ahead: B keeps the 2000 states (8 s)" holds 2000 8
ip netns exec "$A" "$CTLOAD" create 500 11 >/dev/null
check "... 500 new ones replicate" wait_until 10 sh -c "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2500"

jump -7200
check "the clock 2 h behind: B keeps the 2500 states (8 s)" holds 2500 8
ip netns exec "$A" "$CTLOAD" delete 2000 >/dev/null
ip netns exec "$A" "$CTLOAD" delete 500 11 >/dev/null
ip netns exec "$A" "$CTLOAD" create 100 12 >/dev/null
check "... A's table replaced by 100 states: B follows" wait_until 10 sh -c "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 100"
# CacheTimeout 30: B keeps them only while A refreshes them
check "... and keeps them 40 s on (A's refreshes go on)" holds 100 40
restore_clock
check "the clock set right: both daemons answer" sh -c "$(echo ip netns exec "$A" "$CTSYNCD" -C "$T/a.conf" -s) >/dev/null && $(echo ip netns exec "$B" "$CTSYNCD" -C "$T/b.conf" -s) >/dev/null"
check "... and nothing logged a failure" sh -c "! grep -qi 'fatal\\|restarting' '$T/a/ctsyncd.log' '$T/b/ctsyncd.log'"
stop_all
done_testing
