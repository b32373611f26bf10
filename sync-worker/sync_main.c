/*
 * The sync worker process: drop every privilege, load the sandbox, then
 * wait on the supervisor, the netlink worker, a commit child and the
 * links' sockets.  What each message means is syncworker.c's; the links'
 * traffic is sync_links.c's.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "log.h"
#include "msgs.h"
#include "sandbox.h"
#include "syncworker.h"

/* The sync worker's poll slots; the links' sockets follow. */
enum { PFD_SUPERVISOR, PFD_NETLINK, PFD_CHILD, PFD_EVENTS, PFD_LINKS };

static void
loop(struct syncw *w, const sigset_t *waitmask)
{
	struct pollfd pfd[PFD_LINKS + 3 * CONF_MAX_LINKS];
	struct link_role role[3 * CONF_MAX_LINKS];
	struct timespec ts;
	int nl, timeout, bulk_ms;

	while (!worker_should_stop()) {
		pfd[PFD_SUPERVISOR].fd = w->chan.fd;
		pfd[PFD_SUPERVISOR].events = POLLIN |
		    (chan_pending(&w->chan) ? POLLOUT : 0);
		/* kernel events wait until the configuration is complete */
		pfd[PFD_NETLINK].fd = w->configured && w->peer_up ?
		    w->peer.fd : -1;
		pfd[PFD_NETLINK].events = POLLIN |
		    (chan_pending(&w->peer) ? POLLOUT : 0);
		/* a cache streaming to a commit or flush child */
		pfd[PFD_CHILD].fd = w->child_out.fd > 0 ? w->child_out.fd : -1;
		pfd[PFD_CHILD].events = POLLOUT;
		/* kernel events; after a read that found some, not polled
		 * for a moment: they queue, then come as one batch */
		pfd[PFD_EVENTS].fd = sync_events_pollable(w) ?
		    w->events.fd : -1;
		pfd[PFD_EVENTS].events = POLLIN;
		/* the netlink worker is behind on what we inject: the links
		 * wait (their buffers overflow; FT-FW repairs the loss) */
		nl = w->configured && chan_pending(&w->peer) < CHAN_QUEUE_HIGH ?
		    links_pollfds(w, pfd + PFD_LINKS, role) : 0;
		bulk_ms = sync_bulk_due(w);	/* before: it fills the queue */
		timeout = sync_on(w) ? w->mode->timeout_ms(w) : -1;
		if (bulk_ms >= 0 && (timeout < 0 || bulk_ms < timeout))
			timeout = bulk_ms;
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (timeout % 1000) * 1000000L;
		if (w->events.busy) {	/* the pause, if it ends first */
			uint64_t left = sync_events_wait_ns(w);

			if (timeout < 0 || (uint64_t)timeout * 1000000 > left) {
				ts.tv_sec = (time_t)(left / 1000000000);
				ts.tv_nsec = (long)(left % 1000000000);
				timeout = 0;
			}
		}
		if (ppoll(pfd, (nfds_t)(PFD_LINKS + nl),
		    timeout < 0 ? NULL : &ts, waitmask) == -1) {
			if (errno == EINTR)
				continue;
			fatal("ppoll");
		}
		if (pfd[PFD_SUPERVISOR].revents & POLLOUT &&
		    chan_flush(&w->chan) == -1)
			fatalx("supervisor gone");
		if (pfd[PFD_SUPERVISOR].revents & (POLLIN | POLLHUP | POLLERR) &&
		    !worker_read(&w->chan, "supervisor", sync_handle, w))
			exit(0);	/* the supervisor is gone */
		if (pfd[PFD_NETLINK].revents & POLLOUT &&
		    chan_flush(&w->peer) == -1)
			sync_peer_lost(w);
		if (w->peer_up &&
		    pfd[PFD_NETLINK].revents & (POLLIN | POLLHUP | POLLERR) &&
		    !worker_read(&w->peer, "netlink worker", sync_handle_peer,
		    w))
			sync_peer_lost(w);
		if (pfd[PFD_CHILD].revents)
			sync_stream_flush(w);
		if (pfd[PFD_EVENTS].revents & POLLIN ||
		    (w->events.busy && sync_events_wait_ns(w) == 0))
			sync_events_read(w);
		links_events(w, pfd + PFD_LINKS, role, nl);
		if (sync_on(w)) {
			links_check(w);
			w->mode->run(w);
		}
		flows_flush(w);
		direct_flush(w);
		if (w->peer_up && chan_flush(&w->peer) == -1)
			sync_peer_lost(w);
		sandbox_report_trap();
		chan_flush(&w->chan);
	}
}

int
main(int argc, char **argv)
{
	struct syncw *w;
	sigset_t waitmask;
	uint64_t accept = MSG_BIT(MSG_CFG_SYNC) | MSG_BIT(MSG_CFG_LINK) |
	    MSG_BIT(MSG_CFG_FILTER) | MSG_BIT(MSG_CFG_GONE_RING) |
	    MSG_BIT(MSG_CFG_DONE) | MSG_BIT(MSG_WORKER_REQ) |
	    MSG_BIT(MSG_ANSWER_MORE) | MSG_BIT(MSG_LINK_SOCKET) |
	    MSG_BIT(MSG_LINK_KEYS) | MSG_BIT(MSG_PEER_SOCKET) |
	    MSG_BIT(MSG_PING) | MSG_BIT(MSG_STANDING_DOWN) |
	    MSG_BIT(MSG_LOG_VERBOSE);
#ifdef TEST_HOOKS
	uint64_t test = MSG_BIT(MSG_TEST_EVENT_WRITE);
#else
	uint64_t test = 0;
#endif
	struct timespec now;
	uint8_t inc_random[8];

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return 1;
	w->self_change = SELF_NONE;
	w->events.fd = -1;
	worker_start(&w->chan, "sync worker", argc, argv, &w->args,
	    accept | MSG_BIT(MSG_SELF_START) | test,
	    MSG_BIT(MSG_CFG_LINK) | MSG_BIT(MSG_SELF_START) |
	    MSG_BIT(MSG_LINK_SOCKET) | MSG_BIT(MSG_PEER_SOCKET) |
	    MSG_BIT(MSG_CFG_GONE_RING));
	worker_peer_start(&w->peer, "netlink worker", SY_PEER_ACCEPT,
	    SY_PEER_ACCEPT_FD);
	w->peer_up = 1;

	/* the caches' hash key, drawn while the system's random source
	 * is still in reach (getrandom, or /dev/urandom before chroot) */
	if (sodium_init() == -1)
		fatalx("libsodium cannot start");
	randombytes_buf(w->hash_key, sizeof(w->hash_key));
	/* anti-entropy: our id among the nodes of a group (wire_ext.h) */
	w->ae.node = (uint16_t)(randombytes_uniform(UINT16_MAX) + 1);
	/* Authentication: this start's incarnation (link_auth.h) */
	randombytes_buf(inc_random, sizeof(inc_random));
	clock_gettime(CLOCK_REALTIME, &now);
	auth_init(&w->auth, (uint64_t)now.tv_sec * 1000 +
	    (uint64_t)now.tv_nsec / 1000000, inc_random);
	sync_drop_privileges(&w->args);
	worker_signals(&waitmask);
	sync_sandbox();
	loop(w, &waitmask);
	chan_flush_all(&w->chan);
	return 0;
}
