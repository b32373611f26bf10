/*
 * The netlink worker's life: drop to CAP_NET_ADMIN, load the sandbox,
 * open ctnetlink, take its configuration, then answer the supervisor.
 * Every message from the supervisor is checked; a malformed one is fatal.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "clock.h"
#include "log.h"
#include "msgs.h"
#include "nlworker.h"
#include "sandbox.h"

static void
health_block(struct nlw *w, uint32_t id)
{
	struct stats_block b;
	uint64_t entries = 0;

	stats_block_init(&b, SB_HEALTH, "netlink worker");
	b.v[ST_HEALTH_PID] = (uint64_t)getpid();
	b.v[ST_HEALTH_OK] = nl_kernel_count(w, &entries) == 0;
	b.v[ST_HEALTH_KERNEL_ENTRIES] = entries;
	b.v[ST_HEALTH_NETLINK_BUFFER_SIZE] = nl_kernel_bufsize(w);
	msg_send_stats_block(&w->chan, id, &b);
}

/* -s runtime's netlink counts (the supervisor adds the sync worker's) */
static void
runtime_block(struct nlw *w, uint32_t id)
{
	struct stats_block b;

	stats_block_init(&b, SB_NETLINK, NULL);
	b.v[ST_NETLINK_EVENTS_RECEIVED] = w->cnt.events_received;
	b.v[ST_NETLINK_EVENTS_FILTERED] = w->cnt.events_filtered;
	b.v[ST_NETLINK_EVENTS_UNKNOWN_TYPE] = w->cnt.events_unknown;
	b.v[ST_NETLINK_CATCH_EVENT_FAILED] = w->cnt.catch_failed;
	b.v[ST_NETLINK_DUMP_UNKNOWN_TYPE] = w->cnt.dump_unknown;
	b.v[ST_NETLINK_OVERRUN] = w->cnt.overrun;
	b.v[ST_NETLINK_FLUSH_KERNEL_TABLE] = w->cnt.flush_kernel;
	b.v[ST_NETLINK_RESYNC_KERNEL_TABLE] = w->cnt.resync_kernel;
	b.v[ST_NETLINK_BUFFER_SIZE] = nl_kernel_bufsize(w);
	msg_send_stats_block(&w->chan, id, &b);
}

static void
answer_stats(struct nlw *w, uint32_t id, uint32_t req)
{

	switch (req) {
	case REQ_HEALTH:
		health_block(w, id);
		break;
	case REQ_METRICS:
		health_block(w, id);
		runtime_block(w, id);
		break;
	case REQ_ALL_RESYNC_MASTER: case REQ_CT_RESYNC_MASTER:
	case REQ_EXP_RESYNC_MASTER:
		/* -R: the kernel table into the internal cache, no removal */
		log_info("resync with master conntrack table");
		if (w->events_given && w->peer_up) {
			nl_dump_wanted(w, 0, id);	/* done after it */
			return;
		}
		nl_dump(w, 0);
		break;
	case REQ_ALL_COMMIT: case REQ_CT_COMMIT: case REQ_EXP_COMMIT:
	case REQ_ALL_FLUSH_MASTER: case REQ_CT_FLUSH_MASTER:
	case REQ_EXP_FLUSH_MASTER:
	case REQ_CHILD_END:
		/*
		 * After a commit or flush (or its child's death): the events
		 * it caused are already in our socket; pass them on, then
		 * mark the end for the sync worker on the same channel.
		 */
		if (!w->peer_up)	/* its successor gets a dump */
			break;
		if (w->new_events_off) {
			/* what traffic created meanwhile came as no event:
			 * a dump, then the barrier, then the answer */
			nl_events_new_off(w, 0);
			if (w->events_given) {
				w->wanted_barrier = 1;
				nl_dump_wanted(w, 0, id);
				return;
			}
			nl_events_drain(w);
			nl_dump(w, 0);
		} else if (!w->events_given)	/* else the sync worker drains */
			nl_events_drain(w);
		if (w->cfg.poll_secs)	/* no events: what it did, now */
			nl_dump(w, 0);
		msg_send_ct_barrier(&w->peer);
		break;
	case REQ_STATS_RUNTIME:
		runtime_block(w, id);
		break;
	}
	msg_send_worker_done(&w->chan, id);
}

/*
 * The sync worker died: until the supervisor hands us its successor's
 * channel, events are read and dropped but for the destroyed entries,
 * kept in the ring (nl_gone_replay): the successor gets a dump.
 */
void
nl_peer_lost(struct nlw *w)
{
	worker_peer_detach(&w->peer);
	w->peer_up = 0;
	nl_events_new_off(w, 0);	/* its successor's dump makes up */
	w->events_given = 0;	/* read here until its successor starts */
	nl_dump_wanted_cancel(w);
	w->nbatch = 0;
	w->dump_token = 0;
	w->events_held = 0;
	log_warnx("the sync worker is gone; until its successor starts, "
	    "only destroyed entries are kept for it");
}

/* The restarted sync worker: the whole table first, then events. */
static void
peer_attach(struct nlw *w, int fd)
{
	worker_peer_attach(&w->peer, fd, "sync worker", NL_PEER_ACCEPT, 0);
	w->peer_up = 1;
	log_info("a new sync worker: the kernel table goes to it");
	nl_events_give(w);
	if (nl_dump(w, 0) == -1)
		w->resync_pending = 1;
	nl_gone_replay(w);
}

static void
handle(void *arg, const struct msg *m)
{
	struct nlw *w = arg;
	uint32_t id, req;

	if (worker_common_msg(&w->chan, m))
		return;
	switch (m->type) {
	case MSG_CFG_NETLINK:
		if (w->configured || msg_recv_cfg_netlink(m, &w->cfg) == -1)
			fatalx("malformed or late CFG_NETLINK");
		break;
	case MSG_CFG_FILTER:
		if (w->configured || msg_recv_cfg_filter(m, &w->filter) == -1)
			fatalx("malformed or late CFG_FILTER");
		break;
	case MSG_CFG_DONE:
		if (w->configured || msg_recv_cfg_done(m) == -1)
			fatalx("malformed or repeated CFG_DONE");
		/* subscribe first, then dump: nothing falls in between;
		 * with PollSecs, no events: a sweeping dump now and then */
		if (w->cfg.direct_inject)
			nl_direct_open(w);
		if (w->cfg.poll_secs == 0) {
			nl_events_open(w);
			nl_events_give(w);
		} else
			w->next_poll = mono_secs() + w->cfg.poll_secs;
		if (nl_dump(w, 0) == -1)
			w->resync_pending = 1;
		w->configured = 1;
		msg_send_ready(&w->chan);
		log_debug("ready, netlink buffer %u bytes", nl_kernel_bufsize(w));
		break;
	case MSG_WORKER_REQ:
		if (!w->configured || msg_recv_worker_req(m, &id, &req) == -1)
			fatalx("malformed or early WORKER_REQ");
		answer_stats(w, id, req);
		break;
	case MSG_PEER_SOCKET:
		peer_attach(w, worker_peer_socket(m, w->configured,
		    w->peer_up));
		break;
	case MSG_NEW_EVENTS_OFF:
		if (!w->configured || msg_recv_new_events_off(m) == -1)
			fatalx("malformed or early NEW_EVENTS_OFF");
		if (w->peer_up)		/* else no dump would make up */
			nl_events_new_off(w, 1);
		break;
	default:
		fatalx("unexpected %s from the supervisor",
		    msg_type_name(m->type));
	}
}

/* The sync worker sends states to inject (DisableExternalCache) and
 * asks for dumps (DisableInternalCache). */
static void
handle_peer(void *arg, const struct msg *m)
{
	struct nlw *w = arg;

	if (!w->configured)
		fatalx("%s from the sync worker before the configuration",
		    msg_type_name(m->type));
	if (m->type == MSG_CT_EVENTS) {
		nl_direct_apply(w, m);
		return;
	}
	if (m->type == MSG_EXP_EVENT) {
		nl_direct_exp(w, m);
		return;
	}
	if (m->type == MSG_EVENTS_OVERRUN) {
		if (msg_recv_events_overrun(m) == -1)
			fatalx("malformed EVENTS_OVERRUN");
		nl_events_overrun(w);
		return;
	}
	/* DUMP_REQ: the one we wanted (DUMP_WANTED), or the table for -i,
	 * -B or a RESYNC without an internal cache; a failed dump is
	 * answered all the same */
	if (msg_recv_dump_req(m, &w->dump_token) == -1)
		fatalx("malformed DUMP_REQ");
	if (nl_dump_wanted_req(w, w->dump_token))
		return;
	if (nl_dump(w, 0) == -1) {
		msg_send_ct_dump_done(&w->peer, 0, w->dump_token);
		w->dump_token = 0;
	}
}

/* How long the loop may sleep: the pause under load, the next poll. */
static struct timespec *
sleep_for(struct nlw *w, int busy, struct timespec *ts)
{
	time_t now, at = 0;

	if (busy) {
		ts->tv_sec = 0;
		ts->tv_nsec = w->busy_pause_ns;
		return ts;
	}
	if (w->cfg.poll_secs && w->configured)
		at = w->next_poll;
	if (w->overrun_resync_at && (at == 0 || w->overrun_resync_at < at))
		at = w->overrun_resync_at;
	if (at == 0)
		return NULL;
	now = mono_secs();
	ts->tv_sec = at > now ? at - now : 0;
	ts->tv_nsec = 0;
	return ts;
}

/*
 * The sync worker is behind when its channel holds CHAN_QUEUE_HIGH: the
 * events then wait in the kernel's socket, and if that overflows, the
 * overrun path (ENOBUFS, a resync NetlinkOverrunResync seconds later)
 * makes up for them.  Reading goes on below half of it.
 */
static int
peer_behind(struct nlw *w)
{
	size_t q = chan_pending(&w->peer);

	if (!w->events_held && q > CHAN_QUEUE_HIGH) {
		w->events_held = 1;
		if (w->cnt.events_held++ == 0)
			log_warnx("the sync worker is behind: kernel events "
			    "wait in the kernel (logged once)");
	} else if (w->events_held && q < CHAN_QUEUE_HIGH / 2)
		w->events_held = 0;
	return w->events_held;
}

/* The netlink worker's poll slots. */
enum { PFD_SUPERVISOR, PFD_SYNC, PFD_EVENTS, PFD_COUNT };

static void
loop(struct nlw *w, const sigset_t *waitmask)
{
	int busy = 0;

	while (!worker_should_stop()) {
		struct timespec ts;
		/* while the sync worker is away, events are still read: the
		 * destroyed entries go to the ring for its successor
		 * (nl_gone_replay); left in the kernel, a busy table would
		 * overrun the socket and lose them */
		int held = w->peer_up && peer_behind(w);
		/* the sync worker reads them while it lives */
		int mine = w->events && !(w->peer_up && w->events_given);
		struct pollfd pfd[PFD_COUNT] = {
			[PFD_SUPERVISOR] = { w->chan.fd, POLLIN, 0 },
			[PFD_SYNC] = { w->peer_up ? w->peer.fd : -1, POLLIN, 0 },
			/* busy: let events queue a moment, see nlworker.h */
			[PFD_EVENTS] = { mine && !busy && !held ?
			    mnl_socket_get_fd(w->events) : -1, POLLIN, 0 },
		};

		if (chan_pending(&w->chan))
			pfd[PFD_SUPERVISOR].events |= POLLOUT;
		if (chan_pending(&w->peer))
			pfd[PFD_SYNC].events |= POLLOUT;
		if (ppoll(pfd, PFD_COUNT, sleep_for(w, busy, &ts),
		    waitmask) == -1) {
			if (errno == EINTR)
				continue;
			fatal("ppoll");
		}
		if (pfd[PFD_SUPERVISOR].revents & (POLLIN | POLLHUP | POLLERR) &&
		    !worker_read(&w->chan, "supervisor", handle, w))
			exit(0);	/* the supervisor is gone */
		if (pfd[PFD_SYNC].revents & (POLLIN | POLLHUP | POLLERR) &&
		    w->peer_up &&
		    !worker_read(&w->peer, "sync worker", handle_peer, w))
			nl_peer_lost(w);
		/* the sync worker may have gone in this round */
		mine = w->events && !(w->peer_up && w->events_given);
		if (!mine)
			busy = 0;
		if (mine && !held &&
		    ((pfd[PFD_EVENTS].revents & POLLIN) || busy)) {
			uint32_t n = nl_events_read(w);

			/* pause after a drained read; go on while behind */
			busy = n > 0 && n < w->cfg.event_iter_limit &&
			    w->busy_pause_ns > 0;
		}
		if (w->cfg.poll_secs && w->configured &&
		    mono_secs() >= w->next_poll) {
			/* PollSecs: the periodic dump */
			w->resync_pending = 1;
			w->next_poll = mono_secs() + w->cfg.poll_secs;
		}
		if (w->overrun_resync_at && mono_secs() >= w->overrun_resync_at) {
			w->overrun_resync_at = 0;
			w->overrun_logged = 0;
			w->resync_pending = 1;
		}
		if (w->resync_pending && w->peer_up && w->events_given) {
			nl_dump_wanted(w, 1, 0);	/* it stops reading first */
			w->resync_pending = 0;
		} else if (w->resync_pending && w->peer_up && nl_dump(w, 1) == 0)
			w->resync_pending = 0;
		sandbox_report_trap();
		if (chan_flush(&w->chan) == -1)
			fatalx("the supervisor's channel closed");
		if (w->peer_up && chan_flush(&w->peer) == -1)
			nl_peer_lost(w);
	}
}

int
main(int argc, char **argv)
{
	struct nlw *w;
	sigset_t waitmask;
	uint64_t accept = MSG_BIT(MSG_CFG_NETLINK) | MSG_BIT(MSG_CFG_FILTER) |
	    MSG_BIT(MSG_CFG_DONE) | MSG_BIT(MSG_WORKER_REQ) |
	    MSG_BIT(MSG_PEER_SOCKET) | MSG_BIT(MSG_PING) |
	    MSG_BIT(MSG_LOG_VERBOSE) | MSG_BIT(MSG_NEW_EVENTS_OFF);

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return 1;
	worker_start(&w->chan, "netlink worker", argc, argv, &w->args, accept,
	    MSG_BIT(MSG_PEER_SOCKET));
	worker_peer_start(&w->peer, "sync worker", NL_PEER_ACCEPT, 0);
	w->peer_up = 1;

	nl_drop_privileges(&w->args);
	worker_signals(&waitmask);
	nl_sandbox();
	nl_kernel_open(w);
	loop(w, &waitmask);
	chan_flush_all(&w->chan);
	return 0;
}
