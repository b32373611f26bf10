#!/bin/sh
# The ctsyncd demo: two firewall replicas, fw1 and fw2, in network
# namespaces joined by a veth dedicated link (10.200.0.1 <-> 10.200.0.2),
# each running ctsyncd with the embedded configuration below.  Shows the
# process tree, each process's privileges read from /proc, the control
# commands, a state replicated and committed; then runs the failover of
# tests/integration/failover.sh (keepalived, TCP connections, and the
# control run without ctsyncd).  Everything it creates is removed when it
# ends.
# Usage: two-firewalls.sh BUILD_DIR   (as root)
set -u
build=${1:?usage: two-firewalls.sh BUILD_DIR}
build=$(cd "$build" && pwd)
ctsyncd="$build/supervisor/ctsyncd"
ctsyncctl="$build/ctl/ctsyncctl"
prefix="ctsyncd-demo-$$"
work=$(mktemp -d /tmp/ctsyncd-demo.XXXXXX)
chmod 755 "$work"

cleanup() {
	for fw in fw1 fw2; do
		ip netns exec "$prefix-$fw" "$ctsyncd" -C "$work/$fw.conf" -k \
		    >/dev/null 2>&1
		ip netns del "$prefix-$fw" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ -t 1 ]; then
	say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	say() { printf '\n== %s\n' "$*"; }
fi
run() { printf '$ %s\n' "$*"; "$@"; }

# the workers run from the build tree; installed, they live in libexecdir
mkdir -p "$work/libexec"
ln -s "$build/netlink-worker/ctsyncd-netlink" "$build/sync-worker/ctsyncd-sync" \
    "$build/netlink-worker/ctsyncd-commit" "$work/libexec/"
export CTSYNCD_LIBEXECDIR="$work/libexec"

say "two firewalls and their dedicated link"
ip netns add "$prefix-fw1"
ip netns add "$prefix-fw2"
ip link add sync0 netns "$prefix-fw1" type veth peer name sync0 netns "$prefix-fw2"
for i in 1 2; do
	ip -n "$prefix-fw$i" link set lo up
	ip -n "$prefix-fw$i" addr add "10.200.0.$i/24" dev sync0
	ip -n "$prefix-fw$i" link set sync0 up
done
ip -n "$prefix-fw1" -br addr show sync0
ip -n "$prefix-fw2" -br addr show sync0

for i in 1 2; do
	peer=$((3 - i))
	mkdir -p "$work/fw$i"
	chmod 755 "$work/fw$i"
	cat >"$work/fw$i.conf" <<EOC
# an ordinary conntrackd.conf: FT-FW over UDP on the dedicated link
General {
	LogFile $work/fw$i/ctsyncd.log
	LockFile $work/fw$i/ctsyncd.lock
	UNIX { Path $work/fw$i/ctsyncd.ctl }
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608
}
Sync {
	Mode FTFW { }
	UDP {
		IPv4_address 10.200.0.$i
		IPv4_Destination_Address 10.200.0.$peer
		Port 3780
		Interface sync0
	}
}
# ctsyncd's own section: where the workers are confined
Privsep { ChrootDirectory $work/fw$i/empty }
EOC
done
say "the configuration of fw1, as ctsyncd -T reads it back"
run "$ctsyncd" -T -C "$work/fw1.conf" | sed -n '/^Sync/,/^}/p'

say "start ctsyncd on both firewalls (-d returns once the daemon is ready)"
for i in 1 2; do
	ip netns exec "$prefix-fw$i" "$ctsyncd" -C "$work/fw$i.conf" -d 2>&1 |
	    sed 's/^/  /'
done

say "the process tree of fw1"
sup=$(cat "$work/fw1/ctsyncd.lock")
ps -o pid,ppid,user,group,args --pid "$sup" --ppid "$sup"

say "what each process of fw1 may do (from /proc)"
printf '%-24s %-8s %-18s %-18s %-6s %-7s %s\n' PROCESS UID CapEff CapBnd NNP SECCOMP ROOT
for pid in $sup $(pgrep -P "$sup"); do
	st=/proc/$pid/status
	printf '%-24s %-8s %-18s %-18s %-6s %-7s %s\n' \
	    "$(cat /proc/$pid/comm)" "$(awk '/^Uid:/ { print $2 }' $st)" \
	    "$(awk '/^CapEff:/ { print $2 }' $st)" \
	    "$(awk '/^CapBnd:/ { print $2 }' $st)" \
	    "$(awk '/^NoNewPrivs:/ { print $2 }' $st)" \
	    "$(awk '/^Seccomp:/ { print $2 }' $st)" "$(readlink /proc/$pid/root)"
done
echo "(CapEff 0x1000 is CAP_NET_ADMIN; Seccomp 2 is a filter; see doc/PRIVSEP.md)"

N1="ip netns exec $prefix-fw1"
say "health of every process and of fw1's copy of fw2's table (ctsyncctl health)"
# the copy is verified by anti-entropy's first digest, within 10 s
i=0
while [ $i -lt 30 ] && ! $N1 "$ctsyncctl" -C "$work/fw1.conf" health \
    >/dev/null 2>&1; do sleep 0.5; i=$((i + 1)); done
run $N1 "$ctsyncctl" -C "$work/fw1.conf" health
say "conntrackd's statistics command, same output format (ctsyncd -s)"
run $N1 "$ctsyncd" -C "$work/fw1.conf" -s
say "the dedicated link (ctsyncd -s link), as JSON too"
run $N1 "$ctsyncd" -C "$work/fw1.conf" -s link
run $N1 "$ctsyncctl" -C "$work/fw1.conf" --json stats link
say "runtime statistics (ctsyncd -s runtime)"
run $N1 "$ctsyncd" -C "$work/fw1.conf" -s runtime
say "only root may use the control socket"
run $N1 setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$ctsyncctl" -C "$work/fw1.conf" stats || echo "(refused, as expected)"
say "a second instance is refused"
run $N1 "$ctsyncd" -C "$work/fw1.conf" -d || echo "(refused, as expected)"
say "a connection state created in fw1's kernel..."
run ip netns exec "$prefix-fw1" conntrack -I -p tcp -s 192.168.1.10 \
    -d 192.168.2.20 --sport 1234 --dport 80 --state ESTABLISHED -t 120 \
    -u ASSURED -m 42
sleep 1
say "...is in fw1's internal cache (ctsyncd -i)..."
run $N1 "$ctsyncd" -C "$work/fw1.conf" -i
say "...and, over the dedicated link, in fw2's external cache (ctsyncd -e)"
run ip netns exec "$prefix-fw2" "$ctsyncd" -C "$work/fw2.conf" -e
say "the link carried it, and the acknowledgements (ctsyncd -s link on fw2)"
run ip netns exec "$prefix-fw2" "$ctsyncd" -C "$work/fw2.conf" -s link

say "fw1 fails; fw2 becomes primary and commits what it learned (ctsyncd -c)"
run ip netns exec "$prefix-fw2" conntrack -L
run ip netns exec "$prefix-fw2" "$ctsyncd" -C "$work/fw2.conf" -c
say "the connection's state is now in fw2's kernel: its packets pass fw2's stateful rules"
run ip netns exec "$prefix-fw2" conntrack -L
say "what fw2 logged for the commit"
grep -i commit "$work/fw2/ctsyncd.log" | sed 's/^/  /'

say "what the daemon logged"
sed 's/^/  /' "$work/fw1/ctsyncd.log"
say "stop both (ctsyncd -k returns once everything is stopped)"
for i in 1 2; do
	run ip netns exec "$prefix-fw$i" "$ctsyncd" -C "$work/fw$i.conf" -k
done
ls "$work/fw1"

say "the real failover (about a minute and a half)"
echo "A client and a server behind two firewalls with strict stateful rules;"
echo "keepalived moves the virtual IPs and calls primary-backup.sh; four TCP"
echo "connections live across a hard failure of the primary and the failback."
echo "Then the same without ctsyncd."
top=$(cd "$(dirname "$0")/.." && pwd)
top_builddir="$build" srcdir="$top" sh "$top/tests/integration/failover.sh" |
    sed -n 's/^ok [0-9]* - /  yes: /p; s/^not ok [0-9]* - /  NO: /p'

