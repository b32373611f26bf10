#!/bin/sh
# Metrics: `ctsyncctl metrics' and the Metrics listener (General { Metrics
# { } }) print every statistic as OpenMetrics, parsed here by the
# reference parser (python3-prometheus-client); the listener is
# unprivileged and confined, refuses what is not a scrape, survives a
# silent client and its own death, and a taken port stops the start.
# And ctsyncctl's other machine-readable answers: dumps as JSON objects,
# errors as JSON.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
PY=/usr/bin/python3
$PY -c 'import prometheus_client' 2>/dev/null ||
	skip_all "python3-prometheus-client is not installed"
PARSE="$PY $srcdir/tests/tools/parse_metrics.py"

make_nodes
sed -i 's/^General {/General {\n\tMetrics {\n\t\tIPv4_address 127.0.0.1\n\t\tPort 9117\n\t}/' "$T/b.conf"
# http <path> [accept]: status line, content type and body in $T/http.*
http() {
	$NB $PY - "$@" >"$T/http.status" 2>&1 <<'PY'
import sys, urllib.request, urllib.error
h = {'Accept': sys.argv[2]} if len(sys.argv) > 2 else {}
try:
    r = urllib.request.urlopen(urllib.request.Request(
        'http://127.0.0.1:9117' + sys.argv[1], headers=h), timeout=10)
except urllib.error.HTTPError as e:
    print(e.code); sys.exit(0)
print(r.status, r.headers['Content-Type'])
sys.stderr.write(r.read().decode())
PY
}
scrape() {	# scrape: B's metrics over HTTP, parsed, in $T/b.samples
	$NB $PY -c "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:9117/metrics', timeout=10).read().decode())" >"$T/b.om" &&
	    $PARSE <"$T/b.om" >"$T/b.samples"
}
value() { awk -v s="$2" 'index($0, " " s " ") { v = $NF } END { if (v == "") exit 1; print v }' "$1"; }
value_is() { [ "$(value "$1" "$2")" = "$3" ]; }	# <samples> <sample> <value>
value_pos() { v=$(value "$1" "$2") && [ "${v%%.*}" -gt 0 ]; }

check "A starts" ctl_a -d
check "B starts with a Metrics listener" ctl_b -d
check "the log says where it listens" grep -q "Metrics: listening on 127.0.0.1 port 9117" "$DB/ctsyncd.log"
$NA conntrack -I -p tcp -s 192.168.1.1 -d 192.168.2.20 --sport 1000 --dport 80 --state ESTABLISHED -t 300 >/dev/null 2>&1
for i in $(seq 2 40); do
	$NA conntrack -I -p tcp -s 192.168.1.$i -d 192.168.2.20 --sport 1000 --dport 80 --state ESTABLISHED -t 300 >/dev/null 2>&1
done
check "B has A's 40 states" wait_until 10 sh -c "test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | grep -c 'dport=80 ') = 40"

# ctsyncctl metrics, on A (no listener)
$NA "$CTSYNCCTL" -C "$T/a.conf" metrics >"$T/a.om"
check "ctsyncctl metrics: the reference parser takes it" sh -c "$PARSE <'$T/a.om' >'$T/a.samples'"
check "A's internal cache: 40 active" value_is "$T/a.samples" 'ctsyncd_cache_active{cache="internal"}' 40.0
check "A sent datagrams on veth0" value_pos "$T/a.samples" 'ctsyncd_link_sent_packets_total{link="veth0"}'
check "three processes up" sh -c "test \$(grep -c '^gauge ctsyncd_process_up .* 1.0\$' '$T/a.samples') = 3"
check "the kernel's table, from the netlink worker" value_is "$T/a.samples" 'ctsyncd_kernel_entries{process="netlink worker"}' 40.0
check "every family has its HELP and TYPE" sh -c "test \$(grep -c '^# TYPE' '$T/a.om') = \$(grep -c '^# HELP' '$T/a.om') && test \$(grep -c '^# TYPE' '$T/a.om') -gt 80"
check "counters end in _total" sh -c "! grep '^counter' '$T/a.samples' | awk '\$3 !~ /_total[{]/' | grep -q ."
check "--json metrics: the blocks as JSON" sh -c "$NA '$CTSYNCCTL' -C '$T/a.conf' --json metrics | $PY -c 'import json,sys; d = json.load(sys.stdin); assert d[\"status\"] == \"ok\" and len(d[\"items\"]) > 8'"

# JSON: dumps as objects, errors as JSON too
json_entries() {	# json_entries <node> <show argument> <count>
	ip netns exec "$(ns_of "$1")" "$CTSYNCCTL" -C "$T/$1.conf" --json show "$2" |
	    $PY -c "import json, sys
d = json.load(sys.stdin)
e = [i['entry'] for i in d['items']]
assert d['status'] == 'ok' and len(e) == $3, len(e)
assert all(x['l4proto'] == 'tcp' and x['original']['dport'] == 80 and x['original']['src'].startswith('192.168.1.') for x in e)"
}
check "--json show internal: A's 40 entries as objects" json_entries a internal 40
check "--json show external: B's 40 entries as objects" json_entries b external 40

# the listener, on B
check "a scrape over HTTP is parsed" scrape
check "B's external cache: 40 active" value_is "$T/b.samples" 'ctsyncd_cache_active{cache="external"}' 40.0
check "B received on veth0" value_pos "$T/b.samples" 'ctsyncd_link_received_bytes_total{link="veth0"}'
check "anti-entropy names B's peer" value "$T/b.samples" 'ctsyncd_antientropy_verified{peer="10.99.0.1"}'
http /metrics
check "Prometheus text format by default" grep -q "^200 text/plain; version=0.0.4" "$T/http.status"
http /metrics "application/openmetrics-text; version=1.0.0"
check "OpenMetrics when the scraper asks for it" grep -q "^200 application/openmetrics-text; version=1.0.0" "$T/http.status"
http /
check "another path: 404" grep -qx 404 "$T/http.status"
check "a POST: 405" sh -c "printf 'POST /metrics HTTP/1.0\r\n\r\n' | $NB $PY -c \"import socket,sys; s = socket.create_connection(('127.0.0.1', 9117)); s.sendall(sys.stdin.buffer.read()); print(s.recv(100).decode())\" | grep -q '405 Method Not Allowed'"

mpid=$(pgrep -P "$(daemon_pid "$DB")" -x ctsyncd-metrics)
check "the listener runs" test -n "$mpid"
check "as the unprivileged user" sh -c "test \$(stat -c %U /proc/$mpid) = ctsyncd"
check "with no capability" sh -c "grep -q '^CapEff:	0000000000000000' /proc/$mpid/status && grep -q '^CapBnd:	0000000000000000' /proc/$mpid/status"
check "under seccomp, no_new_privs" sh -c "grep -q '^Seccomp:	2' /proc/$mpid/status && grep -q '^NoNewPrivs:	1' /proc/$mpid/status"
check "chrooted" sh -c "test \"\$(readlink /proc/$mpid/root)\" = '$DB/empty'"
check "it holds no control socket, no link socket" sh -c "test \$(ls /proc/$mpid/fd | wc -l) -le 4"

# a client that connects and says nothing delays, never stops, the next
$NB $PY -c "import socket,time; s = socket.create_connection(('127.0.0.1', 9117)); time.sleep(6)" &
PIDS="$PIDS $!"
sleep 0.5
check "a silent client does not stop the next scrape" scrape
check "a request line of 8 KiB is refused, the listener goes on" sh -c "$NB $PY -c \"import socket; s = socket.create_connection(('127.0.0.1', 9117)); s.sendall(b'GET /' + b'a' * 8192); s.recv(10)\"; true"
check "then a scrape" scrape

kill -9 "$mpid"
check "a killed listener is restarted" wait_until 5 sh -c "pgrep -P $(daemon_pid "$DB") -x ctsyncd-metrics | grep -qv '^$mpid\$'"
check "and serves again" wait_until 5 scrape
check "the log says so" grep -q "Metrics: the listener restarted" "$DB/ctsyncd.log"
mpid=$(pgrep -P "$(daemon_pid "$DB")" -x ctsyncd-metrics)
# health fails until A's first digest verified B's copy (AntiEntropy,
# 10 s after A heard B): under load the test can get here before it
check "B's daemon is unharmed" wait_until 20 $NB "$CTSYNCCTL" -C "$T/b.conf" health

# configuration
cat >"$T/bad.conf" <<EOC
General { Metrics { Port 9117 } }
Sync { Mode FTFW { } UDP { IPv4_address 10.99.0.1 IPv4_Destination_Address 10.99.0.2 Port 3780 Interface veth0 } }
EOC
check "-T: Metrics without an address is refused" sh -c "! $NA '$CTSYNCD' -C '$T/bad.conf' -T 2>'$T/err' && grep -q 'Metrics needs an IPv4_address' '$T/err'"
sed -i 's/Metrics { Port 9117 }/Metrics { IPv4_address 127.0.0.1 Port 0 }/' "$T/bad.conf"
check "-T: port 0 is refused" sh -c "! $NA '$CTSYNCD' -C '$T/bad.conf' -T 2>'$T/err' && grep -q 'Port must be 1 to 65535' '$T/err'"
sed "s#$DB#$T/c#g; s/Port 9117/Port 9117/" "$T/b.conf" >"$T/c.conf"
mkdir -p "$T/c"
check "a second daemon on the taken port does not start" sh -c "! $NB '$CTSYNCD' -C '$T/c.conf' -d 2>/dev/null"
check "and says why" grep -q "Metrics: cannot listen on 127.0.0.1 port 9117" "$T/c/ctsyncd.log"

ctl_a -k
check "--json with no daemon: an error, in JSON, exit 1" sh -c \
	"! $NA '$CTSYNCCTL' -C '$T/a.conf' --json stats >'$T/err.json' 2>/dev/null &&
	 $PY -c \"import json; d = json.load(open('$T/err.json')); assert d['status'] == 'error' and 'connect' in d['message']\""
ctl_b -k
check "the listener stops with the daemon" sh -c "! kill -0 $mpid 2>/dev/null"
done_testing
