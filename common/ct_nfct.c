/*
 * A struct ctobj as a libnetfilter_conntrack object, for printing a cache
 * exactly as conntrackd prints it (nfct_snprintf).  The kernel side reads
 * and writes ctnetlink directly (netlink-worker/ct_nlattr.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "ct_nfct.h"

static void
set_addrs(struct nf_conntrack *ct, int family, int src_attr, int src6_attr,
    const union ct_addr *src, const union ct_addr *dst)
{
	if (family == AF_INET) {
		nfct_set_attr_u32(ct, src_attr, src->v4);
		nfct_set_attr_u32(ct, src_attr + 1, dst->v4);
	} else {
		nfct_set_attr(ct, src6_attr, src->v6);
		nfct_set_attr(ct, src6_attr + 1, dst->v6);
	}
}

static size_t
put_counter_nest(uint8_t *p, uint16_t type, uint64_t packets, uint64_t bytes)
{
	struct nlattr *a;
	uint64_t v;

	a = (struct nlattr *)p;
	a->nla_type = type | NLA_F_NESTED;
	a->nla_len = 4 + 12 + 12;
	a = (struct nlattr *)(p + 4);
	a->nla_type = CTA_COUNTERS_PACKETS;
	a->nla_len = 12;
	v = htobe64(packets);
	memcpy(p + 8, &v, 8);
	a = (struct nlattr *)(p + 16);
	a->nla_type = CTA_COUNTERS_BYTES;
	a->nla_len = 12;
	v = htobe64(bytes);
	memcpy(p + 20, &v, 8);
	return 28;
}

/*
 * The library keeps counters and the reference count only from what it
 * parses (it has no setter for them): they go in as the kernel's
 * attributes.
 */
static void
set_read_only(struct nf_conntrack *ct, const struct ctobj *o)
{
	uint8_t buf[64] __attribute__((aligned(4)));
	size_t n = 0;
	uint32_t use = htonl(o->use);

	if (CT_HAS(o, CT_A_COUNTERS)) {
		n = put_counter_nest(buf, CTA_COUNTERS_ORIG, o->packets[0],
		    o->bytes[0]);
		n += put_counter_nest(buf + n, CTA_COUNTERS_REPLY,
		    o->packets[1], o->bytes[1]);
	}
	if (CT_HAS(o, CT_A_USE)) {
		struct nlattr *a = (struct nlattr *)(buf + n);

		a->nla_type = CTA_USE;
		a->nla_len = 8;
		memcpy(buf + n + 4, &use, 4);
		n += 8;
	}
	if (n > 0)
		nfct_payload_parse(buf, n, o->family, ct);
}

/*
 * Fill `ct' from `o' (a fresh object).  The reply tuple is set only when
 * the object holds one, so an external-cache entry prints without it, as
 * conntrackd's does.
 */
void
ctobj_to_nfct(const struct ctobj *o, struct nf_conntrack *ct)
{
	nfct_set_attr_u8(ct, ATTR_L3PROTO, o->family);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, o->l4proto);
	set_addrs(ct, o->family, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC,
	    &o->orig.src, &o->orig.dst);
	if (CT_HAS(o, CT_A_REPLY)) {
		nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, o->family);
		nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, o->l4proto);
		set_addrs(ct, o->family, ATTR_REPL_IPV4_SRC,
		    ATTR_REPL_IPV6_SRC, &o->reply.src, &o->reply.dst);
	}
	if (CT_HAS(o, CT_A_PORT)) {
		nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(o->orig.sport));
		nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(o->orig.dport));
		if (CT_HAS(o, CT_A_REPLY)) {
			nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC,
			    htons(o->reply.sport));
			nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST,
			    htons(o->reply.dport));
		}
	}
	if (CT_HAS(o, CT_A_ICMP_TYPE)) {
		nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, o->orig.icmp_type);
		nfct_set_attr_u8(ct, ATTR_ICMP_CODE, o->orig.icmp_code);
		nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(o->orig.icmp_id));
	}
	if (CT_HAS(o, CT_A_TCP_STATE))
		nfct_set_attr_u8(ct, ATTR_TCP_STATE, o->state);
	if (CT_HAS(o, CT_A_SCTP_STATE))
		nfct_set_attr_u8(ct, ATTR_SCTP_STATE, o->state);
	if (CT_HAS(o, CT_A_DCCP_STATE))
		nfct_set_attr_u8(ct, ATTR_DCCP_STATE, o->state);
	if (CT_HAS(o, CT_A_STATUS))
		nfct_set_attr_u32(ct, ATTR_STATUS, o->status);
	if (CT_HAS(o, CT_A_MARK))
		nfct_set_attr_u32(ct, ATTR_MARK, o->mark);
	if (CT_HAS(o, CT_A_SECMARK))
		nfct_set_attr_u32(ct, ATTR_SECMARK, o->secmark);
	if (CT_HAS(o, CT_A_ID))
		nfct_set_attr_u32(ct, ATTR_ID, o->id);
	if (CT_HAS(o, CT_A_ZONE))
		nfct_set_attr_u16(ct, ATTR_ZONE, o->zone);
	set_read_only(ct, o);
	if (CT_HAS(o, CT_A_HELPER_NAME))
		nfct_set_attr(ct, ATTR_HELPER_NAME, o->helper);
}

/*
 * One line for `o' as conntrackd prints it (plain, or XML), the kernel's
 * timeout too if `with_timeout', into `buf' of `cap' bytes, cut to fit.
 * Returns the length written (a NUL follows), 0 if nothing was printed.
 */
size_t
ctobj_print(const struct ctobj *o, int xml, int with_timeout, char *buf,
    size_t cap)
{
	struct nf_conntrack *ct = nfct_new();
	int n;

	if (ct == NULL || cap == 0)
		abort();	/* out of memory for a few hundred bytes */
	ctobj_to_nfct(o, ct);
	if (with_timeout && CT_HAS(o, CT_A_TIMEOUT))
		nfct_set_attr_u32(ct, ATTR_TIMEOUT, o->timeout);
	n = nfct_snprintf(buf, (unsigned int)cap, ct, NFCT_T_UNKNOWN,
	    xml ? NFCT_O_XML : NFCT_O_DEFAULT, 0);
	nfct_destroy(ct);
	if (n <= 0)
		return 0;
	return (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* One tuple of an expectation as a library conntrack object. */
static struct nf_conntrack *
exp_tuple_ct(const struct ctexp *x, const struct ct_tuple *t, uint8_t proto)
{
	struct nf_conntrack *ct = nfct_new();

	if (ct == NULL)
		abort();
	nfct_set_attr_u8(ct, ATTR_L3PROTO, x->family);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, proto);
	set_addrs(ct, x->family, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC,
	    &t->src, &t->dst);
	if (ctobj_has_ports(x->master_l4proto)) {
		nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(t->sport));
		nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(t->dport));
	}
	return ct;
}

/*
 * An expectation's line as conntrackd prints its caches (cli.md 7.3):
 * without its timeout.  The length written, 0 if nothing was printed.
 */
size_t
ctexp_print(const struct ctexp *x, int xml, char *buf, size_t cap)
{
	struct nf_expect *exp = nfexp_new();
	struct nf_conntrack *t[3];
	int i, n;

	if (exp == NULL || cap == 0)
		abort();
	t[0] = exp_tuple_ct(x, &x->master, x->master_l4proto);
	t[1] = exp_tuple_ct(x, &x->tuple, x->l4proto);
	t[2] = exp_tuple_ct(x, &x->mask, x->mask_l4proto);
	nfexp_set_attr(exp, ATTR_EXP_MASTER, t[0]);	/* copied */
	nfexp_set_attr(exp, ATTR_EXP_EXPECTED, t[1]);
	nfexp_set_attr(exp, ATTR_EXP_MASK, t[2]);
	if (CTX_HAS(x, CTX_A_ZONE))
		nfexp_set_attr_u16(exp, ATTR_EXP_ZONE, x->zone);
	if (CTX_HAS(x, CTX_A_FLAGS))
		nfexp_set_attr_u32(exp, ATTR_EXP_FLAGS, x->flags);
	if (CTX_HAS(x, CTX_A_CLASS))
		nfexp_set_attr_u32(exp, ATTR_EXP_CLASS, x->class);
	if (CTX_HAS(x, CTX_A_HELPER))
		nfexp_set_attr(exp, ATTR_EXP_HELPER_NAME, x->helper);
	if (CTX_HAS(x, CTX_A_FN))
		nfexp_set_attr(exp, ATTR_EXP_FN, x->fn);
	n = nfexp_snprintf(buf, (unsigned int)cap, exp, NFCT_T_UNKNOWN,
	    xml ? NFCT_O_XML : NFCT_O_DEFAULT, 0);
	for (i = 0; i < 3; i++)
		nfct_destroy(t[i]);
	nfexp_destroy(exp);
	if (n <= 0)
		return 0;
	return (size_t)n >= cap ? cap - 1 : (size_t)n;
}
