/*
 * What the sync worker is told: its configuration and link sockets,
 * requests, pings and keys from the supervisor (sync_handle), events from
 * the netlink worker (sync_handle_peer).  Every message from the
 * supervisor is checked; a malformed one is fatal.  The process around
 * them is sync_main.c.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msgs.h"
#include "syncworker.h"

/* The sync mode of the configuration, chosen once; NULL in Stats mode. */
static const struct sync_mode *
sync_mode_of(const struct conf_sync *cfg)
{
	switch (cfg->mode) {
	case MODE_FTFW:
		return &sync_mode_ftfw;
	case MODE_NOTRACK:
		return &sync_mode_notrack;
	case MODE_ALARM:
		return &sync_mode_alarm;
	case MODE_STATS:
		break;
	}
	return NULL;
}

static void
flush_internal(struct syncw *w)
{
	cache_flush(&w->internal);	/* its send queue too */
}

/*
 * The configuration is complete (CFG_SYNC, the links and their keys
 * came): caches, links and the sync mode start.
 */
void
sync_start(struct syncw *w)
{
	cache_init(&w->internal, "internal", w->cfg.hashsize,
	    w->cfg.hashlimit, w->hash_key);
	cache_init(&w->external, "external", w->cfg.hashsize,
	    w->cfg.hashlimit, w->hash_key);
	expect_init(w);
	antientropy_init(w);
	if (w->cfg.auth && !w->auth.on)
		fatalx("Authentication without keys");
	links_done(w);
	sync_bulk_init(w);
	if ((w->mode = sync_mode_of(&w->cfg)) != NULL) {
		send_init(w);
		w->mode->init(w);
	}
	w->configured = 1;
	if (w->cfg.startup_resync && sync_on(w))
		send_request_resync(w);
}

/* A hot standby's external cache records what its kernel holds for the
 * peer (antientropy.c): the kernel is not flushed, nor is the record. */
static void
flush_external(struct syncw *w)
{
	if (!antientropy_records_kernel(w))
		cache_flush(&w->external);
}

/*
 * A request from the supervisor: statistics, dumps, flushes.  Which mode
 * does what is the supervisor's plan (supervisor/plan.c); here only what
 * depends on the moment (a link to send on).  Returns 1 if answered, 0 if
 * a dump goes on in parts (it ends the answer itself).
 */
static int
answer(struct syncw *w, uint32_t id, uint32_t req)
{
	switch (req) {
	case REQ_CT_DUMP_INTERNAL: case REQ_CT_DUMP_INT_XML:
		if (bypass_on(w))	/* no cache: a dump of the kernel's */
			bypass_print(w, id);
		else
			sync_dump_cache(w, id, &w->internal,
			    req == REQ_CT_DUMP_INT_XML);
		return 0;
	case REQ_CT_DUMP_EXTERNAL: case REQ_CT_DUMP_EXT_XML:
		sync_dump_cache(w, id, &w->external,
		    req == REQ_CT_DUMP_EXT_XML);
		return 0;
	case REQ_CT_FLUSH_INT_CACHE:
		log_info("flushing internal cache");
		flush_internal(w);
		break;
	case REQ_CT_FLUSH_EXT_CACHE:
		log_info("flushing external cache");
		flush_external(w);
		break;
	case REQ_ALL_FLUSH_CACHE:
		log_info("flushing caches");
		flush_internal(w);
		flush_external(w);
		expcache_flush(&w->exp_internal);
		expcache_flush(&w->exp_external);
		break;
	case REQ_SEND_BULK:
		if (sync_on(w)) {
			log_info("sending bulk update");
			sync_bulk(w);
		}
		break;
	case REQ_REQUEST_DUMP:
		if (sync_on(w)) {
			log_info("resync requested");
			send_request_resync(w);
		}
		break;
	case REQ_EXP_DUMP_INTERNAL: case REQ_EXP_DUMP_INT_XML:
		sync_dump_exp(w, &w->exp_internal, req == REQ_EXP_DUMP_INT_XML);
		break;
	case REQ_EXP_DUMP_EXTERNAL: case REQ_EXP_DUMP_EXT_XML:
		sync_dump_exp(w, &w->exp_external, req == REQ_EXP_DUMP_EXT_XML);
		break;
	case REQ_STATS_RSQUEUE:
		if (sync_on(w) && w->mode->rsqueue_text)
			w->mode->rsqueue_text(w);
		break;
	case REQ_ALL_COMMIT: case REQ_CT_COMMIT: case REQ_EXP_COMMIT:
		/* the commit ends for the client once its entries are in
		 * the internal cache: at the netlink worker's barrier,
		 * after the dump that follows a commit (nl_events.c) */
		if (w->self_change == SELF_NONE)
			break;
		if (w->commit_answer != 0)	/* one commit at a time */
			msg_send_worker_done(&w->chan, w->commit_answer);
		w->commit_answer = id;
		return 0;
	default:
		sync_stats(w, req);
	}
	return 1;
}

/* The commit's request that waited for the barrier, if any. */
static void
commit_answered(struct syncw *w)
{
	if (w->commit_answer == 0)
		return;
	msg_send_worker_done(&w->chan, w->commit_answer);
	w->commit_answer = 0;
}

/* A request from the supervisor answered: blocks or text, then END. */
static void
sync_answer(struct syncw *w, uint32_t id, uint32_t req)
{
	w->answering = id;
	if (answer(w, id, req))
		msg_send_worker_done(&w->chan, id);
}

/* Whether a dumped entry differs from the cached one (timeouts aside). */
static int
dump_changes(struct syncw *w, const struct ctobj *o)
{
	struct cache_obj *co = cache_find(&w->internal, o);

	return co == NULL || cache_obj_differs(co, o);
}

/*
 * An entry the peers may hold that is gone from the kernel: its DEL
 * joins the send queue as a destroyed entry would, so that the mode
 * paces it and FT-FW keeps it until acknowledged (sent at once, it could
 * go out in a restarted worker's HELLO phase, where 1.4.7 repairs no
 * loss).  Sent now only if the cache is full.
 */
static void
queue_gone(struct syncw *w, const struct ctobj *o)
{
	struct cache_obj *co = cache_upsert(&w->internal, o, mono_secs());

	if (co == NULL) {
		send_object(w, o, WIRE_CT_DEL);
		return;
	}
	cache_mark_dead(&w->internal, co);
	cache_queue(&w->internal, co);
}

/* What the kernel side saw, applied to the internal cache. */
void
sync_apply_event(struct syncw *w, struct ct_event *ev)
{
	struct cache_obj *co;
	const char *why;

	if (ctobj_valid(&ev->obj, &why) == -1) {
		/* a kernel surprise, not an attack: count, tell once */
		if (w->rejected++ == 0)
			log_warnx("conntrack entry from the kernel side "
			    "refused: %s", why);
		return;
	}
	if (ev->kind == CTE_GONE) {
		/* gone while a predecessor of ours was dying: the peers
		 * may hold it still, unless it is back */
		if (sync_on(w) && !bypass_on(w) &&
		    cache_find(&w->internal, &ev->obj) == NULL)
			queue_gone(w, &ev->obj);
		return;
	}
	/* remembered for a successor, should we die before the peers
	 * hear of it (gone_ring.h) */
	if (ev->kind == CTE_DESTROY && sync_on(w))
		sync_gone_keep(w, &ev->obj);
	/* counters are the collector's; peers and caches compare without;
	 * the reference count only a kernel dump (-i, bypass) prints */
	if (w->cfg.mode != MODE_STATS)
		ev->obj.attrs &= ~CT_BIT(CT_A_COUNTERS);
	if (bypass_on(w)) {
		bypass_event(w, ev);
		return;
	}
	ev->obj.attrs &= ~CT_BIT(CT_A_USE);
	if (ev->kind == CTE_DUMP && !w->dumping) {
		/* a dump begins: what it does not stamp from now on is
		 * gone from the kernel (cache_next_generation) */
		w->dumping = 1;
		cache_next_generation(&w->internal, 0, NULL, NULL);
	}
	if (!sync_on(w)) {
		if (ev->kind == CTE_DESTROY && w->cfg.mode == MODE_STATS)
			flows_ended(w, &ev->obj);
		if (ev->kind == CTE_DESTROY)
			cache_delete(&w->internal, &ev->obj);
		else
			cache_upsert(&w->internal, &ev->obj, mono_secs());
		return;
	}
	if (ev->kind == CTE_DESTROY)	/* hot standby: a peer's state? */
		antientropy_kernel_dropped(w, &ev->obj);
	if (ev->kind == CTE_DESTROY && (self_flushing(w) ||
	    keepalive_holds_del(w))) {
		/* our own flush, or a stale entry of a standby that was the
		 * primary (keepalive.c): gone here, nothing for the peers */
		cache_delete(&w->internal, &ev->obj);
		return;
	}
	if (ev->kind == CTE_DESTROY) {
		/* kept, hidden, until its DEL is built */
		if ((co = cache_find(&w->internal, &ev->obj)) == NULL) {
			w->internal.st.destroy_notfound++;
			/* restarted: it may have gone while no one listened,
			 * and the peers still hold it */
			if (w->cfg.restarted)
				queue_gone(w, &ev->obj);
			return;
		}
		cache_mark_dead(&w->internal, co);
		cache_queue(&w->internal, co);
		return;
	}
	/* the start-up dump goes to the peers: one that kept its states
	 * while this node's daemon or sync worker was down has missed what
	 * changed meanwhile (conntrackd waits to be asked: -B, RESYNC).
	 * Later dumps (-R, after an overrun) send only what changed */
	if (ev->kind == CTE_DUMP && w->initial_dump_done &&
	    !dump_changes(w, &ev->obj)) {
		co = cache_upsert(&w->internal, &ev->obj, mono_secs());
		if (co && co->alarm == 0 && w->mode->changed)
			w->mode->changed(w, co, mono_secs());
		return;
	}
	if ((co = cache_upsert(&w->internal, &ev->obj, mono_secs())) == NULL)
		return;
	if (w->mode->changed)
		w->mode->changed(w, co, mono_secs());
	if (!(self_committing(w, 0) &&
	    cache_find(&w->external, &ev->obj)))
		cache_queue(&w->internal, co);
}

/* After a sweeping resync: entries gone from the kernel are announced. */
static int
announce_gone(struct cache_obj *co, void *arg)
{
	struct syncw *w = arg;

	cache_mark_dead(&w->internal, co);
	cache_queue(&w->internal, co);
	return 1;
}

void
sync_handle_peer(void *arg, const struct msg *m)
{
	struct syncw *w = arg;
	struct ct_events_reader rd;
	struct inject_result inj;
	struct ct_event ev;
	int r, sweep;
	uint32_t gone, token;

	switch (m->type) {
	case MSG_CT_EVENTS:
		if (!w->configured || msg_recv_ct_events(m, &rd) == -1)
			fatalx("malformed or early CT_EVENTS");
		while ((r = msg_recv_ct_event_next(&rd, &ev)) == 1)
			sync_apply_event(w, &ev);
		if (r == -1)
			fatalx("malformed CT_EVENTS from the netlink worker");
		break;
	case MSG_EXP_EVENT: {
		struct exp_event xev;

		if (!w->configured || msg_recv_exp_event(m, &xev) == -1)
			fatalx("malformed or early EXP_EVENT");
		expect_event(w, &xev);
		break;
	}
	case MSG_INJECT_DONE:
		if (msg_recv_inject_done(m, &inj) == -1)
			fatalx("malformed INJECT_DONE");
		direct_done(w, &inj);
		break;
	case MSG_CT_BARRIER:
		if (msg_recv_ct_barrier(m) == -1)
			fatalx("malformed CT_BARRIER");
		sync_events_drain(w);	/* those of our change among them */
		w->self_change = SELF_NONE;	/* our events are all in */
		commit_answered(w);
		break;
	case MSG_CT_DUMP_DONE:
		if (!w->configured ||
		    msg_recv_ct_dump_done(m, &sweep, &token) == -1)
			fatalx("malformed or early CT_DUMP_DONE");
		bypass_dump_done(w, token);
		sync_events_dump_done(w);	/* events after the dump */
		/* a new netlink worker's first dump: what went meanwhile */
		sweep |= w->resweep;
		w->resweep = 0;
		if (!w->dumping)	/* an empty table: all of it went */
			cache_next_generation(&w->internal, 0, NULL, NULL);
		w->dumping = 0;
		gone = cache_next_generation(&w->internal, sweep,
		    sync_on(w) ? announce_gone : NULL, w);
		/* restarted: what our predecessor saw go, the peers may not
		 * have heard of */
		if (!w->initial_dump_done && w->cfg.restarted && sync_on(w))
			sync_gone_replay(w);
		w->initial_dump_done = 1;
		if (gone)
			log_info("resync: %u entries gone from the kernel "
			    "table removed", gone);
		break;
	case MSG_EVENT_SOCKET:
		if (!w->configured)
			fatalx("early EVENT_SOCKET");
		sync_events_socket(w, m);
		break;
	case MSG_DUMP_WANTED:
		if (!w->configured)
			fatalx("early DUMP_WANTED");
		sync_events_dump_wanted(w, m);
		break;
	default:
		fatalx("unexpected %s from the netlink worker",
		    msg_type_name(m->type));
	}
}

/*
 * The netlink worker died.  The caches stay; what was on its way to it
 * (states to inject, a dump request) is lost with it, and an own commit
 * or flush will not see its barrier.
 */
void
sync_peer_lost(struct syncw *w)
{
	worker_peer_detach(&w->peer);
	w->peer_up = 0;
	w->direct.in_flight = 0;
	w->self_change = SELF_NONE;
	commit_answered(w);	/* no barrier will come: as it is */
	w->dumping = 0;		/* a dump cut short: the next one counts */
	log_warnx("the netlink worker is gone; waiting for its successor");
}

/*
 * Its successor: its start-up dump sweeps the internal cache (entries
 * gone meanwhile are announced to the peers); states sent for injection
 * into the dead one's queue are asked of the peers again.
 */
static void
peer_attach(struct syncw *w, int fd)
{
	worker_peer_attach(&w->peer, fd, "netlink worker", SY_PEER_ACCEPT,
	    SY_PEER_ACCEPT_FD);
	w->peer_up = 1;
	w->resweep = 1;
	bypass_peer_back(w);
	if (w->cfg.disable_external_cache && sync_on(w))
		send_request_resync(w);
	log_info("a new netlink worker: the internal cache is checked "
	    "against its dump");
}

/* The link's keys: at start (before CFG_DONE), and anew on SIGHUP. */
static void
link_keys(struct syncw *w, const struct msg *m)
{
	struct link_keys k;

	if (!w->got_sync_cfg || !w->cfg.auth ||
	    msg_recv_link_keys(m, &k) == -1)
		fatalx("malformed or unasked LINK_KEYS");
	auth_set_keys(&w->auth, &k);
	link_keys_wipe(&k);
	if (w->configured)
		log_info("link keys replaced: %u key%s", w->auth.nkeys,
		    w->auth.nkeys == 1 ? "" : "s");
}

/* From the supervisor; fds come only with the types that keep them
 * (CFG_LINK, SELF_START, LINK_SOCKET: the channel's accept mask). */
void
sync_handle(void *arg, const struct msg *m)
{
	struct syncw *w = arg;
	struct cfg_link_fd l;
	uint32_t id, req;
	uint8_t link;
	int what;

	if (worker_common_msg(&w->chan, m))
		return;
	switch (m->type) {
	case MSG_CFG_SYNC:
		if (w->configured || w->got_sync_cfg ||
		    msg_recv_cfg_sync(m, &w->cfg) == -1)
			fatalx("malformed or repeated CFG_SYNC");
		w->got_sync_cfg = 1;
		break;
	case MSG_CFG_FILTER:
		if (w->configured || msg_recv_cfg_filter(m, &w->filter) == -1)
			fatalx("malformed or late CFG_FILTER");
		break;
	case MSG_CFG_GONE_RING:
		if (w->configured || w->events.gone != NULL)
			fatalx("late or repeated CFG_GONE_RING");
		sync_gone_ring(w, m);
		break;
	case MSG_CFG_LINK:
		if (w->configured || msg_recv_cfg_link(m, &l) == -1)
			fatalx("malformed or late CFG_LINK");
		links_add(w, &l, m->fd);
		break;
	case MSG_CFG_DONE:
		if (w->configured || !w->got_sync_cfg ||
		    msg_recv_cfg_done(m) == -1)
			fatalx("malformed or early CFG_DONE");
		sync_start(w);
		msg_send_ready(&w->chan);
		break;
	case MSG_SELF_START:
		if (!w->configured || msg_recv_self_start(m, &what) == -1)
			fatalx("malformed or early SELF_START");
		/* kernel events of our own changes are not ours to send */
		w->self_change = what;
		if (what == SELF_COMMIT || what == SELF_COMMIT_ALL ||
		    what == SELF_COMMIT_EXP)
			sync_stream_cache(w, what == SELF_COMMIT_EXP ? NULL :
			    &w->external, what == SELF_COMMIT ? NULL :
			    &w->exp_external, CTE_NEW, m->fd);
		else
			close(m->fd);	/* the flush child may start */
		break;
	case MSG_LINK_KEYS:
		link_keys(w, m);
		break;
	case MSG_PEER_SOCKET:
		peer_attach(w, worker_peer_socket(m, w->configured,
		    w->peer_up));
		break;
	case MSG_LINK_SOCKET:
		if (!w->configured || msg_recv_link_socket(m, &link) == -1)
			fatalx("malformed or early LINK_SOCKET");
		tcp_new_socket(w, link, m->fd);
		break;
	case MSG_WORKER_REQ:
		if (!w->configured || msg_recv_worker_req(m, &id, &req) == -1)
			fatalx("malformed or early WORKER_REQ");
		sync_answer(w, id, req);
		break;
#ifdef TEST_HOOKS
	case MSG_TEST_EVENT_WRITE:
		if (msg_recv_test_event_write(m) == -1)
			fatalx("malformed TEST_EVENT_WRITE");
		sync_events_test_write(w);
		break;
#endif
	case MSG_STANDING_DOWN: {
		uint32_t on;

		if (msg_recv_standing_down(m, &on) == -1)
			fatalx("malformed STANDING_DOWN");
		w->standing_down = (int)on;
		break;
	}
	case MSG_ANSWER_MORE: {
		int stop;

		if (!w->configured || msg_recv_answer_more(m, &id, &stop) == -1)
			fatalx("malformed or early ANSWER_MORE");
		sync_dump_more(w, id, stop);
		break;
	}
	default:
		fatalx("unexpected %s from the supervisor",
		    msg_type_name(m->type));
	}
}

