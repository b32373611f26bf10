/*
 * Who sends to us (senders.c).  A UDP or TCP link has one peer; a
 * multicast segment may hold several nodes (conntrackd's multiprimary
 * set-up), each with its own sequence numbers.  1.4.7 keeps one sequence
 * state for all of them (wire-protocol.md 7) and so takes one node's
 * messages for another's losses; here each sender has its own record,
 * keyed by its source address on a multicast link.
 */
#ifndef CTSYNCD_SENDERS_H
#define CTSYNCD_SENDERS_H

#include <stdint.h>

#include "cache.h"

#define SENDERS_MAX	CACHE_OWNERS	/* the external cache's owners */
/* A sender heard this recently counts as present (idle FT-FW and
 * NOTRACK nodes say something every second). */
#define SENDER_LIVE_MS	3000

/* Anti-entropy (antientropy.c): a ctsyncd node's digests of its table,
 * compared with our copy of it. */
struct sender_ae {
	uint64_t	 seen_ms;	/* its last CAPS; 0: not a ctsyncd node */
	int		 verified;	/* its last digest matched our copy */
	uint64_t	 verified_ms;
	uint32_t	 diff_at[CACHE_RANGES];	/* mono s of our first DIFF */
	uint8_t		 sweep_bits[CACHE_RANGES / 8];
	uint64_t	 sweep_at_ms;	/* 0: no sweep due */
};

struct sender {
	uint64_t	 heard_ms;	/* monotonic; 0: a free record */
	uint8_t		 family;	/* 0: the peer of a UDP or TCP link */
	uint8_t		 addr[16];	/* its source address (multicast) */
	uint8_t		 link;		/* where it was heard last */
	/* its sequence as received (FT-FW, NOTRACK) */
	int		 have_last;
	uint32_t	 last;
	/* FT-FW receiving: the ACK to send it, its HELLO, the window */
	int		 ack_pending;
	uint32_t	 ack_from;
	uint32_t	 window;
	int		 in_hello;
	uint32_t	 run, run_next;	/* far from the window, in sequence */
	/* FT-FW: what it acknowledged of our sequence (several senders) */
	int		 have_acked;
	uint32_t	 acked;
	struct sender_ae ae;
};

struct senders {
	struct sender	 s[SENDERS_MAX];
	uint64_t	 too_many;	/* messages of a sender with no room */
};

struct syncw;
struct sender *senders_get(struct syncw *, int link, uint8_t family,
	    const uint8_t addr[16]);
int	 senders_live(const struct syncw *);
int	 sender_is_live(const struct sender *, uint64_t now_ms);
/* Its record's number: the owner of what it sent in the external cache. */
unsigned int sender_index(const struct syncw *, const struct sender *);
void	 sender_needs_from_now(const struct syncw *, struct sender *);

#endif
