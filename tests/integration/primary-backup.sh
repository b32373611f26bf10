#!/bin/sh
# conntrack-tools' primary-backup.sh, unchanged but for its binary, config
# and lock paths, drives ctsyncd through the three keepalived transitions:
# backup (start the daemon, schedule the purge, ask for the primary's
# states), primary (commit, flush, resync, bulk send), fault.
. "$(dirname "$0")/lib.sh"
SCRIPT=/usr/share/doc/conntrackd/examples/sync/primary-backup.sh
[ -r "$SCRIPT" ] || skip_all "conntrackd's primary-backup.sh is not installed"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
sed -e "s|^CONNTRACKD_BIN=.*|CONNTRACKD_BIN=$CTSYNCD|" \
    -e "s|^CONNTRACKD_CONFIG=.*|CONNTRACKD_CONFIG=$T/b.conf|" \
    -e "s|^CONNTRACKD_LOCK=.*|CONNTRACKD_LOCK=$DB/ctsyncd.lock|" \
    "$SCRIPT" >"$T/primary-backup.sh"
check "only the three path settings differ from the shipped script" sh -c \
	"test \$(diff '$SCRIPT' '$T/primary-backup.sh' | grep -c '^>') = 3"
# what the script would have logged
mkdir -p "$T/bin"
printf '#!/bin/sh\necho "$*" >>%s\n' "$T/logger.log" >"$T/bin/logger"
chmod +x "$T/bin/logger"
: >"$T/logger.log"
run_script() { ip netns exec "$B" env PATH="$T/bin:$PATH" sh "$T/primary-backup.sh" "$1"; }

check "the primary A runs" ip netns exec "$A" "$CTSYNCD" -C "$T/a.conf" -d
ip netns exec "$A" conntrack -I -p tcp -s 192.168.1.10 -d 192.168.2.20 \
	--sport 1234 --dport 80 --state ESTABLISHED -t 300 -u ASSURED \
	>/dev/null 2>&1
ip netns exec "$A" conntrack -I -p udp -s 10.9.9.9 -d 10.9.9.10 \
	--sport 1 --dport 2 -t 120 >/dev/null 2>&1

check "backup: exits 0" run_script backup
check "backup: started the daemon" ip netns exec "$B" "$CTSYNCD" -C "$T/b.conf" -s
check "backup: the purge is scheduled" grep -q "flushing conntrack table in 60 secs" "$DB/ctsyncd.log"
check "backup: -n brought the primary's states" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2"
check "backup: nothing logged as an error" sh -c "! grep -q ERROR '$T/logger.log'"
check "backup again, daemon running: exits 0" run_script backup

check "primary: exits 0" run_script primary
check "primary: the states are in B's kernel" sh -c \
	"test \$(ip netns exec $B conntrack -L 2>/dev/null | wc -l) = 2"
check "primary: the caches were flushed, the internal one reloaded" \
	wait_until 5 sh -c "test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -i | wc -l) = 2 -a \
	\$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 0"
check "primary: the bulk reached the old primary" wait_until 5 sh -c \
	"test \$(ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -e | wc -l) = 2"
# a pending purge makes -t a no-op; cancelled, -t schedules one again
ip netns exec "$B" "$CTSYNCD" -C "$T/b.conf" -t
check "primary: the commit cancelled the scheduled purge" \
	test "$(grep -c 'flushing conntrack table in' "$DB/ctsyncd.log")" = 2
check "primary: nothing logged as an error" sh -c "! grep -q ERROR '$T/logger.log'"

check "fault: exits 0" run_script fault
run_script nonsense >/dev/null 2>&1
ok $([ $? -eq 1 ] && echo 0 || echo 1) "unknown transition: exits 1, as the script says"

# a crashed daemon does not block the backup transition
SUPB=$(daemon_pid "$DB")
kill -9 "$SUPB"
wait_until 5 sh -c "! ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -s"
check "after a crash, backup restarts the daemon" run_script backup
check "... which answers" ip netns exec "$B" "$CTSYNCD" -C "$T/b.conf" -s
check "the script saw the stale lock and said so" grep -q "was not cleanly stopped" "$T/logger.log"
ip netns exec "$B" "$CTSYNCD" -C "$T/b.conf" -k
ip netns exec "$A" "$CTSYNCD" -C "$T/a.conf" -k
done_testing
