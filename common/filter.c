/*
 * Does an entry pass the Filter?  It must pass every configured set:
 * - Protocol: its L4 protocol is listed (Accept) / is not (Ignore);
 * - Address: of its two endpoints (original source, reply source), a
 *   network match decides at once (pass for Accept, reject for Ignore);
 *   otherwise Accept passes if either is listed, Ignore rejects if either
 *   is listed;
 * - State: TCP entries with a state only: listed (Accept) / not (Ignore).
 * An entry without addresses never passes.
 */
#include "config.h"

#include <sys/socket.h>

#include <string.h>

#include "filter.h"

static int
in_network(const struct conf_addr *net, int family, const union ct_addr *a)
{
	const uint8_t *x = a->v6, *y = (const uint8_t *)&net->a;
	int bits = net->prefix, i;

	if (net->family != family)
		return 0;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (x[i] != y[i])
			return 0;
	return bits == 0 || ((x[i] ^ y[i]) & (0xff << (8 - bits))) == 0;
}

static int
same_addr(const struct conf_addr *c, int family, const union ct_addr *a)
{
	return c->family == family &&
	    memcmp(&c->a, a->v6, family == AF_INET ? 4 : 16) == 0;
}

static int
addresses_pass(const struct conf_filter *f, const struct ctobj *o)
{
	const union ct_addr *ends[2];
	int i, e, listed = 0, accept = f->addr_policy == POLICY_ACCEPT;

	/* the two real endpoints: original source and reply source */
	ends[0] = &o->orig.src;
	ends[1] = CT_HAS(o, CT_A_REPLY) ? &o->reply.src : &o->orig.dst;
	for (i = 0; i < f->naddrs; i++) {
		if (f->addrs[i].prefix < 0)
			continue;
		for (e = 0; e < 2; e++)
			if (in_network(&f->addrs[i], o->family, ends[e]))
				return accept;
	}
	for (i = 0; i < f->naddrs && !listed; i++) {
		if (f->addrs[i].prefix >= 0)
			continue;
		for (e = 0; e < 2; e++)
			listed |= same_addr(&f->addrs[i], o->family, ends[e]);
	}
	return accept ? listed : !listed;
}

int
filter_accepts(const struct conf_filter *f, const struct ctobj *o)
{
	if (!f->present)
		return 1;
	if (!CT_HAS(o, CT_A_IPV4) && !CT_HAS(o, CT_A_IPV6))
		return 0;
	if (f->proto_policy &&
	    (f->protos[o->l4proto] != 0) != (f->proto_policy == POLICY_ACCEPT))
		return 0;
	if (f->addr_policy && !addresses_pass(f, o))
		return 0;
	if (f->state_policy && o->l4proto == IPPROTO_TCP &&
	    CT_HAS(o, CT_A_TCP_STATE) && o->state < 16 &&
	    ((f->tcp_states >> o->state) & 1) !=
	    (f->state_policy == POLICY_ACCEPT))
		return 0;
	return 1;
}
