#!/bin/sh
# The configuration `make install' puts in place when there is none
# (doc/examples/ctsyncd.conf -> $(sysconfdir)/ctsyncd/ctsyncd.conf), and
# every other example: ctsyncd -T accepts each (the only warning: the
# example Interface may not exist here), and its printout parses to
# itself.
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

# The other examples (one per mode and link kind, installed with the
# documentation): each accepted, printed back to itself.
key="$tmp/sync.key"
"$top_builddir/ctl/ctsyncctl" genkey >"$key" && chmod 600 "$key"
for f in "$srcdir"/doc/examples/*.conf; do
	name=$(basename "$f")
	[ "$name" = keepalived.conf ] && continue
	sed "s#/etc/ctsyncd/sync.key#$key#" "$f" >"$tmp/$name"
	if grep -q KeyFile "$tmp/$name" && [ "$(id -u)" != 0 ]; then
		echo "ok $((n += 1)) # SKIP $name: its key file must be root's"
		continue
	fi
	( cd "$tmp" && "$ctsyncd" -T -C "$name" >"$tmp/ex.out" 2>"$tmp/ex.err" )
	st=$?
	grep -v 'is an invalid interface$' "$tmp/ex.err" >"$tmp/other"
	test "$st" = 0 && test ! -s "$tmp/other"
	ok $? "the example $name is accepted, no warning but its interface"
	sed 's/^/# /' "$tmp/other"
	cp "$tmp/ex.out" "$tmp/again.conf"
	( cd "$tmp" && "$ctsyncd" -T -C again.conf >"$tmp/ex.out2" 2>/dev/null )
	cmp -s "$tmp/ex.out" "$tmp/ex.out2"
	ok $? "... and its printout parses to itself"
done
echo "1..$n"
