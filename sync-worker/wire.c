/*
 * The wire codec of wire.h.  Encoding follows conntrackd 1.4.7's attribute
 * order (wire-protocol.md 5.3) so captures compare byte for byte; decoding
 * follows its receiver's rules (2.3, 5.4) and is at least as strict.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <string.h>

#include "wire.h"
#include "wire_attr.h"

/* Payload size of each fixed-size attribute; 0 = variable. */
static const uint8_t attr_size[CT_A_WIRE_MAX] = {
	[CT_A_IPV4] = 8, [CT_A_IPV6] = 32, [CT_A_L4PROTO] = 1, [CT_A_PORT] = 4,
	[CT_A_TCP_STATE] = 1, [CT_A_STATUS] = 4, [CT_A_TIMEOUT] = 4,
	[CT_A_MARK] = 4, [CT_A_MASTER_IPV4] = 8, [CT_A_MASTER_IPV6] = 32,
	[CT_A_MASTER_L4PROTO] = 1, [CT_A_MASTER_PORT] = 4,
	[CT_A_SNAT_IPV4] = 4, [CT_A_DNAT_IPV4] = 4, [CT_A_SPAT_PORT] = 2,
	[CT_A_DPAT_PORT] = 2, [CT_A_NAT_SEQ_ADJ] = 24, [CT_A_SCTP_STATE] = 1,
	[CT_A_SCTP_VTAG_ORIG] = 4, [CT_A_SCTP_VTAG_REPL] = 4,
	[CT_A_DCCP_STATE] = 1, [CT_A_DCCP_ROLE] = 1, [CT_A_ICMP_TYPE] = 1,
	[CT_A_ICMP_CODE] = 1, [CT_A_ICMP_ID] = 2, [CT_A_TCP_WSCALE_ORIG] = 1,
	[CT_A_TCP_WSCALE_REPL] = 1, [CT_A_HELPER_NAME] = 0, [CT_A_LABELS] = 0,
	[CT_A_SNAT_IPV6] = 16, [CT_A_DNAT_IPV6] = 16, [CT_A_SYNPROXY] = 12,
	[CT_A_ZONE] = 2,
};
/* Largest variable-size attributes, header included; 0 = no limit. */
static const uint16_t attr_max[CT_A_WIRE_MAX] = {
	[CT_A_HELPER_NAME] = 16, [CT_A_LABELS] = 1028,
};

/* Serial-number order: a before b (32-bit wrap-around). */
int
wire_seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

uint16_t wire_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[1] << 8 | p[0]); }
uint32_t
wire_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
count(struct wire_counters *c, uint64_t *class)
{
	(*class)++;
	c->malformed++;
}

void
wire_count_payload_error(struct wire_counters *c)
{
	count(c, &c->bad_payload);
}

/* ---- receiving ------------------------------------------------------------ */

/*
 * The next message of a datagram (section 2.3).  Returns how many bytes to
 * advance, with `*deliver' set if the message goes on to the sync mode; or
 * 0 when the rest of the datagram is to be dropped (already counted).
 */
size_t
wire_next(const uint8_t *p, size_t left, struct wire_msg *m, int *deliver,
    struct wire_counters *c)
{
	*deliver = 0;
	if (left < WIRE_HDR_LEN) {
		count(c, &c->truncated);
		return 0;
	}
	memset(m, 0, sizeof(*m));
	m->type = p[0] & 0x0f;
	m->flags = p[1];
	m->len = wire_be16(p + 2);
	m->seq = wire_be32(p + 4);
	m->p = p;
	if (m->len == 0 || m->len > left) {
		count(c, &c->bad_size);
		return 0;
	}
	if (m->type == WIRE_CTL &&
	    (m->flags & (WIRE_F_ACK | WIRE_F_NACK | WIRE_F_RESYNC))) {
		if (left < WIRE_CTL_LEN) {
			count(c, &c->truncated);
			return 0;
		}
		if (m->len < WIRE_CTL_LEN) {
			count(c, &c->bad_size);
			return 0;
		}
		m->from = wire_be32(p + 8);
		m->to = wire_be32(p + 12);
		if (m->len == WIRE_CTL_TO4_LEN || m->len == WIRE_CTL_TO6_LEN) {
			m->for_family = m->len == WIRE_CTL_TO4_LEN ? AF_INET :
			    AF_INET6;
			m->for_addr = p + WIRE_CTL_LEN;
		}
	} else if (m->len < WIRE_HDR_LEN) {
		count(c, &c->bad_size);
		return 0;
	}
	if ((p[0] >> 4) != WIRE_VERSION)
		count(c, &c->bad_version);	/* skipped, not delivered */
	else
		*deliver = 1;
	return m->len;
}

/*
 * On a stream (TCP), whether the message at `p' has not fully arrived
 * yet, by the same tests as wire_next: the bytes are kept for the next
 * read instead of being counted as truncated.
 */
int
wire_incomplete(const uint8_t *p, size_t left)
{
	size_t len;

	if (left < WIRE_HDR_LEN)
		return 1;
	len = wire_be16(p + 2);
	if (len > left)
		return 1;
	return (p[0] & 0x0f) == WIRE_CTL && (p[1] & (WIRE_F_ACK | WIRE_F_NACK |
	    WIRE_F_RESYNC)) && left < WIRE_CTL_LEN;
}

enum wire_kind
wire_classify(const struct wire_msg *m)
{
	uint8_t f = m->flags & ~(WIRE_F_HELLO | WIRE_F_HELLO_BACK);

	if (m->type <= WIRE_EXP_DEL && f == 0)
		return WK_DATA;
	if (m->type != WIRE_CTL)
		return WK_BAD;
	if (f & WIRE_F_ACK)
		return wire_seq_before(m->to, m->from) ? WK_BAD : WK_ACK;
	if (f & WIRE_F_NACK)
		return wire_seq_before(m->to, m->from) ? WK_BAD : WK_NACK;
	if (f & WIRE_F_RESYNC)
		return WK_RESYNC;
	if (f & WIRE_F_ALIVE)
		return WK_ALIVE;
	return WK_BAD;
}

static void
get_addr_pair(struct ctobj *o, const uint8_t *v, int v6,
    union ct_addr *src, union ct_addr *dst)
{
	(void)o;
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	memcpy(src->v6, v, v6 ? 16 : 4);
	memcpy(dst->v6, v + (v6 ? 16 : 4), v6 ? 16 : 4);
}

/* Store one attribute's payload `v' of `n' bytes. */
static void
get_attr(struct ctobj *o, int id, const uint8_t *v, size_t n)
{
	size_t i;

	switch (id) {
	case CT_A_IPV4: case CT_A_IPV6:
		o->family = id == CT_A_IPV4 ? AF_INET : AF_INET6;
		get_addr_pair(o, v, id == CT_A_IPV6, &o->orig.src, &o->orig.dst);
		break;
	case CT_A_MASTER_IPV4: case CT_A_MASTER_IPV6:
		o->master_family = id == CT_A_MASTER_IPV4 ? AF_INET : AF_INET6;
		get_addr_pair(o, v, id == CT_A_MASTER_IPV6, &o->master.src,
		    &o->master.dst);
		break;
	case CT_A_L4PROTO: o->l4proto = v[0]; break;
	case CT_A_MASTER_L4PROTO: o->master_l4proto = v[0]; break;
	case CT_A_PORT:
		o->orig.sport = wire_be16(v);
		o->orig.dport = wire_be16(v + 2);
		break;
	case CT_A_MASTER_PORT:
		o->master.sport = wire_be16(v);
		o->master.dport = wire_be16(v + 2);
		break;
	case CT_A_TCP_STATE: case CT_A_SCTP_STATE: case CT_A_DCCP_STATE:
		o->state = v[0];
		break;
	case CT_A_STATUS: o->status = wire_be32(v); break;
	case CT_A_TIMEOUT: o->timeout = wire_be32(v); break;
	case CT_A_MARK: o->mark = wire_be32(v); break;
	case CT_A_SNAT_IPV4: memcpy(&o->snat.v4, v, 4); break;
	case CT_A_DNAT_IPV4: memcpy(&o->dnat.v4, v, 4); break;
	case CT_A_SNAT_IPV6: memcpy(o->snat.v6, v, 16); break;
	case CT_A_DNAT_IPV6: memcpy(o->dnat.v6, v, 16); break;
	/* these three travel in x86 conntrackd's host order (6.1) */
	case CT_A_SPAT_PORT: o->spat = le16(v); break;
	case CT_A_DPAT_PORT: o->dpat = le16(v); break;
	case CT_A_ICMP_ID: o->orig.icmp_id = le16(v); break;
	case CT_A_NAT_SEQ_ADJ:
		for (i = 0; i < 6; i++)
			o->seqadj[i] = wire_be32(v + 4 * i);
		break;
	case CT_A_SCTP_VTAG_ORIG: o->sctp_vtag_orig = wire_be32(v); break;
	case CT_A_SCTP_VTAG_REPL: o->sctp_vtag_repl = wire_be32(v); break;
	case CT_A_DCCP_ROLE: o->dccp_role = v[0]; break;
	case CT_A_ICMP_TYPE: o->orig.icmp_type = v[0]; break;
	case CT_A_ICMP_CODE: o->orig.icmp_code = v[0]; break;
	case CT_A_TCP_WSCALE_ORIG: o->wscale_orig = v[0]; break;
	case CT_A_TCP_WSCALE_REPL: o->wscale_repl = v[0]; break;
	case CT_A_HELPER_NAME:
		/* the sender includes the NUL; never trust that it did */
		memset(o->helper, 0, sizeof(o->helper));
		memcpy(o->helper, v, n < sizeof(o->helper) ? n :
		    sizeof(o->helper) - 1);
		break;
	case CT_A_LABELS:
		o->nlabels = (uint8_t)(n / 4 < CT_LABEL_WORDS ? n / 4 :
		    CT_LABEL_WORDS);
		for (i = 0; i < o->nlabels; i++)
			o->labels[i] = wire_be32(v + 4 * i);
		break;
	case CT_A_SYNPROXY:
		for (i = 0; i < 3; i++)
			o->synproxy[i] = wire_be32(v + 4 * i);
		break;
	case CT_A_ZONE: o->zone = wire_be16(v); break;
	}
}

/*
 * Walk the attributes of a data message (sections 5.4 and 6): each id
 * below `max', of its fixed size (`sizes', 0 = variable) or, variable,
 * no longer than `var_max' says, goes to `take'.  A trailing remainder
 * of 4 bytes or less is ignored, as by 1.4.7.  -1 if malformed.
 */
int
wire_walk_attrs(const struct wire_msg *m, const uint8_t *sizes,
    const uint16_t *var_max, int max,
    void (*take)(void *, int id, const uint8_t *, size_t), void *arg)
{
	const uint8_t *p = m->p + WIRE_HDR_LEN;
	size_t left = m->len - WIRE_HDR_LEN;

	while (left > 4) {
		size_t n = wire_be16(p), step = (n + 3) & ~(size_t)3;
		int id = wire_be16(p + 2);

		if (n < 4 || n > left || id >= max)
			return -1;
		if (sizes[id] && n != 4u + sizes[id])
			return -1;
		if (var_max[id] && n > var_max[id])
			return -1;
		take(arg, id, p + 4, n - 4);
		if (step > left)
			step = left;
		p += step;
		left -= step;
	}
	return 0;
}

static void
take_ct(void *arg, int id, const uint8_t *v, size_t n)
{
	struct ctobj *o = arg;

	/* an empty or ragged label set is ignored, as by 1.4.7 */
	if (id == CT_A_LABELS && (n == 0 || n % 4 != 0))
		return;
	get_attr(o, id, v, n);
	o->attrs |= CT_BIT(id);
}

/*
 * Decode a data message of type CT_NEW/UPD/DEL into `o'.  Returns 0, or
 * -1 for a malformed payload (the caller counts it).
 */
int
wire_get_ct(const struct wire_msg *m, struct ctobj *o)
{
	const char *why;

	memset(o, 0, sizeof(*o));
	if (wire_walk_attrs(m, attr_size, attr_max, CT_A_WIRE_MAX, take_ct,
	    o) == -1)
		return -1;
	return ctobj_valid(o, &why);
}

/* ---- sending -------------------------------------------------------------- */

uint8_t *
wire_attr_begin(struct wbuf *b, int id, size_t n)
{
	size_t step = (4 + n + 3) & ~(size_t)3;
	uint8_t *a;

	if (b->len + step > b->cap) {
		b->overflow = 1;
		return NULL;
	}
	a = b->p + b->len;
	memset(a, 0, step);
	a[0] = (uint8_t)((4 + n) >> 8);
	a[1] = (uint8_t)(4 + n);
	a[2] = (uint8_t)(id >> 8);
	a[3] = (uint8_t)id;
	b->len += step;
	return a + 4;
}

void
wire_put_raw(struct wbuf *b, int id, const void *v, size_t n)
{
	uint8_t *a = wire_attr_begin(b, id, n);

	if (a)
		memcpy(a, v, n);
}

void
wire_put_u8(struct wbuf *b, int id, uint8_t v)
{
	wire_put_raw(b, id, &v, 1);
}

void
wire_put_be16s(struct wbuf *b, int id, const uint16_t *v, int count)
{
	uint8_t tmp[8];
	int i;

	for (i = 0; i < count; i++) {
		tmp[2 * i] = (uint8_t)(v[i] >> 8);
		tmp[2 * i + 1] = (uint8_t)v[i];
	}
	wire_put_raw(b, id, tmp, 2 * (size_t)count);
}

/* x86 conntrackd's host order for SPAT/DPAT/ICMP_ID (6.1) */
static void
wire_put_le16(struct wbuf *b, int id, uint16_t v)
{
	uint8_t tmp[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	wire_put_raw(b, id, tmp, 2);
}

void
wire_put_be32s(struct wbuf *b, int id, const uint32_t *v, int count)
{
	uint8_t tmp[24];
	int i;

	for (i = 0; i < count; i++) {
		tmp[4 * i] = (uint8_t)(v[i] >> 24);
		tmp[4 * i + 1] = (uint8_t)(v[i] >> 16);
		tmp[4 * i + 2] = (uint8_t)(v[i] >> 8);
		tmp[4 * i + 3] = (uint8_t)v[i];
	}
	wire_put_raw(b, id, tmp, 4 * (size_t)count);
}

void
wire_put_addrs(struct wbuf *b, int id, int family, const union ct_addr *src,
    const union ct_addr *dst)
{
	uint8_t tmp[32];
	size_t n = family == AF_INET6 ? 16 : 4;

	memcpy(tmp, src->v6, n);
	memcpy(tmp + n, dst->v6, n);
	wire_put_raw(b, id, tmp, 2 * n);
}

#define HAS(bit) (o->attrs & CT_BIT(bit))

/* Step 4 of 5.3: the protocol part. */
static void
put_proto(struct wbuf *b, const struct ctobj *o, const struct wire_opts *opt)
{
	uint16_t ports[2] = { o->orig.sport, o->orig.dport };

	switch (o->l4proto) {
	case IPPROTO_TCP: case IPPROTO_SCTP: case IPPROTO_DCCP:
	case IPPROTO_UDP:
		wire_put_be16s(b, CT_A_PORT, ports, 2);
		break;
	case IPPROTO_ICMP: case IPPROTO_ICMPV6:
		if (!HAS(CT_A_ICMP_TYPE))
			return;
		wire_put_u8(b, CT_A_ICMP_TYPE, o->orig.icmp_type);
		wire_put_u8(b, CT_A_ICMP_CODE, o->orig.icmp_code);
		wire_put_le16(b, CT_A_ICMP_ID, o->orig.icmp_id);
		return;
	default:
		return;		/* no ports for other protocols */
	}
	if (o->l4proto == IPPROTO_TCP && HAS(CT_A_TCP_STATE)) {
		wire_put_u8(b, CT_A_TCP_STATE, o->state);
		if (opt->window_tracking) {
			wire_put_u8(b, CT_A_TCP_WSCALE_ORIG, o->wscale_orig);
			wire_put_u8(b, CT_A_TCP_WSCALE_REPL, o->wscale_repl);
		}
	} else if (o->l4proto == IPPROTO_SCTP && HAS(CT_A_SCTP_STATE)) {
		wire_put_u8(b, CT_A_SCTP_STATE, o->state);
		wire_put_be32s(b, CT_A_SCTP_VTAG_ORIG, &o->sctp_vtag_orig, 1);
		wire_put_be32s(b, CT_A_SCTP_VTAG_REPL, &o->sctp_vtag_repl, 1);
	} else if (o->l4proto == IPPROTO_DCCP && HAS(CT_A_DCCP_STATE)) {
		wire_put_u8(b, CT_A_DCCP_STATE, o->state);
		wire_put_u8(b, CT_A_DCCP_ROLE, o->dccp_role);
	}
}

/* Steps 7-13 of 5.3: master, NAT, and the optional extras. */
static void
put_extras(struct wbuf *b, const struct ctobj *o)
{
	if (HAS(CT_A_MASTER_IPV4) || HAS(CT_A_MASTER_IPV6)) {
		uint16_t ports[2] = { o->master.sport, o->master.dport };

		wire_put_addrs(b, o->master_family == AF_INET6 ? CT_A_MASTER_IPV6 :
		    CT_A_MASTER_IPV4, o->master_family, &o->master.src,
		    &o->master.dst);
		wire_put_u8(b, CT_A_MASTER_L4PROTO, o->master_l4proto);
		if (ctobj_has_ports(o->master_l4proto))
			wire_put_be16s(b, CT_A_MASTER_PORT, ports, 2);
	}
	if (HAS(CT_A_SNAT_IPV4)) wire_put_raw(b, CT_A_SNAT_IPV4, &o->snat.v4, 4);
	if (HAS(CT_A_DNAT_IPV4)) wire_put_raw(b, CT_A_DNAT_IPV4, &o->dnat.v4, 4);
	if (HAS(CT_A_SNAT_IPV6)) wire_put_raw(b, CT_A_SNAT_IPV6, o->snat.v6, 16);
	if (HAS(CT_A_DNAT_IPV6)) wire_put_raw(b, CT_A_DNAT_IPV6, o->dnat.v6, 16);
	if (HAS(CT_A_SPAT_PORT)) wire_put_le16(b, CT_A_SPAT_PORT, o->spat);
	if (HAS(CT_A_DPAT_PORT)) wire_put_le16(b, CT_A_DPAT_PORT, o->dpat);
	if (HAS(CT_A_NAT_SEQ_ADJ)) wire_put_be32s(b, CT_A_NAT_SEQ_ADJ, o->seqadj, 6);
	if (HAS(CT_A_HELPER_NAME))
		wire_put_raw(b, CT_A_HELPER_NAME, o->helper, strlen(o->helper) + 1);
	if (HAS(CT_A_LABELS) && o->nlabels > 0)
		wire_put_be32s(b, CT_A_LABELS, o->labels, o->nlabels);
	if (HAS(CT_A_SYNPROXY)) wire_put_be32s(b, CT_A_SYNPROXY, o->synproxy, 3);
	if (HAS(CT_A_ZONE)) wire_put_be16s(b, CT_A_ZONE, &o->zone, 1);
}

void
wire_put_header(uint8_t *p, uint8_t type, uint8_t flags, size_t len,
    uint32_t seq)
{
	p[0] = (uint8_t)(WIRE_VERSION << 4 | (type & 0x0f));
	p[1] = flags;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = (uint8_t)(seq >> 24);
	p[5] = (uint8_t)(seq >> 16);
	p[6] = (uint8_t)(seq >> 8);
	p[7] = (uint8_t)seq;
}

/*
 * Build one conntrack message; returns its length, or 0 if it does not fit
 * in `cap' bytes.
 */
size_t
wire_put_ct(uint8_t *buf, size_t cap, uint8_t type, uint8_t flags,
    uint32_t seq, const struct ctobj *o, const struct wire_opts *opt)
{
	struct wbuf b = { buf, cap, WIRE_HDR_LEN, 0 };

	if (cap < WIRE_HDR_LEN)
		return 0;
	wire_put_addrs(&b, o->family == AF_INET6 ? CT_A_IPV6 : CT_A_IPV4,
	    o->family, &o->orig.src, &o->orig.dst);
	wire_put_be32s(&b, CT_A_STATUS, &o->status, 1);	/* always, 0 if unknown */
	wire_put_u8(&b, CT_A_L4PROTO, o->l4proto);
	put_proto(&b, o, opt);
	if (HAS(CT_A_TIMEOUT) && !opt->omit_timeout)
		wire_put_be32s(&b, CT_A_TIMEOUT, &o->timeout, 1);
	if (HAS(CT_A_MARK))
		wire_put_be32s(&b, CT_A_MARK, &o->mark, 1);
	put_extras(&b, o);
	if (b.overflow || b.len > UINT16_MAX)
		return 0;
	wire_put_header(buf, type, flags, b.len, seq);
	return b.len;
}

/* Build a control message: 16 bytes for ACK/NACK/RESYNC, else 8. */
size_t
wire_put_ctl(uint8_t *buf, size_t cap, uint8_t flags, uint32_t seq,
    uint32_t from, uint32_t to)
{
	size_t len = flags & (WIRE_F_ACK | WIRE_F_NACK | WIRE_F_RESYNC) ?
	    WIRE_CTL_LEN : WIRE_HDR_LEN;
	uint32_t range[2] = { from, to };
	int i;

	if (cap < len)
		return 0;
	wire_put_header(buf, WIRE_CTL, flags, len, seq);
	for (i = 0; len == WIRE_CTL_LEN && i < 2; i++) {
		buf[8 + 4 * i] = (uint8_t)(range[i] >> 24);
		buf[9 + 4 * i] = (uint8_t)(range[i] >> 16);
		buf[10 + 4 * i] = (uint8_t)(range[i] >> 8);
		buf[11 + 4 * i] = (uint8_t)range[i];
	}
	return len;
}

/* An ACK or NACK meant for the node at `family'/`addr' (wire.h). */
size_t
wire_put_ctl_for(uint8_t *buf, size_t cap, uint8_t flags, uint32_t seq,
    uint32_t from, uint32_t to, uint8_t family, const uint8_t addr[16])
{
	size_t alen = family == AF_INET ? 4 : 16;
	size_t len = WIRE_CTL_LEN + alen;

	if (!(flags & (WIRE_F_ACK | WIRE_F_NACK)) || cap < len ||
	    wire_put_ctl(buf, cap, flags, seq, from, to) != WIRE_CTL_LEN)
		return 0;
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	memcpy(buf + WIRE_CTL_LEN, addr, alen);
	return len;
}
