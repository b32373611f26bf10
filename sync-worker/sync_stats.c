/*
 * The sync worker's statistics: one block per cache, link, queue and
 * protocol counter set, in conntrackd's order for each -s request
 * (ctl/render.c prints them; the counters are named in stats_keys.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <unistd.h>

#include "syncworker.h"

static void
link_block(struct syncw *w, int i, enum stats_kind kind)
{
	const struct sync_link *l = &w->links[i];
	struct stats_block b;

	stats_block_init(&b, kind, l->ifname);
	b.v[ST_LINK_KIND] = l->kind;
	b.v[ST_LINK_STATUS] = (uint64_t)link_status(l);
	b.v[ST_LINK_ROLE] =
	    i == w->active_link ? LINKROLE_ACTIVE : LINKROLE_BACKUP;
	b.v[ST_LINK_BYTES_SENT] = l->cnt.bytes_sent;
	b.v[ST_LINK_BYTES_RECV] = l->cnt.bytes_recv;
	b.v[ST_LINK_PACKETS_SENT] = l->cnt.pkts_sent;
	b.v[ST_LINK_PACKETS_RECV] = l->cnt.pkts_recv;
	b.v[ST_LINK_ERRORS_SEND] = l->cnt.err_send;
	b.v[ST_LINK_ERRORS_RECV] = l->cnt.err_recv;
	if (l->kind == LINK_TCP) {
		/* the peer's to us */
		b.v[ST_LINK_SERVER_CONNECTED] = l->conn != -1;
		/* ours */
		b.v[ST_LINK_CLIENT_CONNECTED] = l->tx != -1 && !l->connecting;
	}
	sync_answer_block(w, &b);
}

static void
counts_block(struct syncw *w, const char *name, uint32_t count,
    const struct cache_stats *st)
{
	struct stats_block b;

	stats_block_init(&b, SB_CACHE, name);
	b.v[ST_CACHE_ACTIVE] = count;
	b.v[ST_CACHE_CREATED] = st->created;
	b.v[ST_CACHE_CREATE_FAILED] = st->create_nomem + st->create_nospace;
	b.v[ST_CACHE_UPDATED] = st->updated;
	b.v[ST_CACHE_UPDATE_FAILED] = st->update_notfound;
	b.v[ST_CACHE_DESTROYED] = st->destroyed;
	b.v[ST_CACHE_DESTROY_FAILED] = st->destroy_notfound;
	sync_answer_block(w, &b);
}

static void
cache_block(struct syncw *w, const char *name, const struct cache *c)
{
	counts_block(w, name, cache_live(c), &c->st);
}

static void
cache_ext_block(struct syncw *w, const char *name, const struct cache *c)
{
	struct stats_block b;

	stats_block_init(&b, SB_CACHE_EXT, name);
	/* as conntrackd: objects and entries include the destroyed ones
	 * whose DEL waits (FT-FW), "active" does not */
	b.v[ST_CACHE_EXT_OBJECTS] = c->count;
	b.v[ST_CACHE_EXT_ACTIVE] = cache_live(c);
	b.v[ST_CACHE_EXT_ENTRIES] = c->count;
	b.v[ST_CACHE_EXT_CREATE_OK] = c->st.created;
	b.v[ST_CACHE_EXT_CREATE_FAILED] = c->st.create_nomem +
	    c->st.create_nospace;
	b.v[ST_CACHE_EXT_CREATE_NO_MEMORY] = c->st.create_nomem;
	b.v[ST_CACHE_EXT_CREATE_NO_SPACE] = c->st.create_nospace;
	b.v[ST_CACHE_EXT_UPDATE_OK] = c->st.updated;
	b.v[ST_CACHE_EXT_UPDATE_FAILED] = c->st.update_notfound;
	b.v[ST_CACHE_EXT_UPDATE_NOT_FOUND] = c->st.update_notfound;
	b.v[ST_CACHE_EXT_DELETE_OK] = c->st.destroyed;
	b.v[ST_CACHE_EXT_DELETE_FAILED] = c->st.destroy_notfound;
	b.v[ST_CACHE_EXT_DELETE_NOT_FOUND] = c->st.destroy_notfound;
	sync_answer_block(w, &b);
}

/* DisableInternalCache: what went by. */
static void
bypass_block(struct syncw *w)
{
	struct stats_block b;

	stats_block_init(&b, SB_CACHE_BYPASS, NULL);
	b.v[ST_BYPASS_NEW] = w->bypass.created;
	b.v[ST_BYPASS_UPDATED] = w->bypass.updated;
	b.v[ST_BYPASS_DESTROYED] = w->bypass.destroyed;
	sync_answer_block(w, &b);
}

/* DisableExternalCache: what the kernel did with the peers' states. */
static void
inject_block(struct syncw *w)
{
	struct stats_block b;
	int i;

	stats_block_init(&b, SB_CACHE_INJECT, NULL);
	for (i = 0; i < 3; i++) {
		b.v[2 * i] = w->direct.ok[i];
		b.v[2 * i + 1] = w->direct.failed[i];
	}
	sync_answer_block(w, &b);
}

static void
general_stats(struct syncw *w)
{
	struct stats_block b;

	if (w->cfg.mode == MODE_STATS) {
		cache_block(w, "stats", &w->internal);
	} else {
		if (bypass_on(w))
			bypass_block(w);
		else
			cache_block(w, "internal", &w->internal);
		if (w->cfg.disable_external_cache)
			inject_block(w);
		else
			cache_block(w, "external", &w->external);
	}
	stats_block_init(&b, SB_TRAFFIC, NULL);
	b.v[ST_TRAFFIC_BYTES] = w->traffic_bytes;
	b.v[ST_TRAFFIC_PACKETS] = w->traffic_packets;
	sync_answer_block(w, &b);
	if (w->cfg.mode == MODE_STATS)
		return;
	if (w->active_link >= 0)
		link_block(w, w->active_link, SB_LINK_ACTIVE);
	stats_block_init(&b, SB_SYNC, NULL);
	b.v[ST_SYNC_MALFORMED] = w->wire.malformed;
	b.v[ST_SYNC_LOST] = w->wire.lost;
	sync_answer_block(w, &b);
}

static void
queue_block(struct syncw *w, const char *name, uint64_t cur, uint64_t max,
    uint64_t nospace)
{
	struct stats_block b;

	stats_block_init(&b, SB_QUEUE, name);
	b.v[ST_QUEUE_CURRENT] = cur;
	b.v[ST_QUEUE_MAXIMUM] = max;
	b.v[ST_QUEUE_NO_SPACE] = nospace;
	sync_answer_block(w, &b);
}

/*
 * -s queue: conntrackd's three queues, newest first.  The error queue
 * holds what TCP links could not send yet.
 */
static void
queue_stats(struct syncw *w)
{
	const struct ftfw *f = &w->ftfw;
	struct stats_block b;

	stats_block_init(&b, SB_QUEUE_NODES, NULL);
	b.v[ST_QUEUE_NODES_ALLOCATED] =
	    (uint64_t)w->internal.txlen + w->tx.nctl + f->rsq.len +
	    f->resend.len + w->errq.count;
	sync_answer_block(w, &b);
	queue_block(w, "txqueue", (uint64_t)w->internal.txlen + w->tx.nctl +
	    f->resend.len, 2147483647, 0);
	queue_block(w, "errorq", w->errq.count, w->errq.max ? w->errq.max :
	    128, w->errq.dropped);
	if (w->mode == &sync_mode_ftfw)
		queue_block(w, "rsqueue", f->rsq.len, f->rsq_max,
		    f->rsq_dropped);
}

/* Milliseconds since a monotonic time, or UINT64_MAX for never (0). */
static uint64_t
ms_ago(uint64_t then, uint64_t now)
{
	return then == 0 ? UINT64_MAX : now - then;
}

/*
 * Frames are refused and none has opened since, within AUTH_STALE_MS:
 * the peer seals with a key we do not hold (or we are under attack).
 */
#define AUTH_STALE_MS	30000
static int
auth_wrong_key(const struct syncw *w)
{
	const struct link_auth *a = &w->auth;

	return a->on && a->last_bad_ms != 0 && a->last_bad_ms > a->last_ok_ms &&
	    mono_ms() - a->last_bad_ms < AUTH_STALE_MS;
}

/*
 * Who the link's peer is, as a block label (a metrics label): the
 * configured peer of the first link, or "all" on a multicast group.
 */
static const char *
peer_label(const struct syncw *w, char *buf, size_t len)
{
	const struct sync_link *l = &w->links[0];

	if (!l->present || l->peer_family == 0 ||
	    inet_ntop(l->peer_family, l->peer, buf, (socklen_t)len) == NULL)
		return "all";
	return buf;
}

static void
auth_block(struct syncw *w)
{
	const struct link_auth *a = &w->auth;
	struct stats_block b;
	uint64_t now = mono_ms();
	char peer[INET6_ADDRSTRLEN];

	stats_block_init(&b, SB_AUTH, peer_label(w, peer, sizeof(peer)));
	b.v[ST_AUTH_KEYS] = a->nkeys;
	b.v[ST_AUTH_SEALED] = a->sealed;
	b.v[ST_AUTH_OPENED] = a->count[AUTH_OK];
	b.v[ST_AUTH_NOT_SEALED] = a->count[AUTH_NOT_SEALED];
	b.v[ST_AUTH_UNKNOWN_KEY] = a->count[AUTH_UNKNOWN_KEY];
	b.v[ST_AUTH_FORGED] = a->count[AUTH_FORGED];
	b.v[ST_AUTH_REPLAYED] = a->count[AUTH_REPLAYED];
	b.v[ST_AUTH_PEER_RESTARTS] = a->replay.restarts;
	b.v[ST_AUTH_LAST_OK_AGO_MS] = ms_ago(a->last_ok_ms, now);
	b.v[ST_AUTH_LAST_BAD_AGO_MS] = ms_ago(a->last_bad_ms, now);
	b.v[ST_AUTH_WRONG_KEY] = (uint64_t)auth_wrong_key(w);
	sync_answer_block(w, &b);
}

/* The protocol's counters (-s network), without the active link's. */
static void
network_block(struct syncw *w)
{
	struct stats_block b;

	stats_block_init(&b, SB_NETWORK, NULL);
	b.v[ST_NETWORK_RECV_MALFORMED] = w->wire.malformed;
	b.v[ST_NETWORK_RECV_WRONG_VERSION] = w->wire.bad_version;
	b.v[ST_NETWORK_RECV_MALFORMED_HEADER] = w->wire.bad_header;
	b.v[ST_NETWORK_RECV_MALFORMED_PAYLOAD] = w->wire.bad_payload;
	b.v[ST_NETWORK_RECV_BAD_TYPE] = w->wire.bad_type;
	b.v[ST_NETWORK_RECV_TRUNCATED] = w->wire.truncated;
	b.v[ST_NETWORK_RECV_BAD_SIZE] = w->wire.bad_size;
	b.v[ST_NETWORK_SEND_MALFORMED] = w->wire.send_malformed;
	b.v[ST_NETWORK_SEQ_LOST] = w->wire.lost;
	b.v[ST_NETWORK_SEQ_BEFORE] = w->wire.before;
	b.v[ST_NETWORK_RECV_NOT_FROM_PEER] = w->wire.not_from_peer;
	b.v[ST_NETWORK_RECV_EXPECT_REFUSED] = w->wire.exp_refused;
	b.v[ST_NETWORK_SEQ_OUT_OF_WINDOW] = w->wire.out_of_window;
	b.v[ST_NETWORK_ACK_OUT_OF_RANGE] = w->wire.ack_out_of_range;
	b.v[ST_NETWORK_ACK_FOR_OTHER] = w->wire.ack_for_other;
	b.v[ST_NETWORK_SENDERS_TOO_MANY] = w->senders.too_many;
	b.v[ST_NETWORK_KEEPALIVE_SENT] = w->keepalive.sent;
	b.v[ST_NETWORK_TAIL_PROBES] = w->ftfw.tail_probes;
	b.v[ST_NETWORK_STANDBY_DELS_HELD] = w->keepalive.held;
	b.v[ST_NETWORK_BULK_DEFERRED] = w->bulk.deferred_count;
	b.v[ST_NETWORK_AUTH_FAILED] = w->auth.count[AUTH_NOT_SEALED] +
	    w->auth.count[AUTH_UNKNOWN_KEY] +
	    w->auth.count[AUTH_FORGED];
	b.v[ST_NETWORK_REPLAYED] = w->auth.count[AUTH_REPLAYED];
	sync_answer_block(w, &b);
}

/* ctsyncctl health: whether our copy of the peer's table was verified. */
static void
insync_block(struct syncw *w)
{
	struct stats_block b;
	uint64_t now = mono_ms(), matched_ms;
	int v = antientropy_verified(w, &matched_ms);
	char peer[INET6_ADDRSTRLEN];

	stats_block_init(&b, SB_INSYNC, peer_label(w, peer, sizeof(peer)));
	b.v[ST_INSYNC_COMPARED] = v >= 0;
	b.v[ST_INSYNC_VERIFIED] = v == 1;
	b.v[ST_INSYNC_LAST_MATCH_AGO_MS] = matched_ms ?
	    now - matched_ms : UINT64_MAX;
	b.v[ST_INSYNC_PEER_AGO_MS] = w->ae.peer_seen_ms ?
	    now - w->ae.peer_seen_ms : UINT64_MAX;
	b.v[ST_INSYNC_NODES] = (uint64_t)senders_live(w);
	b.v[ST_INSYNC_ROUNDS] = w->ae.rounds;
	b.v[ST_INSYNC_MISMATCHES] = w->ae.mismatches;
	b.v[ST_INSYNC_RANGES_DIFFERING] = w->ae.ranges_differing;
	b.v[ST_INSYNC_STALE_REMOVED] = w->ae.stale_removed;
	b.v[ST_INSYNC_REPAIRS] = w->ae.repairs;
	b.v[ST_INSYNC_ENTRIES_RESENT] = w->ae.entries_resent;
	b.v[ST_INSYNC_MALFORMED] = w->ae.malformed;
	b.v[ST_INSYNC_KERNEL_DROPPED] = w->ae.kernel_dropped;
	b.v[ST_INSYNC_DIFFS_FOR_OTHERS] = w->ae.not_for_us;
	sync_answer_block(w, &b);
}

/* The blocks of one statistics request, in conntrackd's order. */
void
sync_stats(struct syncw *w, uint32_t req)
{
	struct stats_block b;
	int i;

	switch (req) {
	case REQ_STATS:
		general_stats(w);
		break;
	case REQ_STATS_RUNTIME:
		/* the events we read; the supervisor adds the netlink
		 * worker's counts (control.c netlink_block_merge) */
		stats_block_init(&b, SB_NETLINK, NULL);
		b.v[ST_NETLINK_EVENTS_RECEIVED] = w->events.cnt.received;
		b.v[ST_NETLINK_EVENTS_FILTERED] = w->events.cnt.filtered;
		b.v[ST_NETLINK_EVENTS_UNKNOWN_TYPE] = w->events.cnt.unknown;
		b.v[ST_NETLINK_CATCH_EVENT_FAILED] =
		    w->events.cnt.catch_failed;
		sync_answer_block(w, &b);
		break;
	case REQ_STATS_NETWORK:
		network_block(w);
		if (w->active_link >= 0)
			link_block(w, w->active_link, SB_LINK_ACTIVE);
		break;
	case REQ_STATS_CACHE:
		if (w->cfg.mode == MODE_STATS) {
			cache_ext_block(w, "stats", &w->internal);
			break;
		}
		if (bypass_on(w))
			bypass_block(w);
		else
			cache_ext_block(w, "internal", &w->internal);
		if (w->cfg.disable_external_cache)
			inject_block(w);
		else
			cache_ext_block(w, "external", &w->external);
		break;
	case REQ_STATS_LINK:
		for (i = 0; i < CONF_MAX_LINKS; i++)
			if (w->links[i].present)
				link_block(w, i, SB_LINK);
		break;
	case REQ_STATS_QUEUE:
		queue_stats(w);
		break;
	case REQ_EXP_STATS:
		counts_block(w, "internal", w->exp_internal.count,
		    &w->exp_internal.st);
		counts_block(w, "external", w->exp_external.count,
		    &w->exp_external.st);
		break;
	case REQ_METRICS:
		/* every block once (ctl/metrics.c names them) */
		sync_stats(w, REQ_STATS_CACHE);
		stats_block_init(&b, SB_TRAFFIC, NULL);
		b.v[ST_TRAFFIC_BYTES] = w->traffic_bytes;
		b.v[ST_TRAFFIC_PACKETS] = w->traffic_packets;
		sync_answer_block(w, &b);
		if (w->cfg.mode != MODE_STATS) {
			network_block(w);
			sync_stats(w, REQ_STATS_LINK);
			sync_stats(w, REQ_STATS_QUEUE);
		}
		if (w->cfg.expect_sync)
			sync_stats(w, REQ_EXP_STATS);
		sync_stats(w, REQ_STATS_RUNTIME);
		sync_stats(w, REQ_HEALTH);
		break;
	case REQ_HEALTH:
		stats_block_init(&b, SB_HEALTH, "sync worker");
		b.v[ST_HEALTH_PID] = (uint64_t)getpid();
		b.v[ST_HEALTH_OK] = !auth_wrong_key(w);
		sync_answer_block(w, &b);
		if (w->auth.on)
			auth_block(w);
		insync_block(w);
		break;
	}
}
