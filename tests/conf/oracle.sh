#!/bin/sh
# Differential test against Debian's conntrackd 1.4.7: every file of
# tests/conf/ok must be accepted and every file of tests/conf/bad rejected
# by conntrackd too (conntrackd -s parses the whole file, then fails to
# connect).  Files named ctsyncd-* hold ctsyncd's own additions or its
# deliberate deviations (numbers that do not fit are errors) and are left out.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v conntrackd >/dev/null 2>&1 || [ -x /usr/sbin/conntrackd ] || {
	echo "1..0 # SKIP conntrackd is not installed"; exit 0; }
PATH=$PATH:/usr/sbin
n=0
for kind in ok bad; do
	for f in "$srcdir"/tests/conf/$kind/*.conf; do
		name=$(basename "$f")
		case $name in ctsyncd-*) continue ;; esac
		out=$(cd "$(dirname "$f")" && timeout 10 conntrackd -C "$name" -s 2>&1 >/dev/null)
		if echo "$out" | grep -q "can't connect"; then got=ok; else got=bad; fi
		n=$((n + 1))
		if [ "$got" = "$kind" ]; then
			echo "ok $n - conntrackd agrees: $kind/$name"
		else
			echo "not ok $n - conntrackd disagrees on $kind/$name"
			echo "$out" | sed 's/^/# /'
		fi
	done
done
echo "1..$n"
