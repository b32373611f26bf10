/*
 * The sync worker's life: drop every privilege, load the sandbox, take
 * its configuration and link sockets, then serve the links and the
 * supervisor.  Every message from the supervisor is checked; a malformed
 * one is fatal.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msgs.h"
#include "sandbox.h"
#include "syncworker.h"

static void
handle(struct syncw *w, const struct msg *m)
{
	struct cfg_link_fd l;
	uint32_t id, req;

	switch (m->type) {
	case MSG_CFG_SYNC:
		if (w->configured || w->got_sync_cfg ||
		    msg_recv_cfg_sync(m, &w->cfg) == -1)
			fatalx("malformed or repeated CFG_SYNC");
		w->got_sync_cfg = 1;
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
		links_done(w);
		w->configured = 1;
		msg_send_ready(&w->chan);
		break;
	case MSG_STATS_REQ:
		if (!w->configured || msg_recv_stats_req(m, &id, &req) == -1)
			fatalx("malformed or early STATS_REQ");
		links_stats(w, req);
		msg_send_stats_end(&w->chan, id);
		break;
	case MSG_TEST_SECCOMP:		/* accepted in test builds only */
		worker_test_seccomp(m);
		break;
	default:
		fatalx("unexpected %s from the supervisor",
		    msg_type_name(m->type));
	}
}

static void
read_channel(struct syncw *w)
{
	struct msg m;
	const char *why;
	int n;

	if (chan_read(&w->chan) == 0)
		exit(0);	/* the supervisor is gone */
	while ((n = chan_get(&w->chan, &m, &why)) == 1) {
		handle(w, &m);
		/* a fd we were given but did not keep must not leak */
		if (m.fd >= 0 && m.type != MSG_CFG_LINK)
			close(m.fd);
	}
	if (n == -1)
		fatalx("from the supervisor: %s", why);
}

static void
loop(struct syncw *w, const sigset_t *waitmask)
{
	struct pollfd pfd[1 + CONF_MAX_LINKS];
	int idx[1 + CONF_MAX_LINKS];
	int i, n;

	while (!worker_should_stop()) {
		pfd[0].fd = w->chan.fd;
		pfd[0].events = POLLIN | (chan_pending(&w->chan) ? POLLOUT : 0);
		n = 1;
		for (i = 0; i < CONF_MAX_LINKS && w->configured; i++) {
			if (!w->links[i].present)
				continue;
			idx[n] = i;
			pfd[n].fd = w->links[i].rx;
			pfd[n++].events = POLLIN;
		}
		if (ppoll(pfd, (nfds_t)n, NULL, waitmask) == -1) {
			if (errno == EINTR)
				continue;
			fatal("ppoll");
		}
		if (pfd[0].revents & POLLOUT && chan_flush(&w->chan) == -1)
			fatalx("supervisor gone");
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			read_channel(w);
		for (i = 1; i < n; i++)
			if (pfd[i].revents & POLLIN)
				links_receive(w, idx[i]);
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
	    MSG_BIT(MSG_CFG_DONE) | MSG_BIT(MSG_STATS_REQ);

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return 1;
	worker_start(&w->chan, "sync worker", argc, argv, &w->args, accept,
	    MSG_BIT(MSG_CFG_LINK));

	sync_drop_privileges(&w->args);
	worker_signals(&waitmask);
	sync_sandbox();
	loop(w, &waitmask);
	chan_flush_all(&w->chan);
	return 0;
}
