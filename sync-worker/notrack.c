/*
 * NOTRACK (wire-protocol.md 9): FT-FW without the reliability.  Each
 * change is sent once; no HELLO, no ACK or NACK, nothing kept for
 * resending; ALIVE when idle; sequence numbers only counted.  A peer's
 * RESYNC brings it a bulk.
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "syncworker.h"

static void
notrack_init(struct syncw *w)
{
	memset(&w->senders, 0, sizeof(w->senders));
}

/*
 * Everything in arrival order; sequence numbers only counted.  ACK and
 * NACK (a peer in FT-FW) count as malformed headers, as in 1.4.7.
 */
static void
notrack_recv(struct syncw *w, const struct wire_msg *m, struct sender *s)
{
	enum wire_kind kind = wire_classify(m);

	if (kind == WK_BAD || kind == WK_ACK || kind == WK_NACK) {
		w->wire.bad_header++;
		w->wire.malformed++;
		return;
	}
	/* each node's sequence on its own (senders.h) */
	if (s->have_last && m->seq != s->last + 1) {
		if (wire_seq_before(m->seq, s->last + 1))
			w->wire.before++;
		else if (m->seq - s->last > SEQ_WINDOW)
			w->wire.out_of_window++;	/* not a count of loss */
		else	/* 1.4.7's count */
			w->wire.lost += m->seq - s->last + 1;
	}
	s->last = m->seq;
	s->have_last = 1;
	if (kind == WK_DATA)
		sync_apply(w, m, s);
	else if (kind == WK_ALIVE)
		antientropy_recv(w, m, s);
	else if (kind == WK_RESYNC) {
		log_info("resync requested by other node");
		sync_bulk_asked(w);
	}
}

static void
notrack_run(struct syncw *w)
{
	keepalive_tick(w);
	antientropy_tick(w);
	if (send_idle_ms(w) >= SYNC_HEARTBEAT_MS)
		send_ctl(w, WIRE_F_ALIVE, 0, 0);
	send_controls(w);
	send_queue(w, SEND_BURST);
	send_flush(w);
}

const struct sync_mode sync_mode_notrack = {
	.name = "NOTRACK",
	.heartbeat = 1,
	.init = notrack_init,
	.recv = notrack_recv,
	.run = notrack_run,
	.timeout_ms = send_heartbeat_due_ms,
};
