/*
 * ctsyncd's messages to ctsyncd peers, inside the 1.4.7 protocol: an
 * ALIVE control message with a payload.  conntrackd 1.4.7 takes an ALIVE
 * of any length (`len' >= 8) and skips what follows its header without
 * counting anything (checked on the wire: tests/integration/
 * anti-entropy.sh), whereas a message type it does not know is counted
 * as a malformed header.  Payload, after the 8-byte header:
 *
 *   0  4  magic "CTSY"
 *   4  1  version (1)
 *   5  1  kind (enum wire_ext_kind)
 *   6  2  node id (u16 BE): CAPS, DIGEST, DONE: the sender's; DIFF: the
 *         id of the node whose DIGEST it answers (several nodes on a
 *         multicast group hear it; 0: whoever, as version 1 at first)
 *   8  4  epoch (u32 BE): the digest round it belongs to
 *  12     CAPS: nothing more; DIGEST: objects (u32 BE) and CACHE_RANGES
 *         range sums (u32 BE); DIFF, DONE: a bitmap of the ranges, 32
 *         bytes, range r in byte r / 8, bit r % 8
 */
#ifndef CTSYNCD_WIRE_EXT_H
#define CTSYNCD_WIRE_EXT_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"

#define WIRE_EXT_VERSION	1
#define WIRE_EXT_HDR		12	/* payload header */
#define WIRE_EXT_BITMAP		(CACHE_RANGES / 8)
#define WIRE_EXT_MAX		(8 + WIRE_EXT_HDR + 4 + 4 * CACHE_RANGES)

enum wire_ext_kind {
	WX_CAPS = 1,		/* "I am ctsyncd and compare digests" */
	WX_DIGEST,		/* my internal cache, by range */
	WX_DIFF,		/* these ranges of my copy of yours differ */
	WX_DONE			/* those ranges were sent again */
};

struct wire_ext {
	uint8_t		 kind;
	uint16_t	 node;
	uint32_t	 epoch;
	uint32_t	 count;				/* DIGEST */
	uint32_t	 sums[CACHE_RANGES];		/* DIGEST */
	uint8_t		 bits[WIRE_EXT_BITMAP];		/* DIFF, DONE */
};

struct wire_msg;

/* 1 if the message is one of ours (then *x holds it), 0 if it is a
 * plain ALIVE or someone else's payload, -1 if ours but malformed. */
int	 wire_ext_get(const struct wire_msg *, struct wire_ext *);
/* The payload of `x' (without the 8-byte header); its length. */
size_t	 wire_ext_put(uint8_t *buf, size_t cap, const struct wire_ext *);

static inline int
wire_ext_bit(const uint8_t *bits, unsigned int r)
{
	return (bits[r / 8] >> (r % 8)) & 1;
}

static inline void
wire_ext_set(uint8_t *bits, unsigned int r)
{
	bits[r / 8] |= (uint8_t)(1u << (r % 8));
}

#endif
