/*
 * Mode ALARM (wire-protocol.md 10): no acknowledgements at all; instead
 * every state is announced again and again.  Each internal-cache object
 * has a refresh time, set on creation and on each update to a random
 * 1..RefreshTime seconds plus 0.2..1 s ahead; when it comes the object is
 * queued again (NEW or UPD, as it stands).  The receiver drops an
 * external-cache state not heard of for CacheTimeout seconds.  No ALIVE,
 * RESYNC is ignored, -n and -B do nothing; a message with any flag is
 * control and ignored, the sequence is not tracked.
 *
 * Both timers are served by walking the caches a slice at a time, so
 * that each cache is walked once a second whatever its size, rather than
 * by a timer per object.  Expectations (ExpectationSync) get the same
 * treatment, their few caches walked whole once a round.
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "syncworker.h"

#define ALARM_SLICES	5		/* slices per second */
#define ALARM_SLICE_MS	(1000 / ALARM_SLICES)

static void
alarm_init(struct syncw *w)
{
	srandom((unsigned)time(NULL) ^ (uint32_t)mono_ms());
	w->alarm.next_slice = (uint32_t)mono_ms();
}

/* The next refresh of an object just created or updated (or dumped). */
static void
alarm_arm(struct syncw *w, struct cache_obj *co, time_t now)
{
	uint32_t refresh = w->cfg.refresh_time ? w->cfg.refresh_time : 1;

	/* 1..RefreshTime s; the once-a-second walk adds up to 1 s more,
	 * as 1.4.7 adds 0.2..1 s */
	co->alarm = (uint32_t)now + 1 + (uint32_t)random() % refresh;
}

static int
refresh_one(struct cache_obj *co, void *arg)
{
	struct syncw *w = arg;

	if (!co->dead && (int32_t)(co->alarm - (uint32_t)w->alarm.now) <= 0) {
		cache_queue(&w->internal, co);
		alarm_arm(w, co, w->alarm.now);
	}
	return 0;
}

static int
expire_one(struct cache_obj *co, void *arg)
{
	struct syncw *w = arg;

	return (uint32_t)w->alarm.now - co->touched >= w->cfg.cache_timeout;
}

/* The expectations (they are few: all of them, each second). */
static void
exp_refresh_one(struct exp_entry *e, void *arg)
{
	struct syncw *w = arg;
	uint32_t refresh = w->cfg.refresh_time ? w->cfg.refresh_time : 1;

	if (e->refresh_at > w->alarm.now)
		return;
	if (e->refresh_at != 0)
		send_exp(w, &e->x, WIRE_EXP_NEW);
	e->refresh_at = w->alarm.now + 1 + (time_t)(random() % refresh);
}

static void
exp_expire_one(struct exp_entry *e, void *arg)
{
	struct syncw *w = arg;

	if (w->alarm.now - e->touched >= (time_t)w->cfg.cache_timeout) {
		expcache_delete(&w->exp_external, &e->x);
		w->alarm.expired++;
	}
}

/* One slice of each cache, when due. */
static void
alarm_tick(struct syncw *w)
{
	struct cache *in = &w->internal, *ex = &w->external;
	uint32_t now = (uint32_t)mono_ms();

	if ((int32_t)(now - w->alarm.next_slice) < 0)
		return;
	w->alarm.next_slice = now + ALARM_SLICE_MS;
	w->alarm.now = mono_secs();
	cache_scan(in, &w->alarm.internal_cursor,
	    in->nbuckets / ALARM_SLICES + 1, refresh_one, w);
	w->alarm.expired += cache_scan(ex, &w->alarm.external_cursor,
	    ex->nbuckets / ALARM_SLICES + 1, expire_one, w);
	if (w->cfg.expect_sync && w->alarm.slice++ % ALARM_SLICES == 0) {
		expcache_walk(&w->exp_internal, exp_refresh_one, w);
		expcache_walk(&w->exp_external, exp_expire_one, w);
	}
}

/* What is due goes out: no heartbeat, no resending. */
static void
alarm_run(struct syncw *w)
{
	alarm_tick(w);
	send_controls(w);
	send_queue(w, SEND_BURST);
	send_flush(w);
}

/* Milliseconds until the next slice, or 0 while the send queue waits. */
static int
alarm_timeout_ms(struct syncw *w)
{
	int32_t left = (int32_t)(w->alarm.next_slice - (uint32_t)mono_ms());

	if (send_queue_ready(w))
		return 0;
	return left > 0 ? left : 0;
}

/* Flag-less messages are data; anything flagged is control, ignored. */
static void
alarm_recv(struct syncw *w, const struct wire_msg *m, struct sender *from)
{
	if (m->flags != 0)
		return;
	if (m->type > WIRE_EXP_DEL) {
		w->wire.bad_type++;
		w->wire.malformed++;
		return;
	}
	sync_apply(w, m, from);
}

const struct sync_mode sync_mode_alarm = {
	.name = "ALARM",
	.init = alarm_init,
	.recv = alarm_recv,
	.run = alarm_run,
	.timeout_ms = alarm_timeout_ms,
	.changed = alarm_arm,
};
