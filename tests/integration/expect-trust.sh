#!/bin/sh
# A peer's expectations reach the kernel only if this node's own kernel
# helpers could have made them (ctsyncd.conf(5), EXPECTATIONS): a forged
# peer (tests/tools/forge, from the peer's address) sends a master entry
# with the FTP helper, one genuine FTP expectation and spoilt ones; only
# the genuine one gets into B's kernel, by direct injection
# (DisableExternalCache) and by a commit (-c), and the rest is counted.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
command -v nft >/dev/null || skip_all "nft is not installed"

make_nodes
FORGE="$top_builddir/tests/tools/forge"
# the kernel's FTP helper, as a firewall that uses it has
ip netns exec "$B" nft -f - <<'EON'
table inet h {
	ct helper ftp-std {
		type "ftp" protocol tcp
	}
}
EON
forge() { $NA "$FORGE" -s 10.99.0.1 10.99.0.2 3780 "$@"; }
ctl_b() { $NB "$CTSYNCD" -C "$T/b.conf" "$@"; }
kernel_expects() { $NB conntrack -L expect 2>/dev/null | grep -q "dport=$1 "; }
kernel_lacks() { ! kernel_expects "$1"; }
refused() { ctl_b -s network | awk '/Expectations refused:/ { print $NF }'; }
# B: NOTRACK, ExpectationSync { ftp }, and whatever $1 adds
conf_b() {
	sed -i -e 's/^\tMode FTFW { }/\tMode NOTRACK { '"$1"' }\n\tOptions { ExpectationSync { ftp } }/' "$T/b.conf"
}
# the genuine expectation (port 50000) and the attacks, one port each
send_all() {
	forge master
	sleep 0.5
	forge exp exp,port=50001,permanent exp,port=50002,halfmask \
	    exp,port=50003,helper=irc exp,port=50004,nomaster
}
attacks_refused() {	# attacks_refused <what>
	for p in 50001 50002 50003 50004; do
		check "$1: attack $p is not in B's kernel" kernel_lacks $p
	done
	check "$1: all four are counted in -s network" test "$(refused)" -ge 4
	check "$1: and logged" grep -q "expectations from the peers refused" \
	    "$DB/ctsyncd.log"
}

# direct injection
cp "$T/b.conf" "$T/b.orig"
conf_b "DisableExternalCache on"
check "B starts with DisableExternalCache and ExpectationSync { ftp }" ctl_b -d
send_all
check "direct: the genuine expectation is in B's kernel" \
	wait_until 5 kernel_expects 50000
attacks_refused direct
ctl_b -k
$NB conntrack -F >/dev/null 2>&1
$NB conntrack -F expect >/dev/null 2>&1

# into the external cache, then a commit
cp "$T/b.orig" "$T/b.conf"
conf_b ""
rm -f "$DB/ctsyncd.log"
check "B starts with ExpectationSync { ftp }" ctl_b -d
send_all
check "cache: the genuine expectation is in B's external cache" \
	wait_until 5 sh -c "$NB '$CTSYNCD' -C '$T/b.conf' -e expect | grep -q 'dport=50000 '"
check "cache: no attack is" sh -c \
	"! $NB '$CTSYNCD' -C '$T/b.conf' -e expect | grep -q 'dport=5000[1-4] '"
check "-c commits" ctl_b -c
check "commit: the genuine expectation is in B's kernel" kernel_expects 50000
attacks_refused commit
ctl_b -k

# ExpectationSync off: nothing a peer sends is an expectation for us
cp "$T/b.orig" "$T/b.conf"
sed -i 's/^\tMode FTFW { }/\tMode NOTRACK { DisableExternalCache on }/' "$T/b.conf"
$NB conntrack -F >/dev/null 2>&1
$NB conntrack -F expect >/dev/null 2>&1
check "B starts without ExpectationSync" ctl_b -d
forge master
sleep 0.5
forge exp
sleep 1
check "off: the expectation is not in B's kernel" kernel_lacks 50000
check "off: it is counted" test "$(refused)" -ge 1
ctl_b -k
done_testing
