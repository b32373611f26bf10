/*
 * Hot standby (DisableExternalCache on, FT-FW or NOTRACK): the peers
 * write our states straight into their kernels, whose timers run down.
 * Ours are pushed back by every packet, but a packet that changes
 * nothing conntrack reports (a quiet UDP flow, an established TCP
 * connection) brings no event, so nothing is sent, and a standby's copy
 * would expire while the connection lives here: after a takeover its
 * packets would meet no state.  So each entry is sent again (UPD, with
 * the timeout its last event reported) once half of that timeout has
 * passed since it was last sent, until the kernel says it is gone.
 *
 * The peers run the same configuration (hot standby is symmetric), so
 * a node with the clause keeps its peers' copies alive.
 *
 * Not while standing down (a -t purge pending: primary-backup.sh made
 * this node backup or fault): its table is stale then, the connections
 * live on the new primary, and what it would send (a refresh of an old
 * state, the DEL of an entry that ran out here for want of traffic)
 * would go straight into the new primary's kernel.  keepalive_holds_del()
 * keeps such DELs here; the purge then empties the table.  The internal
 * cache is walked a slice at a time, the whole of it every
 * KEEPALIVE_ROUND_SECS, with the `alarm' field that only ALARM uses;
 * only groups of buckets with an entry due are visited (group_due: an
 * established TCP connection is due after days, and a walk of every
 * entry every round cost the primary 8 ms of CPU a second at 250,000).
 */
#include "config.h"

#include <stdlib.h>

#include "log.h"
#include "syncworker.h"

#define KEEPALIVE_SLICES	10	/* per round */
#define KEEPALIVE_ROUND_SECS	2	/* the whole cache visited */
#define KEEPALIVE_GROUP		64	/* buckets that share a due time */

int
keepalive_on(const struct syncw *w)
{
	return w->cfg.disable_external_cache && (w->cfg.mode == MODE_FTFW ||
	    w->cfg.mode == MODE_NOTRACK);
}

/*
 * The group table, sized for the internal cache as it is now; after the
 * table grew every group is visited once (due 1: long past), which finds
 * each group's earliest time again.
 */
static int
groups_fit(struct syncw *w)
{
	struct cache *in = &w->internal;
	uint32_t i, n = in->nbuckets / KEEPALIVE_GROUP + 1;
	uint32_t *g;

	if (w->keepalive.nbuckets == in->nbuckets && w->keepalive.group_due)
		return 0;
	if ((g = reallocarray(w->keepalive.group_due, n, sizeof(*g))) == NULL) {
		log_warnx("keepalive: no memory for %u groups", n);
		return -1;
	}
	for (i = 0; i < n; i++)
		g[i] = 1;
	w->keepalive.group_due = g;
	w->keepalive.groups = n;
	w->keepalive.nbuckets = in->nbuckets;
	w->keepalive.cursor = 0;
	return 0;
}

/* An object just sent: when to send it again (0: never, no timeout). */
void
keepalive_arm(struct syncw *w, struct cache_obj *co, const struct ctobj *o)
{
	uint32_t *due;

	if (!keepalive_on(w))
		return;		/* ALARM keeps its own times there */
	if (!(o->attrs & CT_BIT(CT_A_TIMEOUT)) || o->timeout == 0) {
		co->alarm = 0;
		return;
	}
	co->alarm = (uint32_t)mono_secs() + (o->timeout / 2 ? o->timeout / 2 :
	    1);
	if (groups_fit(w) == -1)
		return;
	due = &w->keepalive.group_due[co->hash % w->internal.nbuckets /
	    KEEPALIVE_GROUP];
	if (*due == 0 || (int32_t)(co->alarm - *due) < 0)
		*due = co->alarm;
}

/* Queued if due; else its time counts in its group's earliest. */
static int
due(struct cache_obj *co, void *arg)
{
	struct syncw *w = arg;
	uint32_t *earliest = &w->keepalive.earliest;

	if (co->alarm == 0 || co->dead)
		return 0;
	if (!co->queued && (int32_t)(co->alarm - w->keepalive.now) <= 0) {
		co->alarm = 0;		/* armed again when sent */
		cache_queue(&w->internal, co);
		w->keepalive.sent++;
	} else if (*earliest == 0 || (int32_t)(co->alarm - *earliest) < 0)
		*earliest = co->alarm;
	return 0;
}

/* A DESTROY from the kernel while standing down: not for the peers. */
int
keepalive_holds_del(struct syncw *w)
{
	if (!keepalive_on(w) || !w->standing_down)
		return 0;
	w->keepalive.held++;
	return 1;
}

/* Milliseconds until the next slice (-1: none). */
int
keepalive_due_ms(const struct syncw *w)
{
	int32_t left;

	if (!keepalive_on(w))
		return -1;
	left = (int32_t)(w->keepalive.next_slice_ms - (uint32_t)mono_ms());
	return left > 0 ? left : 0;
}

/* One slice of the internal cache, when due. */
void
keepalive_tick(struct syncw *w)
{
	uint32_t n, now = (uint32_t)mono_ms();
	struct cache *in = &w->internal;

	if (!keepalive_on(w) || w->standing_down ||
	    (int32_t)(now - w->keepalive.next_slice_ms) < 0)
		return;
	w->keepalive.next_slice_ms = now +
	    KEEPALIVE_ROUND_SECS * 1000 / KEEPALIVE_SLICES;
	w->keepalive.now = (uint32_t)mono_secs();
	if (groups_fit(w) == -1) {	/* every bucket, as without groups */
		cache_scan(in, &w->keepalive.cursor,
		    in->nbuckets / KEEPALIVE_SLICES + 1, due, w);
		return;
	}
	for (n = w->keepalive.groups / KEEPALIVE_SLICES + 1; n > 0; n--) {
		uint32_t g = w->keepalive.cursor++ % w->keepalive.groups;
		uint32_t *gd = &w->keepalive.group_due[g], bucket;

		if (*gd == 0 || (int32_t)(*gd - w->keepalive.now) > 0)
			continue;
		if ((bucket = g * KEEPALIVE_GROUP) >= in->nbuckets) {
			*gd = 0;	/* the slack group past the end */
			continue;
		}
		w->keepalive.earliest = 0;
		cache_scan(in, &bucket, in->nbuckets - bucket < KEEPALIVE_GROUP ?
		    in->nbuckets - bucket : KEEPALIVE_GROUP, due, w);
		*gd = w->keepalive.earliest;
	}
}
