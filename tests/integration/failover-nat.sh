#!/bin/sh
# The failover test of failover.sh, with the firewalls source-NATing the
# client's connections to the server-side virtual IP (so they survive only
# if the NAT is replicated and committed), and TCPWindowTracking on (no
# "be liberal": the new primary must accept mid-stream packets with
# nf_conntrack_tcp_loose=0 and strict window checks).  Its control run is
# failover.sh's.
FAILOVER_SNAT=1
FAILOVER_WT=1
FAILOVER_CONTROL=0
. "$(dirname "$0")/failover.sh"
