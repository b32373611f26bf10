/*
 * Who sends to us: one record per node (senders.h).  On a UDP or TCP link
 * that is the configured peer, whatever link it uses; on a multicast link
 * each source address is a node.  A node that moves to another multicast
 * link (another address) while it is the only one present keeps its
 * record, so that its sequence is followed across the move as 1.4.7 does.
 */
#include "config.h"

#include <string.h>

#include "clock.h"
#include "syncworker.h"

/*
 * A node just heard, or restarted (HELLO), needs what we send from now
 * on: our resend queue keeps it for the node until it acknowledges it
 * (what came before, a bulk brings it).
 */
void
sender_needs_from_now(const struct syncw *w, struct sender *s)
{
	s->have_acked = w->tx.seq_started;
	s->acked = w->tx.next_seq - 1;
}

int
sender_is_live(const struct sender *s, uint64_t now_ms)
{
	return s->heard_ms != 0 && now_ms - s->heard_ms < SENDER_LIVE_MS;
}

unsigned int
sender_index(const struct syncw *w, const struct sender *s)
{
	return (unsigned int)(s - w->senders.s);
}

/* How many nodes were heard in the last SENDER_LIVE_MS. */
int
senders_live(const struct syncw *w)
{
	uint64_t now = mono_ms();
	int i, n = 0;

	for (i = 0; i < SENDERS_MAX; i++)
		n += sender_is_live(&w->senders.s[i], now);
	return n;
}

static int
same_node(const struct sender *s, uint8_t family, const uint8_t addr[16])
{
	return s->heard_ms != 0 && s->family == family &&
	    memcmp(s->addr, addr, 16) == 0;
}

/* The one node present, if it was heard on another link than `link'. */
static struct sender *
moved_alone(struct syncw *w, int link, uint64_t now)
{
	struct sender *only = NULL;
	int i;

	for (i = 0; i < SENDERS_MAX; i++) {
		struct sender *s = &w->senders.s[i];

		if (!sender_is_live(s, now))
			continue;
		if (only != NULL)
			return NULL;
		only = s;
	}
	return only && only->link != link ? only : NULL;
}

/* A free record, or the one heard least recently if none is present. */
static struct sender *
free_record(struct syncw *w, uint64_t now)
{
	struct sender *oldest = NULL;
	int i;

	for (i = 0; i < SENDERS_MAX; i++) {
		struct sender *s = &w->senders.s[i];

		if (s->heard_ms == 0)
			return s;
		if (!sender_is_live(s, now) &&
		    (oldest == NULL || s->heard_ms < oldest->heard_ms))
			oldest = s;
	}
	return oldest;
}

/*
 * The record of the node that sent what link `link' just brought from
 * `family'/`addr', made if new; NULL if SENDERS_MAX nodes are present
 * (counted: its messages are dropped).
 */
struct sender *
senders_get(struct syncw *w, int link, uint8_t family, const uint8_t addr[16])
{
	static const uint8_t none[16];
	uint64_t now = mono_ms();
	struct sender *s = NULL;
	int i;

	if (w->links[link].kind != LINK_MCAST) {
		family = 0;
		addr = none;
	}
	for (i = 0; i < SENDERS_MAX && s == NULL; i++)
		if (same_node(&w->senders.s[i], family, addr))
			s = &w->senders.s[i];
	if (s == NULL && family != 0)
		s = moved_alone(w, link, now);
	if (s == NULL) {
		if ((s = free_record(w, now)) == NULL) {
			w->senders.too_many++;
			return NULL;
		}
		memset(s, 0, sizeof(*s));
		s->window = w->cfg.ack_window;
		sender_needs_from_now(w, s);
	}
	s->family = family;
	memcpy(s->addr, addr, 16);
	s->link = (uint8_t)link;
	s->heard_ms = now;
	return s;
}
