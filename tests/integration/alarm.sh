#!/bin/sh
# Mode ALARM (wire-protocol.md 10): every state is sent again after a
# random 1..RefreshTime seconds, the receiver drops what it has not heard
# of for CacheTimeout seconds and shows the time left in -e; no ALIVE, -n
# and -B do nothing.  ctsyncd to ctsyncd, and both ways with Debian's
# conntrackd 1.4.7 in the same mode.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
for n in a b; do
	sed -i 's/Mode FTFW { }/Mode ALARM { RefreshTime 2 CacheTimeout 6 }/' \
	    "$T/$n.conf"
done
cd_conf() { grep -v Privsep "$T/$2.conf" >"$1"; }
ct() { $NA conntrack "$@" >/dev/null 2>&1; }

# present before the daemons: sent at its first refresh
ct -I -p tcp -s 192.168.5.5 -d 192.168.6.6 --sport 55 --dport 66 \
	--state ESTABLISHED -t 300
check "A starts in ALARM" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts in ALARM" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "no 'not supported' warning" sh -c \
	"! grep -q 'not supported yet' '$DA/ctsyncd.log'"
check "an entry from before the start reaches B at its first refresh" \
	wait_until 6 sh -c "$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=192.168.5.5 '"
ct -I -p tcp -s 192.168.1.10 -d 192.168.2.20 --sport 1234 --dport 80 \
	--state ESTABLISHED -t 120 -m 42
check "a new state reaches B" wait_until 5 sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 '"
check "-e shows the time to expiry, then the age" sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep 'sport=1234 ' | grep -q 'mark=42 \[expires in [0-6]s\] \[active since [0-9]*s\]$'"
ct -U -p tcp -s 192.168.1.10 --sport 1234 -m 43
check "an update propagates" wait_until 5 sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 .*mark=43'"
$NB "$CTSYNCD" -C "$T/b.conf" -f external
check "emptied, B's external cache fills again by itself (refresh)" \
	wait_until 6 sh -c "test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2"
ct -D -p tcp -s 192.168.1.10
check "a destroy propagates" wait_until 5 sh -c \
	"! $NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'sport=1234 '"
$NB "$CTSYNCD" -C "$T/b.conf" -n
$NA "$CTSYNCD" -C "$T/a.conf" -B
sleep 0.5
check "-n and -B do nothing in ALARM" sh -c \
	"! grep -q 'resync requested\|sending bulk' '$DA/ctsyncd.log' '$DB/ctsyncd.log'"
check "B counted nothing malformed" sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -s | grep -q '^ *0 Malformed msgs'"
$NA "$CTSYNCD" -C "$T/a.conf" -k
check "A gone, its states expire from B after CacheTimeout" \
	wait_until 10 sh -c "test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 0"
$NB "$CTSYNCD" -C "$T/b.conf" -k

if ! command -v conntrackd >/dev/null; then
	echo "# conntrackd is not installed: no interoperability test"
	done_testing
	exit 0
fi

# --- ctsyncd to conntrackd -----------------------------------------------
cd_conf "$T/cb.conf" b
check "conntrackd starts as B in ALARM" $NB conntrackd -C "$T/cb.conf" -d
check "ctsyncd A starts" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "conntrackd B gets A's state at its refresh" wait_until 6 sh -c \
	"$NB conntrackd -C '$T/cb.conf' -e | grep -q 'src=192.168.5.5 '"
$NB conntrackd -C "$T/cb.conf" -e | grep 'src=192.168.5.5 ' |
	sed 's/\[expires in [0-9]*s\] \[active since [0-9]*s\]//' >"$T/conntrackd-e"
ct -I -p udp -s 172.16.0.1 -d 172.16.0.2 --sport 9 --dport 10 -t 100
check "a live new state reaches conntrackd" wait_until 5 sh -c \
	"$NB conntrackd -C '$T/cb.conf' -e | grep -q 'src=172.16.0.1 '"
check "conntrackd counted nothing malformed" sh -c \
	"$NB conntrackd -C '$T/cb.conf' -s network | grep -q 'Malformed messages:[[:space:]]*0$'"
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB conntrackd -C "$T/cb.conf" -k >/dev/null 2>&1
ct -D -p udp -s 172.16.0.1

# --- conntrackd to ctsyncd -----------------------------------------------
cd_conf "$T/ca.conf" a
check "conntrackd starts as A in ALARM" $NA conntrackd -C "$T/ca.conf" -d
check "ctsyncd starts as B" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "ctsyncd B gets conntrackd's state at its refresh" wait_until 6 sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=192.168.5.5 '"
$NB "$CTSYNCD" -C "$T/b.conf" -e | grep 'src=192.168.5.5 ' |
	sed 's/\[expires in [0-9]*s\] \[active since [0-9]*s\]//' >"$T/ctsyncd-e"
check "both receivers print it alike" diff -u "$T/conntrackd-e" "$T/ctsyncd-e"
$NB "$CTSYNCD" -C "$T/b.conf" -f external
check "and again at its next refresh" wait_until 6 sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -e | grep -q 'src=192.168.5.5 '"
check "ctsyncd counted nothing malformed from conntrackd" sh -c \
	"$NB '$CTSYNCD' -C '$T/b.conf' -s | grep -q '^ *0 Malformed msgs'"
$NA conntrackd -C "$T/ca.conf" -k >/dev/null 2>&1
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
