#!/bin/sh
# One command: install the build dependencies, build ctsyncd, and run the
# demo: two firewall replicas in network namespaces joined by a veth
# dedicated link, each running ctsyncd; shows the process tree, what each
# process is allowed to do, and the control commands.  Run as root.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/deps.sh"
"$top/tools/build.sh"
exec sh "$top/demo/two-firewalls.sh" "$top/build"
