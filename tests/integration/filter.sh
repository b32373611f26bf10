#!/bin/sh
# Filter From Userspace: what the filter ignores stays out of the internal
# cache and off the link, from events and from the start-up dump alike.
# From Kernelspace: the same results, and the ignored events never reach
# the daemon (the kernel drops them: none is counted as filtered here).
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
cp "$T/a.conf" "$T/a.base"
for WHERE in Userspace Kernelspace; do
cp "$T/a.base" "$T/a.conf"
$NA conntrack -F >/dev/null 2>&1
cat >>"$T/a.conf" <<EOC
General {
	Filter From $WHERE {
		Protocol Accept { TCP }
		Address Ignore { IPv4_address 10.9.9.0/24 IPv4_address 172.16.5.5
			IPv6_address 2001:db8:5::/48 }
		State Ignore { SYN_SENT for TCP }
	}
}
EOC
ct() { $NA conntrack -I "$@" >/dev/null 2>&1; }
ct -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 --state ESTABLISHED -t 100
ct -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 100
check "$WHERE: A starts" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "no 'not supported' or 'user space only' warning" sh -c \
	"! grep -q 'not supported yet\|user space only' '$DA/ctsyncd.log'"
check "the start-up dump kept TCP, dropped UDP" sh -c \
	"test \$($NA '$CTSYNCD' -C '$T/a.conf' -i | wc -l) = 1 &&
	 $NA '$CTSYNCD' -C '$T/a.conf' -i | grep -q '^tcp'"
ct -p tcp -s 3.3.3.3 -d 4.4.4.4 --sport 1 --dport 2 --state ESTABLISHED -t 100
ct -p udp -s 3.3.3.3 -d 4.4.4.4 --sport 1 --dport 2 -t 100
ct -p tcp -s 10.9.9.5 -d 4.4.4.4 --sport 1 --dport 2 --state ESTABLISHED -t 100
ct -p tcp -s 5.5.5.5 -d 172.16.5.5 --sport 1 --dport 2 --state ESTABLISHED -t 100
ct -p tcp -s 6.6.6.6 -d 4.4.4.4 --sport 1 --dport 2 --state SYN_SENT -t 100
ct -p tcp -s 2001:db8:5::1 -d 2001:db8:9::1 --sport 1 --dport 2 --state ESTABLISHED -t 100
ct -p tcp -s 2001:db8:6::1 -d 2001:db8:9::1 --sport 1 --dport 2 --state ESTABLISHED -t 100
check "a TCP event passes, IPv4 and IPv6" wait_until 5 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -i | grep -q 'src=3.3.3.3' &&
	 $NA '$CTSYNCD' -C '$T/a.conf' -i | grep -q 'src=2001:db8:6::1'"
check "UDP, the ignored networks, the ignored host, SYN_SENT do not" sh -c \
	"test \$($NA '$CTSYNCD' -C '$T/a.conf' -i | wc -l) = 3"
check "B gets only what passed" wait_until 5 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -B && sleep 0.5 &&
	 test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 3"
if [ $WHERE = Userspace ]; then
	check "-s runtime counts the filtered events" sh -c \
		"$NA '$CTSYNCD' -C '$T/a.conf' -s runtime | awk '/events filtered/ { exit !(\$3 >= 4) }'"
else
	check "none reached the daemon to be filtered there" sh -c \
		"$NA '$CTSYNCD' -C '$T/a.conf' -s runtime | awk '/events filtered/ { exit !(\$3 == 0) }'"
fi
check "-F deletes what the filter accepts" $NA "$CTSYNCD" -C "$T/a.conf" -F
check "... and only that: the five ignored entries and the initial UDP one stay" \
	sh -c "test \$($NA conntrack -C) = 6 && ! $NA conntrack -L 2>/dev/null | grep -q '^tcp .*src=3.3.3.3'"
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB "$CTSYNCD" -C "$T/b.conf" -k
: >"$DA/ctsyncd.log"
done
done_testing
