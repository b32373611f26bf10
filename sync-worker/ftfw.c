/*
 * FT-FW of ftfw.h.  Sending: one sequence counter for every message;
 * control messages first, then NACKed messages, then the transmit list,
 * as long as the resend queue has room; a heartbeat (ACK or ALIVE) after
 * one second without transmission.  Receiving: sequence tracking with
 * ACK windows and NACKs for gaps (wire-protocol.md 8.3), data into the
 * external cache.
 *
 * NOTRACK (wire-protocol.md 9) is the same without the reliability: no
 * HELLO, no ACK or NACK, nothing kept for resending; ALIVE when idle;
 * sequence numbers only counted.  `f->reliable' tells the two apart.
 * ALARM (`f->alarm', alarm.c) sends the same way, without even ALIVE.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "syncworker.h"

#define HEARTBEAT_MS	1000
/*
 * Objects sent per pass of the loop.  In between, the loop reads what came
 * in: sending a whole resend queue's worth (131072) at once let the peer's
 * ACKs overflow the link socket, and each lost ACK made 300 objects go out
 * again (bench/: 40% more traffic for a resync, and datagrams lost at the
 * peer).
 */
#define SEND_BURST	4096

static uint32_t
now_ms_since(const struct timespec *t)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
	return ms < 0 ? 0 : (uint32_t)ms;
}

void
ftfw_init(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;

	memset(f, 0, sizeof(*f));
	f->reliable = w->cfg.mode == MODE_FTFW;
	f->alarm = w->cfg.mode == MODE_ALARM;
	f->rsq_max = w->cfg.resend_queue_size;
	f->window_size = f->window = w->cfg.ack_window;
	clock_gettime(CLOCK_MONOTONIC, &f->last_tx);
}

/* ---- the resend queue ---------------------------------------------------- */

static void
rsq_append(struct rsq_list *l, struct rsq_entry *e)
{
	e->next = NULL;
	e->prev = l->tail;
	if (l->tail)
		l->tail->next = e;
	else
		l->head = e;
	l->tail = e;
	l->len++;
}

static void
rsq_unlink(struct rsq_list *l, struct rsq_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		l->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		l->tail = e->prev;
	l->len--;
}

static void
rsq_store(struct syncw *w, const uint8_t *msg, size_t len, uint32_t seq,
    int ctl)
{
	struct ftfw *f = &w->ftfw;
	struct rsq_entry *e;

	/* only control messages can find it full: data is paced (run) */
	while (f->rsq.len >= f->rsq_max && f->rsq.head) {
		struct rsq_entry *old = f->rsq.head;

		rsq_unlink(&f->rsq, old);
		free(old);
		f->rsq_dropped++;
	}
	if ((e = malloc(sizeof(*e) + len)) == NULL)
		fatal("resend queue");
	e->seq = seq;
	e->ctl = (uint8_t)ctl;
	e->len = (uint16_t)len;
	memcpy(e->msg, msg, len);
	rsq_append(&f->rsq, e);
}

/*
 * ACK(from, to): what was received can be forgotten.  The peer's ACKs are
 * contiguous and in order, so a data message still held from before
 * `from' lost its acknowledgement (or the peer's NACK for it was lost, or
 * the peer restarted and never will): it is sent again, from its current
 * state, which the peer applies idempotently.  1.4.7 keeps such entries
 * for ever; a lost first ACK of a peer's new HELLO incarnation cannot even
 * be NACKed, since that HELLO resets the sequence.  Stale control
 * messages are dropped.
 */
static void
rsq_ack(struct syncw *w, uint32_t from, uint32_t to)
{
	struct ftfw *f = &w->ftfw;
	struct rsq_entry *e = f->rsq.head, *next;

	for (; e; e = next) {
		next = e->next;
		if (wire_seq_before(to, e->seq))
			break;
		rsq_unlink(&f->rsq, e);
		if (wire_seq_before(e->seq, from) && !e->ctl)
			rsq_append(&f->resend, e);
		else
			free(e);
	}
}

/* NACK(from, to): send those again (ranges no longer held are lost). */
static void
rsq_nack(struct syncw *w, uint32_t from, uint32_t to)
{
	struct ftfw *f = &w->ftfw;
	struct rsq_entry *e = f->rsq.head, *next;

	for (; e; e = next) {
		next = e->next;
		if (wire_seq_before(e->seq, from))
			continue;
		if (wire_seq_before(to, e->seq))
			break;
		rsq_unlink(&f->rsq, e);
		rsq_append(&f->resend, e);
	}
}

/* ---- sending ---------------------------------------------------------------- */

static uint32_t
next_seq(struct ftfw *f)
{
	if (!f->seq_started) {
		f->next_seq = (uint32_t)time(NULL);
		f->seq_started = 1;
	}
	return f->next_seq++;
}

/* The HELLO flags every message carries while the handshake lasts. */
static uint8_t
hello_flags(struct ftfw *f)
{
	uint8_t flags = 0;

	if (!f->reliable)
		return 0;
	if (f->hello == 0)
		f->hello = 1;
	if (f->hello == 1)
		flags |= WIRE_F_HELLO;
	if (f->send_hello_back) {
		flags |= WIRE_F_HELLO_BACK;
		f->send_hello_back = 0;
	}
	return flags;
}

/* Re-stamp a stored message with a new sequence number and flags. */
static void
restamp(uint8_t *msg, uint32_t seq, uint8_t flags)
{
	msg[1] = (uint8_t)((msg[1] & ~(WIRE_F_HELLO | WIRE_F_HELLO_BACK)) |
	    flags);
	msg[4] = (uint8_t)(seq >> 24);
	msg[5] = (uint8_t)(seq >> 16);
	msg[6] = (uint8_t)(seq >> 8);
	msg[7] = (uint8_t)seq;
}

static void
transmit(struct syncw *w, uint8_t *msg, size_t len, int store, int ctl,
    uint32_t seq)
{
	links_send(w, msg, len);
	if (store && w->ftfw.reliable)
		rsq_store(w, msg, len, seq, ctl);
	clock_gettime(CLOCK_MONOTONIC, &w->ftfw.last_tx);
}

static void send_controls(struct syncw *);

static void
queue_ctl(struct syncw *w, uint8_t flags, uint32_t from, uint32_t to)
{
	struct ftfw *f = &w->ftfw;

	if (f->nctl == FTFW_CTLQ_MAX)
		send_controls(w);	/* full: out with what is queued */
	f->ctlq[f->nctl].flags = flags;
	f->ctlq[f->nctl].from = from;
	f->ctlq[f->nctl].to = to;
	f->nctl++;
}

static void
send_controls(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;
	uint8_t msg[WIRE_CTL_LEN];
	int i;

	for (i = 0; i < f->nctl; i++) {
		uint8_t flags = f->ctlq[i].flags;
		uint32_t seq = next_seq(f);
		size_t n;

		flags |= hello_flags(f);
		n = wire_put_ctl(msg, sizeof(msg), flags, seq, f->ctlq[i].from,
		    f->ctlq[i].to);
		/* ACK, NACK and RESYNC may be lost too: keep them */
		transmit(w, msg, n, !(f->ctlq[i].flags & WIRE_F_ALIVE), 1, seq);
	}
	f->nctl = 0;
}

static const struct wire_opts *
wire_opts_of(struct syncw *w)
{
	static struct wire_opts o;

	o.window_tracking = w->cfg.tcp_window_tracking;
	o.omit_timeout = w->cfg.commit_timeout != 0;
	return &o;
}

/* Encode an object's current state: DEL if it is gone, else NEW or UPD. */
static size_t
encode_object(struct syncw *w, const struct ctobj *o, uint8_t type,
    uint8_t *msg, uint32_t *seq)
{
	struct ftfw *f = &w->ftfw;
	uint8_t flags = hello_flags(f);

	*seq = next_seq(f);
	return wire_put_ct(msg, WIRE_MSG_MAX, type, flags, *seq, o,
	    wire_opts_of(w));
}

static void
send_object(struct syncw *w, const struct ctobj *o, uint8_t type)
{
	uint8_t msg[WIRE_MSG_MAX];
	uint32_t seq;
	size_t n = encode_object(w, o, type, msg, &seq);

	if (n == 0) {
		w->wire.send_malformed++;
		return;
	}
	transmit(w, msg, n, 1, 0, seq);
}

/* One object now, as it is (DisableInternalCache: no cache to queue in). */
void
ftfw_send_object(struct syncw *w, const struct ctobj *o, uint8_t type)
{
	send_object(w, o, type);
}

/* An expectation now (they are few: no queue of their own). */
void
ftfw_send_exp(struct syncw *w, const struct ctexp *x, uint8_t type)
{
	uint8_t msg[WIRE_MSG_MAX];
	uint32_t seq = next_seq(&w->ftfw);
	size_t n = wire_put_exp(msg, sizeof(msg), type, hello_flags(&w->ftfw),
	    seq, x, wire_opts_of(w));

	if (n == 0) {
		w->wire.send_malformed++;
		return;
	}
	transmit(w, msg, n, 1, 0, seq);
}

/* NACKed messages: control ones as they were, data from current state. */
static void
send_resends(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;
	struct rsq_entry *e;

	while ((e = f->resend.head) != NULL) {
		rsq_unlink(&f->resend, e);
		/* control messages and expectations: resent as they were */
		if (e->ctl || ((e->msg[0] & 0x0f) >= WIRE_EXP_NEW &&
		    (e->msg[0] & 0x0f) <= WIRE_EXP_DEL)) {
			uint32_t seq = next_seq(f);

			restamp(e->msg, seq, hello_flags(f));
			transmit(w, e->msg, e->len, 1, e->ctl, seq);
		} else {
			struct wire_msg m = { .p = e->msg, .len = e->len };
			struct ctobj o;
			struct cache_obj *co;

			if (wire_get_ct(&m, &o) == 0) {
				co = cache_find(&w->internal, &o);
				if (co && !co->dead) {
					cache_obj_get(co, &o);
					send_object(w, &o, co->updated ?
					    WIRE_CT_UPD : WIRE_CT_NEW);
				} else
					send_object(w, &o, WIRE_CT_DEL);
			}
		}
		free(e);
	}
}

/*
 * The internal cache's send queue, SEND_BURST objects per pass (the loop
 * comes back at once while more wait), and in FT-FW no more than the
 * resend queue has room for.
 */
static void
send_objects(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;
	struct cache_obj *co;
	struct ctobj o;
	uint32_t budget = SEND_BURST;

	while ((!f->reliable || f->rsq.len < f->rsq_max) && budget-- > 0 &&
	    (co = cache_dequeue(&w->internal)) != NULL) {
		cache_obj_get(co, &o);
		if (co->dead) {
			send_object(w, &o, WIRE_CT_DEL);
			cache_remove(&w->internal, co);
			w->internal.st.destroyed++;
		} else
			send_object(w, &o, co->updated ? WIRE_CT_UPD :
			    WIRE_CT_NEW);
	}
}

static void
heartbeat(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;

	if (f->alarm || now_ms_since(&f->last_tx) < HEARTBEAT_MS)
		return;		/* ALARM has no heartbeat */
	if (f->reliable && f->ack_pending && f->have_last) {
		queue_ctl(w, WIRE_F_ACK, f->ack_from, f->last);
		f->ack_pending = 0;
	} else
		queue_ctl(w, WIRE_F_ALIVE, 0, 0);
}

/* One pass: everything due goes out, packed into datagrams. */
void
ftfw_run(struct syncw *w)
{
	if (w->active_link < 0)
		return;
	if (w->ftfw.alarm)
		alarm_tick(w);
	heartbeat(w);
	send_controls(w);
	send_resends(w);
	send_objects(w);
	links_flush(w);
}

/* Milliseconds until the next heartbeat is due. */
int
ftfw_timeout_ms(struct syncw *w)
{
	uint32_t since = now_ms_since(&w->ftfw.last_tx);

	if (w->active_link < 0)
		return -1;
	if (w->ftfw.alarm)
		return w->internal.txlen > 0 ? 0 : alarm_timeout_ms(w);
	if (w->internal.txlen > 0 && (!w->ftfw.reliable ||
	    w->ftfw.rsq.len < w->ftfw.rsq_max))
		return 0;	/* the next burst */
	return since >= HEARTBEAT_MS ? 0 : (int)(HEARTBEAT_MS - since);
}

static int
bulk_one(struct cache_obj *co, void *arg)
{
	struct syncw *w = arg;

	if (!co->dead)
		cache_queue(&w->internal, co);
	return 0;
}

/* Every object of the internal cache to the peer (-B, RESYNC, HELLO). */
void
ftfw_bulk(struct syncw *w)
{
	if (bypass_on(w))
		bypass_bulk(w);		/* no cache: the kernel's table */
	else
		cache_walk(&w->internal, bulk_one, w);
	if (w->cfg.expect_sync)
		expect_bulk(w);
}

void
ftfw_request_resync(struct syncw *w)
{
	queue_ctl(w, WIRE_F_RESYNC, 0, 0);
}

/* ---- receiving ------------------------------------------------------------ */

void
ftfw_apply_data(struct syncw *w, const struct wire_msg *m)
{
	struct ctobj o;

	if (m->type >= WIRE_EXP_NEW) {
		expect_recv(w, m);
		return;
	}
	if (wire_get_ct(m, &o) == -1) {
		wire_count_payload_error(&w->wire);
		return;
	}
	if (w->cfg.disable_external_cache)
		direct_inject(w, m->type, &o);
	else if (m->type == WIRE_CT_DEL)
		cache_delete(&w->external, &o);
	else
		cache_upsert(&w->external, &o, time(NULL));
}

static void
process(struct syncw *w, const struct wire_msg *m, enum wire_kind kind)
{
	switch (kind) {
	case WK_DATA:
		ftfw_apply_data(w, m);
		break;
	case WK_ACK:
		rsq_ack(w, m->from, m->to);
		break;
	case WK_NACK:
		rsq_nack(w, m->from, m->to);
		break;
	case WK_RESYNC:
		log_info("resync requested by other node");
		ftfw_bulk(w);
		break;
	case WK_ALIVE: case WK_BAD:
		break;
	}
}

/*
 * The peer (re)started: it lost its state, so it gets all of ours, and its
 * sequence numbers start anew.  It sets HELLO on every message until it
 * hears our HELLO_BACK; only the first one resets the sequence (1.4.7
 * accepts each one as in sequence, so a loss in that phase was never
 * repaired).  Returns 1 if this message starts a new incarnation.
 */
static int
peer_hello(struct syncw *w, const struct wire_msg *m)
{
	struct ftfw *f = &w->ftfw;

	f->send_hello_back = 1;
	if (f->peer_in_hello)
		return 0;
	f->peer_in_hello = 1;
	if (f->ack_pending && wire_seq_before(m->seq, f->ack_from)) {
		f->ack_from = m->seq;
		f->window = f->window_size - 1;
	}
	ftfw_bulk(w);
	return 1;
}

/*
 * NOTRACK: everything in arrival order; sequence numbers only counted.
 * ACK and NACK (a peer in FT-FW) count as malformed headers, as in 1.4.7.
 */
static void
notrack_recv(struct syncw *w, const struct wire_msg *m, enum wire_kind kind)
{
	struct ftfw *f = &w->ftfw;

	if (kind == WK_BAD || kind == WK_ACK || kind == WK_NACK) {
		w->wire.bad_header++;
		w->wire.malformed++;
		return;
	}
	if (f->have_last && m->seq != f->last + 1) {
		if (wire_seq_before(m->seq, f->last + 1))
			w->wire.before++;
		else
			w->wire.lost += m->seq - f->last + 1;	/* 1.4.7's count */
	}
	f->last = m->seq;
	f->have_last = 1;
	process(w, m, kind);
}

void
ftfw_recv(struct syncw *w, const struct wire_msg *m)
{
	struct ftfw *f = &w->ftfw;
	enum wire_kind kind = wire_classify(m);
	uint32_t expected = f->last + 1;
	int in_sync = 1;

	if (f->alarm) {
		alarm_recv(w, m);
		return;
	}
	if (!f->reliable) {
		notrack_recv(w, m, kind);
		return;
	}
	if (kind == WK_BAD) {
		w->wire.bad_header++;
		w->wire.malformed++;
		return;
	}
	if (!(m->flags & WIRE_F_HELLO))
		f->peer_in_hello = 0;
	if (!((m->flags & WIRE_F_HELLO) && peer_hello(w, m))) {
		if (f->have_last && m->seq != expected) {
			if (wire_seq_before(m->seq, expected)) {
				w->wire.before++;
				return;
			}
			/* a gap: acknowledge what came, ask for the rest */
			if (f->ack_pending)
				queue_ctl(w, WIRE_F_ACK, f->ack_from,
				    expected - 1);
			queue_ctl(w, WIRE_F_NACK, expected, m->seq - 1);
			w->wire.lost += m->seq - f->last + 1;
			f->window = f->window_size - 1;
			f->ack_from = m->seq;
			f->ack_pending = 1;
			in_sync = 0;
		}
	}
	if (m->flags & WIRE_F_HELLO_BACK)
		f->hello = 2;
	process(w, m, kind);
	f->last = m->seq;
	f->have_last = 1;
	if (!in_sync)
		return;
	if (!f->ack_pending) {
		f->ack_from = m->seq;
		f->ack_pending = 1;
	}
	if (--f->window == 0) {
		queue_ctl(w, WIRE_F_ACK, f->ack_from, m->seq);
		f->ack_pending = 0;
		f->window = f->window_size;
	}
}

/* -s rsqueue, in conntrackd's layout. */
void
ftfw_rsqueue_text(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;
	struct rsq_entry *e;
	char buf[8192];
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "resent queue (len=%u)\n",
	    f->rsq.len);
	for (e = f->rsq.head; e; e = e->next) {
		if (n > sizeof(buf) - 64) {
			sync_answer_text(w, buf);
			n = 0;
			buf[0] = '\0';
		}
		if (e->ctl)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "control -> seq:%u flags:%u\n", e->seq,
			    e->msg[1] & ~(WIRE_F_HELLO | WIRE_F_HELLO_BACK));
		else
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "object -> seq:%u\n", e->seq);
	}
	if (n)
		sync_answer_text(w, buf);
}
