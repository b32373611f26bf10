#!/bin/sh
# Takeover in the default mode (external cache, a commit at takeover),
# ctsyncd and Debian's conntrackd 1.4.7 in the same test (issue 15):
# failover.sh with fw1 holding 250,000 states besides the test
# connections, a strict ruleset, nf_conntrack_tcp_loose=0.  For each
# daemon and each phase it reports the forward chain's ct-invalid drops
# on the new primary and the stall: the time from the virtual IP's move
# to the last such drop (50 ms samples).  It asserts ctsyncd's run (the
# connections survive, the states were committed); conntrackd's numbers
# are reported beside them (README, "Takeover").  Not in check-faults
# (about 4 minutes): `make check-takeover'.
FAILOVER_EXTRA=250000
FAILOVER_CONTROL=0
FAILOVER_COMPARE=1
FAILOVER_DIR=$(cd "$(dirname "$0")/../integration" && pwd)
. "$FAILOVER_DIR/failover.sh"
