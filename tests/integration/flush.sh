#!/bin/sh
# -F flushes the kernel table through the one-shot child without telling
# the peers (as conntrackd); -t schedules that flush PurgeTimeout seconds
# later, once; -c cancels it.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
sed -i 's/Mode FTFW { }/Mode FTFW { PurgeTimeout 2 }/' "$T/a.conf"
ctsyncd() { $NA "$CTSYNCD" -C "$T/a.conf" "$@"; }
insert() { $NA conntrack -I -p udp -s 10.9.9.9 -d 10.9.9.10 --sport 1 \
    --dport 2 -t 120 >/dev/null 2>&1; }
kernel() { $NA conntrack -C; }

check "A starts" ctsyncd -d
check "B starts" ip netns exec "$B" "$CTSYNCD" -C "$T/b.conf" -d
insert
$NA conntrack -I -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 \
	--state ESTABLISHED -t 100 >/dev/null 2>&1
check "B has A's two states" wait_until 5 sh -c \
	"test \$(ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2"
check "-F returns 0" ctsyncd -F
check "A's kernel table is empty" test "$(kernel)" = 0
check "A's internal cache too" test "$(ctsyncd -i | wc -l)" = 0
sleep 1.5
check "the flush was not sent to B" \
	test "$(ip netns exec "$B" "$CTSYNCD" -C "$T/b.conf" -e | wc -l)" = 2
check "logged as conntrackd does" grep -q "flushing kernel conntrack table" "$DA/ctsyncd.log"

insert
check "-t schedules a flush" ctsyncd -t
check "-t again while pending does nothing" ctsyncd -t
check "... said once" test "$(grep -c 'flushing conntrack table in 2 secs' "$DA/ctsyncd.log")" = 1
check "the entry is still there at once" test "$(kernel)" = 1
check "and flushed after PurgeTimeout" wait_until 6 sh -c "test \$($NA conntrack -C) = 0"
check "logged as scheduled" grep -q "flushing kernel conntrack table (scheduled)" "$DA/ctsyncd.log"

insert
ctsyncd -t
check "-c cancels a scheduled flush" ctsyncd -c
sleep 3
check "... the entry survives PurgeTimeout" test "$(kernel)" = 1
ctsyncd -k
ip netns exec "$B" "$CTSYNCD" -C "$T/b.conf" -k
done_testing
