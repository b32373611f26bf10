/*
 * libFuzzer target: the authenticated receive path (sync-worker/
 * link_auth.c, replay.c).  The first byte picks what the rest is:
 *
 * - even: one frame from the link, opened by a receiver holding two keys.
 *   It must not read out of bounds, and whatever it is, it may only open
 *   if it is a frame a key holder sealed: the fuzzer cannot forge one, so
 *   a frame it builds is only accepted when it embeds one of the genuine
 *   frames sealed below (the corpus may learn them).
 * - odd: a sequence of (address, incarnation, counter, clock step) records
 *   driven through the anti-replay windows; the property checked is the
 *   one that matters: no (incarnation, counter) is ever accepted twice.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "link_auth.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t peer[16] = { 10, 99, 0, 1 };

static void
keys_of(struct link_auth *a, uint8_t first, uint8_t second, int n)
{
	struct link_keys k;

	memset(&k, 0, sizeof(k));
	k.n = (uint8_t)n;
	memset(k.key[0], first, LINK_KEY_LEN);
	memset(k.key[1], second, LINK_KEY_LEN);
	auth_set_keys(a, &k);
}

static void
one_frame(const uint8_t *data, size_t size)
{
	static struct link_auth rx, tx;
	static int ready;
	static uint8_t out[65536];
	size_t len;

	if (!ready) {
		uint8_t rnd[8] = { 1 };

		if (sodium_init() == -1)
			abort();
		auth_init(&tx, 1000, rnd);
		keys_of(&tx, 0x11, 0, 1);
		rnd[0] = 2;
		auth_init(&rx, 2000, rnd);
		keys_of(&rx, 0x22, 0x11, 2);
		ready = 1;
	}
	if (size > sizeof(out))
		return;
	if (auth_open(&rx, AF_INET, peer, data, size, out, &len, 1) ==
	    AUTH_OK && len + AUTH_OVERHEAD != size)
		abort();	/* opened, but not as long as it was sealed */
}

/* Accepted pairs, to find one accepted twice. */
#define SEEN_MAX 4096
static struct { uint8_t inc; uint64_t c; } seen[SEEN_MAX];
static size_t nseen;

static void
replay_sequence(const uint8_t *p, size_t n)
{
	static struct replay r;
	uint8_t inc[INCARNATION_LEN], addr[16];
	uint64_t now = 1;
	size_t i;

	memset(&r, 0, sizeof(r));
	nseen = 0;
	for (; n >= 6; p += 6, n -= 6) {
		/* 8 incarnations (so that none is forgotten: REPLAY_RETIRED),
		 * each with its own start time, not in the same order */
		uint8_t which = p[1] & 7;
		uint64_t c = (uint64_t)p[2] << 8 | p[3];

		memset(addr, 0, sizeof(addr));
		addr[0] = p[0] & 3;		/* 4 senders */
		memset(inc, 0, sizeof(inc));
		inc[7] = (uint8_t)((which * 5) % 8);	/* start time */
		inc[15] = which;
		if (p[4] & 0x80)
			c += (uint64_t)(p[4] & 0x7f) << 16;
		now += (uint64_t)p[5] * 1000;
		if (replay_check(&r, AF_INET, addr, inc, c, now) !=
		    REPLAY_FRESH)
			continue;
		for (i = 0; i < nseen; i++)
			if (seen[i].inc == which && seen[i].c == c)
				abort();	/* a replay got through */
		if (nseen < SEEN_MAX) {
			seen[nseen].inc = which;
			seen[nseen++].c = c;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		replay_sequence(data + 1, size - 1);
	else
		one_frame(data + 1, size - 1);
	return 0;
}
