#!/bin/sh
# Fault: the dedicated link loses everything for 10 s (nftables drops
# every datagram both ways), while A's table changes: states created,
# updated and destroyed during the blackout.  Once the link carries again,
# B's external cache equals A's kernel table entry by entry (FT-FW; NOTRACK
# resends nothing, by design).  Neither daemon stops answering meanwhile.
. "$(dirname "$0")/lib.sh"
command -v nft >/dev/null || skip_all "nftables is not installed"
CTLOAD="$top_builddir/bench/ctload"

make_nodes
load_a() { $NA "$CTLOAD" "$@" >/dev/null; }
in_sync() {
	$NA conntrack -L 2>/dev/null | load_tuples >"$T/kernel"
	ctl_b -e | load_tuples >"$T/external"
	cmp -s "$T/kernel" "$T/external"
}
blackout() {	# blackout on|off
	for ns in "$A" "$B"; do
		if [ "$1" = on ]; then
			ip netns exec "$ns" nft -f - <<EON
table inet blackout {
	chain in {
		type filter hook input priority 0;
		udp dport 3780 counter drop
	}
}
EON
		else
			ip netns exec "$ns" nft delete table inet blackout
		fi
	done
}

# scenario <mode>
scenario() {
	sed -i "s/Mode [A-Z]* { }/Mode $1 { }/" "$T/a.conf" "$T/b.conf"
	$NA conntrack -F 2>/dev/null
	check "$1: A and B start" sh -c "$NA '$CTSYNCD' -C '$T/a.conf' -d && $NB '$CTSYNCD' -C '$T/b.conf' -d"
	load_a create 3000
	check "$1: 3000 states replicated" wait_until 20 in_sync
	blackout on
	load_a delete 1000
	load_a update 3000
	load_a create 1000 11
	sleep 10
	check "$1: both daemons answer during the blackout" sh -c \
	    "ip netns exec $A '$CTSYNCD' -C '$T/a.conf' -s >/dev/null &&
	     ip netns exec $B '$CTSYNCD' -C '$T/b.conf' -s >/dev/null"
	blackout off
	if wait_until 60 in_sync; then
		ok 0 "$1: after the blackout B's external cache is A's table"
	else
		ok 1 "$1: after the blackout B's external cache is A's table"
		diag "$(diff "$T/kernel" "$T/external" | head -5)"
	fi
	ctl_a -k
	ctl_b -k
	wait_until 5 sh -c "! test -e $T/a/ctsyncd.lock && ! test -e $T/b/ctsyncd.lock"
}
scenario FTFW
done_testing
