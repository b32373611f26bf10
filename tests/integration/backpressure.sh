#!/bin/sh
# Back-pressure between the workers: while A's sync worker is stopped, a
# burst of 200,000 states waits in the kernel's event socket, which the
# sync worker reads (nothing queues in the netlink worker); the socket
# overflows, and the overrun resync makes up for it: once the sync worker runs again, A's internal cache and
# B's external cache hold every state.  Then B commits them all: its
# sync worker streams the cache to the commit child as the child reads.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

N=200000
make_nodes
CTLOAD="$top_builddir/bench/ctload"
big_tables '\n\tNetlinkOverrunResync 2'
ctl_a() { $NA "$CTSYNCD" -C "$T/a.conf" "$@"; }
ctl_b() { $NB "$CTSYNCD" -C "$T/b.conf" "$@"; }
all_there() {
	test "$(cache_current a internal)" = $N &&
	    test "$(cache_current b external)" = $N
}

check "A starts" ctl_a -d
check "B starts" ctl_b -d
sup=$(daemon_pid "$DA")
syw=$(worker_pid "$sup" ctsyncd-sync)
nlw=$(worker_pid "$sup" ctsyncd-netlink)
kill -STOP "$syw"
check "$N states written while A's sync worker is stopped" \
	sh -c "$NA '$CTLOAD' create $N >/dev/null"
sleep 1
rss=$(status_field "$nlw" VmRSS)
diag "netlink worker VmRSS with the sync worker stopped: $rss kB"
check "nothing queues in the netlink worker (< 48 MB resident)" \
	test "$rss" -lt 49152
kill -CONT "$syw"
check "once it runs again, every state is in A's and B's caches" \
	wait_until 60 all_there
overrun_counted() {
	ctl_a -s runtime | awk '/netlink overrun:/ { exit !($NF > 0) }'
}
check "the overrun that holding caused is counted" overrun_counted
# Kernel dumps (-R here, three of them; start-up and resyncs alike) go to
# a stopped sync worker at its pace: the kernel keeps what is not read.
rss_before=$(status_field "$nlw" VmRSS)
kill -STOP "$syw"
for i in 1 2 3; do ctl_a -R >"$T/resync$i.out" 2>&1 & done
sleep 4
rss=$(status_field "$nlw" VmRSS)
diag "netlink worker VmRSS: $rss_before kB, then $rss kB during -R with the sync worker stopped"
check "a kernel dump for a stopped sync worker stays bounded (< 16 MiB more)" \
	test $((rss - rss_before)) -lt 16384
kill -CONT "$syw"
check "the three -R complete once the sync worker runs" wait
check "... and A's internal cache is exact" \
	test "$(cache_current a internal)" = $N
check "B commits the $N states, streamed to the child as it reads" ctl_b -c
check "... and all are in B's kernel" sh -c \
	"test \$($NB conntrack -C) -ge $N"
check "B stops" ctl_b -k
check "A stops" ctl_a -k
done_testing
