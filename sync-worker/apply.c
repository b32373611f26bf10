/*
 * What the peers send, applied: a state into the external cache, or with
 * DisableExternalCache straight to the netlink worker (direct.c); an
 * expectation into the external expectation cache, or to the netlink
 * worker likewise.  Every sync mode ends its receive path here.
 * Expectations are checked against what this node's kernel helpers
 * would create (ctexp_acceptable) before they go anywhere.
 *
 * A datagram holds a dozen states or more, and each costs the external
 * cache two memory reads that miss (its bucket, the object there): a
 * third of a backup's time, taken one after the other.  So before a
 * datagram's messages are delivered, sync_apply_ahead() parses its
 * states and has the processor fetch all their buckets, then all the
 * objects in them; sync_apply() takes each parsed state as its message
 * comes, and parses only the messages that were not read ahead.
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

/* Message `m''s state parsed, packed and hashed into `e'; 0 if its
 * payload is bad (counted when it is applied). */
static int
read_state(struct syncw *w, const struct wire_msg *m, struct ahead_state *e)
{
	e->bad = wire_get_ct(m, &e->o) == -1;
	if (!e->bad)
		cache_prepare(&w->external, &e->o, &e->k);
	return !e->bad;
}

/*
 * Read ahead the states of the datagram (or stream bytes) `p': what is
 * parsed here is only counted if sync_apply() gets to it, as a mode may
 * drop a message first (FT-FW: out of sequence).
 */
void
sync_apply_ahead(struct syncw *w, const uint8_t *p, size_t left, int stream)
{
	struct wire_counters scratch;	/* counted when delivered */
	int i, deliver;

	w->ahead.n = w->ahead.next = 0;
	if (w->cfg.disable_external_cache || w->mode == NULL)
		return;
	while (left > 0 && w->ahead.n < APPLY_AHEAD) {
		struct ahead_state *e = &w->ahead.e[w->ahead.n];
		struct wire_msg m;
		size_t step;

		if ((stream && wire_incomplete(p, left)) ||
		    (step = wire_next(p, left, &m, &deliver, &scratch)) == 0)
			break;
		if (deliver && m.type < WIRE_EXP_NEW &&
		    wire_classify(&m) == WK_DATA) {
			e->p = p;
			if (read_state(w, &m, e))
				cache_prefetch(&w->external, &e->k, 0);
			w->ahead.n++;
		}
		p += step;
		left -= step;
	}
	for (i = 0; i < w->ahead.n; i++)
		if (!w->ahead.e[i].bad)
			cache_prefetch(&w->external, &w->ahead.e[i].k, 1);
	w->ahead.now = mono_secs();
}

/* The datagram is done: its buffer will hold the next one. */
void
sync_apply_ahead_end(struct syncw *w)
{
	w->ahead.n = w->ahead.next = 0;
}

/* The state read ahead for message `m', if it was. */
static struct ahead_state *
ahead_of(struct syncw *w, const struct wire_msg *m)
{
	while (w->ahead.next < w->ahead.n &&
	    w->ahead.e[w->ahead.next].p < m->p)
		w->ahead.next++;	/* dropped by the mode */
	if (w->ahead.next < w->ahead.n && w->ahead.e[w->ahead.next].p == m->p)
		return &w->ahead.e[w->ahead.next++];
	return NULL;
}

/* A peer's state into the external cache, read ahead or not. */
static void
apply_ct(struct syncw *w, const struct wire_msg *m, unsigned int owner)
{
	struct ahead_state *e = ahead_of(w, m), now_read;

	if (e == NULL) {
		e = &now_read;
		read_state(w, m, e);
	}
	if (e->bad)
		wire_count_payload_error(&w->wire);
	else if (m->type == WIRE_CT_DEL)
		cache_delete_prepared(&w->external, &e->k);
	else
		cache_upsert_prepared(&w->external, &e->k, &e->o,
		    e == &now_read ? mono_secs() : w->ahead.now, owner);
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
	if (!w->cfg.disable_external_cache) {
		apply_ct(w, m, owner);
		return;
	}
	if (wire_get_ct(m, &o) == -1) {
		wire_count_payload_error(&w->wire);
		return;
	}
	direct_inject(w, m->type, &o);
	antientropy_injected(w, m->type, &o, owner);
}
