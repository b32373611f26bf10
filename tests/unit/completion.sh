#!/bin/sh
# ctsyncctl's bash completion (ctl/ctsyncctl.bash): every command of
# `ctsyncctl --help' (but the test builds' own) and every argument it
# lists are offered, nothing else.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v bash >/dev/null || { echo "1..0 # SKIP bash is not installed"; exit 0; }
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
complete_line() {	# complete_line WORD...: what completing the last word offers
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
	    _ctsyncctl; printf "%s\n" "${COMPREPLY[@]}" | sort' \
	    sh "$srcdir/ctl/ctsyncctl.bash" "$@"
}
help=$("$top_builddir/ctl/ctsyncctl" --help)
commands=$(echo "$help" | awk '/^commands:/ { on = 1; next }
    on && $1 !~ /^test-/ { print $1 }' | sort)
got=$(complete_line ctsyncctl "" | grep -v '^-')
test "$got" = "$commands"
ok $? "the commands offered are those of ctsyncctl --help"
[ "$got" = "$commands" ] || { echo "# help: $commands" | tr '\n' ' '; echo; echo "# offered: $got" | tr '\n' ' '; echo; }
test "$(complete_line ctsyncctl --json he)" = health
ok $? "after --json, a command's prefix completes"
for c in $(echo "$commands"); do
	want=$(echo "$help" | awk -v c="$c" '$1 == c { print $2 }' |
	    tr -d '[]' | grep -v '^(' | tr '|' '\n' | sed '/^$/d' | sort)
	got=$(complete_line ctsyncctl -C /etc/x.conf "$c" "")
	test "$got" = "$want"
	ok $? "the arguments of $c: $(echo ${want:-none})"
done
test "$(complete_line ctsyncctl stats network "")" = ""
ok $? "nothing after a command's argument"
echo "1..$n"
