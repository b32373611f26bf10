/*
 * netlink-worker/ct_nlattr.c against libnetfilter_conntrack: the same
 * ctnetlink message must give the same object through our parser and
 * through the library's (tests/unit/nfct_oracle.c), and a committed
 * object must give byte for byte the request the library would build.
 * Malformed messages are refused, never read past their end.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdlib.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct_nlattr.h"
#include "nfct_oracle.h"
#include "nl_request.h"
#include "tap.h"

#define BUF	4096

static void
addr6(uint8_t *a, uint8_t last)
{
	static const uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	memcpy(a, base, 16);
	a[15] = last;
}

/* A message as the kernel would send it about `ct'. */
static struct nlmsghdr *
message(char *buf, int family, struct nf_conntrack *ct, uint32_t id)
{
	struct nlmsghdr *nlh = nl_put_request(buf, IPCTNL_MSG_CT_NEW,
	    NLM_F_CREATE | NLM_F_EXCL, 1, (uint8_t)family);

	if (nfct_nlmsg_build(nlh, ct) < 0)
		return NULL;
	if (id)
		mnl_attr_put_u32(nlh, CTA_ID, htonl(id));
	nfct_destroy(ct);
	return nlh;
}

static struct nf_conntrack *
tuple4(uint8_t proto, const char *src, const char *dst, uint16_t sport,
    uint16_t dport)
{
	struct nf_conntrack *ct = nfct_new();

	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, proto);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, inet_addr(src));
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, inet_addr(dst));
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, proto);
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, inet_addr(dst));
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, inet_addr(src));
	if (proto != IPPROTO_ICMP) {
		nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(sport));
		nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(dport));
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(dport));
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(sport));
	}
	return ct;
}

static struct nf_conntrack *
tuple6(uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct nf_conntrack *ct = nfct_new();
	uint8_t a[16], b[16];

	addr6(a, 1);
	addr6(b, 2);
	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET6);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, proto);
	nfct_set_attr(ct, ATTR_IPV6_SRC, a);
	nfct_set_attr(ct, ATTR_IPV6_DST, b);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET6);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, proto);
	nfct_set_attr(ct, ATTR_REPL_IPV6_SRC, b);
	nfct_set_attr(ct, ATTR_REPL_IPV6_DST, a);
	if (proto != IPPROTO_ICMPV6) {
		nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(sport));
		nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(dport));
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(dport));
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(sport));
	}
	return ct;
}

/* ---- the kernel's messages, one per kind of entry ----------------------- */

static struct nlmsghdr *
tcp_full(char *buf)
{
	struct nf_conntrack *ct = tuple4(IPPROTO_TCP, "192.168.1.10",
	    "192.168.2.20", 1234, 80);

	nfct_set_attr_u32(ct, ATTR_STATUS, IPS_ASSURED | IPS_SEEN_REPLY);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 431999);
	nfct_set_attr_u32(ct, ATTR_MARK, 42);
	nfct_set_attr_u32(ct, ATTR_SECMARK, 7);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3);
	nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_ORIG, 7);
	nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_REPL, 9);
	nfct_set_attr_u16(ct, ATTR_ZONE, 7);
	return message(buf, AF_INET, ct, 0xdeadbeef);
}

static struct nlmsghdr *
tcp_snat(char *buf)
{
	struct nf_conntrack *ct = tuple4(IPPROTO_TCP, "10.0.0.5",
	    "198.51.100.7", 40000, 443);

	/* the reply comes back to the mapped address and port */
	nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, inet_addr("203.0.113.9"));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(61000));
	nfct_set_attr_u32(ct, ATTR_STATUS, IPS_SRC_NAT | IPS_SRC_NAT_DONE |
	    IPS_CONFIRMED);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3);
	return message(buf, AF_INET, ct, 1);
}

static struct nlmsghdr *
udp6_dnat(char *buf)
{
	struct nf_conntrack *ct = tuple6(IPPROTO_UDP, 5353, 53);
	uint8_t c[16];

	addr6(c, 99);
	nfct_set_attr(ct, ATTR_REPL_IPV6_SRC, c);
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(5300));
	nfct_set_attr_u32(ct, ATTR_STATUS, IPS_DST_NAT | IPS_DST_NAT_DONE);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 30);
	return message(buf, AF_INET6, ct, 2);
}

static struct nlmsghdr *
icmp4(char *buf)
{
	struct nf_conntrack *ct = tuple4(IPPROTO_ICMP, "192.168.1.12",
	    "192.168.2.22", 0, 0);

	nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, 8);
	nfct_set_attr_u8(ct, ATTR_ICMP_CODE, 0);
	nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(4660));
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 30);
	return message(buf, AF_INET, ct, 3);
}

static struct nlmsghdr *
icmp6(char *buf)
{
	struct nf_conntrack *ct = tuple6(IPPROTO_ICMPV6, 0, 0);

	nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, 128);
	nfct_set_attr_u8(ct, ATTR_ICMP_CODE, 0);
	nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(77));
	return message(buf, AF_INET6, ct, 4);
}

static struct nlmsghdr *
sctp(char *buf)
{
	struct nf_conntrack *ct = tuple4(IPPROTO_SCTP, "10.1.1.1", "10.1.1.2",
	    5000, 5001);

	nfct_set_attr_u8(ct, ATTR_SCTP_STATE, 3);
	nfct_set_attr_u32(ct, ATTR_SCTP_VTAG_ORIG, 0x11223344);
	nfct_set_attr_u32(ct, ATTR_SCTP_VTAG_REPL, 0x55667788);
	return message(buf, AF_INET, ct, 5);
}

static struct nlmsghdr *
dccp(char *buf)
{
	struct nf_conntrack *ct = tuple4(IPPROTO_DCCP, "10.1.1.1", "10.1.1.2",
	    6000, 6001);

	nfct_set_attr_u8(ct, ATTR_DCCP_STATE, 4);
	nfct_set_attr_u8(ct, ATTR_DCCP_ROLE, 1);
	return message(buf, AF_INET, ct, 6);
}

static struct nlmsghdr *
gre(char *buf)
{
	struct nf_conntrack *ct = tuple4(IPPROTO_GRE, "10.2.2.1", "10.2.2.2",
	    0x1234, 0x5678);

	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 29);
	return message(buf, AF_INET, ct, 7);
}

/* An FTP data connection: master tuple, helper, NAT sequence numbers,
 * synproxy, labels. */
static struct nlmsghdr *
related(char *buf)
{
	struct nf_conntrack *ct = tuple4(IPPROTO_TCP, "10.3.3.1", "10.3.3.2",
	    40001, 20);
	struct nfct_bitmask *labels = nfct_bitmask_new(127);

	nfct_set_attr_u8(ct, ATTR_MASTER_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_MASTER_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u32(ct, ATTR_MASTER_IPV4_SRC, inet_addr("10.3.3.1"));
	nfct_set_attr_u32(ct, ATTR_MASTER_IPV4_DST, inet_addr("10.3.3.2"));
	nfct_set_attr_u16(ct, ATTR_MASTER_PORT_SRC, htons(40000));
	nfct_set_attr_u16(ct, ATTR_MASTER_PORT_DST, htons(21));
	nfct_set_attr(ct, ATTR_HELPER_NAME, "ftp");
	nfct_set_attr_u32(ct, ATTR_ORIG_NAT_SEQ_CORRECTION_POS, 100);
	nfct_set_attr_u32(ct, ATTR_ORIG_NAT_SEQ_OFFSET_BEFORE, 200);
	nfct_set_attr_u32(ct, ATTR_ORIG_NAT_SEQ_OFFSET_AFTER, 300);
	nfct_set_attr_u32(ct, ATTR_REPL_NAT_SEQ_CORRECTION_POS, 400);
	nfct_set_attr_u32(ct, ATTR_REPL_NAT_SEQ_OFFSET_BEFORE, 500);
	nfct_set_attr_u32(ct, ATTR_REPL_NAT_SEQ_OFFSET_AFTER, 600);
	nfct_set_attr_u32(ct, ATTR_SYNPROXY_ISN, 11);
	nfct_set_attr_u32(ct, ATTR_SYNPROXY_ITS, 22);
	nfct_set_attr_u32(ct, ATTR_SYNPROXY_TSOFF, 33);
	nfct_bitmask_set_bit(labels, 0);
	nfct_bitmask_set_bit(labels, 33);
	nfct_bitmask_set_bit(labels, 127);
	nfct_set_attr(ct, ATTR_CONNLABELS, labels);
	nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3);
	return message(buf, AF_INET, ct, 8);
}

/* A destroy event carries little more than the tuple. */
static struct nlmsghdr *
bare(char *buf)
{
	struct nf_conntrack *ct = nfct_new();

	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, inet_addr("10.9.9.9"));
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, inet_addr("10.9.9.10"));
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(1));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(2));
	return message(buf, AF_INET, ct, 9);
}

/* One direction's counters, as a kernel with nf_conntrack_acct sends
 * them; `narrow': the 32-bit form of kernels before 2.6.27. */
static void
put_counters(struct nlmsghdr *nlh, uint16_t type, uint64_t packets,
    uint64_t bytes, int narrow)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	if (narrow) {
		mnl_attr_put_u32(nlh, CTA_COUNTERS32_PACKETS,
		    htonl((uint32_t)packets));
		mnl_attr_put_u32(nlh, CTA_COUNTERS32_BYTES,
		    htonl((uint32_t)bytes));
	} else {
		mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(packets));
		mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(bytes));
	}
	mnl_attr_nest_end(nlh, nest);
}

/* A destroy event of a flow with traffic (Stats mode logs it). */
static struct nlmsghdr *
counted(char *buf)
{
	struct nlmsghdr *nlh = bare(buf);

	put_counters(nlh, CTA_COUNTERS_ORIG, 3, UINT64_C(5000000000), 0);
	put_counters(nlh, CTA_COUNTERS_REPLY, 2, 120, 0);
	return nlh;
}

static struct nlmsghdr *
counted32(char *buf)
{
	struct nlmsghdr *nlh = bare(buf);

	put_counters(nlh, CTA_COUNTERS_ORIG, 3, 300, 1);
	put_counters(nlh, CTA_COUNTERS_REPLY, 2, 120, 1);
	return nlh;
}

static const struct {
	const char *name;
	struct nlmsghdr *(*make)(char *);
} cases[] = {
	{ "TCP with every number, window scale, zone", tcp_full },
	{ "TCP with SNAT (address and port)", tcp_snat },
	{ "UDP over IPv6 with DNAT", udp6_dnat },
	{ "ICMP echo", icmp4 },
	{ "ICMPv6 echo", icmp6 },
	{ "SCTP with tags", sctp },
	{ "DCCP with role", dccp },
	{ "GRE (ports in the tuple, none kept)", gre },
	{ "related: master, helper, seqadj, synproxy, labels", related },
	{ "a bare tuple (destroy)", bare },
	{ "a destroy with 64-bit counters", counted },
	{ "a destroy with 32-bit counters", counted32 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Fields the library path leaves holding what nothing reads. */
static void
normalise(struct ctobj *o)
{
	if (!CT_HAS(o, CT_A_REPLY))
		memset(&o->reply, 0, sizeof(o->reply));
}

static int
oracle_parse(const struct nlmsghdr *nlh, struct ctobj *o)
{
	struct nf_conntrack *ct = nfct_new();
	int r = -1;

	if (nfct_nlmsg_parse(nlh, ct) >= 0)
		r = oracle_from_nfct(o, ct);
	nfct_destroy(ct);
	return r;
}

static void
test_parse_same(void)
{
	char buf[BUF];
	struct ctobj mine, lib;
	size_t i;

	for (i = 0; i < NCASES; i++) {
		struct nlmsghdr *nlh = cases[i].make(buf);

		if (nlh == NULL) {
			ok(0, "%s: built", cases[i].name);
			continue;
		}
		ok(ctobj_from_nlmsg(&mine, nlh) == 0 &&
		    oracle_parse(nlh, &lib) == 0, "%s: both parse",
		    cases[i].name);
		normalise(&mine);
		normalise(&lib);
		ok(memcmp(&mine, &lib, sizeof(mine)) == 0,
		    "%s: the same object as libnetfilter_conntrack's",
		    cases[i].name);
	}
}

static void
test_parse_details(void)
{
	char buf[BUF];
	struct ctobj o;

	ctobj_from_nlmsg(&o, tcp_snat(buf));
	ok(CT_HAS(&o, CT_A_SNAT_IPV4) && o.snat.v4 == inet_addr("203.0.113.9")
	    && CT_HAS(&o, CT_A_SPAT_PORT) && o.spat == 61000 &&
	    !CT_HAS(&o, CT_A_DNAT_IPV4), "SNAT derived from the reply tuple");
	ctobj_from_nlmsg(&o, related(buf));
	ok(CT_HAS(&o, CT_A_LABELS) && o.nlabels == 4 && o.labels[0] == 1 &&
	    o.labels[1] == 2 && o.labels[3] == 0x80000000u, "labels by word");
	ok(CT_HAS(&o, CT_A_NAT_SEQ_ADJ) && o.seqadj[0] == 100 &&
	    o.seqadj[5] == 600, "sequence adjustment, both directions");
	ok(CT_HAS(&o, CT_A_SYNPROXY) && o.synproxy[0] == 22 &&
	    o.synproxy[1] == 11 && o.synproxy[2] == 33,
	    "synproxy in wire order (its, isn, tsoff)");
	ok(CT_HAS(&o, CT_A_MASTER_PORT) && o.master.dport == 21 &&
	    !strcmp(o.helper, "ftp"), "master tuple and helper");
	ctobj_from_nlmsg(&o, counted(buf));
	ok(CT_HAS(&o, CT_A_COUNTERS) && o.packets[0] == 3 &&
	    o.bytes[0] == UINT64_C(5000000000) && o.packets[1] == 2 &&
	    o.bytes[1] == 120, "counters, both directions, 64 bits");
	ctobj_from_nlmsg(&o, gre(buf));
	ok(!CT_HAS(&o, CT_A_PORT) && o.orig.sport == 0,
	    "GRE keys are not kept as ports");
}

static void
test_parse_refusals(void)
{
	char buf[BUF];
	struct nlmsghdr *nlh;
	struct nlattr *a;
	struct ctobj o;

	nlh = tcp_full(buf);
	nlh->nlmsg_len -= 3;		/* the last attribute cut short */
	ok(ctobj_from_nlmsg(&o, nlh) == CT_PARSE_MALFORMED,
	    "a truncated attribute is malformed");
	nlh = tcp_full(buf);
	a = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct nfgenmsg));
	a->nla_len = 2;			/* shorter than its own header */
	ok(ctobj_from_nlmsg(&o, nlh) == CT_PARSE_MALFORMED,
	    "an attribute shorter than its header is malformed");
	nlh = nl_put_request(buf, IPCTNL_MSG_CT_NEW, 0, 1, AF_INET);
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(1));
	ok(ctobj_from_nlmsg(&o, nlh) == CT_PARSE_UNSUPPORTED,
	    "no original tuple: unsupported");
	nlh = bare(buf);
	((struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family =
	    AF_INET6;
	ok(ctobj_from_nlmsg(&o, nlh) == CT_PARSE_UNSUPPORTED,
	    "IPv4 addresses in an IPv6 message: unsupported");
	nlh = tcp_full(buf);
	nlh->nlmsg_len = 10;
	ok(ctobj_from_nlmsg(&o, nlh) == CT_PARSE_MALFORMED,
	    "a message shorter than its headers is malformed");
}

/* Random damage to every message: refused or parsed, never overread
 * (run under AddressSanitizer by tools/test.sh). */
static void
test_parse_damage(void)
{
	char buf[BUF], *copy;
	struct ctobj o;
	unsigned seed = 7, n = 0;
	size_t i;
	int k;

	for (i = 0; i < NCASES; i++) {
		struct nlmsghdr *nlh = cases[i].make(buf);
		size_t len = nlh->nlmsg_len;

		for (k = 0; k < 2000; k++, n++) {
			copy = malloc(len);
			memcpy(copy, buf, len);
			copy[MNL_NLMSG_HDRLEN + 4 + rand_r(&seed) %
			    (len - MNL_NLMSG_HDRLEN - 4)] = (char)rand_r(&seed);
			(void)ctobj_from_nlmsg(&o, (struct nlmsghdr *)copy);
			free(copy);
		}
	}
	ok(n == NCASES * 2000, "%u damaged messages parsed or refused", n);
}

/* ---- building: byte for byte what the library builds ------------------- */

static int
same_create(const struct ctobj *o, uint32_t commit_timeout, int wt)
{
	char a[BUF], b[BUF];
	struct nlmsghdr *la, *lb;
	struct nf_conntrack *ct = nfct_new();
	int r;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	la = nl_put_request(a, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, 5, o->family);
	oracle_to_nfct_create(o, ct, commit_timeout, wt);
	r = nfct_nlmsg_build(la, ct);
	nfct_destroy(ct);
	lb = nl_put_request(b, IPCTNL_MSG_CT_NEW, NLM_F_CREATE, 5, o->family);
	if (ctobj_put_create(lb, o, commit_timeout, wt, 0) < 0)
		return r < 0;
	if (r < 0 || la->nlmsg_len != lb->nlmsg_len)
		return 0;
	return memcmp(a, b, la->nlmsg_len) == 0;
}

static void
test_create_same(void)
{
	char buf[BUF];
	struct ctobj o;
	size_t i;
	int wt;

	for (i = 0; i < NCASES; i++) {
		ctobj_from_nlmsg(&o, cases[i].make(buf));
		for (wt = 0; wt < 2; wt++) {
			ok(same_create(&o, 0, wt), "%s: create request as "
			    "the library's, window tracking %s",
			    cases[i].name, wt ? "on" : "off");
		}
		ok(same_create(&o, 180, 0), "%s: with CommitTimeout 180",
		    cases[i].name);
	}
	/* from the wire: NAT without a reply tuple, each part alone */
	ctobj_from_nlmsg(&o, tcp_snat(buf));
	o.attrs &= ~(CT_BIT(CT_A_REPLY) | CT_BIT(CT_A_SPAT_PORT));
	ok(same_create(&o, 0, 0), "SNAT address only");
	o.attrs &= ~CT_BIT(CT_A_SNAT_IPV4);
	o.attrs |= CT_BIT(CT_A_DPAT_PORT);
	o.dpat = 8080;
	ok(same_create(&o, 0, 0), "DNAT port only");
	o.attrs |= CT_BIT(CT_A_DNAT_IPV4);
	o.dnat.v4 = inet_addr("10.10.10.10");
	ok(same_create(&o, 0, 0), "DNAT address and port");
	ctobj_from_nlmsg(&o, udp6_dnat(buf));
	o.attrs |= CT_BIT(CT_A_SNAT_IPV6) | CT_BIT(CT_A_SPAT_PORT);
	addr6(o.snat.v6, 50);
	o.spat = 1;
	ok(same_create(&o, 0, 0), "IPv6 SNAT and DNAT with ports");
	ctobj_from_nlmsg(&o, icmp4(buf));
	for (i = 0; i < 20; i++) {
		o.orig.icmp_type = (uint8_t)i;
		if (!same_create(&o, 0, 0))
			break;
	}
	ok(i == 20, "ICMP types 0-19: the reply type as the library's");
	ctobj_from_nlmsg(&o, icmp6(buf));
	for (i = 128; i < 256; i++) {
		o.orig.icmp_type = (uint8_t)i;
		if (!same_create(&o, 0, 0))
			break;
	}
	ok(i == 256, "ICMPv6 types 128-255: the reply type as the library's");
	ctobj_from_nlmsg(&o, udp6_dnat(buf));
	o.l4proto = 250;
	o.attrs &= ~CT_BIT(CT_A_PORT);
	ok(ctobj_put_create((struct nlmsghdr *)nl_put_request(buf,
	    IPCTNL_MSG_CT_NEW, 0, 1, AF_INET6), &o, 0, 0, 0) == -1,
	    "a protocol without a kernel tuple is refused");
}

/* ---- expectations (exp_nlattr.c) ---------------------------------------- */

/* The FTP data connection an FTP control connection expects. */
static struct nlmsghdr *
ftp_expectation(char *buf)
{
	struct nf_expect *exp = nfexp_new();
	struct nf_conntrack *master = tuple4(IPPROTO_TCP, "192.168.50.1",
	    "192.168.50.2", 40021, 21);
	struct nf_conntrack *expected = tuple4(IPPROTO_TCP, "192.168.50.1",
	    "192.168.50.2", 0, 51210);
	struct nf_conntrack *mask = tuple4(IPPROTO_TCP, "255.255.255.255",
	    "255.255.255.255", 0, 0xffff);
	struct nlmsghdr *nlh = nl_put_exp_request(buf, IPCTNL_MSG_EXP_NEW,
	    NLM_F_CREATE, 1, AF_INET);

	nfexp_set_attr(exp, ATTR_EXP_MASTER, master);
	nfexp_set_attr(exp, ATTR_EXP_EXPECTED, expected);
	nfexp_set_attr(exp, ATTR_EXP_MASK, mask);
	nfexp_set_attr_u32(exp, ATTR_EXP_TIMEOUT, 300);
	nfexp_set_attr_u32(exp, ATTR_EXP_FLAGS, 0);
	nfexp_set_attr_u32(exp, ATTR_EXP_CLASS, 0);
	nfexp_set_attr(exp, ATTR_EXP_HELPER_NAME, "ftp");
	nfexp_nlmsg_build(nlh, exp);
	nfct_destroy(master);
	nfct_destroy(expected);
	nfct_destroy(mask);
	nfexp_destroy(exp);
	return nlh;
}

static void
test_expectations(void)
{
	char buf[BUF], buf2[BUF];
	struct nlmsghdr *nlh;
	struct ctexp x, y;

	ok(ctexp_from_nlmsg(&x, ftp_expectation(buf)) == 0 &&
	    x.family == AF_INET && x.master_l4proto == IPPROTO_TCP &&
	    x.master.sport == 40021 && x.master.dport == 21 &&
	    x.tuple.dport == 51210 && x.mask.dport == 0xffff &&
	    x.timeout == 300 &&
	    !strcmp(x.helper, "ftp"), "an expectation as the library "
	    "builds it, read");
	nlh = nl_put_exp_request(buf2, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE, 1,
	    AF_INET);
	ok(ctexp_put_create(nlh, &x, 0) == 0 && ctexp_from_nlmsg(&y, nlh) == 0 &&
	    ctexp_same(&x, &y) && y.timeout == 300 &&
	    !strcmp(y.helper, "ftp") && y.mask.dport == 0xffff,
	    "ours built, read back the same");
	nlh = ftp_expectation(buf);
	nlh->nlmsg_len -= 3;
	ok(ctexp_from_nlmsg(&x, nlh) == CT_PARSE_MALFORMED,
	    "a truncated expectation is malformed");
	nlh = nl_put_exp_request(buf, IPCTNL_MSG_EXP_NEW, 0, 1, AF_INET);
	mnl_attr_put_u32(nlh, CTA_EXPECT_TIMEOUT, htonl(1));
	ok(ctexp_from_nlmsg(&x, nlh) == CT_PARSE_UNSUPPORTED,
	    "no tuples: unsupported");
}

int
main(void)
{
	test_parse_same();
	test_parse_details();
	test_parse_refusals();
	test_parse_damage();
	test_create_same();
	test_expectations();
	return done_testing();
}
