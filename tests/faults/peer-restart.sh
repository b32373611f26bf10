#!/bin/sh
# Fault: a peer restarts (its whole daemon killed with SIGKILL, then
# started again), in every mode and on every link kind, while the other
# node's table changes.
# - The backup B restarts: its external cache is empty at start and must
#   equal A's table again (FT-FW: A answers B's HELLO with a bulk;
#   NOTRACK: B's StartupResync; ALARM: A's refreshes).
# - The primary A restarts: B must hold every state of A's table again,
#   those created while A was down included (a starting node sends its
#   table to its peers), and the changes after the restart.  States
#   destroyed while A's daemon was down stay in B's external cache: A no
#   longer knows them (as with conntrackd); counted here as a diagnostic.
. "$(dirname "$0")/../integration/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
CTLOAD="$top_builddir/bench/ctload"
load_a() { ip netns exec "$A" "$CTLOAD" "$@" >/dev/null; }

make_segment
# b_has_a: every state of A's kernel is in B's external cache
# b_is_a: and nothing else
b_has_a() {
	ip netns exec "$A" conntrack -L 2>/dev/null | load_tuples | sort >"$T/kernel"
	ctl b -e | load_tuples | sort >"$T/external"
	comm -23 "$T/kernel" "$T/external" >"$T/missing"
	comm -13 "$T/kernel" "$T/external" >"$T/stale"
	test ! -s "$T/missing"
}
b_is_a() { b_has_a && test ! -s "$T/stale"; }
# equal <description> [has]: B's external cache is A's table (with `has':
# holds all of it) within 20 s; else what differs
equal() {
	if wait_until 20 "b_${2:-is}_a"; then ok 0 "$1"; else
		ok 1 "$1"
		diag "$(wc -l <"$T/missing") missing, $(wc -l <"$T/stale") stale: $(head -3 "$T/missing" "$T/stale")"
	fi
}
kill_node() {	# kill_node <node>: the supervisor and its workers, at once
	sup=$(daemon_pid "$T/$1")
	kill -9 $(pgrep -P "$sup") "$sup" 2>/dev/null
	wait_until 5 sh -c "! kill -0 $sup 2>/dev/null"
}

for c in "FTFW UDP" "FTFW TCP" "FTFW Multicast" "NOTRACK UDP" \
    "NOTRACK TCP" "NOTRACK Multicast" "ALARM UDP"; do
	set -- $c
	node_conf a "$1" "$2" 10.99.0.1 10.99.0.2
	node_conf b "$1" "$2" 10.99.0.2 10.99.0.1
	case $1 in
	NOTRACK) sed -i 's/Mode NOTRACK { }/Mode NOTRACK { StartupResync on }/' "$T/a.conf" "$T/b.conf" ;;
	ALARM) sed -i 's/Mode ALARM { }/Mode ALARM { RefreshTime 3 CacheTimeout 60 }/' "$T/a.conf" "$T/b.conf" ;;
	esac
	ip netns exec "$A" conntrack -F 2>/dev/null
	check "$c: A and B start" start_all a b
	load_a create 1000 10
	equal "$c: 1000 states reach B"

	kill_node b
	load_a delete 300 10
	load_a create 300 11
	check "$c: B restarted" ctl b -d
	equal "$c: ... B holds A's table again, exactly"

	kill_node a
	load_a create 200 12		# while A's daemon is down
	load_a delete 100 11
	check "$c: A restarted" ctl a -d
	load_a create 100 13		# after
	equal "$c: ... B holds every state of A's table" has
	diag "$c: $(wc -l <"$T/stale") states destroyed while A was down left in B"
	stop_all
done
done_testing
