/*
 * FT-FW, the reliable sync mode (ftfw.h).  Sending (send.c does the
 * encoding): control messages first, then NACKed messages, then the send
 * queue, as long as the resend queue has room; a heartbeat (ACK or ALIVE)
 * after one second without transmission.  Receiving: sequence tracking
 * with ACK windows and NACKs for gaps (wire-protocol.md 8.3); data goes to
 * sync_apply().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "syncworker.h"


static void
ftfw_init(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;

	memset(f, 0, sizeof(*f));
	TAILQ_INIT(&f->rsq.q);
	TAILQ_INIT(&f->resend.q);
	f->rsq_max = w->cfg.resend_queue_size;
	f->window_size = f->window = w->cfg.ack_window;
}

/* ---- the resend queue ---------------------------------------------------- */

static void
rsq_append(struct rsq_list *l, struct rsq_entry *e)
{
	TAILQ_INSERT_TAIL(&l->q, e, link);
	l->len++;
}

static void
rsq_unlink(struct rsq_list *l, struct rsq_entry *e)
{
	TAILQ_REMOVE(&l->q, e, link);
	l->len--;
}

/* send.c's tx_keep: every data and control message but ALIVE. */
static void
rsq_store(struct syncw *w, const uint8_t *msg, size_t len, uint32_t seq,
    int ctl)
{
	struct ftfw *f = &w->ftfw;
	struct rsq_entry *e;

	/* only control messages can find it full: data is paced (run) */
	while (f->rsq.len >= f->rsq_max && !TAILQ_EMPTY(&f->rsq.q)) {
		struct rsq_entry *old = TAILQ_FIRST(&f->rsq.q);

		rsq_unlink(&f->rsq, old);
		free(old);
		f->rsq_dropped++;
	}
	if ((e = malloc(sizeof(*e) + len)) == NULL) {
		/* out of memory (RLIMIT_AS, a cgroup): as if the queue were
		 * full, this one cannot be resent; a NACK for it finds
		 * nothing, as after a drop from a full queue */
		f->rsq_dropped++;
		return;
	}
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
	struct rsq_entry *e, *next;

	for (e = TAILQ_FIRST(&f->rsq.q); e; e = next) {
		next = TAILQ_NEXT(e, link);
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
	struct rsq_entry *e, *next;

	for (e = TAILQ_FIRST(&f->rsq.q); e; e = next) {
		next = TAILQ_NEXT(e, link);
		if (wire_seq_before(e->seq, from))
			continue;
		if (wire_seq_before(to, e->seq))
			break;
		rsq_unlink(&f->rsq, e);
		rsq_append(&f->resend, e);
	}
}

/* ---- sending ---------------------------------------------------------------- */

/* The HELLO flags every message carries while the handshake lasts. */
static uint8_t
hello_flags(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;
	uint8_t flags = 0;

	if (f->hello == 0) {
		f->hello = 1;
		f->hello_since_ms = mono_ms();
	}
	if (f->hello == 1)
		flags |= WIRE_F_HELLO;
	if (f->send_hello_back) {
		flags |= WIRE_F_HELLO_BACK;
		f->send_hello_back = 0;
	}
	return flags;
}

/*
 * Whether data may go out now: as much as the resend queue can keep, and
 * none while the peer has not answered our HELLO yet, for HELLO_HOLD_MS
 * at most.  While we say HELLO, 1.4.7 takes each message as in sequence
 * (8.5) and so repairs no loss: a restarted worker's first states, sent
 * at once, could be lost for good.  A peer that never answers (down)
 * must not hold them for ever: destroyed entries wait in the cache for
 * their DEL to go.
 */
static int
rsq_room(const struct syncw *w)
{
	const struct ftfw *f = &w->ftfw;

	if (f->hello != 2 && (f->hello == 0 ||
	    mono_ms() - f->hello_since_ms < HELLO_HOLD_MS))
		return 0;
	return f->rsq.len < f->rsq_max;
}

/* NACKed messages: control ones as they were, data from current state. */
static void
send_resends(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;
	struct rsq_entry *e;

	while ((e = TAILQ_FIRST(&f->resend.q)) != NULL) {
		rsq_unlink(&f->resend, e);
		/* control messages and expectations: resent as they were */
		if (e->ctl || ((e->msg[0] & 0x0f) >= WIRE_EXP_NEW &&
		    (e->msg[0] & 0x0f) <= WIRE_EXP_DEL))
			send_again(w, e->msg, e->len, e->ctl);
		else {
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

static void
heartbeat(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;

	if (send_idle_ms(w) < SYNC_HEARTBEAT_MS)
		return;
	if (f->ack_pending && f->have_last) {
		send_ctl(w, WIRE_F_ACK, f->ack_from, f->last);
		f->ack_pending = 0;
	} else
		send_ctl(w, WIRE_F_ALIVE, 0, 0);
}

/* One pass: everything due goes out, packed into datagrams. */
static void
ftfw_run(struct syncw *w)
{
	/* data waits for the HELLO handshake: start it now */
	if (w->ftfw.hello == 0 && w->internal.txlen > 0)
		send_ctl(w, WIRE_F_ALIVE, 0, 0);
	heartbeat(w);
	send_controls(w);
	send_resends(w);
	send_queue(w, SEND_BURST);
	send_flush(w);
}

/* ---- receiving ------------------------------------------------------------ */

/*
 * Without a key anyone on the link can send us anything, so a message
 * far from the expected sequence number is not taken on trust: one
 * forged datagram 2^30 ahead would make every genuine one look old.  It
 * is dropped and counted, unless REANCHOR_RUN of them come in sequence
 * (a peer that really moved: after a very long partition); then the
 * window moves there.  A HELLO (a restarted peer) is not held to it, but
 * a forged one moves the window only until REANCHOR_RUN genuine messages
 * move it back.  Returns 1 to drop.
 */
static int
out_of_window(struct syncw *w, const struct wire_msg *m)
{
	struct ftfw *f = &w->ftfw;
	uint32_t ahead = m->seq - (f->last + 1);
	uint32_t behind = (f->last + 1) - m->seq;

	if (!f->have_last || ahead <= SEQ_WINDOW || behind <= SEQ_WINDOW) {
		f->run = 0;
		return 0;
	}
	f->run = f->run > 0 && m->seq == f->run_next ? f->run + 1 : 1;
	f->run_next = m->seq + 1;
	if (f->run < REANCHOR_RUN) {
		w->wire.out_of_window++;
		return 1;
	}
	log_warnx("FT-FW: the peer's sequence moved from %u to %u, following "
	    "it", f->last, m->seq);
	f->have_last = f->ack_pending = 0;
	f->window = f->window_size;
	f->run = 0;
	return 0;
}

/* An ACK or NACK only of what we sent: from <= to <= the last seq. */
static int
range_sent(const struct syncw *w, uint32_t from, uint32_t to)
{
	if (w->tx.seq_started && !wire_seq_before(to, from) &&
	    !wire_seq_before(w->tx.next_seq - 1, to))
		return 1;
	((struct syncw *)w)->wire.ack_out_of_range++;
	return 0;
}

static void
process(struct syncw *w, const struct wire_msg *m, enum wire_kind kind)
{
	switch (kind) {
	case WK_DATA:
		sync_apply(w, m);
		break;
	case WK_ACK:
		if (range_sent(w, m->from, m->to))
			rsq_ack(w, m->from, m->to);
		break;
	case WK_NACK:
		if (range_sent(w, m->from, m->to))
			rsq_nack(w, m->from, m->to);
		break;
	case WK_RESYNC:
		log_info("resync requested by other node");
		sync_bulk_asked(w);
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

	/* answered now, not at the next heartbeat: the peer sends no data
	 * before it hears HELLO_BACK (rsq_room) */
	if (!f->send_hello_back)
		send_ctl(w, WIRE_F_ALIVE, 0, 0);
	f->send_hello_back = 1;
	if (f->peer_in_hello)
		return 0;
	f->peer_in_hello = 1;
	if (f->ack_pending && wire_seq_before(m->seq, f->ack_from)) {
		f->ack_from = m->seq;
		f->window = f->window_size - 1;
	}
	sync_bulk_asked(w);
	return 1;
}

static void
ftfw_recv(struct syncw *w, const struct wire_msg *m)
{
	struct ftfw *f = &w->ftfw;
	enum wire_kind kind = wire_classify(m);
	uint32_t expected = f->last + 1;
	int in_sync = 1;

	if (kind == WK_BAD) {
		w->wire.bad_header++;
		w->wire.malformed++;
		return;
	}
	/* HELLO is a restart: its sequence starts anew (8.5) */
	if (!(m->flags & WIRE_F_HELLO) && out_of_window(w, m))
		return;
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
				send_ctl(w, WIRE_F_ACK, f->ack_from,
				    expected - 1);
			send_ctl(w, WIRE_F_NACK, expected, m->seq - 1);
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
		send_ctl(w, WIRE_F_ACK, f->ack_from, m->seq);
		f->ack_pending = 0;
		f->window = f->window_size;
	}
}

/* -s rsqueue, in conntrackd's layout. */
static void
ftfw_rsqueue_text(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;
	struct rsq_entry *e;
	char buf[8192];
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "resent queue (len=%u)\n",
	    f->rsq.len);
	TAILQ_FOREACH(e, &f->rsq.q, link) {
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

const struct sync_mode sync_mode_ftfw = {
	.name = "FT-FW",
	.heartbeat = 1,
	.init = ftfw_init,
	.recv = ftfw_recv,
	.run = ftfw_run,
	.timeout_ms = send_heartbeat_due_ms,
	.tx_flags = hello_flags,
	.tx_keep = rsq_store,
	.tx_room = rsq_room,
	.rsqueue_text = ftfw_rsqueue_text,
};
