/* Anti-replay windows per sender: see replay.h. */
#include "config.h"

#include <string.h>

#include "replay.h"

static uint64_t
inc_start_ms(const uint8_t inc[INCARNATION_LEN])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | inc[i];
	return v;
}

static int
is_retired(const struct replay *r, const uint8_t inc[INCARNATION_LEN])
{
	unsigned int i, n = r->nretired < REPLAY_RETIRED ? r->nretired :
	    REPLAY_RETIRED;

	for (i = 0; i < n; i++)
		if (memcmp(r->retired[i], inc, INCARNATION_LEN) == 0)
			return 1;
	return 0;
}

static void
retire(struct replay *r, const uint8_t inc[INCARNATION_LEN])
{
	memcpy(r->retired[r->nretired++ % REPLAY_RETIRED], inc,
	    INCARNATION_LEN);
}

static struct replay_sender *
by_incarnation(struct replay *r, const uint8_t inc[INCARNATION_LEN])
{
	int i;

	for (i = 0; i < REPLAY_SENDERS; i++)
		if (r->s[i].used && memcmp(r->s[i].inc, inc,
		    INCARNATION_LEN) == 0)
			return &r->s[i];
	return NULL;
}

static struct replay_sender *
by_address(struct replay *r, uint8_t family, const uint8_t addr[16])
{
	int i;

	for (i = 0; i < REPLAY_SENDERS; i++)
		if (r->s[i].used && r->s[i].family == family &&
		    memcmp(r->s[i].addr, addr, 16) == 0)
			return &r->s[i];
	return NULL;
}

/* A free slot, or the one heard from least recently (its incarnation
 * retired: forgetting a sender must not let its datagrams back in). */
static struct replay_sender *
new_sender(struct replay *r, uint8_t family, const uint8_t addr[16])
{
	struct replay_sender *s = NULL;
	int i;

	for (i = 0; i < REPLAY_SENDERS; i++) {
		if (!r->s[i].used) {
			s = &r->s[i];
			break;
		}
		if (s == NULL || r->s[i].last_ms < s->last_ms)
			s = &r->s[i];
	}
	if (s->used)
		retire(r, s->inc);
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->family = family;
	memcpy(s->addr, addr, 16);
	return s;
}

static void
follow(struct replay_sender *s, const uint8_t inc[INCARNATION_LEN])
{
	memcpy(s->inc, inc, INCARNATION_LEN);
	s->top = 0;
	memset(s->bits, 0, sizeof(s->bits));
}

#define BIT_WORD(c)	(((c) % REPLAY_WINDOW) / 64)
#define BIT_MASK(c)	(UINT64_C(1) << ((c) % 64))

/* The sliding window: counters above the top move it forward. */
static enum replay_verdict
window_check(struct replay_sender *s, uint64_t c)
{
	if (c > s->top) {
		uint64_t k;

		if (c - s->top >= REPLAY_WINDOW)
			memset(s->bits, 0, sizeof(s->bits));
		else
			for (k = s->top + 1; k < c; k++)
				s->bits[BIT_WORD(k)] &= ~BIT_MASK(k);
		s->top = c;
		s->bits[BIT_WORD(c)] |= BIT_MASK(c);
		return REPLAY_FRESH;
	}
	if (s->top - c >= REPLAY_WINDOW)
		return REPLAY_TOO_OLD;
	if (s->bits[BIT_WORD(c)] & BIT_MASK(c))
		return REPLAY_SEEN;
	s->bits[BIT_WORD(c)] |= BIT_MASK(c);
	return REPLAY_FRESH;
}

enum replay_verdict
replay_check(struct replay *r, uint8_t family, const uint8_t addr[16],
    const uint8_t inc[INCARNATION_LEN], uint64_t counter, uint64_t now_ms)
{
	struct replay_sender *s;
	enum replay_verdict v;

	if (is_retired(r, inc))
		return REPLAY_RETIRED_INC;
	if ((s = by_incarnation(r, inc)) != NULL) {
		if (s->family != family || memcmp(s->addr, addr, 16) != 0)
			return REPLAY_OTHER_ADDR;
	} else if ((s = by_address(r, family, addr)) != NULL) {
		if (inc_start_ms(inc) <= inc_start_ms(s->inc) &&
		    now_ms - s->last_ms < REPLAY_SILENCE_MS)
			return REPLAY_OLDER_INC;
		retire(r, s->inc);
		r->restarts++;
		follow(s, inc);
	} else {
		s = new_sender(r, family, addr);
		follow(s, inc);
	}
	if ((v = window_check(s, counter)) == REPLAY_FRESH)
		s->last_ms = now_ms;
	return v;
}
