/*
 * ctobj <-> ctnetlink attributes, read and written directly with libmnl.
 *
 * These are the hot paths of the kernel side: every event and dumped
 * entry is parsed here, every committed entry is built here.  Going
 * through libnetfilter_conntrack cost an allocation and two passes per
 * object (see bench/).  What is kept of a kernel entry is what conntrackd
 * 1.4.7 would send (wire-protocol.md 5.3) plus the reply tuple, secmark
 * and id that the internal cache shows; the result is the same object
 * libnetfilter_conntrack's parser leads to (tests/unit/test_nlattr.c
 * checks both directions against it).
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct_nlattr.h"

#define SET(o, a)	((o)->attrs |= CT_BIT(a))
#define NEST_MAX	16	/* above every nested CTA_* type we read */

/* ---- parsing ------------------------------------------------------------ */

/*
 * Index the attributes of a nest (or of the message, for nest == NULL)
 * by type; the last of a repeated type wins.  -1 if one is truncated.
 */
static int
index_attrs(const struct nlmsghdr *nlh, const struct nlattr *nest,
    const struct nlattr **tb, uint16_t max)
{
	const struct nlattr *a;
	const char *end;

	memset(tb, 0, sizeof(*tb) * ((size_t)max + 1));
	if (nest == NULL) {
		a = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct nfgenmsg));
		end = (const char *)nlh + nlh->nlmsg_len;
	} else {
		a = mnl_attr_get_payload(nest);
		end = (const char *)nest + mnl_attr_get_len(nest);
	}
	while ((const char *)a + sizeof(*a) <= end) {
		uint16_t t = mnl_attr_get_type(a);

		if (a->nla_len < sizeof(*a) || (const char *)a + a->nla_len > end)
			return -1;
		if (t <= max)
			tb[t] = a;
		a = (const struct nlattr *)((const char *)a +
		    MNL_ALIGN(a->nla_len));
	}
	return 0;
}

/* The payload of `a' if it holds at least `len' bytes, else NULL. */
static const void *
payload(const struct nlattr *a, size_t len)
{
	if (a == NULL || mnl_attr_get_payload_len(a) < len)
		return NULL;
	return mnl_attr_get_payload(a);
}

/* Each reader: 1 read, 0 absent, -1 present but too short. */
static int
read_u8(const struct nlattr *a, uint8_t *v)
{
	const uint8_t *p;

	if (a == NULL)
		return 0;
	if ((p = payload(a, 1)) == NULL)
		return -1;
	*v = *p;
	return 1;
}

static int
read_be16(const struct nlattr *a, uint16_t *v)
{
	const uint8_t *p;

	if (a == NULL)
		return 0;
	if ((p = payload(a, 2)) == NULL)
		return -1;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return 1;
}

int
ct_read_be32(const struct nlattr *a, uint32_t *v)
{
	const uint8_t *p;

	if (a == NULL)
		return 0;
	if ((p = payload(a, 4)) == NULL)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	return 1;
}

static int
read_be64(const struct nlattr *a, uint64_t *v)
{
	const uint8_t *p;
	int i;

	if (a == NULL)
		return 0;
	if ((p = payload(a, 8)) == NULL)
		return -1;
	for (*v = 0, i = 0; i < 8; i++)
		*v = *v << 8 | p[i];
	return 1;
}

/* Addresses stay in network order. */
static int
read_addr(const struct nlattr *a, size_t len, void *v)
{
	const void *p;

	if (a == NULL)
		return 0;
	if ((p = payload(a, len)) == NULL)
		return -1;
	memcpy(v, p, len);
	return 1;
}

/* What one tuple nest held. */
struct tuple_seen {
	int	 v4src, v6src;		/* which source address */
	int	 proto;			/* CTA_PROTO_NUM */
	int	 ports;			/* CTA_PROTO_SRC_PORT */
	int	 icmp;			/* CTA_PROTO_ICMP(V6)_TYPE */
	uint8_t	 l4proto;
};

#define BAD_IF(x)	do { if ((x) < 0) return -1; } while (0)

static int
parse_tuple_ip(const struct nlattr *nest, struct ct_tuple *t,
    struct tuple_seen *s)
{
	const struct nlattr *tb[NEST_MAX + 1];

	BAD_IF(index_attrs(NULL, nest, tb, NEST_MAX));
	BAD_IF(s->v4src = read_addr(tb[CTA_IP_V4_SRC], 4, &t->src.v4));
	BAD_IF(read_addr(tb[CTA_IP_V4_DST], 4, &t->dst.v4));
	BAD_IF(s->v6src = read_addr(tb[CTA_IP_V6_SRC], 16, t->src.v6));
	BAD_IF(read_addr(tb[CTA_IP_V6_DST], 16, t->dst.v6));
	return 0;
}

static int
parse_tuple_proto(const struct nlattr *nest, struct ct_tuple *t,
    struct tuple_seen *s)
{
	const struct nlattr *tb[NEST_MAX + 1];
	int code, id;

	BAD_IF(index_attrs(NULL, nest, tb, NEST_MAX));
	BAD_IF(s->proto = read_u8(tb[CTA_PROTO_NUM], &s->l4proto));
	BAD_IF(s->ports = read_be16(tb[CTA_PROTO_SRC_PORT], &t->sport));
	BAD_IF(read_be16(tb[CTA_PROTO_DST_PORT], &t->dport));
	/* ICMP and ICMPv6 share the fields; the v6 ones are read last */
	BAD_IF(s->icmp = read_u8(tb[CTA_PROTO_ICMP_TYPE], &t->icmp_type));
	BAD_IF(code = read_u8(tb[CTA_PROTO_ICMP_CODE], &t->icmp_code));
	BAD_IF(id = read_be16(tb[CTA_PROTO_ICMP_ID], &t->icmp_id));
	if (tb[CTA_PROTO_ICMPV6_TYPE] != NULL)
		BAD_IF(s->icmp = read_u8(tb[CTA_PROTO_ICMPV6_TYPE],
		    &t->icmp_type));
	BAD_IF(read_u8(tb[CTA_PROTO_ICMPV6_CODE], &t->icmp_code));
	BAD_IF(read_be16(tb[CTA_PROTO_ICMPV6_ID], &t->icmp_id));
	(void)code;
	(void)id;
	return 0;
}

static int
parse_tuple(const struct nlattr *nest, struct ct_tuple *t,
    struct tuple_seen *s)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1];

	memset(s, 0, sizeof(*s));
	BAD_IF(index_attrs(NULL, nest, tb, CTA_TUPLE_MAX));
	if (tb[CTA_TUPLE_IP] != NULL)
		BAD_IF(parse_tuple_ip(tb[CTA_TUPLE_IP], t, s));
	if (tb[CTA_TUPLE_PROTO] != NULL)
		BAD_IF(parse_tuple_proto(tb[CTA_TUPLE_PROTO], t, s));
	return 0;
}

static int
parse_tcp(struct ctobj *o, const struct nlattr *nest)
{
	const struct nlattr *tb[CTA_PROTOINFO_TCP_MAX + 1];
	int r;

	BAD_IF(index_attrs(NULL, nest, tb, CTA_PROTOINFO_TCP_MAX));
	BAD_IF(r = read_u8(tb[CTA_PROTOINFO_TCP_STATE], &o->state));
	if (r == 0)
		return 0;
	SET(o, CT_A_TCP_STATE);
	BAD_IF(r = read_u8(tb[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL],
	    &o->wscale_orig));
	if (r == 1) {
		BAD_IF(read_u8(tb[CTA_PROTOINFO_TCP_WSCALE_REPLY],
		    &o->wscale_repl));
		SET(o, CT_A_TCP_WSCALE_ORIG);
		SET(o, CT_A_TCP_WSCALE_REPL);
	}
	return 0;
}

static int
parse_sctp(struct ctobj *o, const struct nlattr *nest)
{
	const struct nlattr *tb[CTA_PROTOINFO_SCTP_MAX + 1];
	int r;

	BAD_IF(index_attrs(NULL, nest, tb, CTA_PROTOINFO_SCTP_MAX));
	BAD_IF(r = read_u8(tb[CTA_PROTOINFO_SCTP_STATE], &o->state));
	if (r == 0)
		return 0;
	BAD_IF(ct_read_be32(tb[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL],
	    &o->sctp_vtag_orig));
	BAD_IF(ct_read_be32(tb[CTA_PROTOINFO_SCTP_VTAG_REPLY],
	    &o->sctp_vtag_repl));
	SET(o, CT_A_SCTP_STATE);
	SET(o, CT_A_SCTP_VTAG_ORIG);
	SET(o, CT_A_SCTP_VTAG_REPL);
	return 0;
}

static int
parse_dccp(struct ctobj *o, const struct nlattr *nest)
{
	const struct nlattr *tb[CTA_PROTOINFO_DCCP_MAX + 1];
	int r;

	BAD_IF(index_attrs(NULL, nest, tb, CTA_PROTOINFO_DCCP_MAX));
	BAD_IF(r = read_u8(tb[CTA_PROTOINFO_DCCP_STATE], &o->state));
	if (r == 0)
		return 0;
	BAD_IF(read_u8(tb[CTA_PROTOINFO_DCCP_ROLE], &o->dccp_role));
	SET(o, CT_A_DCCP_STATE);
	SET(o, CT_A_DCCP_ROLE);
	return 0;
}

/* The protocol state, for the entry's own protocol only. */
static int
parse_protoinfo(struct ctobj *o, const struct nlattr *nest)
{
	const struct nlattr *tb[CTA_PROTOINFO_MAX + 1];

	BAD_IF(index_attrs(NULL, nest, tb, CTA_PROTOINFO_MAX));
	if (o->l4proto == IPPROTO_TCP && tb[CTA_PROTOINFO_TCP])
		return parse_tcp(o, tb[CTA_PROTOINFO_TCP]);
	if (o->l4proto == IPPROTO_SCTP && tb[CTA_PROTOINFO_SCTP])
		return parse_sctp(o, tb[CTA_PROTOINFO_SCTP]);
	if (o->l4proto == IPPROTO_DCCP && tb[CTA_PROTOINFO_DCCP])
		return parse_dccp(o, tb[CTA_PROTOINFO_DCCP]);
	return 0;
}

static int
parse_master(struct ctobj *o, const struct nlattr *nest)
{
	struct tuple_seen s;

	BAD_IF(parse_tuple(nest, &o->master, &s));
	if (!s.proto)
		return 0;
	o->master_family = o->family;
	o->master_l4proto = s.l4proto;
	if (o->family == AF_INET && s.v4src)
		SET(o, CT_A_MASTER_IPV4);
	else if (o->family == AF_INET6 && s.v6src)
		SET(o, CT_A_MASTER_IPV6);
	else {
		memset(&o->master, 0, sizeof(o->master));
		return 0;
	}
	SET(o, CT_A_MASTER_L4PROTO);
	if (ctobj_has_ports(o->master_l4proto) && s.ports)
		SET(o, CT_A_MASTER_PORT);
	else
		o->master.sport = o->master.dport = 0;
	o->master.icmp_type = o->master.icmp_code = 0;
	o->master.icmp_id = 0;
	return 0;
}

/* Sequence adjustment counts only when all six numbers are there. */
static int
parse_seqadj(struct ctobj *o, const struct nlattr *orig,
    const struct nlattr *repl)
{
	const struct nlattr *tb[CTA_SEQADJ_MAX + 1];
	const struct nlattr *dir[2] = { orig, repl };
	int d, i, n = 0;

	for (d = 0; d < 2; d++) {
		if (dir[d] == NULL)
			break;
		BAD_IF(index_attrs(NULL, dir[d], tb, CTA_SEQADJ_MAX));
		for (i = 0; i < 3; i++) {
			int r = ct_read_be32(tb[CTA_SEQADJ_CORRECTION_POS + i],
			    &o->seqadj[d * 3 + i]);

			BAD_IF(r);
			if (r == 0)
				return 0;
			n++;
		}
	}
	if (n == 6)
		SET(o, CT_A_NAT_SEQ_ADJ);
	return 0;
}

static int
parse_synproxy(struct ctobj *o, const struct nlattr *nest)
{
	const struct nlattr *tb[CTA_SYNPROXY_MAX + 1];
	int a, b, c;

	BAD_IF(index_attrs(NULL, nest, tb, CTA_SYNPROXY_MAX));
	/* wire order: its, isn, tsoff */
	BAD_IF(a = ct_read_be32(tb[CTA_SYNPROXY_ITS], &o->synproxy[0]));
	BAD_IF(b = ct_read_be32(tb[CTA_SYNPROXY_ISN], &o->synproxy[1]));
	BAD_IF(c = ct_read_be32(tb[CTA_SYNPROXY_TSOFF], &o->synproxy[2]));
	if (a && b && c)
		SET(o, CT_A_SYNPROXY);
	return 0;
}

static int
parse_helper(struct ctobj *o, const struct nlattr *nest)
{
	const struct nlattr *tb[CTA_HELP_MAX + 1];
	const char *name;
	size_t len, n;

	BAD_IF(index_attrs(NULL, nest, tb, CTA_HELP_MAX));
	if (tb[CTA_HELP_NAME] == NULL)
		return 0;
	name = mnl_attr_get_payload(tb[CTA_HELP_NAME]);
	len = mnl_attr_get_payload_len(tb[CTA_HELP_NAME]);
	/* the name up to its NUL, cut to what the cache keeps */
	for (n = 0; n < len && n < CT_HELPER_MAX - 1 && name[n]; n++)
		o->helper[n] = name[n];
	o->helper[n] = '\0';
	if (n > 0)
		SET(o, CT_A_HELPER_NAME);
	return 0;
}

/*
 * Packets and bytes of one direction (with nf_conntrack_acct on); the
 * 32-bit forms are what kernels before 2.6.27 sent.
 */
static int
parse_counters(struct ctobj *o, const struct nlattr *nest, int dir)
{
	const struct nlattr *tb[CTA_COUNTERS_MAX + 1];
	uint32_t p32 = 0, b32 = 0;
	int p, b;

	if (nest == NULL)
		return 0;
	BAD_IF(index_attrs(NULL, nest, tb, CTA_COUNTERS_MAX));
	BAD_IF(p = read_be64(tb[CTA_COUNTERS_PACKETS], &o->packets[dir]));
	BAD_IF(b = read_be64(tb[CTA_COUNTERS_BYTES], &o->bytes[dir]));
	if (!p) {
		BAD_IF(p = ct_read_be32(tb[CTA_COUNTERS32_PACKETS], &p32));
		o->packets[dir] = p32;
	}
	if (!b) {
		BAD_IF(b = ct_read_be32(tb[CTA_COUNTERS32_BYTES], &b32));
		o->bytes[dir] = b32;
	}
	if (p && b)
		SET(o, CT_A_COUNTERS);
	return 0;
}

/* Labels as the kernel's bit array: 32-bit words in host order. */
static void
parse_labels(struct ctobj *o, const struct nlattr *a)
{
	size_t len = mnl_attr_get_payload_len(a);
	int i;

	if (len > sizeof(o->labels))
		len = sizeof(o->labels);
	memcpy(o->labels, mnl_attr_get_payload(a), len);
	for (i = CT_LABEL_WORDS; i > 0 && o->labels[i - 1] == 0; i--)
		;
	o->nlabels = (uint8_t)i;
	if (i > 0)
		SET(o, CT_A_LABELS);
}

static int
parse_numbers(struct ctobj *o, const struct nlattr **tb)
{
	static const struct { uint16_t cta; uint8_t bit; } u32s[] = {
		{ CTA_STATUS, CT_A_STATUS }, { CTA_TIMEOUT, CT_A_TIMEOUT },
		{ CTA_MARK, CT_A_MARK }, { CTA_SECMARK, CT_A_SECMARK },
		{ CTA_ID, CT_A_ID }, { CTA_USE, CT_A_USE },
	};
	uint32_t *dst[] = { &o->status, &o->timeout, &o->mark, &o->secmark,
	    &o->id, &o->use };
	size_t i;
	int r;

	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		BAD_IF(r = ct_read_be32(tb[u32s[i].cta], dst[i]));
		if (r)
			SET(o, u32s[i].bit);
	}
	BAD_IF(r = read_be16(tb[CTA_ZONE], &o->zone));
	if (r)
		SET(o, CT_A_ZONE);
	return 0;
}

int
ct_parse_tuple(const struct nlattr *nest, struct ctobj *o)
{
	struct tuple_seen s;

	memset(o, 0, sizeof(*o));
	BAD_IF(parse_tuple(nest, &o->orig, &s));
	o->l4proto = s.l4proto;
	return 0;
}

int
ct_index_msg(const struct nlmsghdr *nlh, const struct nlattr **tb,
    uint16_t max)
{
	return index_attrs(nlh, NULL, tb, max);
}

int
ct_index_nest(const struct nlattr *nest, const struct nlattr **tb,
    uint16_t max)
{
	return index_attrs(NULL, nest, tb, max);
}

/* The identity: family, protocol, original tuple; the reply tuple. */
static int
parse_tuples(struct ctobj *o, const struct nlattr **tb, uint8_t family)
{
	struct tuple_seen s, rs;

	if (tb[CTA_TUPLE_ORIG] == NULL)
		return CT_PARSE_UNSUPPORTED;
	BAD_IF(parse_tuple(tb[CTA_TUPLE_ORIG], &o->orig, &s));
	if (!s.proto)
		return CT_PARSE_UNSUPPORTED;
	o->family = family;
	o->l4proto = s.l4proto;
	if (family == AF_INET && s.v4src)
		SET(o, CT_A_IPV4);
	else if (family == AF_INET6 && s.v6src)
		SET(o, CT_A_IPV6);
	else
		return CT_PARSE_UNSUPPORTED;
	SET(o, CT_A_L4PROTO);
	if (tb[CTA_TUPLE_REPLY] != NULL) {
		BAD_IF(parse_tuple(tb[CTA_TUPLE_REPLY], &o->reply, &rs));
		if ((family == AF_INET && rs.v4src) ||
		    (family == AF_INET6 && rs.v6src))
			SET(o, CT_A_REPLY);
	}
	if (ctobj_has_ports(o->l4proto) && s.ports)
		SET(o, CT_A_PORT);
	else
		o->orig.sport = o->orig.dport = 0;
	if (ctobj_is_icmp(o->l4proto) && s.icmp) {
		SET(o, CT_A_ICMP_TYPE);
		SET(o, CT_A_ICMP_CODE);
		SET(o, CT_A_ICMP_ID);
	} else
		o->orig.icmp_type = o->orig.icmp_code = 0, o->orig.icmp_id = 0;
	/* of the reply tuple only the addresses and ports are kept */
	if (!CT_HAS(o, CT_A_REPLY))
		memset(&o->reply, 0, sizeof(o->reply));
	else if (!CT_HAS(o, CT_A_PORT))
		o->reply.sport = o->reply.dport = 0;
	o->reply.icmp_type = o->reply.icmp_code = 0, o->reply.icmp_id = 0;
	return 0;
}

int
ctobj_from_nlmsg(struct ctobj *o, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[CTA_MAX + 1];
	const struct nfgenmsg *nfh;
	int r;

	memset(o, 0, sizeof(*o));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfh)))
		return CT_PARSE_MALFORMED;
	nfh = mnl_nlmsg_get_payload(nlh);
	if (index_attrs(nlh, NULL, tb, CTA_MAX) < 0)
		return CT_PARSE_MALFORMED;
	if ((r = parse_tuples(o, tb, nfh->nfgen_family)) != 0)
		return r;
	if (parse_numbers(o, tb) < 0 ||
	    (tb[CTA_PROTOINFO] && parse_protoinfo(o, tb[CTA_PROTOINFO]) < 0) ||
	    (tb[CTA_TUPLE_MASTER] && parse_master(o, tb[CTA_TUPLE_MASTER]) < 0) ||
	    parse_seqadj(o, tb[CTA_SEQ_ADJ_ORIG], tb[CTA_SEQ_ADJ_REPLY]) < 0 ||
	    (tb[CTA_SYNPROXY] && parse_synproxy(o, tb[CTA_SYNPROXY]) < 0) ||
	    (tb[CTA_HELP] && parse_helper(o, tb[CTA_HELP]) < 0) ||
	    parse_counters(o, tb[CTA_COUNTERS_ORIG], 0) < 0 ||
	    parse_counters(o, tb[CTA_COUNTERS_REPLY], 1) < 0)
		return CT_PARSE_MALFORMED;
	if (tb[CTA_LABELS] != NULL)
		parse_labels(o, tb[CTA_LABELS]);
	ctobj_derive_nat(o);
	return 0;
}

/* ---- building a create request (commit) -------------------------------- */

/* The status bits a new entry may be created with. */
#define CREATE_STATUS	(IPS_SEEN_REPLY | IPS_ASSURED | IPS_SEQ_ADJUST)

/*
 * The type answering an ICMP query (echo, timestamp, information,
 * address mask; ICMPv6 echo and node information); 255, which the
 * kernel refuses, for a type that has no answer.
 */
static uint8_t
icmp_reply_type(int v6, uint8_t type)
{
	static const uint8_t v4[][2] = { { 8, 0 }, { 13, 14 }, { 15, 16 },
	    { 17, 18 } };
	static const uint8_t v6q[][2] = { { 128, 129 }, { 139, 140 } };
	const uint8_t (*map)[2] = v6 ? v6q : v4;
	size_t i, n = v6 ? 2 : 4;

	for (i = 0; i < n; i++) {
		if (map[i][0] == type)
			return map[i][1];
		if (map[i][1] == type)
			return map[i][0];
	}
	return 255;
}

int
ct_put_tuple(struct nlmsghdr *nlh, uint16_t type, const struct ctobj *o,
    const union ct_addr *src, const union ct_addr *dst, uint16_t sport,
    uint16_t dport, int orig)
{
	struct nlattr *tuple, *ip, *proto;

	tuple = mnl_attr_nest_start(nlh, type);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	if (o->family == AF_INET) {
		mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, src->v4);
		mnl_attr_put_u32(nlh, CTA_IP_V4_DST, dst->v4);
	} else {
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, src->v6);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, dst->v6);
	}
	mnl_attr_nest_end(nlh, ip);
	proto = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, o->l4proto);
	switch (o->l4proto) {
	case IPPROTO_TCP: case IPPROTO_UDP: case IPPROTO_UDPLITE:
	case IPPROTO_SCTP: case IPPROTO_DCCP: case IPPROTO_GRE:
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
		break;
	case IPPROTO_ICMP: case IPPROTO_ICMPV6: {
		int v6 = o->l4proto == IPPROTO_ICMPV6;

		mnl_attr_put_u8(nlh, v6 ? CTA_PROTO_ICMPV6_CODE :
		    CTA_PROTO_ICMP_CODE, orig ? o->orig.icmp_code : 0);
		mnl_attr_put_u8(nlh, v6 ? CTA_PROTO_ICMPV6_TYPE :
		    CTA_PROTO_ICMP_TYPE, orig ? o->orig.icmp_type :
		    icmp_reply_type(v6, o->orig.icmp_type));
		mnl_attr_put_u16(nlh, v6 ? CTA_PROTO_ICMPV6_ID :
		    CTA_PROTO_ICMP_ID, htons(o->orig.icmp_id));
		break;
	}
	default:
		return -1;
	}
	mnl_attr_nest_end(nlh, proto);
	mnl_attr_nest_end(nlh, tuple);
	return 0;
}

static void
put_protoinfo(struct nlmsghdr *nlh, const struct ctobj *o, int window_tracking)
{
	struct nlattr *info, *proto;
	uint16_t type;

	if (CT_HAS(o, CT_A_TCP_STATE) && o->l4proto == IPPROTO_TCP)
		type = CTA_PROTOINFO_TCP;
	else if (CT_HAS(o, CT_A_SCTP_STATE) && o->l4proto == IPPROTO_SCTP)
		type = CTA_PROTOINFO_SCTP;
	else if (CT_HAS(o, CT_A_DCCP_STATE) && o->l4proto == IPPROTO_DCCP)
		type = CTA_PROTOINFO_DCCP;
	else
		return;
	info = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	proto = mnl_attr_nest_start(nlh, type);
	/* the state attribute is number 1 in each of the three nests */
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, o->state);
	if (type == CTA_PROTOINFO_TCP && !window_tracking) {
		/* without TCPWindowTracking: "be liberal" both ways */
		struct nf_ct_tcp_flags liberal = {
			.flags = IP_CT_TCP_FLAG_BE_LIBERAL,
			.mask = IP_CT_TCP_FLAG_BE_LIBERAL,
		};

		mnl_attr_put(nlh, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL,
		    sizeof(liberal), &liberal);
		mnl_attr_put(nlh, CTA_PROTOINFO_TCP_FLAGS_REPLY,
		    sizeof(liberal), &liberal);
	} else if (type == CTA_PROTOINFO_TCP &&
	    CT_HAS(o, CT_A_TCP_WSCALE_ORIG)) {
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL,
		    o->wscale_orig);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_WSCALE_REPLY,
		    o->wscale_repl);
	}
	mnl_attr_nest_end(nlh, proto);
	mnl_attr_nest_end(nlh, info);
}

/* CTA_NAT_SRC / CTA_NAT_DST: the address and/or the port to map to. */
static void
put_nat(struct nlmsghdr *nlh, uint16_t type, const struct ctobj *o,
    const union ct_addr *addr, int v4, int v6, int has_port, uint16_t port)
{
	struct nlattr *nat, *proto;

	if (!v4 && !v6 && !has_port)
		return;
	nat = mnl_attr_nest_start(nlh, type);
	if (v4)
		mnl_attr_put_u32(nlh, CTA_NAT_V4_MINIP, addr->v4);
	else if (v6)
		mnl_attr_put(nlh, CTA_NAT_V6_MINIP, 16, addr->v6);
	if (has_port) {
		proto = mnl_attr_nest_start(nlh, CTA_NAT_PROTO);
		if (o->l4proto == IPPROTO_TCP || o->l4proto == IPPROTO_UDP) {
			mnl_attr_put_u16(nlh, CTA_PROTONAT_PORT_MIN,
			    htons(port));
			mnl_attr_put_u16(nlh, CTA_PROTONAT_PORT_MAX,
			    htons(port));
		}
		mnl_attr_nest_end(nlh, proto);
	}
	mnl_attr_nest_end(nlh, nat);
}

/* Sequence adjustment (NAT of FTP and the like), one nest a direction. */
static void
put_seqadj(struct nlmsghdr *nlh, const struct ctobj *o)
{
	static const uint16_t dir[2] = { CTA_SEQ_ADJ_ORIG, CTA_SEQ_ADJ_REPLY };
	struct nlattr *nest;
	int d, i;

	if (!CT_HAS(o, CT_A_NAT_SEQ_ADJ))
		return;
	for (d = 0; d < 2; d++) {
		nest = mnl_attr_nest_start(nlh, dir[d]);
		for (i = 0; i < 3; i++)
			mnl_attr_put_u32(nlh, CTA_SEQADJ_CORRECTION_POS + i,
			    htonl(o->seqadj[d * 3 + i]));
		mnl_attr_nest_end(nlh, nest);
	}
}

/* SYN proxy offsets, kept in wire order (its, isn, tsoff). */
static void
put_synproxy(struct nlmsghdr *nlh, const struct ctobj *o)
{
	struct nlattr *nest;

	if (!CT_HAS(o, CT_A_SYNPROXY))
		return;
	nest = mnl_attr_nest_start(nlh, CTA_SYNPROXY);
	mnl_attr_put_u32(nlh, CTA_SYNPROXY_ISN, htonl(o->synproxy[1]));
	mnl_attr_put_u32(nlh, CTA_SYNPROXY_ITS, htonl(o->synproxy[0]));
	mnl_attr_put_u32(nlh, CTA_SYNPROXY_TSOFF, htonl(o->synproxy[2]));
	mnl_attr_nest_end(nlh, nest);
}

/*
 * An entry as the kernel should create it from a replicated state: the
 * original tuple and its inverse as reply tuple, NAT from the SNAT/DNAT
 * attributes (the kernel rewrites the reply tuple from them) with its
 * sequence adjustment, the timeout
 * (CommitTimeout when set), and, without TCPWindowTracking, the "be
 * liberal" flag both ways (wire-protocol.md 11).  -1 for a protocol the
 * kernel cannot take a tuple of.  `update': for an entry that exists,
 * without what the kernel sets only at creation (NAT, helper).
 */
int
ctobj_put_create(struct nlmsghdr *nlh, const struct ctobj *o,
    uint32_t commit_timeout, int window_tracking, int update)
{
	uint16_t sport = CT_HAS(o, CT_A_PORT) ? o->orig.sport : 0;
	uint16_t dport = CT_HAS(o, CT_A_PORT) ? o->orig.dport : 0;
	uint32_t status = CT_HAS(o, CT_A_STATUS) ?
	    o->status & CREATE_STATUS : 0;
	uint32_t timeout = commit_timeout ? commit_timeout :
	    (CT_HAS(o, CT_A_TIMEOUT) && o->timeout ? o->timeout : 60);

	if (ct_put_tuple(nlh, CTA_TUPLE_ORIG, o, &o->orig.src, &o->orig.dst,
	    sport, dport, 1) < 0 ||
	    ct_put_tuple(nlh, CTA_TUPLE_REPLY, o, &o->orig.dst, &o->orig.src,
	    dport, sport, 0) < 0)
		return -1;
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(status | IPS_CONFIRMED));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(timeout));
	if (CT_HAS(o, CT_A_MARK))
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(o->mark));
	put_protoinfo(nlh, o, window_tracking);
	if (!update) {
		put_nat(nlh, CTA_NAT_SRC, o, &o->snat,
		    CT_HAS(o, CT_A_SNAT_IPV4), CT_HAS(o, CT_A_SNAT_IPV6),
		    CT_HAS(o, CT_A_SPAT_PORT), o->spat);
		put_nat(nlh, CTA_NAT_DST, o, &o->dnat,
		    CT_HAS(o, CT_A_DNAT_IPV4), CT_HAS(o, CT_A_DNAT_IPV6),
		    CT_HAS(o, CT_A_DPAT_PORT), o->dpat);
	}
	put_seqadj(nlh, o);
	if (CT_HAS(o, CT_A_HELPER_NAME) && !update) {
		struct nlattr *help = mnl_attr_nest_start(nlh, CTA_HELP);

		mnl_attr_put_strz(nlh, CTA_HELP_NAME, o->helper);
		mnl_attr_nest_end(nlh, help);
	}
	if (CT_HAS(o, CT_A_ZONE))
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(o->zone));
	/* the kernel's bit array, as read (nl_inject.c: where no one uses
	 * labels the kernel refuses them, and the entry goes without) */
	if (CT_HAS(o, CT_A_LABELS) && o->nlabels > 0 &&
	    o->nlabels <= CT_LABEL_WORDS)
		mnl_attr_put(nlh, CTA_LABELS, o->nlabels * sizeof(uint32_t),
		    o->labels);
	put_synproxy(nlh, o);
	return 0;
}
