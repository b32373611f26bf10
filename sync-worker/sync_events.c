/*
 * Kernel conntrack events, read here from the socket the netlink worker
 * opened and subscribed (EVENT_SOCKET), so that an event wakes one
 * process, not two (doc/PRIVSEP.md, "Events").  The socket is read-only
 * for us: the kernel refuses any ctnetlink request from a sender without
 * CAP_NET_ADMIN, whoever opened it (tests/integration/event-socket.sh).
 *
 * What the kernel says is parsed as the netlink worker parses it
 * (ct_nlattr.c, exp_nlattr.c), filtered as it filters, and applied as
 * its CT_EVENTS were.  A kernel dump still comes through the netlink
 * worker: while one runs the socket is not read (`paused', from
 * DUMP_WANTED or a new socket until CT_DUMP_DONE), so that every event
 * after the dump's snapshot is applied after the dump.  An overrun
 * (ENOBUFS) is the netlink worker's to handle: it grows the buffer and
 * dumps (EVENTS_OVERRUN).
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <sys/mman.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "clock.h"
#include "ct_nlattr.h"
#include "filter.h"
#include "log.h"
#include "msgs.h"
#include "nl_request.h"
#include "syncworker.h"

/* A new socket from the netlink worker (at start, or from a restarted
 * one): read from its next CT_DUMP_DONE on. */
void
sync_events_socket(struct syncw *w, const struct msg *m)
{
	struct sync_events *ev = &w->events;
	uint32_t portid, pause_ns;

	if (msg_recv_event_socket(m, &portid, &pause_ns) == -1)
		fatalx("malformed EVENT_SOCKET");
	if (ev->recv == NULL && (ev->recv = malloc(sizeof(*ev->recv))) == NULL)
		fatal("event receive buffers");
	if (ev->fd >= 0)
		close(ev->fd);
	ev->fd = m->fd;
	ev->inject_portid = portid;
	ev->pause_ns = pause_ns;
	ev->paused = 1;
	ev->busy = 0;
}

/* CFG_GONE_RING: the ring of gone_ring.h, mapped shared. */
void
sync_gone_ring(struct syncw *w, const struct msg *m)
{
	void *p;

	if (msg_recv_cfg_gone_ring(m) == -1)
		fatalx("malformed CFG_GONE_RING");
	p = mmap(NULL, sizeof(struct gone_ring), PROT_READ | PROT_WRITE,
	    MAP_SHARED, m->fd, 0);
	close(m->fd);
	if (p == MAP_FAILED) {
		log_warn("cannot map the ring of destroyed entries");
		return;
	}
	w->events.gone = p;
}

/* A DESTROY applied: kept until the peers surely heard of it. */
void
sync_gone_keep(struct syncw *w, const struct ctobj *o)
{
	struct gone_ring *g = w->events.gone;
	uint32_t next;

	if (g == NULL)
		return;
	next = g->next < GONE_RING_SLOTS ? g->next : 0;
	g->slot[next] = *o;
	g->next = (next + 1) % GONE_RING_SLOTS;
	if (g->count < GONE_RING_SLOTS)
		g->count++;
}

/*
 * A restarted sync worker, after its first dump: what its predecessor
 * saw destroyed lately may not have reached the peers; announced again
 * unless the kernel has it (sync_apply_event, CTE_GONE).  What the ring
 * holds comes from another process: bounds and objects are checked.
 */
void
sync_gone_replay(struct syncw *w)
{
	struct gone_ring *g = w->events.gone;
	struct ct_event ev;
	uint32_t i, n, first;

	if (g == NULL)
		return;
	n = g->count <= GONE_RING_SLOTS ? g->count : 0;
	first = g->next < GONE_RING_SLOTS ?
	    (g->next + GONE_RING_SLOTS - n) % GONE_RING_SLOTS : 0;
	for (i = 0; i < n; i++) {
		ev.kind = CTE_GONE;
		ev.obj = g->slot[(first + i) % GONE_RING_SLOTS];
		sync_apply_event(w, &ev);	/* checks it (ctobj_valid) */
	}
	g->count = 0;
	g->next = 0;
}

/* The netlink worker wants to dump: stop reading, then ask for it. */
void
sync_events_dump_wanted(struct syncw *w, const struct msg *m)
{
	uint32_t token;

	if (msg_recv_dump_wanted(m, &token) == -1)
		fatalx("malformed DUMP_WANTED");
	w->events.paused = 1;
	w->events.busy = 0;
	msg_send_dump_req(&w->peer, token);
}

void
sync_events_dump_done(struct syncw *w)
{
	w->events.paused = 0;
}

/* Poll the socket now?  Not while paused or letting events queue. */
int
sync_events_pollable(const struct syncw *w)
{
	return w->events.fd >= 0 && !w->events.paused && !w->events.busy &&
	    w->configured;
}

static void
exp_message(struct syncw *w, const struct nlmsghdr *nlh)
{
	struct exp_event xev;

	switch (nlh->nlmsg_type & 0xff) {
	case IPCTNL_MSG_EXP_NEW:
		xev.kind = CTE_NEW;
		break;
	case IPCTNL_MSG_EXP_DELETE:
		xev.kind = CTE_DESTROY;
		break;
	default:
		w->events.cnt.unknown++;
		return;
	}
	if (ctexp_from_nlmsg(&xev.x, nlh) != 0) {
		w->events.cnt.catch_failed++;
		return;
	}
	if (!ctexp_helper_wanted(&w->cfg.expect, xev.x.helper)) {
		w->events.cnt.filtered++;
		return;
	}
	expect_event(w, &xev);
}

static int
event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct syncw *w = data;
	struct sync_events *ev = &w->events;
	struct ct_event e;
	int r;

	/* a change of the netlink worker's injection: our own */
	if (ev->inject_portid != 0 && nlh->nlmsg_pid == ev->inject_portid)
		return MNL_CB_OK;
	if ((nlh->nlmsg_type >> 8) == NFNL_SUBSYS_CTNETLINK_EXP) {
		exp_message(w, nlh);
		return MNL_CB_OK;
	}
	switch (nlh->nlmsg_type & 0xff) {
	case IPCTNL_MSG_CT_NEW:
		e.kind = (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ?
		    CTE_NEW : CTE_UPDATE;
		break;
	case IPCTNL_MSG_CT_DELETE:
		e.kind = CTE_DESTROY;
		break;
	default:
		ev->cnt.unknown++;
		return MNL_CB_OK;
	}
	r = ctobj_from_nlmsg(&e.obj, nlh);
	if (r == CT_PARSE_MALFORMED) {
		ev->cnt.catch_failed++;
		return MNL_CB_OK;
	}
	ev->cnt.received++;
	if (r == CT_PARSE_UNSUPPORTED) {
		ev->cnt.unknown++;
		return MNL_CB_OK;
	}
	if (!filter_accepts(&w->filter, &e.obj)) {
		ev->cnt.filtered++;
		return MNL_CB_OK;
	}
	sync_apply_event(w, &e);
	return MNL_CB_OK;
}

/* An overrun: events were lost; the netlink worker grows the buffer
 * and resynchronises (NetlinkOverrunResync). */
static void
overrun(void *arg)
{
	struct syncw *w = arg;

	if (w->peer_up)
		msg_send_events_overrun(&w->peer);
}

/* Up to `limit' datagrams, many per system call; how many were read. */
static uint32_t
read_some(struct syncw *w, uint32_t limit)
{
	return nl_recv_budget(w->events.recv, w->events.fd, limit, event_cb, w,
	    &w->events.cnt.catch_failed, overrun);
}

/*
 * Whether a read of `n' events comes under load: PAUSE_RATE events a
 * second or more over the last 100 ms window (or the current one), or a
 * burst in one read.  Below it each wake-up costs little in all, and
 * events go out as they come (conntrackd's latency); above it the wake-
 * ups are what the primary pays for (README, Benchmark), and pausing
 * makes each one move a batch.
 */
#define PAUSE_WINDOW_NS	100000000ULL
#define PAUSE_RATE	2000		/* events/s */
#define PAUSE_BURST	64		/* events in one read */

static int
under_load(struct sync_events *ev, uint32_t n)
{
	uint64_t now = mono_ns(), since = now - ev->window_ns;
	uint32_t enough = (uint32_t)(PAUSE_RATE * PAUSE_WINDOW_NS /
	    1000000000ULL);

	if (since >= PAUSE_WINDOW_NS) {
		/* a window without a read at all was a quiet one */
		ev->last_window_events = since < 2 * PAUSE_WINDOW_NS ?
		    ev->window_events : 0;
		ev->window_ns = now;
		ev->window_events = 0;
	}
	ev->window_events += n;
	return n >= PAUSE_BURST || ev->window_events >= enough ||
	    ev->last_window_events >= enough;
}

/*
 * The loop's turn: read what is there.  After a read that found events
 * and drained the socket, under load, the next read waits the pause the
 * netlink worker gave (nlworker.h NL_BUSY_PAUSE_NS), so that events come
 * in batches.
 */
void
sync_events_read(struct syncw *w)
{
	uint32_t n;
	int loaded;

	if (w->events.fd < 0 || w->events.paused) {
		w->events.busy = 0;	/* nothing to pause for */
		return;
	}
	n = read_some(w, w->cfg.event_iter_limit);
	loaded = under_load(&w->events, n);	/* every read counts */
	w->events.busy = n > 0 && n < w->cfg.event_iter_limit &&
	    w->events.pause_ns > 0 && loaded;
	if (w->events.busy)
		w->events.next_read_ns = mono_ns() + w->events.pause_ns;
}

/* While busy: 0 when the pause is over, else the ns left of it. */
uint64_t
sync_events_wait_ns(const struct syncw *w)
{
	uint64_t now = mono_ns();

	return now >= w->events.next_read_ns ? 0 :
	    w->events.next_read_ns - now;
}

/* Everything in the socket now (a commit's own events, before its
 * barrier ends them). */
void
sync_events_drain(struct syncw *w)
{
	if (w->events.fd < 0 || w->events.paused)
		return;
	while (read_some(w, w->cfg.event_iter_limit) > 0)
		;
	w->events.busy = 0;
}

#ifdef TEST_HOOKS
/*
 * TEST_EVENT_WRITE: what a compromised sync worker could try with the
 * event socket: create an entry (UDP 192.0.2.1:1 -> 192.0.2.2:2) and
 * flush the table.  The kernel must refuse both (no CAP_NET_ADMIN
 * here); the log says what it answered (tests/integration/event-socket.sh).
 */
static void
test_tuple(struct nlmsghdr *nlh, uint16_t type, uint32_t src, uint32_t dst,
    uint16_t sport, uint16_t dport)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type), *n;

	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(src));
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(dst));
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_UDP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
}

/* The kernel's answer to request `seq': 0, an errno, or -1 (none in 1 s). */
static int
test_answer(int fd, uint32_t seq)
{
	char buf[8192];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	while (poll(&pfd, 1, 1000) == 1) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

		if ((n = (int)recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) <= 0)
			continue;
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n))
			if (nlh->nlmsg_type == NLMSG_ERROR &&
			    nlh->nlmsg_seq == seq) {
				const struct nlmsgerr *e =
				    mnl_nlmsg_get_payload(nlh);

				return -e->error;
			}
	}
	return -1;
}

static void
test_request(int fd, const char *what, struct nlmsghdr *nlh)
{
	int r;

	if (send(fd, nlh, nlh->nlmsg_len, 0) == -1) {
		log_warn("test hook: %s on the event socket: not sent", what);
		return;
	}
	r = test_answer(fd, nlh->nlmsg_seq);
	if (r == 0)
		log_warnx("test hook: %s on the event socket: ACCEPTED", what);
	else if (r > 0)
		log_warnx("test hook: %s on the event socket: refused: %s",
		    what, strerror(r));
	else
		log_warnx("test hook: %s on the event socket: no answer", what);
}

void
sync_events_test_write(struct syncw *w)
{
	char buf[512];
	struct nlmsghdr *nlh;

	if (w->events.fd < 0) {
		log_warnx("test hook: no event socket");
		return;
	}
	nlh = nl_put_request(buf, IPCTNL_MSG_CT_NEW,
	    NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 0x7e570001, AF_INET);
	test_tuple(nlh, CTA_TUPLE_ORIG, 0xc0000201, 0xc0000202, 1, 2);
	test_tuple(nlh, CTA_TUPLE_REPLY, 0xc0000202, 0xc0000201, 2, 1);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(100));
	test_request(w->events.fd, "create", nlh);
	nlh = nl_put_request(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, 0x7e570002,
	    AF_UNSPEC);
	test_request(w->events.fd, "flush", nlh);
}
#endif
