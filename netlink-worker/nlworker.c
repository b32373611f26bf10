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

#include "log.h"
#include "msgs.h"
#include "nlworker.h"
#include "sandbox.h"

static void
answer_stats(struct nlw *w, uint32_t id, uint32_t req)
{
	struct stats_block b;
	uint64_t entries = 0;

	switch (req) {
	case REQ_HEALTH:
		stats_block_init(&b, SB_HEALTH, "netlink worker");
		b.v[0] = (uint64_t)getpid();
		b.v[1] = nl_kernel_count(w, &entries) == 0;
		b.v[2] = entries;
		b.v[3] = nl_kernel_bufsize(w);
		msg_send_stats_block(&w->chan, &b);
		break;
	case REQ_STATS_RUNTIME:
		stats_block_init(&b, SB_NETLINK, NULL);
		b.v[0] = w->cnt.events_received;
		b.v[1] = w->cnt.events_filtered;
		b.v[2] = w->cnt.events_unknown;
		b.v[3] = w->cnt.catch_failed;
		b.v[4] = w->cnt.dump_unknown;
		b.v[5] = w->cnt.overrun;
		b.v[6] = w->cnt.flush_kernel;
		b.v[7] = w->cnt.resync_kernel;
		b.v[8] = nl_kernel_bufsize(w);
		msg_send_stats_block(&w->chan, &b);
		break;
	}
	msg_send_stats_end(&w->chan, id);
}

static void
handle(struct nlw *w, const struct msg *m)
{
	uint32_t id, req;

	switch (m->type) {
	case MSG_CFG_NETLINK:
		if (w->configured || msg_recv_cfg_netlink(m, &w->cfg) == -1)
			fatalx("malformed or late CFG_NETLINK");
		break;
	case MSG_CFG_DONE:
		if (w->configured || msg_recv_cfg_done(m) == -1)
			fatalx("malformed or repeated CFG_DONE");
		nl_kernel_apply_config(w);
		w->configured = 1;
		msg_send_ready(&w->chan);
		log_debug("ready, netlink buffer %u bytes", nl_kernel_bufsize(w));
		break;
	case MSG_STATS_REQ:
		if (!w->configured || msg_recv_stats_req(m, &id, &req) == -1)
			fatalx("malformed or early STATS_REQ");
		answer_stats(w, id, req);
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
loop(struct nlw *w, const sigset_t *waitmask)
{
	struct msg m;
	const char *why;
	int n;

	while (!worker_should_stop()) {
		struct pollfd pfd = { .fd = w->chan.fd, .events = POLLIN |
		    (chan_pending(&w->chan) ? POLLOUT : 0) };

		if (ppoll(&pfd, 1, NULL, waitmask) == -1) {
			if (errno == EINTR)
				continue;
			fatal("ppoll");
		}
		if (pfd.revents & POLLOUT && chan_flush(&w->chan) == -1)
			fatalx("supervisor gone");
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (chan_read(&w->chan) == 0)
			exit(0);	/* the supervisor is gone */
		while ((n = chan_get(&w->chan, &m, &why)) == 1)
			handle(w, &m);
		if (n == -1)
			fatalx("from the supervisor: %s", why);
		sandbox_report_trap();
		chan_flush(&w->chan);
	}
}

int
main(int argc, char **argv)
{
	struct nlw *w;
	sigset_t waitmask;
	uint64_t accept = MSG_BIT(MSG_CFG_NETLINK) | MSG_BIT(MSG_CFG_DONE) |
	    MSG_BIT(MSG_STATS_REQ);

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return 1;
	worker_start(&w->chan, "netlink worker", argc, argv, &w->args, accept,
	    0);

	nl_drop_privileges(&w->args);
	worker_signals(&waitmask);
	nl_sandbox();
	nl_kernel_open(w);
	loop(w, &waitmask);
	chan_flush_all(&w->chan);
	return 0;
}
