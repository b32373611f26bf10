#!/bin/sh
# Filter From Userspace: what the filter ignores stays out of the internal
# cache and off the link, from events and from the start-up dump alike.
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null || skip_all "conntrack is not installed"

make_nodes
cat >>"$T/a.conf" <<EOC
General {
	Filter From Userspace {
		Protocol Accept { TCP }
		Address Ignore { IPv4_address 10.9.9.0/24 IPv4_address 172.16.5.5 }
		State Ignore { SYN_SENT for TCP }
	}
}
EOC
ct() { $NA conntrack -I "$@" >/dev/null 2>&1; }
ct -p tcp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 --state ESTABLISHED -t 100
ct -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 100
check "A starts" $NA "$CTSYNCD" -C "$T/a.conf" -d
check "B starts" $NB "$CTSYNCD" -C "$T/b.conf" -d
check "the start-up dump kept TCP, dropped UDP" sh -c \
	"test \$($NA '$CTSYNCD' -C '$T/a.conf' -i | wc -l) = 1 &&
	 $NA '$CTSYNCD' -C '$T/a.conf' -i | grep -q '^tcp'"
ct -p tcp -s 3.3.3.3 -d 4.4.4.4 --sport 1 --dport 2 --state ESTABLISHED -t 100
ct -p udp -s 3.3.3.3 -d 4.4.4.4 --sport 1 --dport 2 -t 100
ct -p tcp -s 10.9.9.5 -d 4.4.4.4 --sport 1 --dport 2 --state ESTABLISHED -t 100
ct -p tcp -s 5.5.5.5 -d 172.16.5.5 --sport 1 --dport 2 --state ESTABLISHED -t 100
ct -p tcp -s 6.6.6.6 -d 4.4.4.4 --sport 1 --dport 2 --state SYN_SENT -t 100
check "a TCP event passes" wait_until 5 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -i | grep -q 'src=3.3.3.3'"
check "UDP, the ignored network, the ignored host, SYN_SENT do not" sh -c \
	"test \$($NA '$CTSYNCD' -C '$T/a.conf' -i | wc -l) = 2"
check "B gets only what passed" wait_until 5 sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -B && sleep 0.5 &&
	 test \$($NB '$CTSYNCD' -C '$T/b.conf' -e | wc -l) = 2"
check "-s runtime counts the filtered events" sh -c \
	"$NA '$CTSYNCD' -C '$T/a.conf' -s runtime | awk '/events filtered/ { exit !(\$3 >= 4) }'"
check "-F deletes what the filter accepts" $NA "$CTSYNCD" -C "$T/a.conf" -F
check "... and only that: the four ignored entries and the initial UDP one stay" \
	sh -c "test \$($NA conntrack -C) = 5 && ! $NA conntrack -L 2>/dev/null | grep -q '^tcp .*src=3.3.3.3'"
$NA "$CTSYNCD" -C "$T/a.conf" -k
$NB "$CTSYNCD" -C "$T/b.conf" -k
done_testing
