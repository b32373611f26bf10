#!/bin/sh
# Kernel changes go one at a time: a flush (-F) asked for while a commit
# runs waits for the commit's end, then runs.  Side by side, the flush's
# end would end the commit's quiet period (its event socket back in the
# new-entry group) and the sync worker's note that the events are its
# own: the rest of the commit would go back to A as B's new states, and
# stay in B's kernel after the flush.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

N=100000
make_nodes
is_count() { test "$(cache_current "$1" "$2")" = "$3"; }
big_tables
check "A starts" ctl_a -d
check "B starts" ctl_b -d
$NA "$top_builddir/bench/ctload" create $N 12 >/dev/null
check "B holds A's $N states" wait_until 90 is_count b external $N

ctl_b -c >"$T/commit.out" 2>&1 &
cpid=$!
PIDS="$PIDS $cpid"
check "B's commit has begun" wait_until 10 sh -c \
	"test \$($NB conntrack -C) -gt 0"
check "a flush of B's kernel table, asked for meanwhile, returns" ctl_b -F
wait "$cpid"
check "the commit returned too" test $? = 0
check "the flush waited for the commit (B's log)" \
	grep -q "the flush waits for the kernel change in progress" \
	"$DB/ctsyncd.log"
check "so B's kernel is empty at the end (the flush came last)" \
	wait_until 10 sh -c "test \$($NB conntrack -C) = 0"
sleep 2
check "nothing of the commit went back to A" is_count a external 0
ctl_a -k
ctl_b -k
done_testing
