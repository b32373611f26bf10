#!/bin/sh
# DisableExternalCache: the backup writes the states it receives straight
# into its kernel table (new, update, destroy; NAT too), keeps no external
# cache, does not send the injected states back, counts what it did in
# -s ("external inject"), and -c has nothing to do.  Also with Debian's
# conntrackd 1.4.7 sending.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
sed -i 's/Mode FTFW { }/Mode FTFW { DisableExternalCache on }/' "$T/b.conf"
CTLOAD="$top_builddir/bench/ctload"
ct_a() { $NA conntrack "$@" >/dev/null 2>&1; }
# in_b <pattern>: B's kernel table has such an entry
in_b() { $NB conntrack -L 2>/dev/null | grep -q -- "$1"; }
not_in_b() { ! in_b "$1"; }
kernel_b() { test "$($NB conntrack -C)" "$@"; }

check "A starts" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts with DisableExternalCache on" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "no 'not supported' warning" sh -c \
	"! grep -q 'not supported yet' '$DB/ctsyncd.log'"
ct_a -I -p tcp -s 192.168.1.10 -d 192.168.2.20 --sport 1234 --dport 80 \
	--state ESTABLISHED -t 120 -m 42
ct_a -I -p udp -s 10.5.0.1 -d 198.51.100.7 --sport 4000 --dport 53 -t 60 \
	--src-nat 203.0.113.9
check "a new state goes into B's kernel table" wait_until 5 \
	in_b 'sport=1234 dport=80 .*mark=42'
check "a NATed one with its NAT" wait_until 5 \
	in_b 'src=10.5.0.1 dst=198.51.100.7 .*src=198.51.100.7 dst=203.0.113.9'
check "B keeps no external cache" sh -c \
	"test -z \"\$($NB '$CTSYNCD' -C '$T/b.conf' -e)\""
ct_a -U -p tcp -s 192.168.1.10 --sport 1234 -m 43
ct_a -U -p udp -s 10.5.0.1 -m 7
check "an update reaches B's kernel" wait_until 5 \
	in_b 'sport=1234 dport=80 .*mark=43'
check "an update of the NATed one too, NAT kept" wait_until 5 \
	in_b 'src=10.5.0.1 .*dst=203.0.113.9 .*mark=7'
ct_a -D -p tcp -s 192.168.1.10
check "a destroy removes it from B's kernel" wait_until 5 \
	not_in_b 'sport=1234 dport=80'
check "B sends nothing back: A's external cache stays empty" sh -c \
	"sleep 1; test -z \"\$($NA '$CTSYNCD' -C '$T/a.conf' -e)\""
check "B's internal cache does not hold the injected states" sh -c \
	"! $NB '$CTSYNCD' -C '$T/b.conf' -i | grep -q 10.5.0.1"
# (a state sent twice while the peers say hello is created twice: at
# least, then)
check "-s shows what was injected, nothing failed" sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -s | grep -A3 '^external inject:' >'$T/inj' &&
	 grep -Eq 'connections created:[[:space:]]+[2-9][[:space:]]+failed:[[:space:]]+0$' '$T/inj' &&
	 grep -Eq 'connections updated:[[:space:]]+[2-9][[:space:]]+failed:[[:space:]]+0$' '$T/inj' &&
	 grep -Eq 'connections destroyed:[[:space:]]+[1-9][[:space:]]+failed:[[:space:]]+0$' '$T/inj'"
check "-c has nothing to do" sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -c && ! grep -q committing '$DB/ctsyncd.log'"
check "a burst of 3000 states" sh -c "$NA '$CTLOAD' create 3000 >/dev/null"
check "... all in B's kernel table" wait_until 10 kernel_b -eq 3001
check "their destruction too" sh -c "$NA '$CTLOAD' delete 3000 >/dev/null"
check "... leaves B's table with the one state left" wait_until 10 \
	kernel_b -eq 1
$NA "$CTSYNCD" -C "$T/a.conf" -k

if command -v conntrackd >/dev/null; then
	grep -v Privsep "$T/a.conf" >"$T/ca.conf"
	$NB conntrack -F >/dev/null 2>&1
	check "conntrackd starts as A" $NA conntrackd -C "$T/ca.conf" -d
	wait_until 5 $NA conntrackd -C "$T/ca.conf" -s
	ct_a -I -p tcp -s 192.168.7.10 -d 192.168.8.20 --sport 999 \
		--dport 22 --state ESTABLISHED -t 120 -m 5
	check "conntrackd's new state goes into B's kernel table" \
		wait_until 5 in_b 'sport=999 dport=22 .*mark=5'
	ct_a -D -p tcp -s 192.168.7.10
	check "and its destroy takes it out" wait_until 5 \
		not_in_b 'sport=999 dport=22'
	$NA conntrackd -C "$T/ca.conf" -k >/dev/null 2>&1
else
	echo "# conntrackd is not installed: no interoperability test"
fi
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
