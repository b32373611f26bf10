#!/bin/sh
# links.sh with two TCP links: the same failover and return, each node
# writing on its own connection to the peer's listener on each link.
LINK_KIND=TCP
. "$(dirname "$0")/links.sh"
