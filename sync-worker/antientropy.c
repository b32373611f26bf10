/*
 * Anti-entropy between ctsyncd nodes (FT-FW or NOTRACK): a lost datagram
 * never repaired, a stuck queue or a bug leaves a peer's copy of our
 * table wrong without anyone knowing; this finds it and repairs only
 * what differs.
 *
 * Every AntiEntropy seconds each node says CAPS (it speaks this) and,
 * once it heard a peer's CAPS, sends the digest of its internal cache
 * (cache.h: CACHE_RANGES range sums, kept up to date as the cache
 * changes).  Each peer compares it with its copy of that node's table:
 * the objects of its external cache that node sent (a digest per owner,
 * cache.h; each sender has a record, senders.h, and so each node of a
 * multicast group is compared on its own):
 *   - equal: its copy is verified (ctsyncctl health says so);
 *   - some ranges differ: it answers DIFF with them, addressed to the
 *     node (its id: on a group every node hears the DIFF); that node
 *     sends every entry of those ranges again (the normal send queue)
 *     and, once the queue has drained, DONE; a second later (NACKed
 *     messages get there) the peer drops the entries that node owns in
 *     those ranges and did not send again since the DIFF: they are gone
 *     there.
 * The messages ride on ALIVE (wire_ext.h), which conntrackd 1.4.7 skips:
 * with a conntrackd peer nothing is compared (on a group with conntrackd
 * and ctsyncd nodes, the ctsyncd ones are).  An entry two nodes both
 * send (asymmetric routing) is owned by the last sender: the other's
 * digest differs in its range, which is sent again each period.
 *
 * Hot standby (DisableExternalCache): the peer's states go into our
 * kernel, not into a cache, and that copy is what a takeover relies on.
 * The external cache then holds a slim record (the digest's fields) of
 * each state written into the kernel for the peer, and loses it when the
 * kernel drops the entry (timed out, deleted by someone: a DESTROY event
 * not of our own injection): the digest then differs and the peer sends
 * the state again.  A stale record is only forgotten, never deleted from
 * the kernel: after a takeover the live connections may be in our kernel
 * alone (an established TCP connection brings no event), and a kernel
 * entry too many costs nothing but its timeout.  What the kernel refused
 * to create is counted ("external inject" of -s) but still recorded.
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "syncworker.h"
#include "wire_ext.h"

#define AE_SWEEP_GRACE_MS	1000	/* DONE, then stale entries go */
#define AE_PEER_ROUNDS		3	/* a peer's CAPS counts this long */

/* Whether this node compares digests at all (its configuration). */
static int
ae_configured(const struct syncw *w)
{
	return w->cfg.anti_entropy != 0 && (w->cfg.mode == MODE_FTFW ||
	    w->cfg.mode == MODE_NOTRACK) && !bypass_on(w);
}

/* Hot standby with anti-entropy: the external cache records what was
 * written into the kernel for the peer. */
int
antientropy_records_kernel(const struct syncw *w)
{
	return ae_configured(w) && w->cfg.disable_external_cache;
}

/* ... and now, for this sender: a ctsyncd node heard lately. */
static int
ae_now(const struct syncw *w, const struct sender *s)
{
	uint64_t span = (uint64_t)w->cfg.anti_entropy * 1000 * AE_PEER_ROUNDS;

	return ae_configured(w) && s->ae.seen_ms != 0 &&
	    mono_ms() - s->ae.seen_ms < span;
}

/* Any ctsyncd node heard lately: our digest is worth sending. */
static int
ae_anyone(const struct syncw *w)
{
	int i;

	for (i = 0; i < SENDERS_MAX; i++)
		if (ae_now(w, &w->senders.s[i]))
			return 1;
	return 0;
}

void
antientropy_init(struct syncw *w)
{
	uint16_t node = w->ae.node;
	int i;

	memset(&w->ae, 0, sizeof(w->ae));
	w->ae.node = node;
	for (i = 0; i < SENDERS_MAX; i++)
		memset(&w->senders.s[i].ae, 0, sizeof(w->senders.s[i].ae));
	w->internal.digest_on = w->external.digest_on = ae_configured(w);
	w->ae.next_ms = mono_ms() + 1000;	/* CAPS soon after start */
}

/*
 * The health answer: 1 verified (our copy of every ctsyncd node heard
 * lately matched its last digest), 0 not (yet), -1 not compared here.
 * *oldest_ms: when the least recent of those matches was (0: never).
 */
int
antientropy_verified(const struct syncw *w, uint64_t *oldest_ms)
{
	int i, n = 0, ok = 1;

	*oldest_ms = 0;
	if (!ae_configured(w))
		return -1;
	for (i = 0; i < SENDERS_MAX; i++) {
		const struct sender *s = &w->senders.s[i];

		if (!ae_now(w, s))
			continue;
		n++;
		ok &= s->ae.verified;
		if (*oldest_ms == 0 || s->ae.verified_ms < *oldest_ms)
			*oldest_ms = s->ae.verified_ms;
	}
	return n > 0 && ok;
}

static void
send_kind(struct syncw *w, uint8_t kind, uint16_t node, uint32_t epoch,
    const uint8_t *bits)
{
	struct wire_ext x;

	memset(&x, 0, sizeof(x));
	x.kind = kind;
	x.node = node;
	x.epoch = epoch;
	if (bits)
		memcpy(x.bits, bits, sizeof(x.bits));
	if (kind == WX_DIGEST) {
		x.count = w->internal.digest_count;
		memcpy(x.sums, w->internal.digest, sizeof(x.sums));
	}
	send_ext(w, &x);
}

/* ---- hot standby: the record of the peer's states in our kernel ------------ */

/* The fields cache_digest_value() reads, and the key. */
#define RECORD_ATTRS	(CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_IPV6) |	\
	CT_BIT(CT_A_L4PROTO) | CT_BIT(CT_A_PORT) | CT_BIT(CT_A_TCP_STATE) | \
	CT_BIT(CT_A_MARK) | CT_BIT(CT_A_ICMP_TYPE) | CT_BIT(CT_A_ICMP_CODE) | \
	CT_BIT(CT_A_ICMP_ID) | CT_BIT(CT_A_ZONE))

/* A peer's state handed to the netlink worker for our kernel. */
void
antientropy_injected(struct syncw *w, uint8_t wire_type, const struct ctobj *o,
    unsigned int owner)
{
	struct ctobj r;

	if (!antientropy_records_kernel(w))
		return;
	if (wire_type == WIRE_CT_DEL) {
		cache_delete(&w->external, o);
		return;
	}
	r = *o;
	r.attrs &= RECORD_ATTRS;
	cache_upsert_owned(&w->external, &r, mono_secs(), owner);
}

/* The kernel dropped an entry (not through our injection): if the peer
 * sent it, our copy has a hole, which the next digest shows. */
void
antientropy_kernel_dropped(struct syncw *w, const struct ctobj *o)
{
	if (antientropy_records_kernel(w) &&
	    cache_delete(&w->external, o) == 0)
		w->ae.kernel_dropped++;
}

/* ---- checking our copy of the peer's table -------------------------------- */

static void
compare(struct syncw *w, struct sender *s, const struct wire_ext *x)
{
	const uint32_t *copy = w->external.owner_digest[sender_index(w, s)];
	uint8_t bits[WIRE_EXT_BITMAP];
	uint32_t now = (uint32_t)mono_secs();
	int r, n = 0;

	memset(bits, 0, sizeof(bits));
	for (r = 0; r < CACHE_RANGES; r++)
		if (copy[r] != x->sums[r]) {
			wire_ext_set(bits, (unsigned)r);
			/* the first DIFF of a range not swept yet counts: an
			 * entry sent again since then is not stale, even if
			 * the DONE of that first repair comes after this */
			if (s->ae.diff_at[r] == 0)
				s->ae.diff_at[r] = now;
			n++;
		}
	w->ae.rounds++;
	log_debug("anti-entropy: node %04x's digest of round %u: %d ranges "
	    "of our copy differ", x->node, x->epoch, n);
	if (n == 0) {
		s->ae.verified = 1;
		s->ae.verified_ms = mono_ms();
		return;
	}
	s->ae.verified = 0;
	w->ae.mismatches++;
	w->ae.ranges_differing += (uint64_t)n;
	send_kind(w, WX_DIFF, x->node, x->epoch, bits);
}

struct sweep_arg {
	struct syncw	*w;
	struct sender	*s;
	unsigned int	 owner;
};

/* An entry of the sender's, in a swept range, not sent again since we
 * asked: stale. */
static int
stale(struct cache_obj *co, void *arg)
{
	struct sweep_arg *a = arg;
	struct sender_ae *ae = &a->s->ae;
	unsigned int r;

	if (co->sum == 0 || co->owner != a->owner)
		return 0;
	r = CACHE_RANGE_OF(co->sum);
	if (!wire_ext_bit(ae->sweep_bits, r) || ae->diff_at[r] == 0 ||
	    (int32_t)(co->touched - ae->diff_at[r]) >= 0)
		return 0;
	a->w->ae.stale_removed++;
	return 1;		/* freed and counted by cache_scan */
}

static void
sweep(struct syncw *w, struct sender *s)
{
	struct sweep_arg a = { w, s, sender_index(w, s) };
	uint32_t cursor = 0;
	int r;

	cache_scan(&w->external, &cursor, w->external.nbuckets, stale, &a);
	for (r = 0; r < CACHE_RANGES; r++)
		if (wire_ext_bit(s->ae.sweep_bits, (unsigned)r))
			s->ae.diff_at[r] = 0;
	memset(s->ae.sweep_bits, 0, sizeof(s->ae.sweep_bits));
	s->ae.sweep_at_ms = 0;
}

/* ---- repairing the peer's copy of our table -------------------------------- */

struct resend_arg {
	struct syncw	*w;
	const uint8_t	*bits;
	uint64_t	 n;
};

static int
resend_one(struct cache_obj *co, void *arg)
{
	struct resend_arg *a = arg;

	if (!co->dead && co->sum != 0 &&
	    wire_ext_bit(a->bits, CACHE_RANGE_OF(co->sum))) {
		cache_queue(&a->w->internal, co);
		a->n++;
	}
	return 0;
}

static void
repair(struct syncw *w, const struct wire_ext *x)
{
	struct resend_arg a = { w, x->bits, 0 };
	size_t i;

	/* standing down (-t): our table is stale, and a hot standby peer
	 * would write it into the kernel that now carries the traffic */
	if (w->standing_down)
		return;
	if (x->node != 0 && x->node != w->ae.node) {
		w->ae.not_for_us++;	/* another node's digest differed */
		return;
	}
	cache_walk(&w->internal, resend_one, &a);
	w->ae.repairs++;
	w->ae.entries_resent += a.n;
	for (i = 0; i < sizeof(w->ae.repair_bits); i++)
		w->ae.repair_bits[i] |= x->bits[i];
	w->ae.repair_epoch = x->epoch;
	w->ae.repair_pending = 1;
}

/* ---- the protocol ---------------------------------------------------------- */

/* An ALIVE from a peer: one of ours, perhaps (wire_ext.h). */
void
antientropy_recv(struct syncw *w, const struct wire_msg *m, struct sender *s)
{
	struct wire_ext x;
	int r;

	if (m->len <= WIRE_HDR_LEN || (r = wire_ext_get(m, &x)) == 0)
		return;
	if (r == -1) {
		w->ae.malformed++;
		return;
	}
	w->ae.peer_seen_ms = s->ae.seen_ms = mono_ms();
	if (!ae_now(w, s))
		return;
	switch (x.kind) {
	case WX_DIGEST:
		compare(w, s, &x);
		break;
	case WX_DIFF:
		repair(w, &x);
		break;
	case WX_DONE:
		for (r = 0; r < (int)sizeof(x.bits); r++)
			s->ae.sweep_bits[r] |= x.bits[r];
		s->ae.sweep_at_ms = mono_ms() + AE_SWEEP_GRACE_MS;
		break;
	}
}

/* Each pass of the mode's loop: what is due. */
void
antientropy_tick(struct syncw *w)
{
	uint64_t now = mono_ms();
	int i;

	if (!ae_configured(w))
		return;
	/* DONE once what the repair queued has gone out */
	if (w->ae.repair_pending && w->internal.txlen == 0) {
		send_kind(w, WX_DONE, w->ae.node, w->ae.repair_epoch,
		    w->ae.repair_bits);
		memset(w->ae.repair_bits, 0, sizeof(w->ae.repair_bits));
		w->ae.repair_pending = 0;
	}
	for (i = 0; i < SENDERS_MAX; i++) {
		struct sender *s = &w->senders.s[i];

		if (s->ae.sweep_at_ms != 0 && now >= s->ae.sweep_at_ms)
			sweep(w, s);
	}
	if (now < w->ae.next_ms)
		return;
	w->ae.next_ms = now + (uint64_t)w->cfg.anti_entropy * 1000;
	w->ae.epoch++;
	send_kind(w, WX_CAPS, w->ae.node, w->ae.epoch, NULL);
	if (ae_anyone(w) && !w->standing_down)	/* stale table: repair() */
		send_kind(w, WX_DIGEST, w->ae.node, w->ae.epoch, NULL);
}
