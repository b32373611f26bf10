#!/bin/sh
# ExpectationSync with the kernel's FTP helper.  A client and a server on
# two bridged segments talk through firewall fw1; both firewalls let new
# connections through only to port 21, and related ones.  The client logs
# in and asks for passive mode (fw1's helper expects the data
# connection); then the firewalls fail over (routes to fw2, fw2 commits
# what ctsyncd replicated) and the client opens the data connection
# through fw2: it passes only as related to a replicated expectation.
# The control run commits the entries without the expectations (-c ct):
# the data connection must then be refused.  Also: -i/-e/-s expect, -F
# expect, and conntrackd 1.4.7 receiving the expectation.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
command -v nft >/dev/null || skip_all "nft is not installed"
HERE=$(cd "$(dirname "$0")" && pwd)/ftp

make_firewalls
for i in 1 2; do
	eval f=\$F$i
	ip netns exec "$f" nft -f - <<EON
table inet fw {
	ct helper ftp-std {
		type "ftp" protocol tcp;
	}
	chain pre {
		type filter hook prerouting priority 0;
		tcp dport 21 ct helper set "ftp-std"
	}
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname "eth1" oifname "eth2" tcp dport 21 ct state new accept
	}
}
EON
done
wait_until 5 sh -c "ip -n $F2 link show sync0 | grep -q LOWER_UP"
for i in 1 2; do
	D="$T/fw$i"; mkdir -p "$D"; chmod 755 "$D"
	write_conf "$T/fw$i.conf" "$D" 10.99.0.$i 10.99.0.$((3 - i)) sync0
	sed -i 's/^\tMode FTFW { }/\tMode FTFW { }\n\tOptions { ExpectationSync { ftp } }/' \
	    "$T/fw$i.conf"
done
N1="ip netns exec $F1"
N2="ip netns exec $F2"
ip netns exec "$SV" python3 "$HERE/ftp-server.py" 21 50021 >/dev/null 2>&1 &
PIDS="$PIDS $!"
# the server listens before any client comes
wait_until 5 sh -c "ip netns exec $SV ss -Htln '( sport = :21 )' | grep -q ."

# start_client: routes through fw1, the client logged in and past PASV;
# it goes on when $T/go exists
start_client() {
	ip -n "$CL" route replace default via 10.1.0.2
	ip -n "$SV" route replace default via 10.2.0.2
	rm -f "$T/go"
	ip netns exec "$CL" python3 "$HERE/ftp-client.py" 10.2.0.10 21 \
	    "$T/go" >"$T/client.out" 2>&1 &
	cpid=$!
	wait_until 5 grep -q '^pasv' "$T/client.out"
}

# session <commit request on fw2> [<command listing what fw2 holds>]:
# one FTP session across a failover; prints the client's `data:' line
session() {
	start_client
	# fw2 holds the expectation before the failover
	wait_until 5 sh -c "${2:-$N2 $CTSYNCD -C $T/fw2.conf -e expect} | grep -q 'dport=50021'"
	${2:-true} >"$T/held.out" 2>&1
	$N2 "$CTSYNCD" -C "$T/fw2.conf" -e expect >"$T/e.out"
	$N1 "$CTSYNCD" -C "$T/fw1.conf" -i expect >"$T/i.out"
	# fail over: the routes go to fw2, which commits
	ip -n "$CL" route replace default via 10.1.0.3
	ip -n "$SV" route replace default via 10.2.0.3
	$N2 "$CTSYNCD" -C "$T/fw2.conf" $1
	touch "$T/go"
	wait "$cpid"
	sed 's/^/# client: /' "$T/client.out" >&2
	grep '^data:' "$T/client.out"
}

check "fw1 starts with ExpectationSync { ftp }" $N1 "$CTSYNCD" -C "$T/fw1.conf" -d
check "fw2 too" $N2 "$CTSYNCD" -C "$T/fw2.conf" -d
check "no 'not supported' warning" sh -c \
	"! grep -q 'not supported yet' '$T/fw1/ctsyncd.log'"
session -c >"$T/with.out"
check "the data connection opens through fw2 after the failover" \
	grep -qx 'data: the data connection works' "$T/with.out"
check "fw1's -i expect shows the FTP expectation as conntrackd prints it" \
	grep -Eq '^proto=6 src=10.1.0.10 dst=10.2.0.10 sport=0 dport=50021 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.10 master-dst=10.2.0.10 sport=[0-9]+ dport=21 .*helper=ftp \[active since [0-9]+s\]$' \
	"$T/i.out"
check "fw2's -e expect shows it too" grep -q 'dport=50021 .*helper=ftp' "$T/e.out"
check "fw2 committed it" grep -q 'Committed 1 new expectations' \
	"$T/fw2/ctsyncd.log"
check "-s expect counts the caches" sh -c \
	"$N1 '$CTSYNCD' -C '$T/fw1.conf' -s expect | grep -q '^cache internal:'"

for i in 1 2; do
	eval f=\$F$i
	ip netns exec "$f" conntrack -F >/dev/null 2>&1
	ip netns exec "$f" conntrack -F expect >/dev/null 2>&1
done
$N2 "$CTSYNCD" -C "$T/fw2.conf" -f
session "-c ct" >"$T/without.out"
check "control, entries committed without the expectations: refused" \
	grep -q '^data: failed' "$T/without.out"

# DisableExternalCache on fw2: the expectation goes into its kernel as
# it arrives, and nothing needs committing
$N2 "$CTSYNCD" -C "$T/fw2.conf" -k
sed 's/^\tMode FTFW { }/\tMode FTFW { DisableExternalCache on }/' \
    "$T/fw2.conf" >"$T/fw2d.conf"
for i in 1 2; do
	eval f=\$F$i
	ip netns exec "$f" conntrack -F >/dev/null 2>&1
	ip netns exec "$f" conntrack -F expect >/dev/null 2>&1
done
check "fw2 starts with DisableExternalCache" $N2 "$CTSYNCD" -C "$T/fw2d.conf" -d
session "-c" "$N2 conntrack -L expect" >"$T/direct.out"
check "... the expectation was in fw2's kernel before the failover" \
	grep -q 'dport=50021 .*helper=ftp' "$T/held.out"
check "... and the data connection opens through fw2" \
	grep -qx 'data: the data connection works' "$T/direct.out"
$N2 "$CTSYNCD" -C "$T/fw2d.conf" -k
$N2 "$CTSYNCD" -C "$T/fw2.conf" -d

# with conntrackd: ctsyncd's expectation reaches conntrackd on fw2, and
# conntrackd's on fw1 reaches ctsyncd
# pasv_only <command printing the receiver's external expectations>
# [<command run once the client asked PASV>]: a session without
# failover; the expectation must show
pasv_only() {
	start_client
	[ $# -gt 1 ] && sleep 0.5 && $2 >/dev/null 2>&1
	wait_until 5 sh -c "$1 | grep -q 'dport=50021 .*helper=ftp'"
	r=$?
	touch "$T/go"
	wait "$cpid"
	return $r
}
if command -v conntrackd >/dev/null; then
	$N2 "$CTSYNCD" -C "$T/fw2.conf" -k
	grep -v Privsep "$T/fw2.conf" >"$T/c2.conf"
	check "conntrackd starts on fw2 with ExpectationSync" \
		$N2 conntrackd -C "$T/c2.conf" -d
	wait_until 5 $N2 conntrackd -C "$T/c2.conf" -s
	check "ctsyncd's expectation reaches conntrackd" \
		pasv_only "$N2 conntrackd -C $T/c2.conf -e expect"
	$N2 conntrackd -C "$T/c2.conf" -k >/dev/null 2>&1
	$N1 "$CTSYNCD" -C "$T/fw1.conf" -k
	grep -v Privsep "$T/fw1.conf" >"$T/c1.conf"
	check "conntrackd starts on fw1" $N1 conntrackd -C "$T/c1.conf" -d
	check "ctsyncd starts on fw2" $N2 "$CTSYNCD" -C "$T/fw2.conf" -d
	wait_until 5 $N1 conntrackd -C "$T/c1.conf" -s
	# (1.4.7 sends a new expectation with a bulk only, not by itself)
	check "conntrackd's expectation reaches ctsyncd in a bulk" \
		pasv_only "$N2 $CTSYNCD -C $T/fw2.conf -e expect" \
		"$N1 conntrackd -C $T/c1.conf -B"
	$N1 conntrackd -C "$T/c1.conf" -k >/dev/null 2>&1
	$N1 "$CTSYNCD" -C "$T/fw1.conf" -d
else
	echo "# conntrackd is not installed: no interoperability test"
fi

# Mode ALARM: an expectation is sent again and again while it lives on
# fw1, and fw2 drops it CacheTimeout seconds after the last time
$N1 "$CTSYNCD" -C "$T/fw1.conf" -k
$N2 "$CTSYNCD" -C "$T/fw2.conf" -k
for i in 1 2; do
	sed 's/^\tMode FTFW { }/\tMode ALARM { RefreshTime 2 CacheTimeout 6 }/' \
	    "$T/fw$i.conf" >"$T/fw${i}a.conf"
done
exp_on_fw2() {
	$N2 "$CTSYNCD" -C "$T/fw2a.conf" -e expect | grep -q 'dport=50021'
}
check "fw1 and fw2 start in ALARM with ExpectationSync" sh -c \
	"$N1 '$CTSYNCD' -C '$T/fw1a.conf' -d && $N2 '$CTSYNCD' -C '$T/fw2a.conf' -d"
start_client
check "ALARM: the expectation reaches fw2" wait_until 5 exp_on_fw2
sleep 8
check "... is refreshed: still there after more than CacheTimeout" \
	exp_on_fw2
$N1 "$CTSYNCD" -C "$T/fw1a.conf" -k
check "... and expires on fw2 once fw1 no longer sends it" \
	wait_until 10 sh -c "! $N2 '$CTSYNCD' -C '$T/fw2a.conf' -e expect | grep -q 'dport=50021'"
touch "$T/go"
wait "$cpid"
$N2 "$CTSYNCD" -C "$T/fw2a.conf" -k
$N1 "$CTSYNCD" -C "$T/fw1.conf" -d
$N2 "$CTSYNCD" -C "$T/fw2.conf" -d

$N1 conntrack -I expect -p tcp --src 10.1.0.10 --dst 10.2.0.10 \
	--sport 0 --dport 50099 --mask-src 255.255.255.255 \
	--mask-dst 255.255.255.255 --mask-sport 0 --mask-dport 65535 \
	--tuple-src 10.1.0.10 --tuple-dst 10.2.0.10 --tuple-port-src 1 \
	--tuple-port-dst 21 --timeout 100 >/dev/null 2>&1
check "-F expect flushes the kernel's expectations" sh -c \
	"$N1 '$CTSYNCD' -C '$T/fw1.conf' -F expect &&
	 test -z \"\$($N1 conntrack -L expect 2>/dev/null)\" &&
	 grep -q 'flushing kernel expect table' '$T/fw1/ctsyncd.log'"
$N1 "$CTSYNCD" -C "$T/fw1.conf" -k
$N2 "$CTSYNCD" -C "$T/fw2.conf" -k
sed 's/^/# /' "$T/with.out" "$T/without.out"
done_testing
