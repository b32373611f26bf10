#!/bin/sh
# NetlinkOverrunResync: events lost to a full netlink buffer are made up
# for by a sweeping dump that many seconds later (conntrackd's delay); off,
# the internal cache stays as it is until -R.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
CTLOAD="$top_builddir/bench/ctload"
# a buffer that cannot hold a burst, and may not grow
small_buffer() {
	sed -i "s/^\tNetlinkBufferSize 2097152/\tNetlinkBufferSize 8192\n\tNetlinkBufferSizeMaxGrowth 8192\n\tNetlinkOverrunResync $1/" "$T/a.conf"
}
# burst <N>: N states while the netlink worker is stopped, so that the
# events overrun its buffer for sure
burst() {
	nlw=$(worker_pid "$(daemon_pid "$DA")" ctsyncd-netlink)
	kill -STOP "$nlw" && $NA "$CTLOAD" create "$1" >/dev/null
	r=$?
	kill -CONT "$nlw"
	return $r
}
internal_count() {
	test "$($NA "$CTSYNCD" -C "$T/a.conf" -i | wc -l)" "$@"
}

small_buffer 2
check "A starts with NetlinkOverrunResync 2" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "no 'not supported' warning" sh -c \
	"! grep -q 'not supported yet' '$DA/ctsyncd.log'"
check "a burst of 5000 states while the netlink worker sleeps" burst 5000
check "the overrun is logged with the delay" wait_until 5 \
	grep -q 'overrun); resynchronising with the kernel table in 2 s' \
	"$DA/ctsyncd.log"
check "and counted" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s runtime | grep -Eq 'overrun:?[[:space:]]+[1-9]'"
check "the resync makes up for the lost events" wait_until 10 \
	internal_count = 5000
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NA "$CTLOAD" delete 5000 >/dev/null 2>&1

sed -i "s/NetlinkOverrunResync 2/NetlinkOverrunResync off/" "$T/a.conf"
: >"$DA/ctsyncd.log"
check "A starts with NetlinkOverrunResync off" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "a burst of 5000 states while the netlink worker sleeps" burst 5000
check "the overrun is logged, without a resync" wait_until 5 \
	grep -q 'NetlinkOverrunResync is off' "$DA/ctsyncd.log"
sleep 4
check "4 s later the internal cache still misses what was lost" \
	internal_count -lt 5000
check "-R fills it" sh -c "$NA '$CTSYNCD' -C '$T/a.conf' -R"
check "... with every state" wait_until 5 internal_count = 5000
$NA "$CTSYNCD" -C "$T/a.conf" -k
done_testing
