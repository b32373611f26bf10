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

void
sync_bulk(struct syncw *w)
{
	if (bypass_on(w))
		bypass_bulk(w);
	else
		cache_walk(&w->internal, queue_one, w);
	if (w->cfg.expect_sync)
		expect_bulk(w);
}
