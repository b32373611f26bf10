/*
 * The oracle for tests/unit/test_nlattr.c: the same conversions as
 * netlink-worker/ct_nlattr.c, written through libnetfilter_conntrack's
 * parser and builder (which is how ctsyncd did them before bench/ showed
 * their cost).  Both must lead to the same objects and the same bytes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "ct_nfct.h"
#include "nfct_oracle.h"

#define SET(o, a)	((o)->attrs |= CT_BIT(a))

static int
has(const struct nf_conntrack *ct, int attr)
{
	return nfct_attr_is_set(ct, attr) > 0;
}

static void
get_addrs(const struct nf_conntrack *ct, int family, int src_attr,
    int src6_attr, union ct_addr *src, union ct_addr *dst)
{
	if (family == AF_INET) {
		src->v4 = nfct_get_attr_u32(ct, src_attr);
		dst->v4 = nfct_get_attr_u32(ct, src_attr + 1);
	} else {
		memcpy(src->v6, nfct_get_attr(ct, src6_attr), 16);
		memcpy(dst->v6, nfct_get_attr(ct, src6_attr + 1), 16);
	}
}

static void
get_proto(struct ctobj *o, const struct nf_conntrack *ct)
{
	if (ctobj_has_ports(o->l4proto) && has(ct, ATTR_ORIG_PORT_SRC)) {
		o->orig.sport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC));
		o->orig.dport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
		o->reply.sport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC));
		o->reply.dport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST));
		SET(o, CT_A_PORT);
	}
	if (ctobj_is_icmp(o->l4proto) && has(ct, ATTR_ICMP_TYPE)) {
		o->orig.icmp_type = nfct_get_attr_u8(ct, ATTR_ICMP_TYPE);
		o->orig.icmp_code = nfct_get_attr_u8(ct, ATTR_ICMP_CODE);
		o->orig.icmp_id = ntohs(nfct_get_attr_u16(ct, ATTR_ICMP_ID));
		SET(o, CT_A_ICMP_TYPE);
		SET(o, CT_A_ICMP_CODE);
		SET(o, CT_A_ICMP_ID);
	}
	if (o->l4proto == IPPROTO_TCP && has(ct, ATTR_TCP_STATE)) {
		o->state = nfct_get_attr_u8(ct, ATTR_TCP_STATE);
		SET(o, CT_A_TCP_STATE);
		if (has(ct, ATTR_TCP_WSCALE_ORIG)) {
			o->wscale_orig = nfct_get_attr_u8(ct, ATTR_TCP_WSCALE_ORIG);
			o->wscale_repl = nfct_get_attr_u8(ct, ATTR_TCP_WSCALE_REPL);
			SET(o, CT_A_TCP_WSCALE_ORIG);
			SET(o, CT_A_TCP_WSCALE_REPL);
		}
	} else if (o->l4proto == IPPROTO_SCTP && has(ct, ATTR_SCTP_STATE)) {
		o->state = nfct_get_attr_u8(ct, ATTR_SCTP_STATE);
		o->sctp_vtag_orig = nfct_get_attr_u32(ct, ATTR_SCTP_VTAG_ORIG);
		o->sctp_vtag_repl = nfct_get_attr_u32(ct, ATTR_SCTP_VTAG_REPL);
		SET(o, CT_A_SCTP_STATE);
		SET(o, CT_A_SCTP_VTAG_ORIG);
		SET(o, CT_A_SCTP_VTAG_REPL);
	} else if (o->l4proto == IPPROTO_DCCP && has(ct, ATTR_DCCP_STATE)) {
		o->state = nfct_get_attr_u8(ct, ATTR_DCCP_STATE);
		o->dccp_role = nfct_get_attr_u8(ct, ATTR_DCCP_ROLE);
		SET(o, CT_A_DCCP_STATE);
		SET(o, CT_A_DCCP_ROLE);
	}
}

static void
get_master(struct ctobj *o, const struct nf_conntrack *ct)
{
	if (!has(ct, ATTR_MASTER_L3PROTO) || !has(ct, ATTR_MASTER_L4PROTO))
		return;
	o->master_family = nfct_get_attr_u8(ct, ATTR_MASTER_L3PROTO);
	o->master_l4proto = nfct_get_attr_u8(ct, ATTR_MASTER_L4PROTO);
	if (o->master_family == AF_INET && has(ct, ATTR_MASTER_IPV4_SRC)) {
		o->master.src.v4 = nfct_get_attr_u32(ct, ATTR_MASTER_IPV4_SRC);
		o->master.dst.v4 = nfct_get_attr_u32(ct, ATTR_MASTER_IPV4_DST);
		SET(o, CT_A_MASTER_IPV4);
	} else if (o->master_family == AF_INET6 &&
	    has(ct, ATTR_MASTER_IPV6_SRC)) {
		memcpy(o->master.src.v6, nfct_get_attr(ct, ATTR_MASTER_IPV6_SRC),
		    16);
		memcpy(o->master.dst.v6, nfct_get_attr(ct, ATTR_MASTER_IPV6_DST),
		    16);
		SET(o, CT_A_MASTER_IPV6);
	} else
		return;
	SET(o, CT_A_MASTER_L4PROTO);
	if (ctobj_has_ports(o->master_l4proto) &&
	    has(ct, ATTR_MASTER_PORT_SRC)) {
		o->master.sport = ntohs(nfct_get_attr_u16(ct,
		    ATTR_MASTER_PORT_SRC));
		o->master.dport = ntohs(nfct_get_attr_u16(ct,
		    ATTR_MASTER_PORT_DST));
		SET(o, CT_A_MASTER_PORT);
	}
}

static void
get_extras(struct ctobj *o, const struct nf_conntrack *ct)
{
	static const int seqadj[6] = { ATTR_ORIG_NAT_SEQ_CORRECTION_POS,
	    ATTR_ORIG_NAT_SEQ_OFFSET_BEFORE, ATTR_ORIG_NAT_SEQ_OFFSET_AFTER,
	    ATTR_REPL_NAT_SEQ_CORRECTION_POS, ATTR_REPL_NAT_SEQ_OFFSET_BEFORE,
	    ATTR_REPL_NAT_SEQ_OFFSET_AFTER };
	const struct nfct_bitmask *labels;
	int i;

	for (i = 0; i < 6 && has(ct, seqadj[i]); i++)
		o->seqadj[i] = nfct_get_attr_u32(ct, seqadj[i]);
	if (i == 6)
		SET(o, CT_A_NAT_SEQ_ADJ);
	if (has(ct, ATTR_SYNPROXY_ISN) && has(ct, ATTR_SYNPROXY_ITS) &&
	    has(ct, ATTR_SYNPROXY_TSOFF)) {
		/* wire order: its, isn, tsoff */
		o->synproxy[0] = nfct_get_attr_u32(ct, ATTR_SYNPROXY_ITS);
		o->synproxy[1] = nfct_get_attr_u32(ct, ATTR_SYNPROXY_ISN);
		o->synproxy[2] = nfct_get_attr_u32(ct, ATTR_SYNPROXY_TSOFF);
		SET(o, CT_A_SYNPROXY);
	}
	if (has(ct, ATTR_HELPER_NAME)) {
		const char *h = nfct_get_attr(ct, ATTR_HELPER_NAME);

		if (h && h[0] && strlen(h) < sizeof(o->helper)) {
			strcpy(o->helper, h);
			SET(o, CT_A_HELPER_NAME);
		}
	}
	labels = has(ct, ATTR_CONNLABELS) ?
	    nfct_get_attr(ct, ATTR_CONNLABELS) : NULL;
	if (labels) {
		unsigned int bit, max = nfct_bitmask_maxbit(labels);

		for (bit = 0; bit <= max && bit < 32 * CT_LABEL_WORDS; bit++)
			if (nfct_bitmask_test_bit(labels, bit)) {
				o->labels[bit / 32] |= 1u << (bit % 32);
				if (bit / 32 + 1 > o->nlabels)
					o->nlabels = (uint8_t)(bit / 32 + 1);
			}
		if (o->nlabels)
			SET(o, CT_A_LABELS);
	}
	if (has(ct, ATTR_ZONE)) {
		o->zone = nfct_get_attr_u16(ct, ATTR_ZONE);
		SET(o, CT_A_ZONE);
	}
}

/* Returns 0, or -1 for an entry that is not IPv4/IPv6 with a protocol. */
int
oracle_from_nfct(struct ctobj *o, const struct nf_conntrack *ct)
{
	static const struct { int attr, bit; } u32s[] = {
		{ ATTR_STATUS, CT_A_STATUS }, { ATTR_TIMEOUT, CT_A_TIMEOUT },
		{ ATTR_MARK, CT_A_MARK }, { ATTR_SECMARK, CT_A_SECMARK },
		{ ATTR_ID, CT_A_ID }, { ATTR_USE, CT_A_USE },
	};
	uint32_t *dst[] = { &o->status, &o->timeout, &o->mark, &o->secmark,
	    &o->id, &o->use };
	size_t i;

	memset(o, 0, sizeof(*o));
	if (!has(ct, ATTR_L3PROTO) || !has(ct, ATTR_L4PROTO))
		return -1;
	o->family = nfct_get_attr_u8(ct, ATTR_L3PROTO);
	o->l4proto = nfct_get_attr_u8(ct, ATTR_L4PROTO);
	if (o->family == AF_INET && has(ct, ATTR_ORIG_IPV4_SRC))
		SET(o, CT_A_IPV4);
	else if (o->family == AF_INET6 && has(ct, ATTR_ORIG_IPV6_SRC))
		SET(o, CT_A_IPV6);
	else
		return -1;
	SET(o, CT_A_L4PROTO);
	get_addrs(ct, o->family, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC,
	    &o->orig.src, &o->orig.dst);
	if (has(ct, o->family == AF_INET ? ATTR_REPL_IPV4_SRC :
	    ATTR_REPL_IPV6_SRC)) {
		get_addrs(ct, o->family, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC,
		    &o->reply.src, &o->reply.dst);
		SET(o, CT_A_REPLY);
	}
	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++)
		if (has(ct, u32s[i].attr)) {
			*dst[i] = nfct_get_attr_u32(ct, u32s[i].attr);
			SET(o, u32s[i].bit);
		}
	if (has(ct, ATTR_ORIG_COUNTER_PACKETS) &&
	    has(ct, ATTR_ORIG_COUNTER_BYTES)) {
		o->packets[0] = nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_PACKETS);
		o->bytes[0] = nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_BYTES);
		o->packets[1] = nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_PACKETS);
		o->bytes[1] = nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_BYTES);
		SET(o, CT_A_COUNTERS);
	}
	get_proto(o, ct);
	ctobj_derive_nat(o);
	get_master(o, ct);
	get_extras(o, ct);
	return 0;
}

/* ---- for the kernel, to create an entry (commit) ---------------------- */

/* The status bits a new entry may be created with. */
#define CREATE_STATUS	(IPS_SEEN_REPLY | IPS_ASSURED | IPS_SEQ_ADJUST)

/*
 * An entry as the kernel should create it from a replicated state: the
 * original tuple, NAT from the SNAT/DNAT attributes (the kernel derives
 * the reply tuple), the timeout (CommitTimeout when set), and, without
 * TCPWindowTracking, the "be liberal" flag both ways (wire-protocol.md 11).
 */
void
oracle_to_nfct_create(const struct ctobj *o, struct nf_conntrack *ct,
    uint32_t commit_timeout, int window_tracking)
{
	struct ctobj base = *o;

	/*
	 * The kernel wants both tuples: the reply one is the original
	 * inverted, and the NAT attributes below make the kernel rewrite it.
	 */
	base.attrs &= ~(CT_BIT(CT_A_ID) | CT_BIT(CT_A_SECMARK) |
	    CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_HELPER_NAME));
	base.attrs |= CT_BIT(CT_A_REPLY);
	base.reply.src = o->orig.dst;
	base.reply.dst = o->orig.src;
	base.reply.sport = o->orig.dport;
	base.reply.dport = o->orig.sport;
	ctobj_to_nfct(&base, ct);
	nfct_set_attr_u32(ct, ATTR_STATUS, CT_HAS(o, CT_A_STATUS) ?
	    o->status & CREATE_STATUS : 0);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, commit_timeout ? commit_timeout :
	    (CT_HAS(o, CT_A_TIMEOUT) && o->timeout ? o->timeout : 60));
	if (CT_HAS(o, CT_A_SNAT_IPV4))
		nfct_set_attr_u32(ct, ATTR_SNAT_IPV4, o->snat.v4);
	if (CT_HAS(o, CT_A_DNAT_IPV4))
		nfct_set_attr_u32(ct, ATTR_DNAT_IPV4, o->dnat.v4);
	if (CT_HAS(o, CT_A_SNAT_IPV6))
		nfct_set_attr(ct, ATTR_SNAT_IPV6, o->snat.v6);
	if (CT_HAS(o, CT_A_DNAT_IPV6))
		nfct_set_attr(ct, ATTR_DNAT_IPV6, o->dnat.v6);
	if (CT_HAS(o, CT_A_SPAT_PORT))
		nfct_set_attr_u16(ct, ATTR_SNAT_PORT, htons(o->spat));
	if (CT_HAS(o, CT_A_DPAT_PORT))
		nfct_set_attr_u16(ct, ATTR_DNAT_PORT, htons(o->dpat));
	if (CT_HAS(o, CT_A_SYNPROXY)) {	/* wire order: its, isn, tsoff */
		nfct_set_attr_u32(ct, ATTR_SYNPROXY_ITS, o->synproxy[0]);
		nfct_set_attr_u32(ct, ATTR_SYNPROXY_ISN, o->synproxy[1]);
		nfct_set_attr_u32(ct, ATTR_SYNPROXY_TSOFF, o->synproxy[2]);
	}
	if (CT_HAS(o, CT_A_LABELS) && o->nlabels > 0) {
		struct nfct_bitmask *b = nfct_bitmask_new(o->nlabels * 32 - 1);
		unsigned bit;

		for (bit = 0; bit < o->nlabels * 32u; bit++)
			if (o->labels[bit / 32] & (1u << (bit % 32)))
				nfct_bitmask_set_bit(b, bit);
		nfct_set_attr(ct, ATTR_CONNLABELS, b);	/* ct owns it now */
	}
	if (o->l4proto == IPPROTO_TCP && CT_HAS(o, CT_A_TCP_STATE)) {
		if (window_tracking && CT_HAS(o, CT_A_TCP_WSCALE_ORIG)) {
			nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_ORIG,
			    o->wscale_orig);
			nfct_set_attr_u8(ct, ATTR_TCP_WSCALE_REPL,
			    o->wscale_repl);
		} else if (!window_tracking) {
			uint8_t liberal = IP_CT_TCP_FLAG_BE_LIBERAL;

			nfct_set_attr_u8(ct, ATTR_TCP_FLAGS_ORIG, liberal);
			nfct_set_attr_u8(ct, ATTR_TCP_MASK_ORIG, liberal);
			nfct_set_attr_u8(ct, ATTR_TCP_FLAGS_REPL, liberal);
			nfct_set_attr_u8(ct, ATTR_TCP_MASK_REPL, liberal);
		}
	}
	if (CT_HAS(o, CT_A_NAT_SEQ_ADJ)) {
		static const int seqadj[6] = {
		    ATTR_ORIG_NAT_SEQ_CORRECTION_POS,
		    ATTR_ORIG_NAT_SEQ_OFFSET_BEFORE,
		    ATTR_ORIG_NAT_SEQ_OFFSET_AFTER,
		    ATTR_REPL_NAT_SEQ_CORRECTION_POS,
		    ATTR_REPL_NAT_SEQ_OFFSET_BEFORE,
		    ATTR_REPL_NAT_SEQ_OFFSET_AFTER };
		int i;

		for (i = 0; i < 6; i++)
			nfct_set_attr_u32(ct, seqadj[i], o->seqadj[i]);
	}
	if (CT_HAS(o, CT_A_HELPER_NAME))
		nfct_set_attr(ct, ATTR_HELPER_NAME, o->helper);
}
