/*
 * Expectations between processes: every field in a fixed order (they are
 * few and small), checked by ctexp_valid() before anyone acts on them.
 */
#include "config.h"

#include <sys/socket.h>

#include <string.h>
#include <strings.h>

#include "conf.h"
#include "ctexp.h"
#include "msg.h"

#define ALL_BITS	((UINT32_C(1) << CTX_A_MAX) - 1)

void
ctexp_put(struct mbuild *mb, const struct ctexp *x)
{
	mb_u32(mb, x->attrs);
	mb_u8(mb, x->family);
	mb_u8(mb, x->master_l4proto);
	mb_u8(mb, x->l4proto);
	mb_u8(mb, x->mask_l4proto);
	mb_u8(mb, x->nat_l4proto);
	ctobj_put_tuple(mb, &x->master);
	ctobj_put_tuple(mb, &x->tuple);
	ctobj_put_tuple(mb, &x->mask);
	ctobj_put_tuple(mb, &x->nat);
	mb_u32(mb, x->nat_dir);
	mb_u32(mb, x->timeout);
	mb_u32(mb, x->flags);
	mb_u32(mb, x->class);
	mb_u32(mb, x->id);
	mb_u16(mb, x->zone);
	mb_str(mb, x->helper);
	mb_str(mb, x->fn);
}

int
ctexp_get(struct mread *r, struct ctexp *x)
{
	memset(x, 0, sizeof(*x));
	x->attrs = mr_u32(r);
	x->family = mr_u8(r);
	x->master_l4proto = mr_u8(r);
	x->l4proto = mr_u8(r);
	x->mask_l4proto = mr_u8(r);
	x->nat_l4proto = mr_u8(r);
	ctobj_get_tuple(r, &x->master);
	ctobj_get_tuple(r, &x->tuple);
	ctobj_get_tuple(r, &x->mask);
	ctobj_get_tuple(r, &x->nat);
	x->nat_dir = mr_u32(r);
	x->timeout = mr_u32(r);
	x->flags = mr_u32(r);
	x->class = mr_u32(r);
	x->id = mr_u32(r);
	x->zone = mr_u16(r);
	mr_str(r, x->helper, sizeof(x->helper));
	mr_str(r, x->fn, sizeof(x->fn));
	return x->attrs & ~ALL_BITS ? -1 : 0;
}

static int
printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* Whether an expectation can be acted on; if not, `why' says so. */
int
ctexp_valid(const struct ctexp *x, const char **why)
{
	if (x->family != AF_INET && x->family != AF_INET6)
		return *why = "expectation of no address family", -1;
	if (x->master_l4proto == 0 || x->l4proto == 0)
		return *why = "expectation without its protocols", -1;
	if (x->attrs & ~ALL_BITS)
		return *why = "expectation with unknown fields", -1;
	if (!printable(x->helper) || !printable(x->fn))
		return *why = "expectation with a strange helper name", -1;
	if (x->nat_dir > 1)
		return *why = "expectation with a NAT direction out of range", -1;
	return 0;
}

/* The same expectation: the same master and the same expected tuple. */
int
ctexp_same(const struct ctexp *a, const struct ctexp *b)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;

	return a->family == b->family && a->l4proto == b->l4proto &&
	    a->master_l4proto == b->master_l4proto && a->zone == b->zone &&
	    !memcmp(a->tuple.src.v6, b->tuple.src.v6, n) &&
	    !memcmp(a->tuple.dst.v6, b->tuple.dst.v6, n) &&
	    a->tuple.sport == b->tuple.sport &&
	    a->tuple.dport == b->tuple.dport &&
	    !memcmp(a->master.src.v6, b->master.src.v6, n) &&
	    !memcmp(a->master.dst.v6, b->master.dst.v6, n) &&
	    a->master.sport == b->master.sport &&
	    a->master.dport == b->master.dport;
}

/* The master conntrack's identity, to look it up in a cache. */
void
ctexp_master(const struct ctexp *x, struct ctobj *o)
{
	memset(o, 0, sizeof(*o));
	o->family = x->family;
	o->l4proto = x->master_l4proto;
	o->orig = x->master;
	o->attrs = CT_BIT(x->family == AF_INET ? CT_A_IPV4 : CT_A_IPV6) |
	    CT_BIT(CT_A_L4PROTO);
	if (ctobj_has_ports(o->l4proto))
		o->attrs |= CT_BIT(CT_A_PORT);
	if (x->zone) {
		o->zone = x->zone;
		o->attrs |= CT_BIT(CT_A_ZONE);
	}
}

/* ExpectationSync: on, or a helper whose name starts with a listed one
 * (case-insensitive, so that `sip' takes `sip-5060'). */
int
ctexp_helper_wanted(const struct conf_expect_sync *x, const char *helper)
{
	int i;

	if (x->mode == EXPECT_ALL)
		return 1;
	for (i = 0; x->mode == EXPECT_LIST && i < x->nhelpers; i++)
		if (strncasecmp(helper, x->helpers[i],
		    strlen(x->helpers[i])) == 0)
			return 1;
	return 0;
}

/* The kernel's expectation flags (linux/netfilter/nf_conntrack_common.h) */
#define EXP_F_PERMANENT		0x1
#define EXP_F_INACTIVE		0x2
#define EXP_F_USERSPACE		0x4
#define EXP_CLASSES		4	/* NF_CT_MAX_EXPECT_CLASSES */

static int
all_bytes(const void *p, size_t n, uint8_t v)
{
	const uint8_t *b = p;

	while (n-- > 0)
		if (*b++ != v)
			return 0;
	return 1;
}

/* Whether a tuple names both ends: no zero address, no zero port. */
static int
complete_tuple(const struct ct_tuple *t, uint8_t l4proto, size_t alen)
{
	return !all_bytes(&t->src, alen, 0) && !all_bytes(&t->dst, alen, 0) &&
	    (!ctobj_has_ports(l4proto) || (t->sport != 0 && t->dport != 0));
}

/*
 * Whether a peer's expectation may go into this node's kernel: only what
 * a kernel helper would create here (ctsyncd.conf(5), EXPECTATIONS).  Its
 * helper must be one ExpectationSync names (`wanted'; NULL: not checked,
 * the sync worker has); its master a whole tuple, its expected tuple's
 * destination exact; to create one, also: no PERMANENT or unknown flag,
 * a class and a timeout in range, a source mask of all or nothing.
 */
int
ctexp_acceptable(const struct ctexp *x, const struct conf_expect_sync *wanted,
    int create, const char **why)
{
	size_t alen = x->family == AF_INET6 ? 16 : 4;

	if (x->helper[0] == '\0')
		return *why = "expectation of no helper", -1;
	if (wanted != NULL && !ctexp_helper_wanted(wanted, x->helper))
		return *why = "helper not named by ExpectationSync", -1;
	if (!complete_tuple(&x->master, x->master_l4proto, alen))
		return *why = "wildcard master", -1;
	if (all_bytes(&x->tuple.dst, alen, 0) ||
	    (ctobj_has_ports(x->l4proto) && x->tuple.dport == 0))
		return *why = "wildcard destination", -1;
	if (!create)
		return 0;
	if (x->flags & EXP_F_PERMANENT)
		return *why = "PERMANENT flag", -1;
	if (x->flags & ~(EXP_F_INACTIVE | EXP_F_USERSPACE))
		return *why = "unknown flags", -1;
	if (x->class >= EXP_CLASSES)
		return *why = "class out of range", -1;
	if (!CTX_HAS(x, CTX_A_TIMEOUT) || x->timeout == 0 ||
	    x->timeout > CTEXP_TIMEOUT_MAX)
		return *why = "timeout missing or out of range", -1;
	if (!all_bytes(&x->mask.src, alen, 0xff) &&
	    !all_bytes(&x->mask.src, alen, 0))
		return *why = "partial source address mask", -1;
	if (ctobj_has_ports(x->l4proto) && x->mask.sport != 0 &&
	    x->mask.sport != 0xffff)
		return *why = "partial source port mask", -1;
	return 0;
}
