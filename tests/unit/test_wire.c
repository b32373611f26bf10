/*
 * The conntrackd 1.4.7 wire codec (sync-worker/wire.c) against the bytes
 * captured between two real conntrackd daemons (wire-protocol.md 14), and
 * every way a datagram can be malformed (each counted in its class).
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdlib.h>

#include "tap.h"
#include "wire.h"
#include "wire_ext.h"

static const uint8_t capture_ct_new[] = {	/* 14.1 */
	0x10, 0x00, 0x00, 0x54, 0x6b, 0x02, 0xc2, 0xb8, 0x00, 0x0c, 0x00, 0x00,
	0xc0, 0xa8, 0x01, 0x0a, 0xc0, 0xa8, 0x02, 0x14, 0x00, 0x08, 0x00, 0x05,
	0x00, 0x00, 0x00, 0x0c, 0x00, 0x05, 0x00, 0x02, 0x06, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x03, 0x04, 0xd2, 0x00, 0x50, 0x00, 0x05, 0x00, 0x04,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x06, 0x00, 0x00, 0x00, 0x78,
	0x00, 0x08, 0x00, 0x07, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x10, 0x00, 0x1f,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static int
contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	size_t i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return 1;
	return 0;
}

/* Decode the first message of a buffer; returns wire_get_ct's result. */
static int
decode_one(const uint8_t *p, size_t n, struct ctobj *o,
    struct wire_counters *c)
{
	struct wire_msg m;
	int deliver;

	if (wire_next(p, n, &m, &deliver, c) == 0 || !deliver)
		return -2;
	return wire_get_ct(&m, o);
}

static struct ctobj
tcp_object(void)
{
	struct ctobj o;

	memset(&o, 0, sizeof(o));
	o.family = AF_INET;
	o.l4proto = 6;
	inet_pton(AF_INET, "192.168.1.10", &o.orig.src.v4);
	inet_pton(AF_INET, "192.168.2.20", &o.orig.dst.v4);
	o.orig.sport = 1234;
	o.orig.dport = 80;
	o.status = 0x0c;
	o.state = 3;
	o.timeout = 120;
	o.mark = 42;
	o.attrs = CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_L4PROTO) | CT_BIT(CT_A_PORT) |
	    CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_TCP_STATE) |
	    CT_BIT(CT_A_TIMEOUT) | CT_BIT(CT_A_MARK) | CT_BIT(CT_A_SYNPROXY);
	return o;
}

static void
test_capture(void)
{
	struct wire_counters c = { 0 };
	struct wire_opts opt = { 0, 0 };
	struct ctobj o, want = tcp_object();
	uint8_t buf[WIRE_MSG_MAX];
	size_t n;

	ok(decode_one(capture_ct_new, sizeof(capture_ct_new), &o, &c) == 0,
	    "14.1 capture decodes");
	ok(o.family == AF_INET && o.orig.src.v4 == want.orig.src.v4 &&
	    o.orig.dst.v4 == want.orig.dst.v4 && o.orig.sport == 1234 &&
	    o.orig.dport == 80 && o.l4proto == 6 && o.state == 3 &&
	    o.status == 0x0c && o.timeout == 120 && o.mark == 42,
	    "... tuple, state, status, timeout and mark as captured");
	ok(o.attrs == want.attrs, "... and exactly those attributes");
	n = wire_put_ct(buf, sizeof(buf), WIRE_CT_NEW, 0, 0x6b02c2b8, &want,
	    &opt);
	ok(n == sizeof(capture_ct_new) && memcmp(buf, capture_ct_new, n) == 0,
	    "encoding the same entry gives the captured bytes");
	opt.omit_timeout = 1;
	n = wire_put_ct(buf, sizeof(buf), WIRE_CT_NEW, 0, 1, &want, &opt);
	ok(n == sizeof(capture_ct_new) - 8 && !contains(buf, n,
	    (const uint8_t[]){ 0, 8, 0, 6 }, 4),
	    "a sender with CommitTimeout sends no TIMEOUT");
	ok(c.malformed == 0, "nothing counted as malformed");
}

static void
test_quirks(void)
{
	struct wire_counters c = { 0 };
	struct wire_opts opt = { 1, 0 };
	struct ctobj o = tcp_object(), back;
	uint8_t buf[WIRE_MSG_MAX];
	size_t n;

	o.attrs |= CT_BIT(CT_A_SNAT_IPV4) | CT_BIT(CT_A_SPAT_PORT) |
	    CT_BIT(CT_A_DNAT_IPV4) | CT_BIT(CT_A_DPAT_PORT) |
	    CT_BIT(CT_A_HELPER_NAME) | CT_BIT(CT_A_TCP_WSCALE_ORIG) |
	    CT_BIT(CT_A_TCP_WSCALE_REPL);
	inet_pton(AF_INET, "203.0.113.9", &o.snat.v4);
	inet_pton(AF_INET, "10.1.1.80", &o.dnat.v4);
	o.spat = 50001;
	o.dpat = 8080;
	o.wscale_orig = o.wscale_repl = 10;
	strcpy(o.helper, "ftp");
	n = wire_put_ct(buf, sizeof(buf), WIRE_CT_NEW, 0, 1, &o, &opt);
	ok(contains(buf, n, (const uint8_t[]){ 0, 8, 0, 0x0c, 0xcb, 0, 0x71,
	    9 }, 8), "14.2: SNAT_IPV4 in network order");
	ok(contains(buf, n, (const uint8_t[]){ 0, 6, 0, 0x0e, 0x51, 0xc3, 0,
	    0 }, 8), "14.2: SPAT_PORT 50001 least significant byte first");
	ok(contains(buf, n, (const uint8_t[]){ 0, 8, 0, 0x0d, 10, 1, 1, 80 },
	    8), "14.2: DNAT_IPV4");
	ok(contains(buf, n, (const uint8_t[]){ 0, 6, 0, 0x0f, 0x90, 0x1f, 0,
	    0 }, 8), "14.2: DPAT_PORT 8080 least significant byte first");
	ok(contains(buf, n, (const uint8_t[]){ 0, 5, 0, 4, 3, 0, 0, 0, 0, 5, 0,
	    0x19, 10, 0, 0, 0, 0, 5, 0, 0x1a, 10, 0, 0, 0 }, 24),
	    "14.1: window scales follow TCP_STATE with TCPWindowTracking on");
	ok(contains(buf, n, (const uint8_t[]){ 0, 8, 0, 0x1b, 'f', 't', 'p',
	    0 }, 8), "14.1: HELPER_NAME \"ftp\" with its NUL");
	ok(decode_one(buf, n, &back, &c) == 0 && back.spat == 50001 &&
	    back.dpat == 8080 && back.snat.v4 == o.snat.v4 &&
	    back.dnat.v4 == o.dnat.v4 && strcmp(back.helper, "ftp") == 0 &&
	    back.wscale_orig == 10, "NAT, helper and window scale round trip");

	memset(&o, 0, sizeof(o));
	o.family = AF_INET;
	o.l4proto = 1;
	o.orig.icmp_type = 8;
	o.orig.icmp_id = 4660;
	o.attrs = CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_L4PROTO) |
	    CT_BIT(CT_A_ICMP_TYPE) | CT_BIT(CT_A_ICMP_CODE) |
	    CT_BIT(CT_A_ICMP_ID) | CT_BIT(CT_A_STATUS);
	n = wire_put_ct(buf, sizeof(buf), WIRE_CT_NEW, 0, 1, &o, &opt);
	ok(contains(buf, n, (const uint8_t[]){ 0, 6, 0, 0x18, 0x34, 0x12 }, 6),
	    "ICMP_ID 4660 is sent as 34 12");
	ok(!contains(buf, n, (const uint8_t[]){ 0, 8, 0, 3 }, 4),
	    "no PORT for ICMP");
	ok(decode_one(buf, n, &back, &c) == 0 && back.orig.icmp_id == 4660 &&
	    back.orig.icmp_type == 8, "ICMP round trip");
}

/* Every attribute an IPv6 entry can carry survives encode and decode. */
static void
test_full_roundtrip(void)
{
	struct wire_counters c = { 0 };
	struct wire_opts opt = { 1, 0 };
	struct ctobj o, back;
	uint8_t buf[WIRE_MSG_MAX];
	size_t n;
	int i;

	memset(&o, 0, sizeof(o));
	o.family = AF_INET6;
	o.l4proto = 6;
	inet_pton(AF_INET6, "2001:db8::1", o.orig.src.v6);
	inet_pton(AF_INET6, "2001:db8:1::2", o.orig.dst.v6);
	inet_pton(AF_INET6, "2001:db8:ff::9", o.snat.v6);
	inet_pton(AF_INET6, "2001:db8:ee::8", o.dnat.v6);
	o.orig.sport = 40000;
	o.orig.dport = 443;
	o.master_family = AF_INET6;
	o.master_l4proto = 6;
	memcpy(o.master.src.v6, o.orig.src.v6, 16);
	memcpy(o.master.dst.v6, o.orig.dst.v6, 16);
	o.master.sport = 39999;
	o.master.dport = 21;
	o.status = 0x1ff;
	o.timeout = 431999;
	o.mark = 0xdeadbeef;
	o.state = 3;
	o.wscale_orig = 7;
	o.wscale_repl = 14;
	o.spat = 1;
	o.dpat = 65535;
	o.zone = 7;
	o.nlabels = 2;
	o.labels[0] = 0x80000001;
	o.labels[1] = 0x2;
	for (i = 0; i < 6; i++)
		o.seqadj[i] = 0x01020304u * (uint32_t)(i + 1);
	for (i = 0; i < 3; i++)
		o.synproxy[i] = 0xa0b0c0d0u + (uint32_t)i;
	strcpy(o.helper, "sip-5060");
	o.attrs = CT_BIT(CT_A_IPV6) | CT_BIT(CT_A_L4PROTO) | CT_BIT(CT_A_PORT) |
	    CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_TIMEOUT) | CT_BIT(CT_A_MARK) |
	    CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_TCP_WSCALE_ORIG) |
	    CT_BIT(CT_A_TCP_WSCALE_REPL) | CT_BIT(CT_A_MASTER_IPV6) |
	    CT_BIT(CT_A_MASTER_L4PROTO) | CT_BIT(CT_A_MASTER_PORT) |
	    CT_BIT(CT_A_SNAT_IPV6) | CT_BIT(CT_A_DNAT_IPV6) |
	    CT_BIT(CT_A_SPAT_PORT) | CT_BIT(CT_A_DPAT_PORT) |
	    CT_BIT(CT_A_NAT_SEQ_ADJ) | CT_BIT(CT_A_HELPER_NAME) |
	    CT_BIT(CT_A_LABELS) | CT_BIT(CT_A_SYNPROXY) | CT_BIT(CT_A_ZONE);
	n = wire_put_ct(buf, sizeof(buf), WIRE_CT_UPD, WIRE_F_HELLO, 77, &o,
	    &opt);
	ok(n > 0 && n % 4 == 0, "every attribute fits, length a multiple of "
	    "4 (%zu)", n);
	ok(decode_one(buf, n, &back, &c) == 0, "and decodes");
	ok(back.attrs == o.attrs, "the same attributes come back");
	ok(memcmp(&back, &o, sizeof(o)) == 0, "with the same values");
}

static void
test_control(void)
{
	uint8_t buf[32];
	struct wire_msg m;
	struct wire_counters c = { 0 };
	int deliver;

	ok(wire_put_ctl(buf, sizeof(buf), WIRE_F_ALIVE | WIRE_F_HELLO,
	    1795343027, 0, 0) == 8 && memcmp(buf, (const uint8_t[]){ 0x1a,
	    0x30, 0, 8, 0x6b, 2, 0xc2, 0xb3 }, 8) == 0, "14.3: ALIVE|HELLO");
	ok(wire_put_ctl(buf, sizeof(buf), WIRE_F_ACK | WIRE_F_HELLO |
	    WIRE_F_HELLO_BACK, 1795343027, 1795343027, 1795343027) == 16 &&
	    memcmp(buf, (const uint8_t[]){ 0x1a, 0x68, 0, 0x10, 0x6b, 2, 0xc2,
	    0xb3, 0x6b, 2, 0xc2, 0xb3, 0x6b, 2, 0xc2, 0xb3 }, 16) == 0,
	    "14.3: ACK|HELLO|HELLO_BACK");
	wire_put_ctl(buf, sizeof(buf), WIRE_F_NACK, 0x6b02c2ea, 0x6b02c2ef,
	    0x6b02c2f1);
	ok(wire_next(buf, 16, &m, &deliver, &c) == 16 && deliver &&
	    wire_classify(&m) == WK_NACK && m.from == 0x6b02c2ef &&
	    m.to == 0x6b02c2f1, "14.3: NACK range read back");
	wire_put_ctl(buf, sizeof(buf), WIRE_F_RESYNC, 5, 0, 0);
	ok(wire_next(buf, 16, &m, &deliver, &c) == 16 &&
	    wire_classify(&m) == WK_RESYNC, "RESYNC classified");
	wire_put_ctl(buf, sizeof(buf), WIRE_F_ACK, 5, 10, 9);
	ok(wire_next(buf, 16, &m, &deliver, &c) == 16 &&
	    wire_classify(&m) == WK_BAD, "ACK with `to' before `from' is bad");
	ok(wire_seq_before(0xfffffff0u, 5) && !wire_seq_before(5, 0xfffffff0u),
	    "sequence order wraps around");
}

/* ACKs and NACKs meant for one node of several (wire.h) */
static void
test_control_for(void)
{
	static const uint8_t v4[16] = { 10, 99, 0, 2 }, v6[16] = { 0xfe, 0x80,
	    [15] = 7 };
	uint8_t buf[40];
	struct wire_msg m;
	struct wire_counters c = { 0 };
	int deliver;

	ok(wire_put_ctl_for(buf, sizeof(buf), WIRE_F_ACK, 9, 1, 2, AF_INET,
	    v4) == 20 && memcmp(buf, (const uint8_t[]){ 0x1a, 0x08, 0, 20, 0,
	    0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 2, 10, 99, 0, 2 }, 20) == 0,
	    "ACK for an IPv4 node: the range, then its address (len 20)");
	ok(wire_next(buf, 20, &m, &deliver, &c) == 20 && deliver &&
	    wire_classify(&m) == WK_ACK && m.from == 1 && m.to == 2 &&
	    m.for_family == AF_INET && memcmp(m.for_addr, v4, 4) == 0,
	    "read back: an ACK, its range, the node it is meant for");
	ok(wire_put_ctl_for(buf, sizeof(buf), WIRE_F_NACK, 9, 3, 4, AF_INET6,
	    v6) == 32 && wire_next(buf, 32, &m, &deliver, &c) == 32 &&
	    wire_classify(&m) == WK_NACK && m.for_family == AF_INET6 &&
	    memcmp(m.for_addr, v6, 16) == 0, "NACK for an IPv6 node (len 32)");
	ok(wire_put_ctl(buf, sizeof(buf), WIRE_F_ACK, 9, 1, 2) == 16 &&
	    wire_next(buf, 16, &m, &deliver, &c) == 16 && m.for_family == 0,
	    "1.4.7's ACK names no node");
	buf[3] = 24;	/* a longer tail that is not an address */
	ok(wire_next(buf, 24, &m, &deliver, &c) == 24 && deliver &&
	    wire_classify(&m) == WK_ACK && m.for_family == 0,
	    "an ACK with another tail length: read as 1.4.7 does");
	ok(wire_put_ctl_for(buf, sizeof(buf), WIRE_F_ALIVE, 9, 0, 0, AF_INET,
	    v4) == 0 && wire_put_ctl_for(buf, 19, WIRE_F_ACK, 9, 0, 0,
	    AF_INET, v4) == 0, "only ACK and NACK name a node, and they fit");
	ok(c.malformed == 0, "nothing counted as malformed");
}

/* ctsyncd's payload on ALIVE (wire_ext.h) */
static void
test_ext(void)
{
	uint8_t buf[WIRE_EXT_MAX];
	struct wire_ext x, y;
	struct wire_msg m;
	struct wire_counters c = { 0 };
	size_t n;
	int deliver, i, same;

	memset(&x, 0, sizeof(x));
	x.kind = WX_DIGEST;
	x.epoch = 0x01020304;
	x.count = 4242;
	for (i = 0; i < CACHE_RANGES; i++)
		x.sums[i] = (uint32_t)i * 0x01010101u;
	wire_put_ctl(buf, sizeof(buf), WIRE_F_ALIVE, 77, 0, 0);
	n = wire_ext_put(buf + 8, sizeof(buf) - 8, &x) + 8;
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	ok(n == 8 + 12 + 4 + 4 * CACHE_RANGES && memcmp(buf + 8, "CTSY\1\2\0\0"
	    "\1\2\3\4", 12) == 0, "DIGEST: magic, version, kind, epoch, then "
	    "%zu bytes in all", n);
	ok(wire_next(buf, n, &m, &deliver, &c) == n && deliver &&
	    wire_classify(&m) == WK_ALIVE, "... an ALIVE to any reader");
	same = wire_ext_get(&m, &y) == 1 && y.kind == WX_DIGEST &&
	    y.epoch == x.epoch && y.count == 4242;
	for (i = 0; i < CACHE_RANGES; i++)
		same = same && y.sums[i] == x.sums[i];
	ok(same, "... read back whole");
	memset(&x, 0, sizeof(x));
	x.kind = WX_DIFF;
	x.epoch = 9;
	wire_ext_set(x.bits, 0);
	wire_ext_set(x.bits, 255);
	n = wire_ext_put(buf + 8, sizeof(buf) - 8, &x) + 8;
	buf[2] = 0;
	buf[3] = (uint8_t)n;
	ok(n == 8 + 12 + 32 && buf[20] == 1 && buf[51] == 0x80,
	    "DIFF: a bitmap, range r in byte r/8, bit r%%8");
	ok(wire_next(buf, n, &m, &deliver, &c) == n &&
	    wire_ext_get(&m, &y) == 1 && y.kind == WX_DIFF &&
	    wire_ext_bit(y.bits, 0) && wire_ext_bit(y.bits, 255) &&
	    !wire_ext_bit(y.bits, 1), "... read back");
	buf[3] = (uint8_t)(n - 4);
	ok(wire_next(buf, n - 4, &m, &deliver, &c) == n - 4 &&
	    wire_ext_get(&m, &y) == -1, "a DIFF cut short: malformed");
	buf[3] = (uint8_t)n;
	buf[13] = 7;
	ok(wire_next(buf, n, &m, &deliver, &c) == n &&
	    wire_ext_get(&m, &y) == -1, "an unknown kind: malformed");
	buf[12] = 2;
	ok(wire_ext_get(&m, &y) == 0, "a later version: not ours to judge");
	buf[8] = 'X';
	buf[12] = 1;
	ok(wire_ext_get(&m, &y) == 0, "no magic: somebody else's payload");
	wire_put_ctl(buf, sizeof(buf), WIRE_F_ALIVE, 77, 0, 0);
	ok(wire_next(buf, 8, &m, &deliver, &c) == 8 &&
	    wire_ext_get(&m, &y) == 0, "a plain ALIVE: nothing");
	ok(c.malformed == 0, "none of it counted as malformed by the codec");
}

/* Run a whole datagram through wire_next/wire_get_ct as the worker does. */
static int
walk(const uint8_t *p, size_t n, struct wire_counters *c)
{
	size_t step;
	int delivered = 0;

	while (n > 0) {
		struct wire_msg m;
		struct ctobj o;
		int deliver;

		if ((step = wire_next(p, n, &m, &deliver, c)) == 0)
			break;
		if (deliver) {
			if (wire_classify(&m) == WK_BAD)
				c->bad_header++, c->malformed++;
			else if (wire_classify(&m) == WK_DATA &&
			    wire_get_ct(&m, &o) == -1)
				wire_count_payload_error(c);
			else
				delivered++;
		}
		p += step;
		n -= step;
	}
	return delivered;
}

static void
test_malformed(void)
{
	struct wire_counters c;
	uint8_t d[512];
	size_t n = sizeof(capture_ct_new);

#define RESET() memset(&c, 0, sizeof(c))
	RESET();
	ok(walk(capture_ct_new, 5, &c) == 0 && c.truncated == 1 &&
	    c.malformed == 1, "truncated header: counted as truncated");
	RESET();
	memcpy(d, capture_ct_new, n);
	d[2] = d[3] = 0;
	ok(walk(d, n, &c) == 0 && c.bad_size == 1, "len 0: bad size");
	RESET();
	d[3] = 200;
	ok(walk(d, n, &c) == 0 && c.bad_size == 1, "len past the end: bad size");
	RESET();
	memcpy(d, capture_ct_new, n);
	memcpy(d + n, capture_ct_new, n);
	d[0] = 0x20;			/* version 2 */
	ok(walk(d, 2 * n, &c) == 1 && c.bad_version == 1,
	    "bad version: counted, skipped, the next message still read");
	RESET();
	memcpy(d, capture_ct_new, n);
	d[0x14 + 3] = 40;		/* STATUS -> attribute id 40 */
	ok(walk(d, n, &c) == 0 && c.bad_payload == 1,
	    "attribute id out of range: malformed payload");
	RESET();
	memcpy(d, capture_ct_new, n);
	d[0x14 + 1] = 10;		/* STATUS with nta_len 10 */
	ok(walk(d, n, &c) == 0 && c.bad_payload == 1,
	    "wrong fixed size: malformed payload");
	RESET();
	memcpy(d, capture_ct_new, n);
	d[0x08 + 1] = 3;		/* IPV4 with nta_len 3 */
	ok(walk(d, n, &c) == 0 && c.bad_payload == 1,
	    "attribute length below 4: malformed payload");
	RESET();
	memcpy(d, capture_ct_new, n);
	d[0x44 + 1] = 0xf0;		/* SYNPROXY claiming 240 bytes */
	ok(walk(d, n, &c) == 0 && c.bad_payload == 1,
	    "attribute past the message end: malformed payload");
	RESET();
	memcpy(d, capture_ct_new, n);
	d[0] = 0x17;			/* type 7 */
	ok(walk(d, n, &c) == 0 && c.bad_header == 1,
	    "type 7: malformed header");
	RESET();
	memcpy(d, capture_ct_new, n);
	d[1] = WIRE_F_RESYNC;		/* data type with a control flag */
	ok(walk(d, n, &c) == 0 && c.bad_header == 1,
	    "data with a RESYNC flag: malformed header");
	RESET();
	ok(walk((const uint8_t[]){ 0x1a, 0x08, 0, 8, 0, 0, 0, 1, 0, 0, 0, 1,
	    0, 0, 0, 1 }, 16, &c) == 0 && c.bad_size == 1,
	    "ACK with len 8: bad size");
	RESET();
	/* 2.3: len fits, but fewer than 16 bytes remain for an ACK */
	ok(walk((const uint8_t[]){ 0x1a, 0x08, 0, 8, 0, 0, 0, 1, 0, 0 }, 10,
	    &c) == 0 && c.truncated == 1, "ACK cut short: truncated");
	RESET();
	ok(walk((const uint8_t[]){ 0x1a, 0x08, 0, 16, 0, 0, 0, 1, 0, 0 }, 10,
	    &c) == 0 && c.bad_size == 1, "ACK whose len runs past the "
	    "datagram: bad size");
	RESET();
	memcpy(d, capture_ct_new, 8);	/* header only, no IPV4 */
	d[3] = 8;
	ok(walk(d, 8, &c) == 0 && c.bad_payload == 1,
	    "entry without addresses: malformed payload");
	RESET();
	memcpy(d, capture_ct_new, n);
	memset(d + n, 0, 4);		/* 4 trailing bytes inside the message */
	d[3] = (uint8_t)(n + 4);
	ok(walk(d, n + 4, &c) == 1 && c.malformed == 0,
	    "a trailing remainder of 4 bytes is ignored, as by 1.4.7");
	RESET();
	memcpy(d, capture_ct_new, n);
	memcpy(d + n, (const uint8_t[]){ 0, 24, 0, 0x1b }, 4);	/* helper 20 */
	memset(d + n + 4, 'a', 20);
	d[3] = (uint8_t)(n + 24);
	ok(walk(d, n + 24, &c) == 0 && c.bad_payload == 1,
	    "helper name longer than 15 characters: malformed payload");
	RESET();
	memcpy(d, capture_ct_new, n);
	d[0x30] = 14;			/* TCP state 14 */
	ok(walk(d, n, &c) == 0 && c.bad_payload == 1,
	    "TCP state out of range: malformed payload");
	RESET();
	memcpy(d, capture_ct_new, n);
	memcpy(d + n, capture_ct_new, n);
	memcpy(d + 2 * n, (const uint8_t[]){ 0x1a, 0x10, 0, 8, 0, 0, 0, 9 }, 8);
	ok(walk(d, 2 * n + 8, &c) == 3 && c.malformed == 0,
	    "two entries and an ALIVE in one datagram: all three read");
#undef RESET
}

static const uint8_t capture_exp_new[] = {	/* 14.4 */
	0x13, 0x00, 0x00, 0x7c, 0x6b, 0x02, 0xc3, 0x61, 0x00, 0x0c, 0x00, 0x00,
	0xc0, 0xa8, 0x32, 0x01, 0xc0, 0xa8, 0x32, 0x02, 0x00, 0x05, 0x00, 0x02,
	0x06, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x9c, 0x55, 0x00, 0x15,
	0x00, 0x0c, 0x00, 0x04, 0xc0, 0xa8, 0x32, 0x01, 0xc0, 0xa8, 0x32, 0x02,
	0x00, 0x05, 0x00, 0x06, 0x06, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x07,
	0x00, 0x00, 0xc8, 0x0a, 0x00, 0x0c, 0x00, 0x08, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0x00, 0x05, 0x00, 0x0a, 0x06, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x0b, 0x00, 0x00, 0xff, 0xff, 0x00, 0x08, 0x00, 0x0c,
	0x00, 0x00, 0x01, 0x2c, 0x00, 0x08, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x13,
	0x66, 0x74, 0x70, 0x00,
};

/* The captured FTP expectation: decoded, and encoded again to the byte. */
static void
test_expectation(void)
{
	struct wire_counters c;
	struct wire_opts opt = { 0, 0 };
	struct wire_msg m;
	struct ctexp x;
	uint8_t out[WIRE_MSG_MAX], bad[sizeof(capture_exp_new)];
	int deliver;
	size_t n;

	memset(&c, 0, sizeof(c));
	ok(wire_next(capture_exp_new, sizeof(capture_exp_new), &m, &deliver,
	    &c) == sizeof(capture_exp_new) && deliver &&
	    wire_classify(&m) == WK_DATA && m.type == WIRE_EXP_NEW,
	    "EXP_NEW: a data message");
	ok(wire_get_exp(&m, &x) == 0 && x.family == AF_INET &&
	    x.master_l4proto == 6 && x.master.sport == 40021 &&
	    x.master.dport == 21 && x.tuple.sport == 0 &&
	    x.tuple.dport == 51210 && x.mask.dport == 0xffff &&
	    x.mask.src.v4 == 0xffffffffu && x.timeout == 300 &&
	    CTX_HAS(&x, CTX_A_FLAGS) && x.flags == 0 &&
	    CTX_HAS(&x, CTX_A_CLASS) && !strcmp(x.helper, "ftp") &&
	    x.master.src.v4 == inet_addr("192.168.50.1"),
	    "EXP_NEW: master, expected tuple, mask, timeout, helper");
	n = wire_put_exp(out, sizeof(out), WIRE_EXP_NEW, 0, 0x6b02c361, &x,
	    &opt);
	ok(n == sizeof(capture_exp_new) &&
	    memcmp(out, capture_exp_new, n) == 0,
	    "EXP_NEW: encoded again byte for byte");
	memcpy(bad, capture_exp_new, sizeof(bad));
	bad[0x5d] = 0x09;	/* TIMEOUT's size */
	wire_next(bad, sizeof(bad), &m, &deliver, &c);
	ok(wire_get_exp(&m, &x) == -1, "EXP_NEW: a wrong attribute size "
	    "is malformed");
	memcpy(bad, capture_exp_new, sizeof(bad));
	bad[0x0b] = 21;		/* an id out of the expectation's range */
	wire_next(bad, sizeof(bad), &m, &deliver, &c);
	ok(wire_get_exp(&m, &x) == -1, "EXP_NEW: an unknown attribute is "
	    "malformed");
}

/* TCP: which prefixes of a stream must wait for more bytes. */
static void
test_stream_incomplete(void)
{
	static const uint8_t ack[16] = { 0x1a, 0x08, 0x00, 0x10 };
	static const uint8_t zero_len[8] = { 0x10, 0x00, 0x00, 0x00 };
	size_t n, waited = 0;

	for (n = 0; n < sizeof(capture_ct_new); n++)
		waited += wire_incomplete(capture_ct_new, n);
	ok(waited == sizeof(capture_ct_new) &&
	    !wire_incomplete(capture_ct_new, sizeof(capture_ct_new)),
	    "every cut of a CT_NEW waits, the whole message does not");
	ok(wire_incomplete(ack, 8) && wire_incomplete(ack, 15) &&
	    !wire_incomplete(ack, 16), "an ACK waits for its 16 bytes");
	ok(!wire_incomplete(zero_len, 8), "a zero length does not wait: it "
	    "is a bad size, not a cut");
}

int
main(void)
{
	test_capture();
	test_expectation();
	test_stream_incomplete();
	test_quirks();
	test_full_roundtrip();
	test_control();
	test_control_for();
	test_ext();
	test_malformed();
	return done_testing();
}
