/*
 * How a cache stores an object: only the fields it holds, addresses at
 * their family's size, and the reply tuple left out when it is the
 * original one inverted (every entry without NAT).  A TCP/IPv4 state
 * takes about 40 bytes instead of sizeof(struct ctobj), which is what
 * makes a cache of a million states small (bench/, memory).
 *
 * The lookup key (cache.c) comes first, so a key comparison is a memcmp
 * of a prefix:
 *   family, l4proto, src, dst, 4 bytes of ports or ICMP type/code/id,
 *   zone (2), then the presence bits (5 bytes, bit 39 = "reply is the
 *   inverse") and the fields those bits name, in ctobj order.
 * Numbers are stored in host order: the bytes never leave the process.
 */
#include "config.h"

#include <sys/socket.h>

#include <string.h>

#include "cache_pack.h"

#define INVERSE_REPLY	39		/* a free bit above CT_A_MAX */
_Static_assert(CT_A_MAX <= INVERSE_REPLY,
    "ctobj attributes reach the cache's own flag bit");
#define STATE_BITS	(CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_SCTP_STATE) | \
			 CT_BIT(CT_A_DCCP_STATE))
#define MASTER_BITS	(CT_BIT(CT_A_MASTER_IPV4) | CT_BIT(CT_A_MASTER_IPV6) | \
			 CT_BIT(CT_A_MASTER_L4PROTO) | CT_BIT(CT_A_MASTER_PORT))

static size_t
addr_len(uint8_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

struct packer {
	uint8_t		*p;
};

static void
put(struct packer *k, const void *v, size_t n)
{
	memcpy(k->p, v, n);
	k->p += n;
}

#define PUT(k, v)	put((k), &(v), sizeof(v))

size_t
cache_pack_key(const struct ctobj *o, uint8_t *out)
{
	struct packer k = { out };
	size_t n = addr_len(o->family);

	PUT(&k, o->family);
	PUT(&k, o->l4proto);
	put(&k, o->orig.src.v6, n);
	put(&k, o->orig.dst.v6, n);
	if (ctobj_is_icmp(o->l4proto)) {
		PUT(&k, o->orig.icmp_type);
		PUT(&k, o->orig.icmp_code);
		PUT(&k, o->orig.icmp_id);
	} else {
		PUT(&k, o->orig.sport);
		PUT(&k, o->orig.dport);
	}
	PUT(&k, o->zone);
	return (size_t)(k.p - out);
}

size_t
cache_key_len(const uint8_t *packed)
{
	return 2 + 2 * addr_len(packed[0]) + 4 + 2;
}

static int
reply_is_inverse(const struct ctobj *o)
{
	size_t n = addr_len(o->family);

	return memcmp(o->reply.src.v6, o->orig.dst.v6, n) == 0 &&
	    memcmp(o->reply.dst.v6, o->orig.src.v6, n) == 0 &&
	    o->reply.sport == o->orig.dport && o->reply.dport == o->orig.sport;
}

static void
put_tuple(struct packer *k, const struct ct_tuple *t, size_t n, int ports)
{
	put(k, t->src.v6, n);
	put(k, t->dst.v6, n);
	if (ports) {
		PUT(k, t->sport);
		PUT(k, t->dport);
	}
}

static void
put_numbers(struct packer *k, const struct ctobj *o)
{
	uint64_t a = o->attrs;

	if (a & CT_BIT(CT_A_STATUS)) PUT(k, o->status);
	if (a & CT_BIT(CT_A_TIMEOUT)) PUT(k, o->timeout);
	if (a & CT_BIT(CT_A_MARK)) PUT(k, o->mark);
	if (a & CT_BIT(CT_A_SECMARK)) PUT(k, o->secmark);
	if (a & CT_BIT(CT_A_ID)) PUT(k, o->id);
	if (a & CT_BIT(CT_A_COUNTERS)) {
		PUT(k, o->packets);
		PUT(k, o->bytes);
	}
	if (a & STATE_BITS) PUT(k, o->state);
	if (a & CT_BIT(CT_A_DCCP_ROLE)) PUT(k, o->dccp_role);
	if (a & CT_BIT(CT_A_TCP_WSCALE_ORIG)) PUT(k, o->wscale_orig);
	if (a & CT_BIT(CT_A_TCP_WSCALE_REPL)) PUT(k, o->wscale_repl);
	if (a & CT_BIT(CT_A_SCTP_VTAG_ORIG)) PUT(k, o->sctp_vtag_orig);
	if (a & CT_BIT(CT_A_SCTP_VTAG_REPL)) PUT(k, o->sctp_vtag_repl);
}

static void
put_nat_and_extras(struct packer *k, const struct ctobj *o)
{
	uint64_t a = o->attrs;
	uint8_t len;

	if (a & CT_BIT(CT_A_SNAT_IPV4)) put(k, o->snat.v6, 4);
	if (a & CT_BIT(CT_A_SNAT_IPV6)) put(k, o->snat.v6, 16);
	if (a & CT_BIT(CT_A_DNAT_IPV4)) put(k, o->dnat.v6, 4);
	if (a & CT_BIT(CT_A_DNAT_IPV6)) put(k, o->dnat.v6, 16);
	if (a & CT_BIT(CT_A_SPAT_PORT)) PUT(k, o->spat);
	if (a & CT_BIT(CT_A_DPAT_PORT)) PUT(k, o->dpat);
	if (a & CT_BIT(CT_A_NAT_SEQ_ADJ)) PUT(k, o->seqadj);
	if (a & CT_BIT(CT_A_SYNPROXY)) PUT(k, o->synproxy);
	if (a & CT_BIT(CT_A_LABELS)) {
		len = o->nlabels < CT_LABEL_WORDS ? o->nlabels : CT_LABEL_WORDS;
		PUT(k, len);
		put(k, o->labels, (size_t)len * 4);
	}
	if (a & CT_BIT(CT_A_HELPER_NAME)) {
		len = (uint8_t)strnlen(o->helper, CT_HELPER_MAX - 1);
		PUT(k, len);
		put(k, o->helper, len);
	}
}

size_t
cache_pack(const struct ctobj *o, uint8_t *out)
{
	struct packer k = { out + cache_pack_key(o, out) };
	uint64_t bits = o->attrs;
	size_t n = addr_len(o->family);
	int i;

	if ((bits & CT_BIT(CT_A_REPLY)) && reply_is_inverse(o))
		bits |= CT_BIT(INVERSE_REPLY);
	for (i = 0; i < 5; i++)
		*k.p++ = (uint8_t)(bits >> (8 * i));
	if ((bits & CT_BIT(CT_A_REPLY)) && !(bits & CT_BIT(INVERSE_REPLY)))
		put_tuple(&k, &o->reply, n, CT_HAS(o, CT_A_PORT));
	if (bits & MASTER_BITS) {
		PUT(&k, o->master_family);
		PUT(&k, o->master_l4proto);
		put_tuple(&k, &o->master, addr_len(o->master_family),
		    CT_HAS(o, CT_A_MASTER_PORT));
	}
	put_numbers(&k, o);
	put_nat_and_extras(&k, o);
	return (size_t)(k.p - out);
}

/* ---- unpacking ----------------------------------------------------------- */

struct unpacker {
	const uint8_t	*p;
};

static void
get(struct unpacker *u, void *v, size_t n)
{
	memcpy(v, u->p, n);
	u->p += n;
}

#define GET(u, v)	get((u), &(v), sizeof(v))

static void
get_tuple(struct unpacker *u, struct ct_tuple *t, size_t n, int ports)
{
	get(u, t->src.v6, n);
	get(u, t->dst.v6, n);
	if (ports) {
		GET(u, t->sport);
		GET(u, t->dport);
	}
}

static void
get_numbers(struct unpacker *u, struct ctobj *o)
{
	uint64_t a = o->attrs;

	if (a & CT_BIT(CT_A_STATUS)) GET(u, o->status);
	if (a & CT_BIT(CT_A_TIMEOUT)) GET(u, o->timeout);
	if (a & CT_BIT(CT_A_MARK)) GET(u, o->mark);
	if (a & CT_BIT(CT_A_SECMARK)) GET(u, o->secmark);
	if (a & CT_BIT(CT_A_ID)) GET(u, o->id);
	if (a & CT_BIT(CT_A_COUNTERS)) {
		GET(u, o->packets);
		GET(u, o->bytes);
	}
	if (a & STATE_BITS) GET(u, o->state);
	if (a & CT_BIT(CT_A_DCCP_ROLE)) GET(u, o->dccp_role);
	if (a & CT_BIT(CT_A_TCP_WSCALE_ORIG)) GET(u, o->wscale_orig);
	if (a & CT_BIT(CT_A_TCP_WSCALE_REPL)) GET(u, o->wscale_repl);
	if (a & CT_BIT(CT_A_SCTP_VTAG_ORIG)) GET(u, o->sctp_vtag_orig);
	if (a & CT_BIT(CT_A_SCTP_VTAG_REPL)) GET(u, o->sctp_vtag_repl);
}

static void
get_nat_and_extras(struct unpacker *u, struct ctobj *o)
{
	uint64_t a = o->attrs;
	uint8_t len;

	if (a & CT_BIT(CT_A_SNAT_IPV4)) get(u, o->snat.v6, 4);
	if (a & CT_BIT(CT_A_SNAT_IPV6)) get(u, o->snat.v6, 16);
	if (a & CT_BIT(CT_A_DNAT_IPV4)) get(u, o->dnat.v6, 4);
	if (a & CT_BIT(CT_A_DNAT_IPV6)) get(u, o->dnat.v6, 16);
	if (a & CT_BIT(CT_A_SPAT_PORT)) GET(u, o->spat);
	if (a & CT_BIT(CT_A_DPAT_PORT)) GET(u, o->dpat);
	if (a & CT_BIT(CT_A_NAT_SEQ_ADJ)) GET(u, o->seqadj);
	if (a & CT_BIT(CT_A_SYNPROXY)) GET(u, o->synproxy);
	if (a & CT_BIT(CT_A_LABELS)) {
		GET(u, o->nlabels);
		get(u, o->labels, (size_t)o->nlabels * 4);
	}
	if (a & CT_BIT(CT_A_HELPER_NAME)) {
		GET(u, len);
		get(u, o->helper, len);
		o->helper[len] = '\0';
	}
}

void
cache_unpack(const uint8_t *in, struct ctobj *o)
{
	struct unpacker u = { in };
	uint64_t bits = 0;
	size_t n;
	int i;

	memset(o, 0, sizeof(*o));
	GET(&u, o->family);
	GET(&u, o->l4proto);
	n = addr_len(o->family);
	get(&u, o->orig.src.v6, n);
	get(&u, o->orig.dst.v6, n);
	if (ctobj_is_icmp(o->l4proto)) {
		GET(&u, o->orig.icmp_type);
		GET(&u, o->orig.icmp_code);
		GET(&u, o->orig.icmp_id);
	} else {
		GET(&u, o->orig.sport);
		GET(&u, o->orig.dport);
	}
	GET(&u, o->zone);
	for (i = 0; i < 5; i++)
		bits |= (uint64_t)*u.p++ << (8 * i);
	o->attrs = bits & ~CT_BIT(INVERSE_REPLY);
	if (bits & CT_BIT(INVERSE_REPLY)) {
		o->reply.src = o->orig.dst;
		o->reply.dst = o->orig.src;
		o->reply.sport = o->orig.dport;
		o->reply.dport = o->orig.sport;
	} else if (bits & CT_BIT(CT_A_REPLY))
		get_tuple(&u, &o->reply, n, CT_HAS(o, CT_A_PORT));
	if (bits & MASTER_BITS) {
		GET(&u, o->master_family);
		GET(&u, o->master_l4proto);
		get_tuple(&u, &o->master, addr_len(o->master_family),
		    CT_HAS(o, CT_A_MASTER_PORT));
	}
	get_numbers(&u, o);
	get_nat_and_extras(&u, o);
}
