#!/bin/sh
# Install what ctsyncd needs to build, test and run on Debian (as root).
# Skips apt-get when everything is already there.
set -e
BUILD="autoconf automake pkg-config make gcc libmnl-dev
libnetfilter-conntrack-dev libcap-ng-dev libseccomp-dev libsodium-dev"
RUN="iproute2 nftables conntrack procps util-linux python3"
# for the failover demo and test: keepalived, and conntrackd's
# primary-backup.sh (the conntrackd package is also the tests' peer)
FAILOVER="keepalived conntrackd"
# for the test suite: the fuzzers, tcpdump for the replay tests, and
# systemd's tools to check the unit offline (systemd need not run),
# a real Prometheus parser for the metrics, and what builds and checks the
# Debian package (debian/)
TEST="clang libclang-rt-14-dev tcpdump systemd python3-prometheus-client
debhelper lintian dpkg-dev git"
missing=""
for p in $BUILD $RUN $FAILOVER ${WITH_TESTS:+$TEST}; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# conntrackd's package would start its own daemon under systemd
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
# the workers' dedicated unprivileged user
if ! getent passwd ctsyncd >/dev/null; then
	adduser --system --group --no-create-home --home /nonexistent \
	    --quiet ctsyncd
fi
