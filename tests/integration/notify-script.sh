#!/bin/sh
# doc/examples/ctsyncd-notify.sh, ctsyncd's own keepalived notify script,
# drives a node through backup, primary and fault, in the default mode
# and in hot standby; a failed step is logged and makes it exit 1.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"
SCRIPT="$srcdir/doc/examples/ctsyncd-notify.sh"

make_nodes
mkdir -p "$T/bin"
printf '#!/bin/sh\necho "$*" >>%s\n' "$T/logger.log" >"$T/bin/logger"
chmod +x "$T/bin/logger"
: >"$T/logger.log"
run_script() {
	ip netns exec "$B" env PATH="$T/bin:$PATH" CTSYNCD="$CTSYNCD" \
	    CTSYNCCTL="$CTSYNCCTL" CTSYNCD_CONF="$T/b.conf" sh "$SCRIPT" "$1"
}
b_kernel_has() { test "$(ip netns exec "$B" conntrack -L 2>/dev/null | grep -c 'dport=80 ')" = "$1"; }
fails() { ! "$@"; }

check "the primary A runs" ctl_a -d
for i in 1 2 3 4 5; do
	ip netns exec "$A" conntrack -I -p tcp -s 192.168.1.$i -d 192.168.2.20 \
	    --sport 1234 --dport 80 --state ESTABLISHED -t 300 >/dev/null 2>&1
done
check "backup: exits 0" run_script backup
check "backup: started the daemon" ctl_b -s
check "backup: the purge is scheduled" grep -q "flushing conntrack table in" "$DB/ctsyncd.log"
check "backup: the primary's states came" wait_until 5 sh -c \
	"test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | grep -c 'dport=80 ') = 5"
check "primary: exits 0" run_script primary
check "primary: the states are in B's kernel" b_kernel_has 5
check "primary: the bulk reached A" wait_until 5 sh -c \
	"test \$($NA '$CTSYNCD' -C '$T/a.conf' -e | grep -c 'dport=80 ') = 5"
check "fault: exits 0" run_script fault
check "nothing logged as an error" sh -c "! test -s '$T/logger.log'"
run_script nonsense 2>/dev/null
ok $([ $? -eq 2 ] && echo 0 || echo 1) "an unknown transition: usage, exit 2"
ctl_b -k
check "a step that fails (no daemon): exit 1" fails run_script fault
check "... and logged" grep -q "ERROR: scheduled purge failed" "$T/logger.log"

# hot standby: received states are in the kernel already
: >"$T/logger.log"
ctl_a -k
ip netns exec "$B" conntrack -F >/dev/null 2>&1
for n in a b; do
	sed -i 's/Mode FTFW { }/Mode FTFW { DisableExternalCache on }/' "$T/$n.conf"
done
check "hot standby: A runs" ctl_a -d
check "hot standby: backup starts B" run_script backup
check "hot standby: A's states are in B's kernel before any commit" \
	wait_until 5 b_kernel_has 5
check "hot standby: primary exits 0" run_script primary
check "hot standby: nothing logged as an error" sh -c "! test -s '$T/logger.log'"
ctl_b -k
ctl_a -k
done_testing
