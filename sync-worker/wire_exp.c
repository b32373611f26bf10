/*
 * Expectations on the wire (wire-protocol.md 6): EXP_NEW, EXP_UPD and
 * EXP_DEL messages, encoded in conntrackd 1.4.7's attribute order so
 * that captures compare byte for byte, decoded at least as strictly as
 * its receiver does.
 */
#include "config.h"

#include <sys/socket.h>

#include <string.h>

#include "wire.h"
#include "wire_attr.h"

enum {
	EA_MASTER_IPV4 = 0, EA_MASTER_IPV6, EA_MASTER_L4PROTO, EA_MASTER_PORT,
	EA_EXPECT_IPV4, EA_EXPECT_IPV6, EA_EXPECT_L4PROTO, EA_EXPECT_PORT,
	EA_MASK_IPV4, EA_MASK_IPV6, EA_MASK_L4PROTO, EA_MASK_PORT,
	EA_TIMEOUT, EA_FLAGS, EA_CLASS, EA_NAT_IPV4, EA_NAT_PORT,
	EA_NAT_L4PROTO, EA_NAT_DIR, EA_HELPER_NAME, EA_FN,
	EA_MAX
};

/* Payload size of each fixed-size attribute; 0 = variable. */
static const uint8_t exp_attr_size[EA_MAX] = {
	[EA_MASTER_IPV4] = 8, [EA_MASTER_IPV6] = 32, [EA_MASTER_L4PROTO] = 1,
	[EA_MASTER_PORT] = 4, [EA_EXPECT_IPV4] = 8, [EA_EXPECT_IPV6] = 32,
	[EA_EXPECT_L4PROTO] = 1, [EA_EXPECT_PORT] = 4, [EA_MASK_IPV4] = 8,
	[EA_MASK_IPV6] = 32, [EA_MASK_L4PROTO] = 1, [EA_MASK_PORT] = 4,
	[EA_TIMEOUT] = 4, [EA_FLAGS] = 4, [EA_CLASS] = 4, [EA_NAT_IPV4] = 8,
	[EA_NAT_PORT] = 4, [EA_NAT_L4PROTO] = 1, [EA_NAT_DIR] = 4,
};
/* Largest variable-size attributes, header included. */
static const uint16_t exp_attr_max[EA_MAX] = {
	[EA_HELPER_NAME] = 16, [EA_FN] = 32,
};

/* One tuple: addresses, protocol, and ports if the master has them. */
static void
put_tuple(struct wbuf *b, int id_v4, const struct ctexp *x,
    const struct ct_tuple *t, uint8_t proto, int ports)
{
	uint16_t p[2] = { t->sport, t->dport };

	wire_put_addrs(b, x->family == AF_INET6 ? id_v4 + 1 : id_v4,
	    x->family, &t->src, &t->dst);
	wire_put_u8(b, id_v4 + 2, proto);
	if (ports)
		wire_put_be16s(b, id_v4 + 3, p, 2);
}

size_t
wire_put_exp(uint8_t *buf, size_t cap, uint8_t type, uint8_t flags,
    uint32_t seq, const struct ctexp *x, const struct wire_opts *opt)
{
	struct wbuf b = { buf, cap, WIRE_HDR_LEN, 0 };
	int ports = ctobj_has_ports(x->master_l4proto);

	if (cap < WIRE_HDR_LEN)
		return 0;
	put_tuple(&b, EA_MASTER_IPV4, x, &x->master, x->master_l4proto, ports);
	put_tuple(&b, EA_EXPECT_IPV4, x, &x->tuple, x->l4proto, ports);
	put_tuple(&b, EA_MASK_IPV4, x, &x->mask, x->mask_l4proto, ports);
	if (CTX_HAS(x, CTX_A_TIMEOUT) && !opt->omit_timeout)
		wire_put_be32s(&b, EA_TIMEOUT, &x->timeout, 1);
	wire_put_be32s(&b, EA_FLAGS, &x->flags, 1);	/* always */
	if (CTX_HAS(x, CTX_A_CLASS))
		wire_put_be32s(&b, EA_CLASS, &x->class, 1);
	/* no IPv6 NAT attribute exists */
	if (CTX_HAS(x, CTX_A_NAT) && x->family == AF_INET) {
		uint16_t p[2] = { x->nat.sport, x->nat.dport };

		wire_put_addrs(&b, EA_NAT_IPV4, AF_INET, &x->nat.src,
		    &x->nat.dst);
		wire_put_u8(&b, EA_NAT_L4PROTO, x->nat_l4proto);
		if (ports)
			wire_put_be16s(&b, EA_NAT_PORT, p, 2);
		wire_put_be32s(&b, EA_NAT_DIR, &x->nat_dir, 1);
	}
	if (CTX_HAS(x, CTX_A_HELPER))
		wire_put_raw(&b, EA_HELPER_NAME, x->helper,
		    strlen(x->helper) + 1);
	if (CTX_HAS(x, CTX_A_FN))
		wire_put_raw(&b, EA_FN, x->fn, strlen(x->fn) + 1);
	if (b.overflow || b.len > UINT16_MAX)
		return 0;
	wire_put_header(buf, type, flags, b.len, seq);
	return b.len;
}

static void
get_pair(struct ctexp *x, int v6, const uint8_t *v, struct ct_tuple *t)
{
	size_t n = v6 ? 16 : 4;

	x->family = v6 ? AF_INET6 : AF_INET;
	memset(&t->src, 0, sizeof(t->src));
	memset(&t->dst, 0, sizeof(t->dst));
	memcpy(t->src.v6, v, n);
	memcpy(t->dst.v6, v + n, n);
}

static void
get_ports(const uint8_t *v, struct ct_tuple *t)
{
	t->sport = wire_be16(v);
	t->dport = wire_be16(v + 2);
}

/* A name the sender ends with a NUL; never trusted to. */
static void
get_name(char *dst, size_t cap, const uint8_t *v, size_t n)
{
	memset(dst, 0, cap);
	memcpy(dst, v, n < cap ? n : cap - 1);
}

static void
get_attr(void *arg, int id, const uint8_t *v, size_t n)
{
	struct ctexp *x = arg;

	switch (id) {
	case EA_MASTER_IPV4: case EA_MASTER_IPV6:
		get_pair(x, id == EA_MASTER_IPV6, v, &x->master);
		break;
	case EA_EXPECT_IPV4: case EA_EXPECT_IPV6:
		get_pair(x, id == EA_EXPECT_IPV6, v, &x->tuple);
		break;
	case EA_MASK_IPV4: case EA_MASK_IPV6:
		get_pair(x, id == EA_MASK_IPV6, v, &x->mask);
		break;
	case EA_NAT_IPV4:
		get_pair(x, 0, v, &x->nat);
		x->attrs |= CTX_BIT(CTX_A_NAT);
		break;
	case EA_MASTER_L4PROTO: x->master_l4proto = v[0]; break;
	case EA_EXPECT_L4PROTO: x->l4proto = v[0]; break;
	case EA_MASK_L4PROTO: x->mask_l4proto = v[0]; break;
	case EA_NAT_L4PROTO: x->nat_l4proto = v[0]; break;
	case EA_MASTER_PORT: get_ports(v, &x->master); break;
	case EA_EXPECT_PORT: get_ports(v, &x->tuple); break;
	case EA_MASK_PORT: get_ports(v, &x->mask); break;
	case EA_NAT_PORT: get_ports(v, &x->nat); break;
	case EA_TIMEOUT:
		x->timeout = wire_be32(v);
		x->attrs |= CTX_BIT(CTX_A_TIMEOUT);
		break;
	case EA_FLAGS:
		x->flags = wire_be32(v);
		x->attrs |= CTX_BIT(CTX_A_FLAGS);
		break;
	case EA_CLASS:
		x->class = wire_be32(v);
		x->attrs |= CTX_BIT(CTX_A_CLASS);
		break;
	case EA_NAT_DIR: x->nat_dir = wire_be32(v); break;
	case EA_HELPER_NAME:
		get_name(x->helper, sizeof(x->helper), v, n);
		if (x->helper[0])
			x->attrs |= CTX_BIT(CTX_A_HELPER);
		break;
	case EA_FN:
		get_name(x->fn, sizeof(x->fn), v, n);
		if (x->fn[0])
			x->attrs |= CTX_BIT(CTX_A_FN);
		break;
	}
}

/*
 * Decode an EXP_NEW/UPD/DEL message into `x'.  Returns 0, or -1 for a
 * malformed payload (the caller counts it).
 */
int
wire_get_exp(const struct wire_msg *m, struct ctexp *x)
{
	const char *why;

	memset(x, 0, sizeof(*x));
	if (wire_walk_attrs(m, exp_attr_size, exp_attr_max, EA_MAX, get_attr,
	    x) == -1)
		return -1;
	return ctexp_valid(x, &why);
}
