/*
 * ExpectationSync: this node's expectations (from the netlink worker,
 * those of the listed helpers) are kept in the internal expectation
 * cache when their master is in the internal cache, and sent to the
 * peers at once as EXP_NEW or EXP_DEL; a bulk sends them all.  (The
 * peers' are applied in apply.c.)  The kernel reports no updates of an
 * expectation: it is created, and it goes.
 */
#include "config.h"

#include <time.h>

#include "log.h"
#include "syncworker.h"

void
expect_init(struct syncw *w)
{
	expcache_init(&w->exp_internal, "internal", w->cfg.hashsize,
	    w->cfg.hashlimit, w->hash_key);
	expcache_init(&w->exp_external, "external", w->cfg.hashsize,
	    w->cfg.hashlimit, w->hash_key);
}

/* An expectation event or dumped expectation from the netlink worker. */
void
expect_event(struct syncw *w, const struct exp_event *ev)
{
	struct ctobj master;
	const char *why;

	if (ctexp_valid(&ev->x, &why) == -1) {
		if (w->rejected++ == 0)
			log_warnx("expectation from the kernel side refused: "
			    "%s", why);
		return;
	}
	if (ev->kind == CTE_DESTROY) {
		if (!expcache_delete(&w->exp_internal, &ev->x))
			return;
		if (sync_on(w) && !self_flushing(w))
			send_exp(w, &ev->x, WIRE_EXP_DEL);
		return;
	}
	/* as conntrackd: only with its master known here */
	ctexp_master(&ev->x, &master);
	if (cache_find(&w->internal, &master) == NULL) {
		w->exp_internal.st.create_nospace++;
		return;
	}
	if (expcache_upsert(&w->exp_internal, &ev->x, mono_secs()) == NULL)
		return;
	/* the start-up dump waits for a bulk; our commit's came from peers */
	if (ev->kind == CTE_DUMP || !sync_on(w) ||
	    (self_committing(w, 1) &&
	    expcache_find(&w->exp_external, &ev->x)))
		return;
	send_exp(w, &ev->x, WIRE_EXP_NEW);
}

static void
bulk_one(struct exp_entry *e, void *arg)
{
	send_exp(arg, &e->x, WIRE_EXP_NEW);
}

/* A bulk (-B, a peer's RESYNC or HELLO): every expectation we hold. */
void
expect_bulk(struct syncw *w)
{
	expcache_walk(&w->exp_internal, bulk_one, w);
}
