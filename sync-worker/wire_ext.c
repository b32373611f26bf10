/*
 * ctsyncd's payload on ALIVE messages (wire_ext.h): encoded and decoded
 * with explicit byte order, every length checked.
 */
#include "config.h"

#include <string.h>

#include "wire.h"
#include "wire_ext.h"

static const uint8_t magic[4] = { 'C', 'T', 'S', 'Y' };

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static size_t
body_len(uint8_t kind)
{
	switch (kind) {
	case WX_CAPS:
		return 0;
	case WX_DIGEST:
		return 4 + 4 * CACHE_RANGES;
	case WX_DIFF: case WX_DONE:
		return WIRE_EXT_BITMAP;
	}
	return (size_t)-1;
}

int
wire_ext_get(const struct wire_msg *m, struct wire_ext *x)
{
	const uint8_t *p = m->p + WIRE_HDR_LEN;
	size_t n = m->len > WIRE_HDR_LEN ? m->len - WIRE_HDR_LEN : 0;
	int i;

	if (n < WIRE_EXT_HDR || memcmp(p, magic, 4) != 0)
		return 0;
	if (p[4] != WIRE_EXT_VERSION)
		return 0;	/* a later version's: not for us to judge */
	memset(x, 0, sizeof(*x));
	x->kind = p[5];
	x->node = (uint16_t)(p[6] << 8 | p[7]);
	x->epoch = be32(p + 8);
	if (body_len(x->kind) == (size_t)-1 ||
	    n != WIRE_EXT_HDR + body_len(x->kind))
		return -1;
	p += WIRE_EXT_HDR;
	if (x->kind == WX_DIGEST) {
		x->count = be32(p);
		for (i = 0; i < CACHE_RANGES; i++)
			x->sums[i] = be32(p + 4 + 4 * i);
	} else if (x->kind == WX_DIFF || x->kind == WX_DONE)
		memcpy(x->bits, p, WIRE_EXT_BITMAP);
	return 1;
}

size_t
wire_ext_put(uint8_t *buf, size_t cap, const struct wire_ext *x)
{
	size_t n = body_len(x->kind);
	int i;

	if (n == (size_t)-1 || cap < WIRE_EXT_HDR + n)
		return 0;
	memcpy(buf, magic, 4);
	buf[4] = WIRE_EXT_VERSION;
	buf[5] = x->kind;
	buf[6] = (uint8_t)(x->node >> 8);
	buf[7] = (uint8_t)x->node;
	put32(buf + 8, x->epoch);
	if (x->kind == WX_DIGEST) {
		put32(buf + WIRE_EXT_HDR, x->count);
		for (i = 0; i < CACHE_RANGES; i++)
			put32(buf + WIRE_EXT_HDR + 4 + 4 * i, x->sums[i]);
	} else if (n)
		memcpy(buf + WIRE_EXT_HDR, x->bits, WIRE_EXT_BITMAP);
	return WIRE_EXT_HDR + n;
}
