/*
 * What the peers send, applied: a state into the external cache, or with
 * DisableExternalCache straight to the netlink worker (direct.c); an
 * expectation into the external expectation cache, or to the netlink
 * worker likewise.  Every sync mode ends its receive path here.
 * Expectations are checked against what this node's kernel helpers
 * would create (ctexp_acceptable) before they go anywhere.
 */
#include "config.h"

#include <time.h>

#include "log.h"
#include "syncworker.h"

#define REFUSED_LOG_SECS	10	/* between two logs of refusals */

/* A peer's expectation this node would not create: counted, logged at
 * most every REFUSED_LOG_SECS with the last reason. */
static void
refuse_exp(struct syncw *w, const char *why)
{
	uint64_t n;

	w->wire.exp_refused++;
	if (log_rate_due(&w->exp_refused, REFUSED_LOG_SECS, &n))
		log_warnx("%llu expectations from the peers refused, the "
		    "last: %s", (unsigned long long)n, why);
}

/* A peer's EXP_NEW, EXP_UPD or EXP_DEL. */
static void
apply_exp(struct syncw *w, const struct wire_msg *m)
{
	struct ctexp x;
	const char *why;

	if (wire_get_exp(m, &x) == -1) {
		wire_count_payload_error(&w->wire);
		return;
	}
	if (!w->cfg.expect_sync || ctexp_acceptable(&x, &w->cfg.expect,
	    m->type != WIRE_EXP_DEL, &why) == -1) {
		refuse_exp(w, w->cfg.expect_sync ? why :
		    "ExpectationSync is off");
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
		expcache_upsert(&w->exp_external, &x, mono_secs());
}

/* A peer's data message (CT_* or EXP_*), from sender `s'. */
void
sync_apply(struct syncw *w, const struct wire_msg *m, struct sender *s)
{
	unsigned int owner = sender_index(w, s);
	struct ctobj o;

	if (m->type >= WIRE_EXP_NEW) {
		apply_exp(w, m);
		return;
	}
	if (wire_get_ct(m, &o) == -1) {
		wire_count_payload_error(&w->wire);
		return;
	}
	if (w->cfg.disable_external_cache) {
		direct_inject(w, m->type, &o);
		antientropy_injected(w, m->type, &o, owner);
	} else if (m->type == WIRE_CT_DEL)
		cache_delete(&w->external, &o);
	else
		cache_upsert_owned(&w->external, &o, mono_secs(), owner);
}
