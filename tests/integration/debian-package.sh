#!/bin/sh
# debian/: `dpkg-buildpackage -us -uc -b' in a clean clone builds
# ctsyncd_*.deb; its contents, conffiles and maintainer scripts are what
# an appliance builder expects, lintian finds no error or warning, and
# the packaged daemon reads the packaged configuration with the Debian
# paths built in.
. "$(dirname "$0")/lib.sh"
for t in dpkg-buildpackage dh lintian git; do
	command -v $t >/dev/null || skip_all "$t is not installed"
done
[ -d "$srcdir/.git" ] || skip_all "not a git checkout (the package is built from a clean clone)"

git clone -q "$srcdir" "$T/src" || exit 1
# what is committed, plus debian/ as it is in the tree being tested
rm -rf "$T/src/debian" && cp -r "$srcdir/debian" "$T/src/debian"
( cd "$T/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
    dpkg-buildpackage -us -uc -b >"$T/build.log" 2>&1 )
status=$?
[ $status = 0 ] || tail -30 "$T/build.log" | sed 's/^/# /'
check "dpkg-buildpackage -us -uc -b builds it" test $status = 0
DEB=$(ls "$T"/ctsyncd_*_*.deb 2>/dev/null | head -1)
check "ctsyncd_*.deb is there" test -f "$DEB"
dpkg-deb -c "$DEB" | awk '{ print $1, $6 }' >"$T/contents"
has() { grep -q " \./$1\$" "$T/contents"; }
for f in usr/sbin/ctsyncd usr/sbin/ctsyncctl \
    usr/libexec/ctsyncd/ctsyncd-netlink usr/libexec/ctsyncd/ctsyncd-sync \
    usr/libexec/ctsyncd/ctsyncd-commit usr/libexec/ctsyncd/ctsyncd-metrics \
    lib/systemd/system/ctsyncd.service usr/lib/sysusers.d/ctsyncd.conf \
    usr/lib/tmpfiles.d/ctsyncd.conf etc/ctsyncd/ctsyncd.conf \
    etc/logrotate.d/ctsyncd usr/share/bash-completion/completions/ctsyncctl \
    usr/share/man/man8/ctsyncd.8.gz usr/share/man/man8/ctsyncctl.8.gz \
    usr/share/man/man5/ctsyncd.conf.5.gz \
    usr/share/doc/ctsyncd/examples/keepalived.conf \
    usr/share/doc/ctsyncd/examples/ctsyncd-notify.sh \
    usr/share/doc/ctsyncd/copyright; do
	check "it holds /$f" has "$f"
done
dpkg-deb -e "$DEB" "$T/control"
check "/etc/ctsyncd/ctsyncd.conf and the logrotate file are conffiles" sh -c \
	"grep -qx /etc/ctsyncd/ctsyncd.conf '$T/control/conffiles' &&
	 grep -qx /etc/logrotate.d/ctsyncd '$T/control/conffiles'"
check "postinst creates the workers' user the Debian way (adduser)" \
	grep -q "adduser --system --group" "$T/control/postinst"
check "postinst enables and starts the unit (deb-systemd-helper)" sh -c \
	"grep -q \"deb-systemd-helper enable 'ctsyncd.service'\" '$T/control/postinst' &&
	 grep -q 'deb-systemd-invoke' '$T/control/postinst'"
check "postinst creates /run/ctsyncd (tmpfiles)" \
	grep -q "systemd-tmpfiles .*--create ctsyncd.conf" "$T/control/postinst"
check "it depends on adduser and the libraries" sh -c \
	"dpkg-deb -f '$DEB' Depends | grep -q adduser &&
	 dpkg-deb -f '$DEB' Depends | grep -q libnetfilter-conntrack"

lintian --tag-display-limit 0 "$DEB" >"$T/lintian" 2>&1
sed 's/^/# lintian: /' "$T/lintian"
check "lintian: no error, no warning" sh -c "! grep -Eq '^[EW]: ' '$T/lintian'"

mkdir -p "$T/root"
dpkg-deb -x "$DEB" "$T/root"
check "the unit starts /usr/sbin/ctsyncd with /etc/ctsyncd/ctsyncd.conf" \
	grep -qx "ExecStart=/usr/sbin/ctsyncd -C /etc/ctsyncd/ctsyncd.conf" \
	"$T/root/lib/systemd/system/ctsyncd.service"
check "the daemon starts its workers from /usr/libexec/ctsyncd" \
	grep -q "/usr/libexec/ctsyncd" "$T/root/usr/sbin/ctsyncd"
"$T/root/usr/sbin/ctsyncd" -T -C "$T/root/etc/ctsyncd/ctsyncd.conf" \
	>"$T/printed" 2>/dev/null
check "the packaged ctsyncd -T accepts the packaged configuration" test $? = 0
check "... its default chroot is /run/ctsyncd/empty" \
	grep -q "ChrootDirectory /run/ctsyncd/empty" "$T/printed"
done_testing
