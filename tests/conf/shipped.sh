#!/bin/sh
# The configuration `make install' puts in place when there is none
# (doc/examples/ctsyncd.conf -> $(sysconfdir)/ctsyncd/ctsyncd.conf):
# ctsyncd -T accepts it (the only warning: its example Interface may not
# exist here), and its printout parses to itself.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ctsyncd="$top_builddir/supervisor/ctsyncd"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

"$ctsyncd" -T -C "$srcdir/doc/examples/ctsyncd.conf" >"$tmp/out" 2>"$tmp/err"
ok $? "ctsyncd -T accepts the shipped ctsyncd.conf"
grep -v 'is an invalid interface$' "$tmp/err" >"$tmp/other"
test ! -s "$tmp/other"
ok $? "... without any other warning"
sed 's/^/# /' "$tmp/err"
grep -q '^		AntiEntropy 10$' "$tmp/out" &&
    grep -q '^	LogFile /var/log/ctsyncd.log$' "$tmp/out"
ok $? "... FT-FW with anti-entropy, its own log file"
cp "$tmp/out" "$tmp/again.conf"
( cd "$tmp" && "$ctsyncd" -T -C again.conf >"$tmp/out2" 2>/dev/null )
cmp -s "$tmp/out" "$tmp/out2"
ok $? "its printout parses to itself"
echo "1..$n"
