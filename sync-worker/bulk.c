/*
 * A bulk: every state of this node to the peers (-B, a peer's RESYNC or
 * HELLO).  The internal cache's objects join its send queue; without an
 * internal cache (DisableInternalCache) the kernel's table is dumped
 * and sent as it comes; expectations go at once.
 */
#include "config.h"

#include <time.h>

#include "syncworker.h"

static int
queue_one(struct cache_obj *co, void *arg)
{
	struct syncw *w = arg;

	if (!co->dead)
		cache_queue(&w->internal, co);
	return 0;
}

static uint64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
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
	w->bulk.last_ms = now_ms();
	w->bulk.pending = 0;
}

/* -B: the administrator asked, at once. */
void
sync_bulk(struct syncw *w)
{
	bulk_now(w);
}

/*
 * A peer's RESYNC or HELLO.  A bulk costs a walk of the whole table: one
 * every BULK_GAP_MS at most, so that a flood of them (anyone who can
 * reach the link can send them) costs one bulk per gap.  A request in
 * between is not lost: it runs when the gap is over (sync_bulk_due).
 */
void
sync_bulk_asked(struct syncw *w)
{
	if (w->bulk.last_ms != 0 && now_ms() - w->bulk.last_ms < BULK_GAP_MS) {
		w->bulk.pending = 1;
		w->bulk.deferred_count++;
		return;
	}
	bulk_now(w);
}

/* A deferred bulk whose time has come runs; ms until the next, or -1. */
int
sync_bulk_due(struct syncw *w)
{
	uint64_t since;

	if (!w->bulk.pending)
		return -1;
	if ((since = now_ms() - w->bulk.last_ms) >= BULK_GAP_MS) {
		bulk_now(w);
		return -1;
	}
	return (int)(BULK_GAP_MS - since);
}
