/*
 * ctexp <-> ctnetlink expectation attributes (NFNL_SUBSYS_CTNETLINK_EXP):
 * the parser of every expectation event and dumped expectation, the
 * builder of every committed one.  The tuples are read and written as
 * ct_nlattr.c does a conntrack's.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct_nlattr.h"

/* A NUL-terminated name into `dst' of `cap' bytes, cut to fit. */
static int
read_name(const struct nlattr *a, char *dst, size_t cap)
{
	const char *s;
	size_t len, n;

	if (a == NULL)
		return 0;
	s = mnl_attr_get_payload(a);
	len = mnl_attr_get_payload_len(a);
	for (n = 0; n < len && n < cap - 1 && s[n]; n++)
		dst[n] = s[n];
	dst[n] = '\0';
	return n > 0;
}

/* One of the expectation's tuples; its protocol in `proto'. */
static int
exp_tuple(const struct nlattr *nest, struct ct_tuple *t, uint8_t *proto)
{
	struct ctobj o;

	if (nest == NULL || ct_parse_tuple(nest, &o) < 0)
		return -1;
	*t = o.orig;
	*proto = o.l4proto;
	return 0;
}

static int
parse_nat(struct ctexp *x, const struct nlattr *nest)
{
	const struct nlattr *tb[CTA_EXPECT_NAT_MAX + 1];

	if (ct_index_nest(nest, tb, CTA_EXPECT_NAT_MAX) < 0 ||
	    ct_read_be32(tb[CTA_EXPECT_NAT_DIR], &x->nat_dir) < 0 ||
	    exp_tuple(tb[CTA_EXPECT_NAT_TUPLE], &x->nat, &x->nat_l4proto) < 0)
		return -1;
	x->attrs |= CTX_BIT(CTX_A_NAT);
	return 0;
}

/* An expectation event or dumped expectation into `x'; 0 or below. */
int
ctexp_from_nlmsg(struct ctexp *x, const struct nlmsghdr *nlh)
{
	static const struct { uint16_t cta; uint8_t bit; } u32s[] = {
		{ CTA_EXPECT_TIMEOUT, CTX_A_TIMEOUT },
		{ CTA_EXPECT_FLAGS, CTX_A_FLAGS },
		{ CTA_EXPECT_CLASS, CTX_A_CLASS }, { CTA_EXPECT_ID, CTX_A_ID },
	};
	const struct nlattr *tb[CTA_EXPECT_MAX + 1];
	const struct nfgenmsg *nfh;
	uint32_t *dst[] = { &x->timeout, &x->flags, &x->class, &x->id };
	uint16_t zone;
	size_t i;
	int r;

	memset(x, 0, sizeof(*x));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfh)) ||
	    ct_index_msg(nlh, tb, CTA_EXPECT_MAX) < 0)
		return CT_PARSE_MALFORMED;
	nfh = mnl_nlmsg_get_payload(nlh);
	x->family = nfh->nfgen_family;
	if (tb[CTA_EXPECT_MASTER] == NULL || tb[CTA_EXPECT_TUPLE] == NULL ||
	    tb[CTA_EXPECT_MASK] == NULL)
		return CT_PARSE_UNSUPPORTED;
	if (exp_tuple(tb[CTA_EXPECT_MASTER], &x->master,
	    &x->master_l4proto) < 0 ||
	    exp_tuple(tb[CTA_EXPECT_TUPLE], &x->tuple, &x->l4proto) < 0 ||
	    exp_tuple(tb[CTA_EXPECT_MASK], &x->mask, &x->mask_l4proto) < 0)
		return CT_PARSE_MALFORMED;
	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		if ((r = ct_read_be32(tb[u32s[i].cta], dst[i])) < 0)
			return CT_PARSE_MALFORMED;
		x->attrs |= r ? CTX_BIT(u32s[i].bit) : 0;
	}
	if (tb[CTA_EXPECT_ZONE] != NULL) {
		if (mnl_attr_get_payload_len(tb[CTA_EXPECT_ZONE]) < 2)
			return CT_PARSE_MALFORMED;
		zone = ntohs(mnl_attr_get_u16(tb[CTA_EXPECT_ZONE]));
		x->zone = zone;
		x->attrs |= CTX_BIT(CTX_A_ZONE);
	}
	if (read_name(tb[CTA_EXPECT_HELP_NAME], x->helper, sizeof(x->helper)))
		x->attrs |= CTX_BIT(CTX_A_HELPER);
	if (read_name(tb[CTA_EXPECT_FN], x->fn, sizeof(x->fn)))
		x->attrs |= CTX_BIT(CTX_A_FN);
	if (tb[CTA_EXPECT_NAT] != NULL && parse_nat(x, tb[CTA_EXPECT_NAT]) < 0)
		return CT_PARSE_MALFORMED;
	if (x->family != AF_INET && x->family != AF_INET6)
		return CT_PARSE_UNSUPPORTED;
	return 0;
}

static int
put_exp_tuple(struct nlmsghdr *nlh, uint16_t type, const struct ctexp *x,
    const struct ct_tuple *t, uint8_t proto)
{
	struct ctobj o;

	memset(&o, 0, sizeof(o));
	o.family = x->family;
	o.l4proto = proto;
	o.orig = *t;
	return ct_put_tuple(nlh, type, &o, &t->src, &t->dst, t->sport,
	    t->dport, 1);
}

/* What names an expectation for a delete: its tuple, and zone. */
int
ctexp_put_delete(struct nlmsghdr *nlh, const struct ctexp *x)
{
	if (put_exp_tuple(nlh, CTA_EXPECT_TUPLE, x, &x->tuple, x->l4proto) < 0)
		return -1;
	if (CTX_HAS(x, CTX_A_ZONE))
		mnl_attr_put_u16(nlh, CTA_EXPECT_ZONE, htons(x->zone));
	return 0;
}

/*
 * An expectation as the kernel should create it: its master (which must
 * exist), the expected tuple and mask, the timeout (CommitTimeout when
 * set), flags, class, helper, NAT, function.  -1 for a protocol the
 * kernel cannot take a tuple of.
 */
int
ctexp_put_create(struct nlmsghdr *nlh, const struct ctexp *x,
    uint32_t commit_timeout)
{
	uint32_t timeout = commit_timeout ? commit_timeout :
	    (CTX_HAS(x, CTX_A_TIMEOUT) && x->timeout ? x->timeout : 60);

	if (put_exp_tuple(nlh, CTA_EXPECT_MASTER, x, &x->master,
	    x->master_l4proto) < 0 ||
	    put_exp_tuple(nlh, CTA_EXPECT_TUPLE, x, &x->tuple, x->l4proto) < 0 ||
	    put_exp_tuple(nlh, CTA_EXPECT_MASK, x, &x->mask,
	    x->mask_l4proto ? x->mask_l4proto : x->l4proto) < 0)
		return -1;
	mnl_attr_put_u32(nlh, CTA_EXPECT_TIMEOUT, htonl(timeout));
	if (CTX_HAS(x, CTX_A_ZONE))
		mnl_attr_put_u16(nlh, CTA_EXPECT_ZONE, htons(x->zone));
	if (CTX_HAS(x, CTX_A_FLAGS))
		mnl_attr_put_u32(nlh, CTA_EXPECT_FLAGS, htonl(x->flags));
	if (CTX_HAS(x, CTX_A_CLASS))
		mnl_attr_put_u32(nlh, CTA_EXPECT_CLASS, htonl(x->class));
	if (CTX_HAS(x, CTX_A_HELPER))
		mnl_attr_put_strz(nlh, CTA_EXPECT_HELP_NAME, x->helper);
	if (CTX_HAS(x, CTX_A_NAT)) {
		struct nlattr *nat = mnl_attr_nest_start(nlh, CTA_EXPECT_NAT);

		mnl_attr_put_u32(nlh, CTA_EXPECT_NAT_DIR, htonl(x->nat_dir));
		if (put_exp_tuple(nlh, CTA_EXPECT_NAT_TUPLE, x, &x->nat,
		    x->nat_l4proto ? x->nat_l4proto : x->l4proto) < 0)
			return -1;
		mnl_attr_nest_end(nlh, nat);
	}
	if (CTX_HAS(x, CTX_A_FN))
		mnl_attr_put_strz(nlh, CTA_EXPECT_FN, x->fn);
	return 0;
}
