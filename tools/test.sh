#!/bin/sh
# One command: install the dependencies (conntrackd included, as the test
# peer and oracle), build, and run the whole test suite:
#   1. make check: unit, golden, oracle and network-namespace tests,
#      then make check-faults (tests/faults/: the slower fault cases);
#   2. the unit and parser tests again under -fsanitize=address,undefined;
#   3. a short fuzzing run of every decoder (make fuzz, 10 s each);
#   4. make distcheck (the tarball builds and its offline tests pass).
# Ends with `N passed, N failed'.  Run as root.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
WITH_TESTS=1 "$top/tools/deps.sh" || exit 1
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

counts() {	# counts <test-suite.log>: PASS and FAIL+ERROR+XPASS
	awk '/^# PASS:/ { p = $3 } /^# (FAIL|ERROR|XPASS):/ { f += $3 }
	    END { print p + 0, f + 0 }' "$1"
}
pass=0; fail=0
add() { pass=$((pass + $1)); fail=$((fail + $2)); }

echo "== build and make check"
if "$top/tools/build.sh" --enable-test-hooks; then
	(cd build && make -s check -j2 >"$log/check.out" 2>&1)
	set -- $(counts build/test-suite.log); add "$1" "$2"
	grep -E "^(FAIL|ERROR|XPASS)" build/test-suite.log || true
	echo "== make check-faults"
	(cd build && make -s check-faults >"$log/faults.out" 2>&1)
	set -- $(counts build/test-suite.log); add "$1" "$2"
	grep -E "^(FAIL|ERROR|XPASS)" build/test-suite.log || true
else
	echo "build failed"; add 0 1
fi

echo "== unit and parser tests under AddressSanitizer and UBSan"
mkdir -p build-asan
if (cd build-asan && ../configure -q --enable-test-hooks \
    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
    LDFLAGS="-fsanitize=address,undefined" && make -s -j2 >/dev/null &&
    make -s check-unit >"$log/asan.out" 2>&1); then :; fi
if [ -f build-asan/test-suite.log ]; then
	set -- $(counts build-asan/test-suite.log); add "$1" "$2"
	grep -E "^(FAIL|ERROR)" build-asan/test-suite.log || true
else
	echo "sanitizer build failed"; add 0 1
fi

echo "== fuzz smoke run"
if (cd build && make -s fuzz FUZZ_SECONDS=10 >"$log/fuzz.out" 2>&1); then
	add 1 0
else
	grep -E "ERROR|SUMMARY|crash" "$log/fuzz.out" | head -20; add 0 1
fi

echo "== make distcheck (offline tests)"
if (cd build && make -s distcheck TESTS='$(UNIT_TESTS) $(CONF_TESTS)' \
    >"$log/distcheck.out" 2>&1); then
	add 1 0
else
	tail -30 "$log/distcheck.out"; add 0 1
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
