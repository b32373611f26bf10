/*
 * A bulk: every state of this node to the peers (-B, a peer's RESYNC or
 * HELLO).  The internal cache's objects join its send queue; without an
 * internal cache (DisableInternalCache) the kernel's table is dumped
 * and sent as it comes; expectations go at once.
 */
#include "config.h"

#include "syncworker.h"

static int
queue_one(struct cache_obj *co, void *arg)
{
	struct syncw *w = arg;

	if (!co->dead)
		cache_queue(&w->internal, co);
	return 0;
}

static void
bulk_now(struct syncw *w)
{
	if (bypass_on(w))
		bypass_bulk(w);
	else
		cache_walk(&w->internal, queue_one, w);
	if (w->cfg.expect_sync)
		expect_bulk(w);
	w->bulk.pending = 0;
}

/*
 * Bulks a peer may ask for: BULK_BURST at once, then one more each
 * BULK_GAP_MS (a token bucket).  A bulk costs a walk of the whole table,
 * and anyone who can reach the link can send RESYNC or HELLO.
 */
void
sync_bulk_init(struct syncw *w)
{
	w->bulk.tokens = BULK_BURST;
	w->bulk.refilled_ms = mono_ms();
}

static void
refill(struct syncw *w)
{
	uint64_t now = mono_ms(), n;

	if (w->bulk.tokens >= BULK_BURST) {
		w->bulk.refilled_ms = now;
		return;
	}
	if ((n = (now - w->bulk.refilled_ms) / BULK_GAP_MS) == 0)
		return;
	w->bulk.tokens = n >= BULK_BURST - w->bulk.tokens ? BULK_BURST :
	    w->bulk.tokens + (uint32_t)n;
	w->bulk.refilled_ms += n * BULK_GAP_MS;
}

/* -B: the administrator asked, at once. */
void
sync_bulk(struct syncw *w)
{
	bulk_now(w);
}

/* A peer's RESYNC or HELLO: at once while tokens last, else deferred
 * (not lost: it runs with the next token, sync_bulk_due). */
void
sync_bulk_asked(struct syncw *w)
{
	refill(w);
	if (w->bulk.tokens == 0) {
		w->bulk.pending = 1;
		w->bulk.deferred_count++;
		return;
	}
	w->bulk.tokens--;
	bulk_now(w);
}

/* A deferred bulk whose token has come runs; ms until then, or -1. */
int
sync_bulk_due(struct syncw *w)
{
	if (!w->bulk.pending)
		return -1;
	refill(w);
	if (w->bulk.tokens == 0)
		return (int)(BULK_GAP_MS - (mono_ms() - w->bulk.refilled_ms));
	w->bulk.tokens--;
	bulk_now(w);
	return -1;
}
