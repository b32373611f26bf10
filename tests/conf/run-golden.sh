#!/bin/sh
# Golden tests of the configuration parser: `ctsyncd -T' on each file of
# tests/conf/{ok,bad}/ must print exactly its .expected file (exit status,
# stdout, stderr).  Every accepted file's printout must parse back to the
# same printout.  Run with GOLDEN_UPDATE=1 to rewrite the expectations
# (then review the diff: an expectation is a claim about behaviour).
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ctsyncd="$top_builddir/supervisor/ctsyncd"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

# The default paths come from configure's folders; the expectations are
# written for --runstatedir=/run --localstatedir=/var.
standard_paths() {
	sed -e "s#${runstatedir:-/run}/ctsyncd/#/run/ctsyncd/#g" \
	    -e "s#${localstatedir:-/var}/log/conntrackd#/var/log/conntrackd#g"
}

run() {	# run one file from inside its folder, so messages name it relatively
	( cd "$1" && "$ctsyncd" -T -C "$2" >"$tmp/raw" 2>"$tmp/err"; echo "exit: $?" >"$tmp/status" )
	standard_paths <"$tmp/raw" >"$tmp/out"
	{ cat "$tmp/status"; echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; } >"$tmp/got"
}

for kind in ok bad; do
	dir="$srcdir/tests/conf/$kind"
	for f in "$dir"/*.conf; do
		name=$(basename "$f" .conf)
		run "$dir" "$name.conf"
		if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
			cp "$tmp/got" "$dir/$name.expected"
		fi
		n=$((n + 1))
		if diff -u "$dir/$name.expected" "$tmp/got" >"$tmp/diff" 2>&1; then
			echo "ok $n - $kind/$name"
		else
			echo "not ok $n - $kind/$name"
			sed 's/^/# /' "$tmp/diff"
		fi
		want=0; [ "$kind" = bad ] && want=1
		n=$((n + 1))
		if grep -qx "exit: $want" "$tmp/got"; then
			echo "ok $n - $kind/$name exits $want"
		else
			echo "not ok $n - $kind/$name exits $want"
		fi
		[ "$kind" = ok ] || continue
		# the printout is itself a configuration that prints the same
		cp "$tmp/out" "$tmp/again.conf"
		( cd "$tmp" && "$ctsyncd" -T -C again.conf >"$tmp/out2" 2>/dev/null )
		n=$((n + 1))
		if cmp -s "$tmp/out" "$tmp/out2"; then
			echo "ok $n - $kind/$name printout parses to itself"
		else
			echo "not ok $n - $kind/$name printout parses to itself"
			diff -u "$tmp/out" "$tmp/out2" | sed 's/^/# /'
		fi
	done
done

# a missing file
n=$((n + 1))
( cd "$tmp" && "$ctsyncd" -T -C /nonexistent/ctsyncd.conf >/dev/null 2>"$tmp/err" )
st=$?
if [ $st = 1 ] && grep -q "^can't open config file \`/nonexistent/ctsyncd.conf'" "$tmp/err"; then
	echo "ok $n - missing file: clear error, exit 1"
else
	echo "not ok $n - missing file: clear error, exit 1 (got $st)"
fi
echo "1..$n"
