#!/bin/sh
# ctsyncd's own ctnetlink builder and parser (netlink-worker/ct_nlattr.c)
# against the real kernel: committed entries with sequence adjustment,
# SNAT, mark and zone are taken, and read back from a dump as committed.
. "$(dirname "$0")/lib.sh"

netns_add k
ip netns exec "$NS" "$top_builddir/tests/tools/kernel_roundtrip"
