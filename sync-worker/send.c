/*
 * Sending, shared by every sync mode: one sequence counter for every
 * message; control messages queued and sent first; objects and
 * expectations encoded as they stand; each message packed into the
 * current datagram of the active link.  What a message carries (FT-FW's
 * HELLO flags), what is kept for resending, and how much of the send
 * queue may go out now are the mode's answers (sync_mode.h).
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "log.h"
#include "syncworker.h"
#include "wire_ext.h"

void
send_init(struct syncw *w)
{
	memset(&w->tx, 0, sizeof(w->tx));
	clock_gettime(CLOCK_MONOTONIC, &w->tx.last);
}

static uint32_t
next_seq(struct syncw *w)
{
	if (!w->tx.seq_started) {
		w->tx.next_seq = (uint32_t)time(NULL);
		w->tx.seq_started = 1;
	}
	return w->tx.next_seq++;
}

static uint8_t
mode_flags(struct syncw *w)
{
	return w->mode->tx_flags ? w->mode->tx_flags(w) : 0;
}

/* Milliseconds since the last message went out (for heartbeats). */
uint32_t
send_idle_ms(const struct syncw *w)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - w->tx.last.tv_sec) * 1000 +
	    (now.tv_nsec - w->tx.last.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (uint32_t)ms;
}

/* Into the datagram; kept for resending if `keep' and the mode keeps. */
static void
transmit(struct syncw *w, const uint8_t *msg, size_t len, int keep, int ctl,
    uint32_t seq)
{
	links_send(w, msg, len);
	if (keep && w->mode->tx_keep)
		w->mode->tx_keep(w, msg, len, seq, ctl);
	clock_gettime(CLOCK_MONOTONIC, &w->tx.last);
}

/* A control message, to every node (`for' NULL) or meant for one node
 * of a multicast segment (an ACK or NACK: wire.h). */
void
send_ctl_for(struct syncw *w, uint8_t flags, uint32_t from, uint32_t to,
    const struct sender *for_node)
{
	struct sync_tx *t = &w->tx;

	if (t->nctl == SEND_CTLQ_MAX)
		send_controls(w);	/* full: out with what is queued */
	memset(&t->ctlq[t->nctl], 0, sizeof(t->ctlq[0]));
	t->ctlq[t->nctl].flags = flags;
	t->ctlq[t->nctl].from = from;
	t->ctlq[t->nctl].to = to;
	if (for_node != NULL && for_node->family != 0) {
		t->ctlq[t->nctl].for_family = for_node->family;
		memcpy(t->ctlq[t->nctl].for_addr, for_node->addr, 16);
	}
	t->nctl++;
}

void
send_ctl(struct syncw *w, uint8_t flags, uint32_t from, uint32_t to)
{
	send_ctl_for(w, flags, from, to, NULL);
}

void
send_controls(struct syncw *w)
{
	struct sync_tx *t = &w->tx;
	uint8_t msg[WIRE_CTL_TO6_LEN];
	int i;

	for (i = 0; i < t->nctl; i++) {
		uint8_t flags = t->ctlq[i].flags | mode_flags(w);
		uint32_t seq = next_seq(w);
		size_t n = t->ctlq[i].for_family == 0 ?
		    wire_put_ctl(msg, sizeof(msg), flags, seq,
		    t->ctlq[i].from, t->ctlq[i].to) :
		    wire_put_ctl_for(msg, sizeof(msg), flags, seq,
		    t->ctlq[i].from, t->ctlq[i].to, t->ctlq[i].for_family,
		    t->ctlq[i].for_addr);

		/* ACK, NACK and RESYNC may be lost too: keep them */
		transmit(w, msg, n, !(t->ctlq[i].flags & WIRE_F_ALIVE), 1, seq);
	}
	t->nctl = 0;
}

/* One of ctsyncd's own messages to its peers: an ALIVE with a payload
 * (wire_ext.h), not kept for resending (they are sent again anyway). */
void
send_ext(struct syncw *w, const struct wire_ext *x)
{
	uint8_t msg[WIRE_EXT_MAX];
	uint32_t seq = next_seq(w);
	size_t n;

	wire_put_ctl(msg, sizeof(msg), WIRE_F_ALIVE | mode_flags(w), seq, 0,
	    0);
	if ((n = wire_ext_put(msg + WIRE_HDR_LEN, sizeof(msg) - WIRE_HDR_LEN,
	    x)) == 0) {
		w->wire.send_malformed++;
		return;
	}
	n += WIRE_HDR_LEN;
	msg[2] = (uint8_t)(n >> 8);
	msg[3] = (uint8_t)n;
	transmit(w, msg, n, 0, 1, seq);
}

void
send_request_resync(struct syncw *w)
{
	send_ctl(w, WIRE_F_RESYNC, 0, 0);
}

static const struct wire_opts *
wire_opts_of(const struct syncw *w)
{
	static struct wire_opts o;

	o.window_tracking = w->cfg.tcp_window_tracking;
	o.omit_timeout = w->cfg.commit_timeout != 0;
	return &o;
}

/* An encoded data message out, or counted if it could not be encoded. */
static void
send_data(struct syncw *w, const uint8_t *msg, size_t len, uint32_t seq)
{
	if (len == 0) {
		w->wire.send_malformed++;
		return;
	}
	transmit(w, msg, len, 1, 0, seq);
}

/* An object as it stands: NEW, UPD or DEL. */
void
send_object(struct syncw *w, const struct ctobj *o, uint8_t type)
{
	uint8_t msg[WIRE_MSG_MAX], flags = mode_flags(w);
	uint32_t seq = next_seq(w);

	send_data(w, msg, wire_put_ct(msg, sizeof(msg), type, flags, seq, o,
	    wire_opts_of(w)), seq);
}

/* An expectation now (they are few: no queue of their own). */
void
send_exp(struct syncw *w, const struct ctexp *x, uint8_t type)
{
	uint8_t msg[WIRE_MSG_MAX], flags = mode_flags(w);
	uint32_t seq = next_seq(w);

	send_data(w, msg, wire_put_exp(msg, sizeof(msg), type, flags, seq, x,
	    wire_opts_of(w)), seq);
}

/* A kept message once more, with a new sequence number and flags. */
void
send_again(struct syncw *w, uint8_t *msg, size_t len, int ctl)
{
	uint32_t seq = next_seq(w);
	uint8_t flags = mode_flags(w);

	msg[1] = (uint8_t)((msg[1] & ~(WIRE_F_HELLO | WIRE_F_HELLO_BACK)) |
	    flags);
	msg[4] = (uint8_t)(seq >> 24);
	msg[5] = (uint8_t)(seq >> 16);
	msg[6] = (uint8_t)(seq >> 8);
	msg[7] = (uint8_t)seq;
	transmit(w, msg, len, 1, ctl, seq);
}

/*
 * The internal cache's send queue, `budget' objects at most, while the
 * mode has room (FT-FW: no more than its resend queue can keep).
 * Destroyed objects leave the cache once their DEL is out.
 */
void
send_queue(struct syncw *w, uint32_t budget)
{
	struct cache_obj *co;
	struct ctobj o;

	while (budget-- > 0 && (w->mode->tx_room == NULL ||
	    w->mode->tx_room(w)) &&
	    (co = cache_dequeue(&w->internal)) != NULL) {
		cache_obj_get(co, &o);
		if (co->dead) {
			send_object(w, &o, WIRE_CT_DEL);
			cache_remove(&w->internal, co);
			w->internal.st.destroyed++;
		} else {
			send_object(w, &o, co->updated ? WIRE_CT_UPD :
			    WIRE_CT_NEW);
			keepalive_arm(w, co, &o);
		}
	}
}

/* Whether the send queue waits and the mode would let it go. */
int
send_queue_ready(const struct syncw *w)
{
	return w->internal.txlen > 0 && (w->mode->tx_room == NULL ||
	    w->mode->tx_room(w));
}

/* For a mode with a heartbeat: ms until the send queue or an ALIVE. */
int
send_heartbeat_due_ms(struct syncw *w)
{
	uint32_t since = send_idle_ms(w);
	int ms, keepalive = keepalive_due_ms(w);

	if (send_queue_ready(w))
		return 0;
	ms = since >= SYNC_HEARTBEAT_MS ? 0 : (int)(SYNC_HEARTBEAT_MS - since);
	return keepalive >= 0 && keepalive < ms ? keepalive : ms;
}

/* The datagram being packed goes out. */
void
send_flush(struct syncw *w)
{
	links_flush(w);
}
