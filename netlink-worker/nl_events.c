/*
 * Conntrack events and table dumps, turned into CT_EVENTS batches for the
 * sync worker.  The event socket is subscribed before the first dump, so
 * nothing created meanwhile is missed.  An overrun (ENOBUFS) means events
 * were lost: it is counted, logged once, the buffer grows, and a dump
 * follows that also tells the sync worker to drop what the kernel no
 * longer has.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_compat.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "clock.h"
#include "ct_nlattr.h"
#include "nl_request.h"
#include "filter.h"
#include "log.h"
#include "msgs.h"
#include "nlworker.h"

/* Without NetlinkBufferSize: large enough for a burst of many thousands. */
#define NL_DEFAULT_BUFSIZE	(32 * 1024 * 1024)
#define NL_DEFAULT_MAXGROWTH	(256 * 1024 * 1024)
#define NL_DUMP_TIMEOUT_MS	5000
#define NL_DUMP_BUFSIZE		32768	/* libmnl 1.0.4 has no MNL_SOCKET_DUMP_SIZE */

static int
set_rcvbuf(struct mnl_socket *nl, uint32_t size)
{
	int v = (int)size;

	return setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE,
	    &v, sizeof(v));
}

/*
 * NetlinkBufferSize as conntrackd applies it: used when set and not above
 * NetlinkBufferSizeMaxGrowth, which bounds growth on overrun (no growth
 * when unset).  Without the clause ctsyncd does not keep the system's
 * small default: it starts large and may grow, so that a burst of events
 * is absorbed rather than lost.
 */
static void
size_event_buffer(struct nlw *w)
{
	const struct conf_netlink *c = &w->cfg;
	uint32_t size;

	if (c->bufsize == 0) {
		size = NL_DEFAULT_BUFSIZE;
		w->evbuf_max = c->bufsize_max ? c->bufsize_max :
		    NL_DEFAULT_MAXGROWTH;
	} else if (c->bufsize_max && c->bufsize > c->bufsize_max) {
		log_notice("NetlinkBufferSize %u is above "
		    "NetlinkBufferSizeMaxGrowth %u, keeping the system "
		    "default", c->bufsize, c->bufsize_max);
		size = 0;
		w->evbuf_max = c->bufsize_max;
	} else {
		size = c->bufsize;
		w->evbuf_max = c->bufsize_max ? c->bufsize_max : c->bufsize;
	}
	if (size && set_rcvbuf(w->events, size) == -1)
		log_warn("cannot size the event socket to %u bytes", size);
	w->evbuf = nl_kernel_bufsize(w);
	nl_events_set_pause(w);
}

/*
 * NetlinkEventsReliable: the kernel learns when an event could not be
 * delivered (and keeps a destroyed entry until its event is), instead of
 * us learning it later as an overrun.
 */
static void
reliable_events(struct nlw *w)
{
	int one = 1, fd = mnl_socket_get_fd(w->events);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one,
	    sizeof(one)) == -1 || setsockopt(fd, SOL_NETLINK,
	    NETLINK_NO_ENOBUFS, &one, sizeof(one)) == -1) {
		log_warn("NetlinkEventsReliable");
		return;
	}
	log_info("reliable ctnetlink event delivery is ENABLED.");
}

void
nl_events_open(struct nlw *w)
{
	if ((w->recv = malloc(sizeof(*w->recv))) == NULL)
		fatal("event receive buffers");
	unsigned int groups = NF_NETLINK_CONNTRACK_NEW |
	    NF_NETLINK_CONNTRACK_UPDATE | NF_NETLINK_CONNTRACK_DESTROY;

	if (w->cfg.expect.mode != EXPECT_OFF)
		groups |= NF_NETLINK_CONNTRACK_EXP_NEW |
		    NF_NETLINK_CONNTRACK_EXP_DESTROY;

	w->events = mnl_socket_open2(NETLINK_NETFILTER,
	    SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (w->events == NULL)
		fatal("cannot open the conntrack event socket");
	if (mnl_socket_bind(w->events, groups, MNL_SOCKET_AUTOPID) < 0)
		fatal("cannot subscribe to conntrack events");
	if (w->cfg.events_reliable)
		reliable_events(w);
	/* the few events before it are filtered in user space, as all are */
	if (w->filter.present && w->filter.from_kernel)
		nl_bpf_attach(mnl_socket_get_fd(w->events), &w->filter);
	size_event_buffer(w);
}

/* The batch to the sync worker; while it is away (restarting), dropped:
 * its successor gets a dump, and the destroyed entries from the ring. */
static void
batch_flush(struct nlw *w)
{
	if (w->nbatch > 0 && w->peer_up)
		msg_send_ct_events(&w->peer, w->batch, w->nbatch);
	w->nbatch = 0;
}

/* The pause under load for the current event buffer (nlworker.h). */
void
nl_events_set_pause(struct nlw *w)
{
	uint64_t fill_ns = (uint64_t)w->evbuf / NL_EVENT_TRUESIZE *
	    (1000000000 / NL_EVENT_TOP_RATE);

	w->busy_pause_ns = fill_ns / 2 < NL_BUSY_PAUSE_NS ?
	    (long)(fill_ns / 2) : NL_BUSY_PAUSE_NS;
}

/* Remember a destroyed entry in the ring (allocated at first use). */
static void
gone_keep(struct nlw *w, const struct ctobj *o)
{
	if (w->gone == NULL &&
	    (w->gone = calloc(NL_GONE_RING, sizeof(*w->gone))) == NULL)
		return;		/* then a restart may leave stale peers */
	w->gone[w->gone_next] = *o;
	w->gone_next = (w->gone_next + 1) % NL_GONE_RING;
	if (w->gone_count < NL_GONE_RING)
		w->gone_count++;
}

/*
 * Parse one entry straight into the next slot of the batch; it is kept
 * (the slot taken) only if the filter accepts it.  -1 if it is malformed.
 */
static int
batch_add(struct nlw *w, uint8_t kind, const struct nlmsghdr *nlh)
{
	struct ct_event *ev = &w->batch[w->nbatch];
	int r = ctobj_from_nlmsg(&ev->obj, nlh);

	if (r == CT_PARSE_MALFORMED)
		return -1;
	if (r == CT_PARSE_UNSUPPORTED) {
		w->cnt.events_unknown++;
		return 0;
	}
	if (!filter_accepts(&w->filter, &ev->obj)) {
		if (kind != CTE_DUMP)
			w->cnt.events_filtered++;
		return 0;
	}
	ev->kind = kind;
	if (kind == CTE_DESTROY)
		gone_keep(w, &ev->obj);
	if (++w->nbatch == NL_BATCH_MAX)
		batch_flush(w);
	return 0;
}

/*
 * A restarted sync worker, after its dump: the entries destroyed lately,
 * as CTE_GONE.  Its predecessor may have read their DESTROY and died
 * before its peers heard of it; those the new one does not hold are
 * announced again (a DEL the peers already applied costs nothing).
 */
void
nl_gone_replay(struct nlw *w)
{
	uint32_t i, first = (w->gone_next + NL_GONE_RING - w->gone_count) %
	    NL_GONE_RING;

	batch_flush(w);
	for (i = 0; i < w->gone_count; i++) {
		w->batch[w->nbatch].kind = CTE_GONE;
		w->batch[w->nbatch].obj = w->gone[(first + i) % NL_GONE_RING];
		if (++w->nbatch == NL_BATCH_MAX)
			batch_flush(w);
	}
	batch_flush(w);
	w->gone_count = 0;
}

/*
 * An expectation event or dumped expectation: after the conntrack
 * events before it (its master among them), on its own.
 */
static void
exp_add(struct nlw *w, uint8_t kind, const struct nlmsghdr *nlh)
{
	struct exp_event ev;

	if (ctexp_from_nlmsg(&ev.x, nlh) != 0) {
		w->cnt.catch_failed++;
		return;
	}
	if (!ctexp_helper_wanted(&w->cfg.expect, ev.x.helper)) {
		w->cnt.events_filtered++;
		return;
	}
	batch_flush(w);
	ev.kind = kind;
	if (w->peer_up)
		msg_send_exp_event(&w->peer, &ev);
}

static void
exp_event(struct nlw *w, const struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type & 0xff) {
	case IPCTNL_MSG_EXP_NEW:
		exp_add(w, CTE_NEW, nlh);
		break;
	case IPCTNL_MSG_EXP_DELETE:
		exp_add(w, CTE_DESTROY, nlh);
		break;
	default:
		w->cnt.events_unknown++;
	}
}

static int
event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlw *w = data;
	uint8_t kind;

	/* a change of our own injection (DisableExternalCache): ignored */
	if (w->inj != NULL && nlh->nlmsg_pid == w->inject_portid) {
		w->cnt.own_events++;
		return MNL_CB_OK;
	}
	if ((nlh->nlmsg_type >> 8) == NFNL_SUBSYS_CTNETLINK_EXP) {
		exp_event(w, nlh);
		return MNL_CB_OK;
	}
	switch (nlh->nlmsg_type & 0xff) {
	case IPCTNL_MSG_CT_NEW:
		kind = (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ?
		    CTE_NEW : CTE_UPDATE;
		break;
	case IPCTNL_MSG_CT_DELETE:
		kind = CTE_DESTROY;
		break;
	default:
		w->cnt.events_unknown++;
		return MNL_CB_OK;
	}
	if (batch_add(w, kind, nlh) == -1) {
		w->cnt.catch_failed++;
		return MNL_CB_OK;
	}
	w->cnt.events_received++;
	return MNL_CB_OK;
}

/* Events were lost (ENOBUFS): seen by us, or by the sync worker
 * (EVENTS_OVERRUN). */
void
nl_events_overrun(struct nlw *w)
{
	w->cnt.overrun++;
	if (!w->overrun_logged) {
		if (w->cfg.overrun_resync)
			log_warnx("conntrack events were lost (netlink buffer "
			    "of %u bytes overrun); resynchronising with the "
			    "kernel table in %u s (NetlinkOverrunResync)",
			    w->evbuf, w->cfg.overrun_resync);
		else
			log_warnx("conntrack events were lost (netlink buffer "
			    "of %u bytes overrun); NetlinkOverrunResync is off: "
			    "the caches stay as they are until -R",
			    w->evbuf);
		w->overrun_logged = 1;
	}
	if (w->evbuf < w->evbuf_max) {
		uint32_t size = w->evbuf * 2 > w->evbuf_max ? w->evbuf_max :
		    w->evbuf * 2;

		if (set_rcvbuf(w->events, size) == 0)
			log_notice("netlink event buffer grown to %u bytes",
			    size);
		w->evbuf = nl_kernel_bufsize(w);
		nl_events_set_pause(w);
	}
	/* one sweep for a burst of overruns, NetlinkOverrunResync later */
	if (w->cfg.overrun_resync && w->overrun_resync_at == 0)
		w->overrun_resync_at = mono_secs() + w->cfg.overrun_resync;
}

/*
 * Read up to EventIterationLimit event datagrams, many per system call;
 * then the others' turn.  Returns how many were read, so that the loop
 * can tell a busy kernel from a quiet one.
 */
static void
overrun(void *arg)
{
	nl_events_overrun(arg);
}

uint32_t
nl_events_read(struct nlw *w)
{
	uint32_t done;

	if (w->events == NULL)
		return 0;	/* PollSecs: no events */
	done = nl_recv_budget(w->recv, mnl_socket_get_fd(w->events),
	    w->cfg.event_iter_limit, event_cb, w, &w->cnt.catch_failed,
	    overrun);
	batch_flush(w);
	return done;
}

static int
dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlw *w = data;

	if ((nlh->nlmsg_type & 0xff) != IPCTNL_MSG_CT_NEW ||
	    batch_add(w, CTE_DUMP, nlh) == -1)
		w->cnt.dump_unknown++;
	return MNL_CB_OK;
}

static int
exp_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlw *w = data;

	if ((nlh->nlmsg_type & 0xff) == IPCTNL_MSG_EXP_NEW)
		exp_add(w, CTE_DUMP, nlh);
	else
		w->cnt.dump_unknown++;
	return MNL_CB_OK;
}

/*
 * A dump goes to the sync worker at its pace: with CHAN_QUEUE_HIGH queued
 * for it, wait until it has read them.  The kernel keeps the rest of the
 * dump meanwhile (it fills our socket only as we read).
 */
static int
dump_pace(struct nlw *w)
{
	if (chan_pending(&w->peer) < CHAN_QUEUE_HIGH)
		return 0;
	if (w->cnt.dump_waits++ == 0)
		log_info("a kernel dump waits for the sync worker, which is "
		    "behind");
	chan_flush_all(&w->peer);
	if (chan_pending(&w->peer) == 0)
		return 0;
	nl_peer_lost(w);	/* it died meanwhile */
	return -1;
}

/* One dump (conntrack or expectations) through `cb'; MNL_CB_STOP if it
 * ended well. */
static int
run_dump(struct nlw *w, int exp, mnl_cb_t cb)
{
	char buf[NL_DUMP_BUFSIZE];
	struct pollfd pfd = { .fd = mnl_socket_get_fd(w->query),
	    .events = POLLIN };
	unsigned int portid = mnl_socket_get_portid(w->query);
	uint32_t seq = ++w->seq;
	struct nlmsghdr *nlh = exp ?
	    nl_put_exp_request(buf, IPCTNL_MSG_EXP_GET, NLM_F_DUMP, seq,
	    AF_UNSPEC) :
	    nl_put_request(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, seq, AF_UNSPEC);
	int rc = MNL_CB_OK;

	if (mnl_socket_sendto(w->query, nlh, nlh->nlmsg_len) < 0)
		fatal("cannot ask the kernel for its conntrack table");
	while (rc > MNL_CB_STOP) {
		ssize_t n = mnl_socket_recvfrom(w->query, buf, sizeof(buf));

		if (n == -1 && errno == EAGAIN) {
			if (poll(&pfd, 1, NL_DUMP_TIMEOUT_MS) <= 0)
				break;
			continue;
		}
		if (n <= 0)
			break;
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, cb, w);
		/* the sync worker died: the rest is read, not kept */
		if (cb != NULL && dump_pace(w) == -1)
			cb = NULL;
	}
	batch_flush(w);
	return cb == NULL ? MNL_CB_ERROR : rc;
}

/*
 * Dump the whole kernel table to the sync worker (and, with
 * ExpectationSync, the expectations after it), then CT_DUMP_DONE.
 * Returns 0, or -1 if the dump failed (logged; the caller may retry).
 */
int
nl_dump(struct nlw *w, int sweep)
{
	if (!w->peer_up)	/* its successor gets its own */
		return -1;
	if (run_dump(w, 0, dump_cb) != MNL_CB_STOP ||
	    (w->cfg.expect.mode != EXPECT_OFF &&
	    run_dump(w, 1, exp_dump_cb) != MNL_CB_STOP)) {
		log_warn("dumping the kernel conntrack table failed");
		return -1;
	}
	w->cnt.resync_kernel++;
	msg_send_ct_dump_done(&w->peer, sweep, w->dump_token);
	w->dump_token = 0;
	return 0;
}

/*
 * A commit writes the external cache into the kernel: an event for each
 * entry would cost the kernel a message built for every listener (half
 * the commit's time, bench/) and the sync worker the reading of entries
 * it holds already.  So the event socket leaves the new-entry group while
 * a commit runs (updates and destroys still come); after it, a dump
 * brings what traffic created meanwhile (nlworker.c).  Leaving needs
 * CAP_NET_ADMIN, as joining does: the sync worker could do neither.
 */
void
nl_events_new_off(struct nlw *w, int off)
{
	int group = NFNLGRP_CONNTRACK_NEW;

	if (w->events == NULL || w->new_events_off == off)
		return;
	if (setsockopt(mnl_socket_get_fd(w->events), SOL_NETLINK,
	    off ? NETLINK_DROP_MEMBERSHIP : NETLINK_ADD_MEMBERSHIP, &group,
	    sizeof(group)) == -1) {
		if (off) {	/* the commit gets the events, as before */
			log_warn("cannot leave the new-entry event group");
			return;
		}
		fatal("cannot join the new-entry event group again");
	}
	w->new_events_off = off;
	log_debug("new-entry events %s", off ? "off for a commit" : "on");
}

/*
 * The event socket to the sync worker, which reads it from the dump that
 * follows on (doc/PRIVSEP.md, "Events"): one process wakes per batch.
 */
void
nl_events_give(struct nlw *w)
{
	if (w->events == NULL || !w->peer_up)
		return;
	batch_flush(w);
	msg_send_event_socket(&w->peer, mnl_socket_get_fd(w->events),
	    w->inject_portid, (uint32_t)w->busy_pause_ns);
	w->events_given = 1;
}

/*
 * A dump while the sync worker reads the events: it must stop reading
 * first, or events after the dump's snapshot could be applied before
 * the dump's entries.  So it is asked (DUMP_WANTED), and the dump runs
 * when it answers with DUMP_REQ and the token.  `req_id', if not 0, is a
 * -R request answered once the dump is done.
 */
void
nl_dump_wanted(struct nlw *w, int sweep, uint32_t req_id)
{
	if (req_id != 0 && w->nwanted_ids < CTL_MAX_CLIENTS)
		w->wanted_ids[w->nwanted_ids++] = req_id;
	else if (req_id != 0)
		msg_send_worker_done(&w->chan, req_id);	/* cannot happen */
	w->wanted_sweep |= sweep;
	if (w->wanted_token != 0)
		return;		/* one is asked for: it serves this too */
	w->wanted_token = 0x80000000u | (++w->wanted_seq & 0x7fffffffu);
	msg_send_dump_wanted(&w->peer, w->wanted_token);
}

/* The answers to the -R requests that waited for the dump. */
static void
wanted_answer(struct nlw *w)
{
	int i;

	for (i = 0; i < w->nwanted_ids; i++)
		msg_send_worker_done(&w->chan, w->wanted_ids[i]);
	w->nwanted_ids = 0;
	w->wanted_token = 0;
	w->wanted_sweep = 0;
	w->wanted_barrier = 0;
}

/* DUMP_REQ: 1 if it answers our DUMP_WANTED (the dump then ran). */
int
nl_dump_wanted_req(struct nlw *w, uint32_t token)
{
	int sweep = w->wanted_sweep;

	if (w->wanted_token == 0 || token != w->wanted_token)
		return 0;
	w->dump_token = token;
	if (nl_dump(w, sweep) == -1) {
		msg_send_ct_dump_done(&w->peer, 0, token);
		w->dump_token = 0;
		if (sweep)
			w->resync_pending = 1;
	}
	if (w->wanted_barrier)	/* a commit's end (nlworker.c) */
		msg_send_ct_barrier(&w->peer);
	wanted_answer(w);
	return 1;
}

/* The sync worker is gone: its successor gets a dump of its own. */
void
nl_dump_wanted_cancel(struct nlw *w)
{
	wanted_answer(w);
}

/* Read every event waiting in the socket. */
void
nl_events_drain(struct nlw *w)
{
	uint64_t before;

	do {
		before = w->cnt.events_received + w->cnt.catch_failed +
		    w->cnt.events_unknown + w->cnt.overrun;
		nl_events_read(w);
	} while (w->cnt.events_received + w->cnt.catch_failed +
	    w->cnt.events_unknown + w->cnt.overrun != before);
}
