#!/bin/sh
# DisableInternalCache (NOTRACK): no internal cache on A.  Kernel events
# go to the peer at once; -i is a live dump of the kernel table that
# reads as `conntrack -L'; -B and a peer's -n send the kernel's table;
# -s counts them as "internal bypass"; -R is refused as conntrackd
# refuses it; -f internal flushes the kernel's entries.  Also with
# Debian's conntrackd 1.4.7 as the receiving peer.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
sed -i 's/Mode FTFW { }/Mode NOTRACK { DisableInternalCache on }/' "$T/a.conf"
sed -i 's/Mode FTFW { }/Mode NOTRACK { }/' "$T/b.conf"
ct() { $NA conntrack "$@" >/dev/null 2>&1; }
ctl_a() { $NA "$CTSYNCD" -C "$T/a.conf" "$@"; }
b_has() { $NB "$CTSYNCD" -C "$T/b.conf" -e | grep -q -- "$1"; }
b_lacks() { ! b_has "$1"; }
# -i and conntrack -L, the timeouts left out (they tick)
no_timeout() { sed -E 's/^([a-z0-9]+ +[0-9]+) [0-9]+ /\1 T /' | sort; }

ct -I -p tcp -s 192.168.9.1 -d 192.168.9.2 --sport 7 --dport 8 \
	--state ESTABLISHED -t 300 -m 3
check "A starts without an internal cache" ctl_a -d
check "B starts" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "no 'not supported' warning" sh -c \
	"! grep -q 'not supported yet' '$DA/ctsyncd.log'"
ct -I -p udp -s 10.4.4.4 -d 10.4.4.5 --sport 1 --dport 2 -t 60
check "a new state goes to B at once" wait_until 5 b_has 'src=10.4.4.4 '
check "the entry there before the start is not sent by itself" \
	b_lacks 'src=192.168.9.1 '
ct -U -p udp -s 10.4.4.4 -m 9
check "an update too" wait_until 5 b_has 'src=10.4.4.4 .*mark=9'
ct -D -p udp -s 10.4.4.4
check "a destroy too" wait_until 5 b_lacks 'src=10.4.4.4 '
ctl_a -i | no_timeout >"$T/i.a"
$NA conntrack -L 2>/dev/null | no_timeout >"$T/L.a"
check "-i is the kernel table, as conntrack -L prints it" diff "$T/i.a" "$T/L.a"
ctl_a -i -x | no_timeout >"$T/ix.a"
check "-i -x prints the same (XML is not offered here)" cmp "$T/ix.a" "$T/L.a"
check "-B sends the kernel's table" sh -c "$NA '$CTSYNCD' -C '$T/a.conf' -B"
check "... the older entry reaches B" wait_until 5 b_has 'src=192.168.9.1 .*mark=3'
$NB "$CTSYNCD" -C "$T/b.conf" -f external
check "-n on B is answered from A's kernel table" sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -n"
check "... the entry is back on B" wait_until 5 b_has 'src=192.168.9.1 '
# answers stay in order while a -i waits for its dump
ctl_a -i >"$T/p1" & p1=$!
ctl_a -s >"$T/p2" & p2=$!
ctl_a -i >"$T/p3" & p3=$!
wait $p1 $p2 $p3
check "-i, -s, -i at once: each gets its own answer" sh -c \
	"cmp -s '$T/p1' '$T/p3' && grep -q '^tcp ' '$T/p1' &&
	 grep -q '^internal bypass:' '$T/p2' && ! grep -q '^tcp ' '$T/p2'"
check "-s counts what went by as internal bypass" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s | grep -A3 '^internal bypass:' >'$T/bp' &&
	 grep -Eq 'connections new:[[:space:]]+[1-9]' '$T/bp' &&
	 grep -Eq 'connections updated:[[:space:]]+[1-9]' '$T/bp' &&
	 grep -Eq 'connections destroyed:[[:space:]]+[1-9]' '$T/bp'"
check "-R is refused as in conntrackd" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -R &&
	 grep -q 'resync is unsupported in this mode' '$DA/ctsyncd.log'"
check "-f internal flushes the kernel's entries" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -f internal && test \$($NA conntrack -C) = 0"
$NB "$CTSYNCD" -C "$T/b.conf" -k

if command -v conntrackd >/dev/null; then
	grep -v Privsep "$T/b.conf" >"$T/cb.conf"
	check "conntrackd starts as B in NOTRACK" $NB conntrackd -C "$T/cb.conf" -d
	wait_until 5 $NB conntrackd -C "$T/cb.conf" -s
	ct -I -p udp -s 10.4.4.6 -d 10.4.4.7 --sport 3 --dport 4 -t 60
	check "A's new state reaches conntrackd" wait_until 5 sh -c \
		"$NB conntrackd -C '$T/cb.conf' -e | grep -q 'src=10.4.4.6 '"
	check "-B from A reaches conntrackd" sh -c \
		"$NB conntrackd -C '$T/cb.conf' -f external &&
		 $NA '$CTSYNCD' -C '$T/a.conf' -B && sleep 1 &&
		 $NB conntrackd -C '$T/cb.conf' -e | grep -q 'src=10.4.4.6 '"
	$NB conntrackd -C "$T/cb.conf" -k >/dev/null 2>&1
else
	echo "# conntrackd is not installed: no interoperability test"
fi
ctl_a -k
done_testing
