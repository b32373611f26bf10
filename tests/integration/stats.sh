#!/bin/sh
# Stats mode, the flow statistics collector (config.md 5): ctsyncd in one
# namespace and Debian's conntrackd 1.4.7 in another see the same flows
# (real UDP and ICMP traffic, a TCP entry made by conntrack -I); the
# destroyed flows' lines in the Stats LogFile, -i, -s and -s cache must
# read the same.  ctsyncd turns flow accounting on; for conntrackd the
# test does it.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
command -v nft >/dev/null || skip_all "nft is not installed"

make_pair
NA="ip netns exec $A"
NB="ip netns exec $B"
DA="$T/a"; DB="$T/b"
mkdir -p "$DA" "$DB"
chmod 755 "$DA" "$DB"
stats_conf() {
	cat >"$1" <<EOC
General {
	LogFile $2/ctsyncd.log
	LockFile $2/ctsyncd.lock
	UNIX { Path $2/ctl.sock }
}
Stats { LogFile $2/stats.log }
Privsep { ChrootDirectory $2/empty }
EOC
}
stats_conf "$T/a.conf" "$DA"
stats_conf "$T/b.conf" "$DB"
grep -v Privsep "$T/b.conf" >"$T/cb.conf"
have_conntrackd=0
command -v conntrackd >/dev/null && have_conntrackd=1

# flows <ns>: the same traffic in either namespace.  A stateful rule
# makes the kernel track local traffic at all.
flows() {
	n="ip netns exec $1"
	$n nft add table inet t
	$n nft add chain inet t out '{ type filter hook output priority 0; }'
	$n nft add rule inet t out ct state new,established accept
	$n python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 4000))
s.sendto(b"hello", ("127.0.0.1", 5000))
s.sendto(b"hello again", ("127.0.0.1", 5000))
'
	$n python3 -c '
import socket, struct
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
m = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"ping"
m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.sendto(m, ("127.0.0.1", 0))
s.settimeout(1)
s.recv(100)
'
	$n conntrack -I -p tcp -s 192.168.1.10 -d 192.168.2.20 --sport 1234 \
		--dport 80 --state ESTABLISHED -t 120 -m 42 >/dev/null 2>&1
}
# no_time <file>: the log's lines without their time stamps (and the
# ICMP id, which differs between the two pings), sorted
no_time() { cut -f2- "$1" | sed 's/ id=[0-9]*/ id=N/' | sort; }
# cache_i <cmd...>: -i without the [active since] that differs by timing
cache_i() {
	"$@" -i | sed -e 's/ \[active since [0-9]*s\]//' -e 's/ id=[0-9]*/ id=N/' |
	    sort
}

check "ctsyncd starts in Stats mode" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "no 'not supported' warning" sh -c \
	"! grep -q 'not supported yet' '$DA/ctsyncd.log'"
check "flow accounting turned on, and said so" sh -c \
	"$NA sysctl -n net.netfilter.nf_conntrack_acct | grep -qx 1 &&
	 grep -q 'nf_conntrack_acct on' '$DA/ctsyncd.log'"
flows "$A"
check "-i shows the live flows (the stats cache)" wait_until 5 sh -c \
	"test \$($NA '$CTSYNCD' -C '$T/a.conf' -i | wc -l) = 3"
check "-c, -t and -f external do nothing and succeed" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -c && $NA '$CTSYNCD' -C '$T/a.conf' -t &&
	 $NA '$CTSYNCD' -C '$T/a.conf' -f external &&
	 ! grep -q 'committing\|flushing conntrack table in' '$DA/ctsyncd.log'"
check "-s network prints nothing" sh -c \
	"test -z \"\$($NA '$CTSYNCD' -C '$T/a.conf' -s network)\""
$NA conntrack -F >/dev/null 2>&1
check "each destroyed flow gets one line in the Stats LogFile" \
	wait_until 5 sh -c "test \$(wc -l <'$DA/stats.log') = 3"
check "a line is the time, a TAB, the flow with its counters" sh -c \
	"grep -Eq '^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4}	udp      17 src=127.0.0.1 dst=127.0.0.1 sport=4000 dport=5000 packets=2 bytes=' '$DA/stats.log'"
check "-s sums the traffic of the destroyed flows" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s | grep -A1 '^traffic processed:' | grep -Eq '^ +[1-9][0-9]* Bytes +[1-9][0-9]* Pckts'"
check "the stats cache is empty again" sh -c \
	"test -z \"\$($NA '$CTSYNCD' -C '$T/a.conf' -i)\""

if [ $have_conntrackd = 1 ]; then
	$NB sysctl -qw net.netfilter.nf_conntrack_acct=1
	check "conntrackd starts in Stats mode beside it" \
		$NB conntrackd -C "$T/cb.conf" -d
	wait_until 5 $NB conntrackd -C "$T/cb.conf" -s
	flows "$B"
	wait_until 5 sh -c "test \$($NB conntrackd -C '$T/cb.conf' -i | wc -l) = 3"
	# ctsyncd sees the same flows once more, to compare -i live
	flows "$A" 2>/dev/null
	wait_until 5 sh -c "test \$($NA '$CTSYNCD' -C '$T/a.conf' -i | wc -l) = 3"
	cache_i $NA "$CTSYNCD" -C "$T/a.conf" >"$T/i.a"
	cache_i $NB conntrackd -C "$T/cb.conf" >"$T/i.b"
	check "-i reads as conntrackd's" cmp "$T/i.a" "$T/i.b"
	: >"$DA/stats.log"
	$NA conntrack -F >/dev/null 2>&1
	$NB conntrack -F >/dev/null 2>&1
	wait_until 5 sh -c "test \$(wc -l <'$DA/stats.log') = 3 &&
	    test \$(wc -l <'$DB/stats.log') = 3"
	no_time "$DA/stats.log" >"$T/log.a"
	no_time "$DB/stats.log" >"$T/log.b"
	check "the Stats LogFile reads as conntrackd's, line for line" \
		cmp "$T/log.a" "$T/log.b"
	$NA "$CTSYNCD" -C "$T/a.conf" -s cache | sed 's/[0-9][0-9]*/N/g' >"$T/sc.a"
	$NB conntrackd -C "$T/cb.conf" -s cache | sed 's/[0-9][0-9]*/N/g' >"$T/sc.b"
	check "-s cache has conntrackd's layout" cmp "$T/sc.a" "$T/sc.b"
	$NA "$CTSYNCD" -C "$T/a.conf" -s | sed 's/ *[0-9][0-9]*/ N/g' >"$T/s.a"
	$NB conntrackd -C "$T/cb.conf" -s | sed 's/ *[0-9][0-9]*/ N/g' >"$T/s.b"
	check "-s too" diff "$T/s.a" "$T/s.b"
	$NB conntrackd -C "$T/cb.conf" -k >/dev/null 2>&1
	diag "$(cat "$T/log.a")"
else
	echo "# conntrackd is not installed: no comparison"
fi
check "-k stops it" $NA "$CTSYNCD" -C "$T/a.conf" -k

# Syslog: each destroyed flow goes to syslog too.  A private /dev whose
# /dev/log is a listening socket stands in for the system logger.
if command -v unshare >/dev/null; then
	sed 's|Stats { LogFile .* }|Stats { Syslog on }|' "$T/a.conf" >"$T/sl.conf"
	unshare -m sh -c "
	    mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 || exit 1
	    python3 -c '
import socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(\"/dev/log\")
s.settimeout(0.2)
end = time.time() + 8
with open(\"$T/syslog.out\", \"wb\") as out:
    while time.time() < end:
        try:
            out.write(s.recv(4096) + b\"\\n\")
            out.flush()
        except socket.timeout:
            pass
' &
	    sleep 0.5
	    $NA '$CTSYNCD' -C '$T/sl.conf' -d
	    $NA conntrack -I -p udp -s 10.8.8.1 -d 10.8.8.2 --sport 5 \
	        --dport 6 -t 60 >/dev/null 2>&1
	    sleep 0.5
	    $NA conntrack -D -p udp -s 10.8.8.1 >/dev/null 2>&1
	    sleep 1
	    $NA '$CTSYNCD' -C '$T/sl.conf' -k
	    wait"
	check "with Syslog on, a destroyed flow goes to syslog at LOG_INFO" \
		grep -aq '^<30>.*udp      17 src=10.8.8.1 dst=10.8.8.2 sport=5 dport=6' \
		"$T/syslog.out"
else
	echo "# unshare is not installed: syslog is not tried"
fi
done_testing
