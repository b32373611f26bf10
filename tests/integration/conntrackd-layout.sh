#!/bin/sh
# ctsyncd prints statistics exactly as conntrackd 1.4.7 does: both daemons
# run side by side on the two ends of a veth link with the same FT-FW/UDP
# configuration, and every `-s' variant ctsyncd answers must match
# conntrackd's output line for line, tab for tab, once numbers are masked.
. "$(dirname "$0")/lib.sh"
command -v conntrackd >/dev/null || skip_all "conntrackd is not installed"

make_pair
DA="$T/a"; DB="$T/b"; mkdir -p "$DA" "$DB"; chmod 755 "$DA" "$DB"
write_conf "$T/a.conf" "$DA" 10.99.0.1 10.99.0.2
cat >"$T/b.conf" <<EOC
General {
	LogFile $DB/conntrackd.log
	LockFile $DB/conntrackd.lock
	UNIX { Path $DB/ctl.sock }
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608
}
Sync {
	Mode FTFW { }
	UDP { IPv4_address 10.99.0.2 IPv4_Destination_Address 10.99.0.1 Port 3780 Interface veth0 }
}
EOC
check "ctsyncd starts" ip netns exec "$A" "$CTSYNCD" -C "$T/a.conf" -d
check "conntrackd starts" ip netns exec "$B" conntrackd -C "$T/b.conf" -d
check "conntrackd is up" wait_until 5 ip netns exec "$B" conntrackd -C "$T/b.conf" -s

mask() { sed 's/[0-9][0-9]*/N/g'; }
for what in "" ct network cache runtime link multicast process expect queue; do
	ip netns exec "$B" conntrackd -C "$T/b.conf" -s $what 2>/dev/null | mask >"$T/want"
	# ctsyncd's own blocks (-s network): its checks on the link, and
	# what the hot standby sent again
	ip netns exec "$A" "$CTSYNCD" -C "$T/a.conf" -s $what 2>/dev/null |
	    sed -e '/^link checks:/,/^$/d' -e '/^hot standby:/,/^$/d' |
	    mask >"$T/got"
	check "-s $what: same layout as conntrackd" diff -u "$T/want" "$T/got"
done
check "-s link reports the veth as RUNNING and ACTIVE" sh -c \
	"ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s link | grep -q '^UDP traffic device=veth0 status=RUNNING role=ACTIVE:'"
ip -n "$A" link set veth0 down
check "-s link reports DOWN when the link is down" sh -c \
	"ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s link | grep -q 'status=DOWN'"
ip -n "$A" link set veth0 up
check "datagrams from the peer are counted on the link" sh -c \
	"sleep 1.5; ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s link | awk '/Pckts recv/ { exit !(\$4 > 0) }'"
ip netns exec "$B" conntrackd -C "$T/b.conf" -k >/dev/null 2>&1
ip netns exec "$A" "$CTSYNCD" -C "$T/a.conf" -k
done_testing
