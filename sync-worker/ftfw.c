/*
 * FT-FW, the reliable sync mode (ftfw.h).  Sending (send.c does the
 * encoding): control messages first, then NACKed messages, then the send
 * queue, as long as the resend queue has room; a heartbeat (ACK or ALIVE)
 * after one second without transmission, and an ALIVE TAIL_PROBE_MS
 * after the last data while some of it is not acknowledged.  Receiving:
 * sequence tracking with ACK windows and NACKs for gaps (wire-protocol.md
 * 8.3); data goes to sync_apply().
 */
#include "config.h"

#include <sys/socket.h>

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
	memset(&w->senders, 0, sizeof(w->senders));
	TAILQ_INIT(&f->rsq.q);
	TAILQ_INIT(&f->resend.q);
	f->rsq_max = w->cfg.resend_queue_size;
	f->window_size = w->cfg.ack_window;
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

	log_debug("FT-FW: the peer asks again for %u..%u", from, to);
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

/*
 * Several nodes on a multicast segment: an entry may go once every node
 * present has acknowledged it (a node new or restarted, from the moment
 * it was heard: sender_needs_from_now).  Nodes gone quiet, and 1.4.7
 * nodes (their ACKs name no node), do not hold the queue.  Returns 0 if
 * no node present holds it.
 */
static int
rsq_floor(const struct syncw *w, uint32_t *floor)
{
	uint64_t now = mono_ms();
	int i, have = 0;

	for (i = 0; i < SENDERS_MAX; i++) {
		const struct sender *s = &w->senders.s[i];

		if (!sender_is_live(s, now) || !s->have_acked)
			continue;
		if (!have || wire_seq_before(s->acked, *floor))
			*floor = s->acked;
		have = 1;
	}
	return have;
}

/*
 * ACK(from, to) from node `s' of several: what it skipped since its last
 * ACK and is still held (its ACK or NACK was lost) goes out again, as in
 * rsq_ack; what every node present acknowledged is forgotten.
 */
static void
rsq_ack_of_several(struct syncw *w, struct sender *s, uint32_t from,
    uint32_t to)
{
	struct ftfw *f = &w->ftfw;
	struct rsq_entry *e, *next;
	uint32_t floor = 0;

	if (s->have_acked)
		for (e = TAILQ_FIRST(&f->rsq.q); e; e = next) {
			next = TAILQ_NEXT(e, link);
			if (!wire_seq_before(e->seq, from))
				break;
			if (wire_seq_before(s->acked, e->seq) && !e->ctl) {
				rsq_unlink(&f->rsq, e);
				rsq_append(&f->resend, e);
			}
		}
	s->acked = to;
	s->have_acked = 1;
	if (!rsq_floor(w, &floor))
		return;
	while ((e = TAILQ_FIRST(&f->rsq.q)) != NULL &&
	    !wire_seq_before(floor, e->seq)) {
		rsq_unlink(&f->rsq, e);
		free(e);
	}
}

/*
 * An ACK of ours from node `s', alone or one of several (senders.h).
 * Among several, an ACK that names no node (1.4.7's, which mixes the
 * senders' sequences) may be about anyone's: it neither frees nor holds
 * what we keep; the nodes that name us decide.
 */
static void
acked_by(struct syncw *w, struct sender *s, const struct wire_msg *m)
{
	if (senders_live(w) < 2) {
		rsq_ack(w, m->from, m->to);
		s->acked = m->to;
		s->have_acked = 1;
	} else if (m->for_family != 0)
		rsq_ack_of_several(w, s, m->from, m->to);
	else
		s->have_acked = 0;
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

/*
 * An ACK or NACK of node `s''s sequence.  On a multicast link it names
 * `s' (wire.h), or other nodes would take it for theirs: always, since a
 * node that hears only one sender for a moment (just started) must not
 * send what others take for theirs either.  1.4.7 reads the range and
 * skips the name; UDP and TCP links have one peer and no name.
 */
static void
send_to_sender(struct syncw *w, struct sender *s, uint8_t flags,
    uint32_t from, uint32_t to)
{
	send_ctl_for(w, flags, from, to, s);
}

/* After a second without sending: the pending ACKs, or ALIVE. */
static void
heartbeat(struct syncw *w)
{
	int i, acked = 0;

	if (send_idle_ms(w) < SYNC_HEARTBEAT_MS)
		return;
	for (i = 0; i < SENDERS_MAX; i++) {
		struct sender *s = &w->senders.s[i];

		if (s->heard_ms != 0 && s->ack_pending && s->have_last) {
			send_to_sender(w, s, WIRE_F_ACK, s->ack_from, s->last);
			s->ack_pending = 0;
			acked = 1;
		}
	}
	if (!acked)
		send_ctl(w, WIRE_F_ALIVE, 0, 0);
}

/*
 * A peer learns of a lost message from the next one's sequence number.
 * After the last of a burst there is none until the heartbeat, a second
 * later, so a lost tail came a second late (bench/: hot standby at 250k
 * overflowed the backup's receive buffer).  TAIL_PROBE_MS after the last
 * data, while some of it waits for its ACK, an ALIVE carries the
 * sequence on; a NACK follows if anything before it was lost.
 */
static void
tail_probe(struct syncw *w)
{
	struct ftfw *f = &w->ftfw;

	if (!f->probe_due || send_idle_ms(w) < TAIL_PROBE_MS)
		return;
	f->probe_due = 0;
	if (f->rsq.len == 0)	/* all acknowledged */
		return;
	send_ctl(w, WIRE_F_ALIVE, 0, 0);
	f->tail_probes++;
}

/* ms until the heartbeat, the send queue or the tail probe is due. */
static int
ftfw_timeout_ms(struct syncw *w)
{
	int ms = send_heartbeat_due_ms(w);
	uint32_t since;

	if (!w->ftfw.probe_due)
		return ms;
	since = send_idle_ms(w);
	if (since >= TAIL_PROBE_MS)
		return 0;
	return ms >= 0 && ms < (int)(TAIL_PROBE_MS - since) ? ms :
	    (int)(TAIL_PROBE_MS - since);
}

/* One pass: everything due goes out, packed into datagrams. */
static void
ftfw_run(struct syncw *w)
{
	uint32_t seq;

	/* data waits for the HELLO handshake: start it now */
	keepalive_tick(w);
	antientropy_tick(w);
	if (w->ftfw.hello == 0 && w->internal.txlen > 0)
		send_ctl(w, WIRE_F_ALIVE, 0, 0);
	heartbeat(w);
	tail_probe(w);
	send_controls(w);
	seq = w->tx.next_seq;
	send_resends(w);
	send_queue(w, SEND_BURST);
	if (w->tx.next_seq != seq)
		w->ftfw.probe_due = 1;
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
out_of_window(struct syncw *w, struct sender *s, const struct wire_msg *m)
{
	uint32_t ahead = m->seq - (s->last + 1);
	uint32_t behind = (s->last + 1) - m->seq;

	if (!s->have_last || ahead <= SEQ_WINDOW || behind <= SEQ_WINDOW) {
		s->run = 0;
		return 0;
	}
	s->run = s->run > 0 && m->seq == s->run_next ? s->run + 1 : 1;
	s->run_next = m->seq + 1;
	if (s->run < REANCHOR_RUN) {
		w->wire.out_of_window++;
		return 1;
	}
	log_warnx("FT-FW: the peer's sequence moved from %u to %u, following "
	    "it", s->last, m->seq);
	s->have_last = s->ack_pending = 0;
	s->window = w->ftfw.window_size;
	s->run = 0;
	return 0;
}

/*
 * Whether an ACK or NACK is about our sequence: one that names a node
 * names us (our source address on the link it came by), and one that
 * names none is for us (1.4.7, or a peer that hears only us).
 */
static int
meant_for_us(struct syncw *w, const struct wire_msg *m,
    const struct sender *s)
{
	const struct sync_link *l = &w->links[s->link];

	if (m->for_family == 0)
		return 1;
	if (m->for_family == l->self_family && memcmp(m->for_addr,
	    l->self_addr, m->for_family == AF_INET ? 4 : 16) == 0)
		return 1;
	w->wire.ack_for_other++;
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
process(struct syncw *w, const struct wire_msg *m, enum wire_kind kind,
    struct sender *s)
{
	switch (kind) {
	case WK_DATA:
		sync_apply(w, m, s);
		break;
	case WK_ACK:
		if (meant_for_us(w, m, s) && range_sent(w, m->from, m->to))
			acked_by(w, s, m);
		break;
	case WK_NACK:
		if (meant_for_us(w, m, s) && range_sent(w, m->from, m->to))
			rsq_nack(w, m->from, m->to);
		break;
	case WK_RESYNC:
		log_info("resync requested by other node");
		sync_bulk_asked(w);
		break;
	case WK_ALIVE:
		antientropy_recv(w, m, s);
		break;
	case WK_BAD:
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
peer_hello(struct syncw *w, struct sender *s, const struct wire_msg *m)
{
	struct ftfw *f = &w->ftfw;

	/* answered now, not at the next heartbeat: the peer sends no data
	 * before it hears HELLO_BACK (rsq_room) */
	if (!f->send_hello_back)
		send_ctl(w, WIRE_F_ALIVE, 0, 0);
	f->send_hello_back = 1;
	if (s->in_hello)
		return 0;
	log_debug("FT-FW: a peer starts anew (HELLO at %u)", m->seq);
	s->in_hello = 1;
	sender_needs_from_now(w, s);	/* a new incarnation */
	if (s->ack_pending && wire_seq_before(m->seq, s->ack_from)) {
		s->ack_from = m->seq;
		s->window = f->window_size - 1;
	}
	sync_bulk_asked(w);
	return 1;
}

/* A message of node `s', in its own sequence (senders.h). */
static void
ftfw_recv(struct syncw *w, const struct wire_msg *m, struct sender *s)
{
	struct ftfw *f = &w->ftfw;
	enum wire_kind kind = wire_classify(m);
	uint32_t expected = s->last + 1;
	int in_sync = 1;

	if (kind == WK_BAD) {
		w->wire.bad_header++;
		w->wire.malformed++;
		return;
	}
	/* HELLO is a restart: its sequence starts anew (8.5) */
	if (!(m->flags & WIRE_F_HELLO) && out_of_window(w, s, m))
		return;
	if (!(m->flags & WIRE_F_HELLO))
		s->in_hello = 0;
	if (!((m->flags & WIRE_F_HELLO) && peer_hello(w, s, m))) {
		if (s->have_last && m->seq != expected) {
			if (wire_seq_before(m->seq, expected)) {
				w->wire.before++;
				return;
			}
			/* a gap: acknowledge what came, ask for the rest */
			if (s->ack_pending)
				send_to_sender(w, s, WIRE_F_ACK, s->ack_from,
				    expected - 1);
			send_to_sender(w, s, WIRE_F_NACK, expected,
			    m->seq - 1);
			log_debug("FT-FW: a gap, %u..%u asked again", expected,
			    m->seq - 1);
			w->wire.lost += m->seq - s->last + 1;
			s->window = f->window_size - 1;
			s->ack_from = m->seq;
			s->ack_pending = 1;
			in_sync = 0;
		}
	}
	if (m->flags & WIRE_F_HELLO_BACK)
		f->hello = 2;
	process(w, m, kind, s);
	s->last = m->seq;
	s->have_last = 1;
	if (!in_sync)
		return;
	if (!s->ack_pending) {
		s->ack_from = m->seq;
		s->ack_pending = 1;
	}
	if (--s->window == 0) {
		send_to_sender(w, s, WIRE_F_ACK, s->ack_from, m->seq);
		s->ack_pending = 0;
		s->window = f->window_size;
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
	.timeout_ms = ftfw_timeout_ms,
	.tx_flags = hello_flags,
	.tx_keep = rsq_store,
	.tx_room = rsq_room,
	.rsqueue_text = ftfw_rsqueue_text,
};
