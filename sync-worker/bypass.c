/*
 * DisableInternalCache (Mode NOTRACK only): no internal cache.  Each
 * kernel event goes to the peers at once, as NEW, UPD or DEL.  What
 * needs the whole table takes a fresh dump from the netlink worker
 * (DUMP_REQ; its CT_DUMP_DONE carries the same token): a bulk (-B, or a
 * peer's RESYNC) sends every entry as CT_NEW, and -i prints every entry
 * as the kernel has it, with its timeout and reference count (cli.md
 * 7.4); the answer to -i ends with the dump.  -s counts what went by:
 * conntrackd's "internal bypass".
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ct_nfct.h"
#include "log.h"
#include "syncworker.h"

#define LINE_MAX_LEN	1024

static void
text_flush(struct syncw *w)
{
	struct bypass *b = &w->bypass;

	if (b->textlen == 0)
		return;
	b->text[b->textlen] = '\0';
	/* the text is the answer to the -i at the head of the queue */
	msg_send_ctl_text(&w->chan, b->q[0].id, b->text);
	b->textlen = 0;
}

/* One kernel entry as `conntrack -L' prints it: timeout, use and all. */
static void
print_entry(struct syncw *w, const struct ctobj *o)
{
	struct bypass *b = &w->bypass;
	size_t n = ctobj_print(o, 0, 1, b->text + b->textlen, LINE_MAX_LEN);

	if (n == 0)
		return;
	b->textlen += n;
	b->text[b->textlen++] = '\n';
	if (b->textlen >= BYPASS_TEXT_CHUNK)
		text_flush(w);
}

static void
send_now(struct syncw *w, const struct ctobj *o, uint8_t type)
{
	if (sync_on(w))
		send_object(w, o, type);
}

/* A kernel event, or an entry of a dump, with no cache to go through. */
void
bypass_event(struct syncw *w, struct ct_event *ev)
{
	struct bypass *b = &w->bypass;

	switch (ev->kind) {
	case CTE_DUMP:
		if (b->running & BYPASS_PRINT)
			print_entry(w, &ev->obj);
		if (b->running & BYPASS_SEND)
			send_now(w, &ev->obj, WIRE_CT_NEW);
		return;
	case CTE_DESTROY:
		if (self_flushing(w))
			return;		/* our own flush */
		b->destroyed++;
		send_now(w, &ev->obj, WIRE_CT_DEL);
		return;
	default:
		/* our own commit's entries came from the peers */
		if (self_committing(w, 0) &&
		    cache_find(&w->external, &ev->obj))
			return;
		if (ev->kind == CTE_NEW)
			b->created++;
		else
			b->updated++;
		send_now(w, &ev->obj, ev->kind == CTE_NEW ? WIRE_CT_NEW :
		    WIRE_CT_UPD);
	}
}

static void
start_dump(struct syncw *w)
{
	struct bypass *b = &w->bypass;

	if (++b->next_token == 0)
		b->next_token = 1;
	b->token = b->next_token;
	b->running = b->wanted;
	b->wanted = 0;
	msg_send_dump_req(&w->peer, b->token);
}

static void
want_dump(struct syncw *w, int what)
{
	w->bypass.wanted |= what;
	if (w->bypass.token == 0)
		start_dump(w);
}

/* A bulk for the peers: the kernel table as it is now. */
void
bypass_bulk(struct syncw *w)
{
	want_dump(w, BYPASS_SEND);
}

/*
 * Answer the waiting -i requests in their order: each waits for a dump of
 * its own (the XML form prints the same, as in conntrackd).
 */
static void
drain(struct syncw *w)
{
	struct bypass *b = &w->bypass;

	while (b->nq > 0) {
		if (!b->q[0].asked) {
			b->q[0].asked = 1;
			want_dump(w, BYPASS_PRINT);
			return;
		}
		if (!b->q[0].done)
			return;
		text_flush(w);
		msg_send_worker_done(&w->chan, b->q[0].id);
		b->nq--;
		memmove(b->q, b->q + 1, b->nq * sizeof(b->q[0]));
	}
}

/* -i: the kernel's table as it is now, when the dumps before it are done. */
void
bypass_print(struct syncw *w, uint32_t id)
{
	struct bypass *b = &w->bypass;

	if (b->nq == BYPASS_MAX_WAITING)
		fatalx("more -i waiting than the supervisor may ask");
	memset(&b->q[b->nq], 0, sizeof(b->q[0]));
	b->q[b->nq++].id = id;
	drain(w);
}

/* A new netlink worker: the dump its predecessor owed us is asked again. */
void
bypass_peer_back(struct syncw *w)
{
	if (w->bypass.token != 0)
		msg_send_dump_req(&w->peer, w->bypass.token);
}

/* CT_DUMP_DONE: if it ends our dump, what waited for it goes on. */
void
bypass_dump_done(struct syncw *w, uint32_t token)
{
	struct bypass *b = &w->bypass;

	if (token == 0 || token != b->token)
		return;			/* not ours (start-up, overrun) */
	if ((b->running & BYPASS_PRINT) && b->nq > 0 && b->q[0].asked)
		b->q[0].done = 1;
	b->running = 0;
	b->token = 0;
	if (b->wanted)
		start_dump(w);
	drain(w);
}
