#!/bin/sh
# Takeover without a gap (issue 15): failover.sh's test (keepalived,
# primary-backup.sh unchanged, strict ruleset, nf_conntrack_tcp_loose=0)
# with fw1's kernel holding 250,000 states besides the test connections,
# and both firewalls in hot standby (DisableExternalCache on): the
# standby's kernel already holds every connection when keepalived moves
# the virtual IPs, so no packet meets an unknown state: the forward
# chain's ct-invalid drop counter stays at 0 on the new primary, in the
# failover and in the failback.
FAILOVER_HOT=1
FAILOVER_EXTRA=250000
FAILOVER_CONTROL=0
FAILOVER_DIR=$(cd "$(dirname "$0")/../integration" && pwd)
. "$FAILOVER_DIR/failover.sh"
