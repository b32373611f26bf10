#!/bin/sh
# The internal cache mirrors the kernel table: the start-up dump, live
# events (create, update, destroy), -f internal, -R; and `-i', `-i -x' print
# it exactly as Debian's conntrackd 1.4.7 prints the same table.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_pair
DA="$T/a"; mkdir -p "$DA"; chmod 755 "$DA"
write_conf "$T/a.conf" "$DA" 10.99.0.1 10.99.0.2
NA="ip netns exec $A"
NB="ip netns exec $B"
ctsyncd() { $NA "$CTSYNCD" -C "$T/a.conf" "$@"; }

# the same entries in both namespaces' kernels
insert() {
	for ns in "$A" "$B"; do
		ip netns exec "$ns" conntrack -I "$@" >/dev/null 2>&1 || return 1
	done
}
check "entries created before start" insert -p tcp -s 192.168.1.10 \
	-d 192.168.2.20 --sport 1234 --dport 80 --state ESTABLISHED -t 120 \
	-u ASSURED -m 42
insert -p udp -s 10.9.9.9 -d 10.9.9.10 --sport 1 --dport 2 -t 60
insert -p icmp -s 192.168.1.12 -d 192.168.2.22 --icmp-type 8 \
	--icmp-code 0 --icmp-id 4660 -t 30
insert -p tcp -s 192.168.1.13 -d 192.168.2.23 --sport 2222 --dport 22 \
	--state ESTABLISHED -t 100 --zone 7
insert -p tcp -s 10.0.0.5 -d 198.51.100.7 --sport 40000 --dport 443 \
	--state ESTABLISHED -t 100 --src-nat 203.0.113.9:61000
insert -p tcp -s 2001:db8::1 -d 2001:db8:1::2 --sport 7 --dport 8 \
	--state SYN_SENT -t 100

check "ctsyncd starts" ctsyncd -d
if command -v conntrackd >/dev/null; then
	DB="$T/b"; mkdir -p "$DB"
	cat >"$T/b.conf" <<EOC
General { LockFile $DB/lock UNIX { Path $DB/ctl } }
Sync { Mode FTFW { } UDP { IPv4_address 10.99.0.2 IPv4_Destination_Address 10.99.0.1 Port 3780 Interface veth0 } }
EOC
	check "conntrackd starts beside it" $NB conntrackd -C "$T/b.conf" -d
	wait_until 5 $NB conntrackd -C "$T/b.conf" -s
	# `active since' may tick between the two dumps; ids differ by netns
	norm() { sed -e 's/active since [0-9]*s/active since Ns/' \
	    -e 's|<id>[0-9]*</id>|<id>N</id>|' | sort; }
	$NB conntrackd -C "$T/b.conf" -i | norm >"$T/want"
	ctsyncd -i | norm >"$T/got"
	check "-i prints the start-up dump as conntrackd does" diff -u "$T/want" "$T/got"
	$NB conntrackd -C "$T/b.conf" -i -x | norm >"$T/want"
	ctsyncd -i -x | norm >"$T/got"
	check "-i -x prints it as conntrackd does" diff -u "$T/want" "$T/got"
	$NB conntrackd -C "$T/b.conf" -k >/dev/null 2>&1
fi
check "six entries in the internal cache" test "$(ctsyncd -i | wc -l)" = 6

# live events, for entries created while the daemon listens
$NA conntrack -I -p tcp -s 10.1.1.1 -d 10.2.2.2 --sport 5555 --dport 80 \
	--state SYN_SENT -t 50 >/dev/null 2>&1
check "a new kernel entry appears" wait_until 5 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -i | grep -q 'SYN_SENT src=10.1.1.1 .*sport=5555'"
$NA conntrack -U -p tcp -s 10.1.1.1 --sport 5555 -m 77 >/dev/null 2>&1
check "an update reaches it (mark 77)" wait_until 5 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -i | grep -q 'sport=5555 .*mark=77'"
$NA conntrack -D -p tcp -s 10.1.1.1 --sport 5555 >/dev/null 2>&1
check "a destroy removes it" wait_until 5 sh -c \
	"! $NA '$CTSYNCD' -C '$T/a.conf' -i | grep -q 'sport=5555'"
# (a destroyed entry is counted once its DEL is out: with no peer to
# answer FT-FW's HELLO, 3 s after the start at most)
check "-s counts what happened" wait_until 5 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s | grep -q '^connections destroyed:[[:space:]]*1'"

check "-f internal empties the cache" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -f internal && test \$($NA '$CTSYNCD' -C '$T/a.conf' -i | wc -l) = 0"
check "-R fills it again from the kernel" ctsyncd -R
check "... with the six entries" wait_until 5 sh -c \
	"test \$($NA '$CTSYNCD' -C '$T/a.conf' -i | wc -l) = 6"
check "the log says so" grep -q "resync with master conntrack table" "$DA/ctsyncd.log"
check "--json show internal: one object per entry" sh -c \
	"$NA '$CTSYNCCTL' -C '$T/a.conf' --json show internal | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"status\"]==\"ok\" and any(i[\"entry\"][\"original\"][\"src\"] == \"192.168.1.10\" for i in d[\"items\"])'"
ctsyncd -k
done_testing
