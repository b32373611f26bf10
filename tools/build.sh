#!/bin/sh
# Build ctsyncd in ./build (configure arguments are passed through, after
# the system folders a daemon's defaults come from: /etc/ctsyncd, /run,
# /var/log).
set -e
cd "$(dirname "$0")/.."
autoreconf -fi >/dev/null
mkdir -p build
cd build
../configure -q --sysconfdir=/etc --localstatedir=/var --runstatedir=/run "$@"
make -s -j"$(nproc)"
