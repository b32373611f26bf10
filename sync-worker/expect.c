/*
 * ExpectationSync: this node's expectations (from the netlink worker,
 * those of the listed helpers) are kept in the internal expectation
 * cache when their master is in the internal cache, and sent to the
 * peers at once as EXP_NEW or EXP_DEL; a bulk sends them all.  The
 * peers' go to the external expectation cache, committed after the
 * conntrack entries (-c), or with DisableExternalCache straight to the
 * netlink worker, which creates them in the kernel.  The kernel reports no updates of an
 * expectation: it is created, and it goes.
 */
#include "config.h"

#include <time.h>

#include "log.h"
#include "syncworker.h"

void
expect_init(struct syncw *w)
{
	expcache_init(&w->exp_internal, "internal", w->cfg.hashlimit);
	expcache_init(&w->exp_external, "external", w->cfg.hashlimit);
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
		if (sync_on(w) && w->self_change != SELF_FLUSH + 1 &&
		    w->self_change != SELF_FLUSH_FILTERED + 1)
			ftfw_send_exp(w, &ev->x, WIRE_EXP_DEL);
		return;
	}
	/* as conntrackd: only with its master known here */
	ctexp_master(&ev->x, &master);
	if (cache_find(&w->internal, &master) == NULL) {
		w->exp_internal.st.create_nospace++;
		return;
	}
	if (expcache_upsert(&w->exp_internal, &ev->x, time(NULL)) == NULL)
		return;
	/* the start-up dump waits for a bulk; our commit's came from peers */
	if (ev->kind == CTE_DUMP || !sync_on(w) ||
	    (w->self_change >= SELF_COMMIT_ALL + 1 &&
	    expcache_find(&w->exp_external, &ev->x)))
		return;
	ftfw_send_exp(w, &ev->x, WIRE_EXP_NEW);
}

static void
bulk_one(struct exp_entry *e, void *arg)
{
	ftfw_send_exp(arg, &e->x, WIRE_EXP_NEW);
}

/* A bulk (-B, a peer's RESYNC or HELLO): every expectation we hold. */
void
expect_bulk(struct syncw *w)
{
	expcache_walk(&w->exp_internal, bulk_one, w);
}

/* A peer's EXP_NEW, EXP_UPD or EXP_DEL. */
void
expect_recv(struct syncw *w, const struct wire_msg *m)
{
	struct ctexp x;

	if (wire_get_exp(m, &x) == -1) {
		wire_count_payload_error(&w->wire);
		return;
	}
	if (w->cfg.disable_external_cache) {
		struct exp_event ev = { m->type == WIRE_EXP_DEL ?
		    CTE_DESTROY : CTE_NEW, x };

		direct_flush(w);	/* the entries before it go first */
		msg_send_exp_event(&w->peer, &ev);
		return;
	}
	if (m->type == WIRE_EXP_DEL)
		expcache_delete(&w->exp_external, &x);
	else
		expcache_upsert(&w->exp_external, &x, time(NULL));
}
