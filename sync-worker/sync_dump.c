/*
 * `-i' and `-e': a cache printed line by line exactly as conntrackd 1.4.7
 * prints it: libnetfilter_conntrack's text (or XML) for the object without
 * its timeout, then, in text, conntrackd's ` [active since Ns]'.  Lines go
 * to the supervisor in CTL_TEXT chunks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ct_nfct.h"
#include "log.h"
#include "syncworker.h"

#define DUMP_LINE_MAX	1024	/* conntrackd's own line buffer */
#define DUMP_CHUNK	8192	/* text per CTL_TEXT message */
#define DUMP_PART	(64 * 1024)	/* text per part of a paced dump */

/* A part of an answer to the request being answered (w->answering). */
void
sync_answer_block(struct syncw *w, const struct stats_block *b)
{
	msg_send_stats_block(&w->chan, w->answering, b);
}

void
sync_answer_text(struct syncw *w, const char *text)
{
	msg_send_ctl_text(&w->chan, w->answering, text);
}

struct dump_ctx {
	struct syncw	*w;
	uint32_t	 id;
	int		 xml;
	time_t		 now;
	long		 expires_after;	/* ALARM external cache: CacheTimeout */
	size_t		 len, sent;
	char		 buf[DUMP_CHUNK + DUMP_LINE_MAX + 64];
};

static void
dump_flush(struct dump_ctx *d)
{
	if (d->len == 0)
		return;
	d->buf[d->len] = '\0';
	msg_send_ctl_text(&d->w->chan, d->id, d->buf);
	d->sent += d->len;
	d->len = 0;
}

static int
dump_one(struct cache_obj *co, void *arg)
{
	struct dump_ctx *d = arg;
	char *line = d->buf + d->len;
	struct ctobj o;
	size_t n;

	if (co->dead)		/* destroyed, its DEL not yet sent */
		return 0;
	cache_obj_get(co, &o);
	if ((n = ctobj_print(&o, d->xml, 0, line, DUMP_LINE_MAX)) == 0)
		return 0;
	if (!d->xml && d->expires_after) {
		long left = (long)co->touched + d->expires_after - d->now;

		n += (size_t)snprintf(line + n, 32, " [expires in %lds]",
		    left > 0 ? left : 0);
	}
	if (!d->xml)
		n += (size_t)snprintf(line + n, 32, " [active since %lds]",
		    (long)(d->now - co->since));
	line[n++] = '\n';
	d->len += n;
	if (d->len >= DUMP_CHUNK)
		dump_flush(d);
	return 0;
}

static struct dump_job *
dump_job_find(struct syncw *w, uint32_t id)
{
	int i;

	for (i = 0; i < w->ndumps; i++)
		if (w->dumps[i].id == id)
			return &w->dumps[i];
	return NULL;
}

static void
dump_job_end(struct syncw *w, struct dump_job *j)
{
	msg_send_worker_done(&w->chan, j->id);
	*j = w->dumps[--w->ndumps];
}

/* Print bucket classes until a part is full; the end ends the answer. */
static void
dump_job_run(struct syncw *w, struct dump_job *j)
{
	static struct dump_ctx d;	/* too big for the stack */

	d.w = w;
	d.id = j->id;
	d.xml = j->xml;
	d.now = mono_secs();
	d.expires_after = w->mode == &sync_mode_alarm && j->cache ==
	    &w->external ? (long)w->cfg.cache_timeout : 0;
	d.len = d.sent = 0;
	while (j->next < j->base && d.sent < DUMP_PART)
		if (cache_walk_class(j->cache, j->base, j->next++, dump_one,
		    &d) == -1)
			fatalx("cache %s: a dump lost its place",
			    j->cache->name);
	dump_flush(&d);
	if (j->next < j->base)
		msg_send_answer_wait(&w->chan, j->id);
	else
		dump_job_end(w, j);
}

/* -i, -e: a dump in parts, each sent when the supervisor asks for it. */
void
sync_dump_cache(struct syncw *w, uint32_t id, struct cache *c, int xml)
{
	struct dump_job *j;

	if (w->ndumps == CTL_MAX_CLIENTS || dump_job_find(w, id) != NULL)
		fatalx("dump %u: more dumps than the supervisor may ask", id);
	j = &w->dumps[w->ndumps++];
	j->id = id;
	j->cache = c;
	j->xml = xml;
	/* a hot standby's external cache records its kernel's copy of the
	 * peer's states, not the states (antientropy.c): -e has none */
	j->base = c == &w->external && antientropy_records_kernel(w) ? 0 :
	    c->nbuckets;
	j->next = 0;
	dump_job_run(w, j);
}

/* ANSWER_MORE: the next part of dump `id', or its end if `stop'. */
void
sync_dump_more(struct syncw *w, uint32_t id, int stop)
{
	struct dump_job *j = dump_job_find(w, id);

	if (j == NULL)
		fatalx("ANSWER_MORE for request %u, which has no dump", id);
	if (stop)
		dump_job_end(w, j);
	else
		dump_job_run(w, j);
}

/*
 * A cache to a one-shot child, as CT_EVENTS of `kind' on `fd'.  For a
 * commit (the external cache) each timeout is aged by the time since the
 * entry was last updated (60 s if that is negative, as conntrackd does);
 * destroyed entries not yet announced are left out.  The cache goes out
 * a few bucket classes at a time, as the child reads (sync_stream_flush
 * from the main loop), so that a million entries never wait in memory
 * twice; expectations follow every entry; then the socket is closed,
 * which tells the child that all has come.  Meanwhile events and the
 * sync protocol go on.
 */
#define STREAM_HIGH	(1024 * 1024)	/* queued for the child, at most */

/*
 * A commit serves live traffic first: at a takeover the packets that
 * come first belong to the connections that were busy last, and until
 * their entry is in the kernel a strict ruleset drops them.  So the
 * entries created or updated in the last LIVE_RECENT seconds go first,
 * then those of the last LIVE_OLDER seconds, then the rest (and any entry
 * updated while the commit runs, so that its latest state is what stays).
 * Three walks of the cache cost little beside the kernel's inserts.
 */
#define LIVE_RECENT	10
#define LIVE_OLDER	120
enum stream_pass { PASS_RECENT, PASS_OLDER, PASS_REST, PASS_COUNT };

static int
in_pass(const struct cache_obj *co, time_t now, int pass)
{
	long age = (long)now - (long)co->touched;

	switch (pass) {
	case PASS_RECENT: return age >= 0 && age < LIVE_RECENT;
	case PASS_OLDER: return age >= LIVE_RECENT && age < LIVE_OLDER;
	}
	return age < 0 || age >= LIVE_OLDER;
}

struct stream_ctx {
	struct chan	*c;
	time_t		 now;
	int		 kind;
	int		 pass;		/* -1: one pass, everything */
	struct ct_event	 batch[256];
	size_t		 n;
};

static int
stream_one(struct cache_obj *co, void *arg)
{
	struct stream_ctx *x = arg;
	struct ct_event *ev = &x->batch[x->n];
	long left;

	if (co->dead || (x->pass >= 0 && !in_pass(co, x->now, x->pass)))
		return 0;
	ev->kind = (uint8_t)x->kind;
	cache_obj_get(co, &ev->obj);
	if (x->kind == CTE_NEW && CT_HAS(&ev->obj, CT_A_TIMEOUT)) {
		left = (long)ev->obj.timeout - (long)(x->now - co->touched);
		ev->obj.timeout = left > 0 ? (uint32_t)left : 60;
	}
	if (++x->n == sizeof(x->batch) / sizeof(x->batch[0])) {
		msg_send_ct_events(x->c, x->batch, x->n);
		x->n = 0;
	}
	return 0;
}

static void stream_exp(struct exp_entry *, void *);

/* A cache (or none) and an expectation cache (or none) to a child. */
void
sync_stream_cache(struct syncw *w, struct cache *c, struct expcache *exps,
    int kind, int fd)
{
	struct stream_job *j = &w->stream;

	if (w->child_out.fd > 0) {
		/* one child at a time: the one we streamed to has died
		 * (the supervisor retries a commit once) */
		log_warnx("the stream to a child that died is dropped");
		close(w->child_out.fd);
		chan_free(&w->child_out);
		w->child_out.fd = 0;
	}
	/* the supervisor made the socket non-blocking (no fcntl here) */
	chan_init(&w->child_out, fd, "child", CHAN_MSG_MAX, 0, 0);
	j->cache = c;
	j->exps = exps;
	j->kind = kind;
	j->now = mono_secs();
	j->base = c != NULL ? c->nbuckets : 0;
	j->next = 0;
	/* only a commit has an order to care for */
	j->pass = kind == CTE_NEW ? PASS_RECENT : -1;
	sync_stream_flush(w);
}

/* More of the stream, up to STREAM_HIGH queued; 1 once all is queued. */
static int
stream_fill(struct syncw *w)
{
	struct stream_job *j = &w->stream;
	static struct stream_ctx x;

	x.c = &w->child_out;
	x.now = j->now;
	x.kind = j->kind;
	x.n = 0;
	for (;;) {
		x.pass = j->pass;
		while (j->next < j->base &&
		    chan_pending(&w->child_out) < STREAM_HIGH)
			if (cache_walk_class(j->cache, j->base, j->next++,
			    stream_one, &x) == -1)
				fatalx("cache %s: a stream lost its place",
				    j->cache->name);
		if (j->next < j->base || j->pass < 0 ||
		    j->pass == PASS_COUNT - 1)
			break;
		j->pass++;		/* the next pass, from the start */
		j->next = 0;
	}
	if (x.n)
		msg_send_ct_events(x.c, x.batch, x.n);
	if (j->next < j->base)
		return 0;
	if (j->exps != NULL) {
		expcache_walk(j->exps, stream_exp, x.c);
		j->exps = NULL;
	}
	return 1;
}

/*
 * `-i expect' and `-e expect': conntrackd's expectation lines (cli.md
 * 7.3), libnetfilter_conntrack's text or XML, then, in text, the
 * ` [active since Ns]'.
 */
struct exp_dump_ctx {
	struct syncw	*w;
	int		 xml;
	time_t		 now;
	size_t		 len;
	char		 buf[DUMP_CHUNK + DUMP_LINE_MAX + 64];
};

static void
exp_dump_one(struct exp_entry *e, void *arg)
{
	struct exp_dump_ctx *d = arg;
	char *line = d->buf + d->len;
	size_t n = ctexp_print(&e->x, d->xml, line, DUMP_LINE_MAX);

	if (n == 0)
		return;
	if (!d->xml)
		n += (size_t)snprintf(line + n, 32, " [active since %lds]",
		    (long)(d->now - e->since));
	line[n++] = '\n';
	d->len += n;
	if (d->len >= DUMP_CHUNK) {
		d->buf[d->len] = '\0';
		sync_answer_text(d->w, d->buf);
		d->len = 0;
	}
}

void
sync_dump_exp(struct syncw *w, struct expcache *c, int xml)
{
	struct exp_dump_ctx *d = calloc(1, sizeof(*d));

	if (d == NULL)
		fatal("calloc");
	d->w = w;
	d->xml = xml;
	d->now = mono_secs();
	expcache_walk(c, exp_dump_one, d);
	if (d->len) {
		d->buf[d->len] = '\0';
		sync_answer_text(w, d->buf);
	}
	free(d);
}

/* Expectations go after every entry, so that their masters exist. */
static void
stream_exp(struct exp_entry *e, void *arg)
{
	struct exp_event ev;

	ev.kind = CTE_NEW;
	ev.x = e->x;
	msg_send_exp_event(arg, &ev);
}

/* Write what the child can take, make more; at the end close its socket. */
void
sync_stream_flush(struct syncw *w)
{
	int all, r;

	if (w->child_out.fd <= 0)
		return;
	do {
		all = stream_fill(w);
		if ((r = chan_flush(&w->child_out)) == 1)
			return;		/* more when it is writable */
	} while (r == 0 && !all);
	if (r == -1)
		log_warnx("the child left before taking everything");
	close(w->child_out.fd);
	chan_free(&w->child_out);
	w->child_out.fd = 0;
}
