#!/bin/sh
# ctsyncd's own ctnetlink builder and parser (netlink-worker/ct_nlattr.c)
# against the real kernel: committed entries with sequence adjustment,
# SNAT, mark, zone and labels are taken, and read back from a dump as
# committed.  Labels only where something uses them (here an nftables
# rule); elsewhere the kernel refuses them, which nl_inject.c relies on.
. "$(dirname "$0")/lib.sh"

# both runs as one TAP stream (written to a file, not piped: a pipeline
# would run netns_add in a subshell, and the namespaces would outlive
# the test)
{
netns_add k
ip netns exec "$NS" "$top_builddir/tests/tools/kernel_roundtrip"
netns_add kl
if command -v nft >/dev/null; then
	ip netns exec "$NS" nft -f - <<EON
table inet labels {
	chain out {
		type filter hook output priority 0;
		ct label set 1
	}
}
EON
	ip netns exec "$NS" env WITH_LABELS=1 \
	    "$top_builddir/tests/tools/kernel_roundtrip"
else
	echo "# nft is not installed: labels are not tried"
fi
} >"$T/tap"
awk '/^(not )?ok [0-9]+/ { n++; sub(/ok [0-9]+/, "ok " n) } { print }
    END { print "1.." n }' "$T/tap"
