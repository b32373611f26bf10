/*
 * Conntrack objects between processes (common/ctobj.c and CT_EVENTS in
 * common/msgs.c): batches split below the channel limit, every field
 * round trips, and ctobj_valid() refuses what the kernel must never get.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "ftp_expectation.h"
#include "msgs.h"
#include "tap.h"

static struct ctobj
sample(uint32_t i)
{
	static struct ctobj o;

	memset(&o, 0, sizeof(o));
	o.family = AF_INET;
	o.l4proto = 6;
	o.orig.src.v4 = htonl(0x0a000000 | i);
	o.orig.dst.v4 = htonl(0x0a640001);
	o.orig.sport = (uint16_t)(1024 + i);
	o.orig.dport = 80;
	o.reply.src.v4 = o.orig.dst.v4;
	o.reply.dst.v4 = o.orig.src.v4;
	o.reply.sport = 80;
	o.reply.dport = o.orig.sport;
	o.status = 0x0e;
	o.timeout = 432000;
	o.state = 3;
	o.mark = i;
	o.id = i * 7;
	o.packets[1] = i;
	o.bytes[0] = (uint64_t)i << 33;
	o.attrs = CT_BIT(CT_A_COUNTERS) | CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_L4PROTO) | CT_BIT(CT_A_PORT) |
	    CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_TIMEOUT) | CT_BIT(CT_A_MARK) |
	    CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_REPLY) | CT_BIT(CT_A_ID);
	return o;
}

static void
test_batches(void)
{
	enum { N = 5000 };
	struct ct_event *ev = calloc(N, sizeof(*ev));
	struct chan tx, rx;
	struct msg m;
	const char *why;
	int sv[2], msgs = 0, got = 0, same = 0, bad = 0, rounds = 0;
	uint32_t i;

	if (ev == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	chan_init(&tx, sv[0], "tx", CHAN_MSG_MAX, 0, 0);
	chan_init(&rx, sv[1], "rx", CHAN_MSG_MAX, MSG_BIT(MSG_CT_EVENTS), 0);
	for (i = 0; i < N; i++) {
		ev[i].kind = (uint8_t)(i % CTE_KIND_MAX);
		ev[i].obj = sample(i);	/* sample() zeroes padding: memcmp ok */
	}
	msg_send_ct_events(&tx, ev, N);
	/* bounded: a bug must fail the test, not hang it */
	while ((chan_flush(&tx) == 1 || got < N) && rounds++ < 100000) {
		int n = chan_read(&rx);

		while (chan_get(&rx, &m, &why) == 1) {
			struct ct_events_reader rd;
			struct ct_event e;
			int r;

			msgs++;
			if (m.len + MSG_HDR_LEN > CHAN_MSG_MAX ||
			    msg_recv_ct_events(&m, &rd) == -1) {
				bad++;
				continue;
			}
			while ((r = msg_recv_ct_event_next(&rd, &e)) == 1) {
				if (got < N && e.kind == ev[got].kind &&
				    memcmp(&e.obj, &ev[got].obj,
				    sizeof(e.obj)) == 0)
					same++;
				got++;
			}
			if (r == -1)
				bad++;
		}
		if (n <= 0 && chan_pending(&tx) == 0 && got >= N)
			break;
	}
	ok(msgs > 1 && bad == 0, "5000 events split over %d messages, each "
	    "within the channel limit", msgs);
	ok(got == N && same == N, "all arrive in order, identical (%d/%d)",
	    same, got);
	chan_free(&tx);
	chan_free(&rx);
	close(sv[0]);
	close(sv[1]);
	free(ev);
}

static void
invalid(struct ctobj o, const char *what)
{
	const char *why = "";

	ok(ctobj_valid(&o, &why) == -1, "invalid: %s (%s)", what, why);
}

static void
test_validation(void)
{
	struct ctobj o = sample(1), v;
	const char *why = "";

	ok(ctobj_valid(&o, &why) == 0, "a TCP entry from the kernel is valid");
	v = o; v.attrs &= ~CT_BIT(CT_A_IPV4); invalid(v, "no address family");
	v = o; v.attrs |= CT_BIT(CT_A_IPV6); invalid(v, "two families");
	v = o; v.family = AF_INET6; invalid(v, "family and addresses disagree");
	v = o; v.attrs &= ~CT_BIT(CT_A_L4PROTO); invalid(v, "no protocol");
	v = o; v.l4proto = 47; invalid(v, "GRE with ports");
	v = o; v.state = 10; invalid(v, "TCP state 10");
	v = o; v.attrs |= CT_BIT(CT_A_TCP_WSCALE_ORIG); v.wscale_orig = 15;
	invalid(v, "window scale 15");
	v = o; v.attrs |= CT_BIT(CT_A_ICMP_TYPE); invalid(v, "ICMP on TCP");
	v = o; v.status |= 0x10000; invalid(v, "unknown status bit");
	v = o; v.timeout = 0x7fffffff; invalid(v, "timeout beyond the kernel's");
	v = o; v.attrs |= CT_BIT(CT_A_SNAT_IPV6); invalid(v, "IPv6 NAT on IPv4");
	v = o; v.attrs |= CT_BIT(CT_A_HELPER_NAME); invalid(v, "empty helper");
	v = o; v.attrs |= CT_BIT(CT_A_HELPER_NAME); strcpy(v.helper, "f\ttp");
	invalid(v, "helper with a control character");
	v = o; v.attrs |= CT_BIT(CT_A_LABELS); invalid(v, "zero label words");
	v = o; v.attrs |= CT_BIT(CT_A_MASTER_PORT); invalid(v, "master ports "
	    "without a master tuple");
	v = o; v.l4proto = 1; v.attrs &= ~(CT_BIT(CT_A_PORT) |
	    CT_BIT(CT_A_TCP_STATE)); v.attrs |= CT_BIT(CT_A_ICMP_TYPE);
	ok(ctobj_valid(&v, &why) == 0, "an ICMP entry is valid");
	v.family = AF_INET6; v.attrs ^= CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_IPV6);
	invalid(v, "ICMP (not ICMPv6) on IPv6");
}

static int
acceptable(const struct ctexp *x, const struct conf_expect_sync *w)
{
	const char *why;

	return ctexp_acceptable(x, w, 1, &why) == 0;
}

/* What a peer may make this node's kernel expect (apply.c, nl_direct.c) */
static void
test_expectation_policy(void)
{
	struct conf_expect_sync all = { EXPECT_ALL, 0, { "" } };
	struct conf_expect_sync list = { EXPECT_LIST, 1, { "SIP" } };
	struct conf_expect_sync off = { EXPECT_OFF, 0, { "" } };
	struct ctexp x = ftp_expectation();
	const char *why;

	ok(acceptable(&x, &all) && acceptable(&x, NULL),
	    "an FTP helper's expectation is accepted");
	ok(!acceptable(&x, &list) && !acceptable(&x, &off),
	    "... not when ExpectationSync does not name its helper, or is off");
	strcpy(x.helper, "sip-5060");
	ok(acceptable(&x, &list), "a listed prefix takes sip-5060 (any case)");
	x = ftp_expectation();
	x.flags = 0x1;
	ok(!acceptable(&x, &all), "PERMANENT refused");
	x.flags = 0x10;
	ok(!acceptable(&x, &all), "an unknown flag refused");
	x.flags = 0x2;
	ok(acceptable(&x, &all), "INACTIVE accepted");
	x = ftp_expectation();
	memset(&x.mask.src, 0, 4);
	ok(acceptable(&x, &all), "any source (a zero source mask), as helpers "
	    "ask, accepted");
	x.mask.src.v4 = htonl(0xffff0000);
	ok(!acceptable(&x, &all), "a partial source mask refused");
	x = ftp_expectation();
	x.mask.sport = 0xff00;
	ok(!acceptable(&x, &all), "a partial source port mask refused");
	x = ftp_expectation();
	x.master.src.v4 = 0;
	ok(!acceptable(&x, &all), "a wildcard master refused");
	x = ftp_expectation();
	x.master.sport = 0;
	ok(!acceptable(&x, &all), "a master without its port refused");
	x = ftp_expectation();
	x.tuple.dst.v4 = 0;
	ok(!acceptable(&x, &all), "a wildcard destination refused");
	x = ftp_expectation();
	x.tuple.dport = 0;
	ok(!acceptable(&x, &all), "any destination port refused");
	x = ftp_expectation();
	x.class = 4;
	ok(!acceptable(&x, &all), "a class out of range refused");
	x = ftp_expectation();
	x.timeout = 0;
	ok(!acceptable(&x, &all), "a zero timeout refused");
	x.timeout = CTEXP_TIMEOUT_MAX + 1;
	ok(!acceptable(&x, &all), "a timeout over an hour refused");
	x.attrs &= ~CTX_BIT(CTX_A_TIMEOUT);
	x.timeout = 300;
	ok(!acceptable(&x, &all), "no timeout refused");
	ok(ctexp_acceptable(&x, &all, 0, &why) == 0,
	    "... but a delete needs none");
	x = ftp_expectation();
	x.helper[0] = '\0';
	ok(!acceptable(&x, &all), "an expectation of no helper refused");
}

int
main(void)
{
	test_batches();
	test_validation();
	test_expectation_policy();
	return done_testing();
}
