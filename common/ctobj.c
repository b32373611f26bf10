/*
 * Conntrack objects between processes: encoded field by field, in a fixed
 * order, only the fields the presence bits name; decoded with the same
 * walk, then checked by ctobj_valid() before anyone acts on them.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <string.h>

#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "ctobj.h"
#include "msg.h"

/* Bits that mean "this object holds a state" (one field for the three). */
#define STATE_BITS (CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_SCTP_STATE) | \
	CT_BIT(CT_A_DCCP_STATE))
#define MASTER_BITS (CT_BIT(CT_A_MASTER_IPV4) | CT_BIT(CT_A_MASTER_IPV6) | \
	CT_BIT(CT_A_MASTER_L4PROTO) | CT_BIT(CT_A_MASTER_PORT))
#define ALL_BITS ((UINT64_C(1) << CT_A_MAX) - 1)

int
ctobj_has_ports(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_UDPLITE ||
	    p == IPPROTO_SCTP || p == IPPROTO_DCCP;
}

int
ctobj_is_icmp(uint8_t p)
{
	return p == IPPROTO_ICMP || p == IPPROTO_ICMPV6;
}

/*
 * NAT as conntrackd derives it from the two tuples (wire-protocol.md 5.3,
 * step 8): where the reply tuple is not the inverse of the original.
 */
void
ctobj_derive_nat(struct ctobj *o)
{
	int v6 = o->family == AF_INET6;
	size_t n = v6 ? 16 : 4;
	int snat = !CT_HAS(o, CT_A_STATUS) || (o->status & IPS_SRC_NAT_DONE);
	int dnat = !CT_HAS(o, CT_A_STATUS) || (o->status & IPS_DST_NAT_DONE);

	if (!CT_HAS(o, CT_A_REPLY))
		return;
	if (snat && memcmp(o->reply.dst.v6, o->orig.src.v6, n) != 0) {
		memcpy(o->snat.v6, o->reply.dst.v6, n);
		o->attrs |= CT_BIT(v6 ? CT_A_SNAT_IPV6 : CT_A_SNAT_IPV4);
	}
	if (dnat && memcmp(o->reply.src.v6, o->orig.dst.v6, n) != 0) {
		memcpy(o->dnat.v6, o->reply.src.v6, n);
		o->attrs |= CT_BIT(v6 ? CT_A_DNAT_IPV6 : CT_A_DNAT_IPV4);
	}
	if (!CT_HAS(o, CT_A_PORT))
		return;
	if (snat && o->reply.dport != o->orig.sport) {
		o->spat = o->reply.dport;
		o->attrs |= CT_BIT(CT_A_SPAT_PORT);
	}
	if (dnat && o->reply.sport != o->orig.dport) {
		o->dpat = o->reply.sport;
		o->attrs |= CT_BIT(CT_A_DPAT_PORT);
	}
}


/* A tuple between processes, whole (ctexp.c uses them too). */
void
ctobj_put_tuple(struct mbuild *mb, const struct ct_tuple *t)
{
	mb_bytes(mb, t->src.v6, 16);
	mb_bytes(mb, t->dst.v6, 16);
	mb_u16(mb, t->sport);
	mb_u16(mb, t->dport);
	mb_u8(mb, t->icmp_type);
	mb_u8(mb, t->icmp_code);
	mb_u16(mb, t->icmp_id);
}

void
ctobj_get_tuple(struct mread *r, struct ct_tuple *t)
{
	mr_bytes(r, t->src.v6, 16);
	mr_bytes(r, t->dst.v6, 16);
	t->sport = mr_u16(r);
	t->dport = mr_u16(r);
	t->icmp_type = mr_u8(r);
	t->icmp_code = mr_u8(r);
	t->icmp_id = mr_u16(r);
}

#define HAS(bit) (o->attrs & CT_BIT(bit))

void
ctobj_put(struct mbuild *mb, const struct ctobj *o)
{
	int i;

	mb_u64(mb, o->attrs);
	mb_u8(mb, o->family);
	mb_u8(mb, o->l4proto);
	ctobj_put_tuple(mb, &o->orig);
	if (HAS(CT_A_REPLY))
		ctobj_put_tuple(mb, &o->reply);
	if (o->attrs & MASTER_BITS) {
		mb_u8(mb, o->master_family);
		mb_u8(mb, o->master_l4proto);
		ctobj_put_tuple(mb, &o->master);
	}
	if (HAS(CT_A_STATUS)) mb_u32(mb, o->status);
	if (HAS(CT_A_TIMEOUT)) mb_u32(mb, o->timeout);
	if (HAS(CT_A_MARK)) mb_u32(mb, o->mark);
	if (HAS(CT_A_SECMARK)) mb_u32(mb, o->secmark);
	if (HAS(CT_A_ID)) mb_u32(mb, o->id);
	if (HAS(CT_A_USE)) mb_u32(mb, o->use);
	if (HAS(CT_A_COUNTERS))
		for (i = 0; i < 2; i++) {
			mb_u64(mb, o->packets[i]);
			mb_u64(mb, o->bytes[i]);
		}
	if (o->attrs & STATE_BITS) mb_u8(mb, o->state);
	if (HAS(CT_A_DCCP_ROLE)) mb_u8(mb, o->dccp_role);
	if (HAS(CT_A_TCP_WSCALE_ORIG)) mb_u8(mb, o->wscale_orig);
	if (HAS(CT_A_TCP_WSCALE_REPL)) mb_u8(mb, o->wscale_repl);
	if (HAS(CT_A_ZONE)) mb_u16(mb, o->zone);
	if (HAS(CT_A_SCTP_VTAG_ORIG)) mb_u32(mb, o->sctp_vtag_orig);
	if (HAS(CT_A_SCTP_VTAG_REPL)) mb_u32(mb, o->sctp_vtag_repl);
	if (HAS(CT_A_SNAT_IPV4) || HAS(CT_A_SNAT_IPV6))
		mb_bytes(mb, o->snat.v6, 16);
	if (HAS(CT_A_DNAT_IPV4) || HAS(CT_A_DNAT_IPV6))
		mb_bytes(mb, o->dnat.v6, 16);
	if (HAS(CT_A_SPAT_PORT)) mb_u16(mb, o->spat);
	if (HAS(CT_A_DPAT_PORT)) mb_u16(mb, o->dpat);
	if (HAS(CT_A_NAT_SEQ_ADJ))
		for (i = 0; i < 6; i++)
			mb_u32(mb, o->seqadj[i]);
	if (HAS(CT_A_SYNPROXY))
		for (i = 0; i < 3; i++)
			mb_u32(mb, o->synproxy[i]);
	if (HAS(CT_A_LABELS)) {
		mb_u8(mb, o->nlabels);
		for (i = 0; i < o->nlabels && i < CT_LABEL_WORDS; i++)
			mb_u32(mb, o->labels[i]);
	}
	if (HAS(CT_A_HELPER_NAME))
		mb_str(mb, o->helper);
}

/* Decode one object; -1 if short or out of range (see ctobj_valid). */
int
ctobj_get(struct mread *r, struct ctobj *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->attrs = mr_u64(r);
	if (o->attrs & ~ALL_BITS)
		return -1;
	o->family = mr_u8(r);
	o->l4proto = mr_u8(r);
	ctobj_get_tuple(r, &o->orig);
	if (HAS(CT_A_REPLY))
		ctobj_get_tuple(r, &o->reply);
	if (o->attrs & MASTER_BITS) {
		o->master_family = mr_u8(r);
		o->master_l4proto = mr_u8(r);
		ctobj_get_tuple(r, &o->master);
	}
	if (HAS(CT_A_STATUS)) o->status = mr_u32(r);
	if (HAS(CT_A_TIMEOUT)) o->timeout = mr_u32(r);
	if (HAS(CT_A_MARK)) o->mark = mr_u32(r);
	if (HAS(CT_A_SECMARK)) o->secmark = mr_u32(r);
	if (HAS(CT_A_ID)) o->id = mr_u32(r);
	if (HAS(CT_A_USE)) o->use = mr_u32(r);
	if (HAS(CT_A_COUNTERS))
		for (i = 0; i < 2; i++) {
			o->packets[i] = mr_u64(r);
			o->bytes[i] = mr_u64(r);
		}
	if (o->attrs & STATE_BITS) o->state = mr_u8(r);
	if (HAS(CT_A_DCCP_ROLE)) o->dccp_role = mr_u8(r);
	if (HAS(CT_A_TCP_WSCALE_ORIG)) o->wscale_orig = mr_u8(r);
	if (HAS(CT_A_TCP_WSCALE_REPL)) o->wscale_repl = mr_u8(r);
	if (HAS(CT_A_ZONE)) o->zone = mr_u16(r);
	if (HAS(CT_A_SCTP_VTAG_ORIG)) o->sctp_vtag_orig = mr_u32(r);
	if (HAS(CT_A_SCTP_VTAG_REPL)) o->sctp_vtag_repl = mr_u32(r);
	if (HAS(CT_A_SNAT_IPV4) || HAS(CT_A_SNAT_IPV6))
		mr_bytes(r, o->snat.v6, 16);
	if (HAS(CT_A_DNAT_IPV4) || HAS(CT_A_DNAT_IPV6))
		mr_bytes(r, o->dnat.v6, 16);
	if (HAS(CT_A_SPAT_PORT)) o->spat = mr_u16(r);
	if (HAS(CT_A_DPAT_PORT)) o->dpat = mr_u16(r);
	if (HAS(CT_A_NAT_SEQ_ADJ))
		for (i = 0; i < 6; i++)
			o->seqadj[i] = mr_u32(r);
	if (HAS(CT_A_SYNPROXY))
		for (i = 0; i < 3; i++)
			o->synproxy[i] = mr_u32(r);
	if (HAS(CT_A_LABELS)) {
		o->nlabels = mr_u8(r);
		if (o->nlabels > CT_LABEL_WORDS)
			return -1;
		for (i = 0; i < o->nlabels; i++)
			o->labels[i] = mr_u32(r);
	}
	if (HAS(CT_A_HELPER_NAME))
		mr_str(r, o->helper, sizeof(o->helper));
	return r->bad ? -1 : 0;
}

/* Status bits a kernel reports (IPS_* up to hardware offload). */
#define STATUS_KNOWN	0xffffu
/* Kernel timeouts are jiffies in an int: no more than ~24 days. */
#define TIMEOUT_MAX	(INT32_MAX / 1000)

static int
family_ok(uint8_t family)
{
	return family == AF_INET || family == AF_INET6;
}

/*
 * Every field in range, every combination possible.  Returns 0, or -1
 * with `why' naming the first problem.
 */
int
ctobj_valid(const struct ctobj *o, const char **why)
{
	int v4 = HAS(CT_A_IPV4) != 0, v6 = HAS(CT_A_IPV6) != 0;
	size_t i;

#define BAD(reason) do { *why = reason; return -1; } while (0)
	if (!family_ok(o->family) || v4 + v6 != 1 ||
	    (o->family == AF_INET) != v4)
		BAD("no or two address families");
	if (!HAS(CT_A_L4PROTO))
		BAD("no layer 4 protocol");
	if (HAS(CT_A_PORT) && !ctobj_has_ports(o->l4proto))
		BAD("ports for a protocol without ports");
	if ((HAS(CT_A_ICMP_TYPE) || HAS(CT_A_ICMP_CODE) || HAS(CT_A_ICMP_ID))
	    && o->l4proto != (o->family == AF_INET ? IPPROTO_ICMP :
	    IPPROTO_ICMPV6))
		BAD("ICMP fields for another protocol");
	if (HAS(CT_A_TCP_STATE) && (o->l4proto != IPPROTO_TCP ||
	    o->state >= TCP_CONNTRACK_MAX))
		BAD("TCP state out of range");
	if ((HAS(CT_A_TCP_WSCALE_ORIG) && o->wscale_orig > 14) ||
	    (HAS(CT_A_TCP_WSCALE_REPL) && o->wscale_repl > 14))
		BAD("TCP window scale above 14");
	if ((HAS(CT_A_TCP_WSCALE_ORIG) || HAS(CT_A_TCP_WSCALE_REPL)) &&
	    o->l4proto != IPPROTO_TCP)
		BAD("window scale for another protocol");
	if ((HAS(CT_A_SCTP_STATE) || HAS(CT_A_SCTP_VTAG_ORIG) ||
	    HAS(CT_A_SCTP_VTAG_REPL)) && o->l4proto != IPPROTO_SCTP)
		BAD("SCTP fields for another protocol");
	if (HAS(CT_A_SCTP_STATE) && o->state > 9)
		BAD("SCTP state out of range");
	if ((HAS(CT_A_DCCP_STATE) || HAS(CT_A_DCCP_ROLE)) &&
	    o->l4proto != IPPROTO_DCCP)
		BAD("DCCP fields for another protocol");
	if ((HAS(CT_A_DCCP_STATE) && o->state > 9) ||
	    (HAS(CT_A_DCCP_ROLE) && o->dccp_role > 2))
		BAD("DCCP state or role out of range");
	if (HAS(CT_A_STATUS) && (o->status & ~STATUS_KNOWN))
		BAD("unknown status bits");
	if (HAS(CT_A_TIMEOUT) && o->timeout > TIMEOUT_MAX)
		BAD("timeout too large");
	if ((HAS(CT_A_SNAT_IPV4) || HAS(CT_A_DNAT_IPV4)) && !v4)
		BAD("IPv4 NAT on an IPv6 entry");
	if ((HAS(CT_A_SNAT_IPV6) || HAS(CT_A_DNAT_IPV6)) && !v6)
		BAD("IPv6 NAT on an IPv4 entry");
	if (HAS(CT_A_LABELS) && (o->nlabels == 0 ||
	    o->nlabels > CT_LABEL_WORDS))
		BAD("label words out of range");
	if (HAS(CT_A_HELPER_NAME)) {
		if (memchr(o->helper, '\0', sizeof(o->helper)) == NULL ||
		    o->helper[0] == '\0')
			BAD("helper name not terminated");
		for (i = 0; o->helper[i]; i++)
			if (o->helper[i] < 0x21 || o->helper[i] > 0x7e)
				BAD("helper name not printable");
	}
	if (o->attrs & MASTER_BITS) {
		if (!family_ok(o->master_family) ||
		    !HAS(CT_A_MASTER_L4PROTO) ||
		    (HAS(CT_A_MASTER_IPV4) + HAS(CT_A_MASTER_IPV6) == 0))
			BAD("incomplete master tuple");
		if (HAS(CT_A_MASTER_PORT) &&
		    !ctobj_has_ports(o->master_l4proto))
			BAD("master ports for a protocol without ports");
	}
#undef BAD
	return 0;
}
