#!/bin/sh
# A commit child that dies is started once more: -c still commits every
# state and says nothing went wrong; one that dies twice fails -c with a
# clear error.  B holds 100,000 states from A; its commit child is killed
# as soon as it appears.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

N=100000
make_nodes
big_tables '\n\tNetlinkOverrunResync 2'
CTLOAD="$top_builddir/bench/ctload"
ctl_a() { $NA "$CTSYNCD" -C "$T/a.conf" "$@"; }
ctl_b() { $NB "$CTSYNCD" -C "$T/b.conf" "$@"; }
check "A starts" ctl_a -d
check "B starts" ctl_b -d
$NA "$CTLOAD" create $N >/dev/null
b_holds_all() { test "$(cache_current b external)" = $N; }
check "B holds the $N states" wait_until 60 b_holds_all
SUP=$(daemon_pid "$DB")
kill_commit_children "$SUP" 1 &
killer=$!
check "-c succeeds although its first child was killed" ctl_b -c
wait $killer
check "... every state is in B's kernel" sh -c \
    "test \$($NB conntrack -C) -ge $N"
check "... and the log says it tried once more" \
	grep -q "commit child: trying once more" "$DB/ctsyncd.log"
$NB conntrack -F 2>/dev/null
kill_commit_children "$SUP" 2 &
killer=$!
$NB "$CTSYNCCTL" -C "$T/b.conf" commit >/dev/null 2>"$T/commit.err"
check "two deaths: the commit fails" test $? -ne 0
wait $killer
check "... saying so" grep -q "the child failed twice" "$T/commit.err"
check "the daemon goes on" ctl_b -s
check "a later -c commits everything" sh -c \
    "ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -c && test \$($NB conntrack -C) -ge $N"
ctl_a -k
ctl_b -k
done_testing
