#!/bin/sh
# Build ctsyncd in ./build (configure arguments are passed through).
set -e
cd "$(dirname "$0")/.."
autoreconf -fi >/dev/null
mkdir -p build
cd build
../configure -q "$@"
make -s -j"$(nproc)"
