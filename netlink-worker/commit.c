/*
 * ctsyncd-commit: the one-shot child that writes the external cache into
 * the kernel (or, with -F, flushes the kernel table).  Started by the
 * supervisor for one request; the same privileges and allow-list as the
 * netlink worker (CAP_NET_ADMIN only).  It reads objects from the sync
 * worker on fd 4 until that closes, checks each one, injects them in
 * batches, reports CHILD_DONE on fd 3, exits.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "log.h"
#include "msgs.h"
#include "nl_inject.h"
#include "nlworker.h"
#include "sandbox.h"

struct commit {
	struct chan	 chan;		/* to the supervisor */
	struct chan	 objs;		/* from the sync worker */
	struct worker_args args;
	struct inject	 inj;
	uint32_t	 invalid;
};

static void
take_objects(struct commit *c, const struct msg *m)
{
	struct ct_events_reader rd;
	struct ct_event ev;
	const char *why;
	int r;

	if (msg_recv_ct_events(m, &rd) == -1)
		fatalx("malformed CT_EVENTS from the sync worker");
	while ((r = msg_recv_ct_event_next(&rd, &ev)) == 1) {
		/* never trust a sibling: check before building anything */
		if (ctobj_valid(&ev.obj, &why) == -1) {
			if (c->invalid++ == 0)
				log_warnx("invalid entry refused: %s",
				    why);
			continue;
		}
		if (c->args.flush_listed)
			inject_delete(&c->inj, &ev.obj);
		else
			inject_add(&c->inj, &ev.obj);
	}
	if (r == -1)
		fatalx("malformed CT_EVENTS from the sync worker");
}

int
main(int argc, char **argv)
{
	struct commit *c;
	struct mnl_socket *nl;
	struct child_result res;
	struct timespec t0, t1;
	sigset_t waitmask;
	struct msg m;
	const char *why;
	int n, rcvbuf = 4 * 1024 * 1024;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return 1;
	worker_start(&c->chan, "commit", argc, argv, &c->args, 0, 0);
	worker_peer_start(&c->objs, "sync worker", MSG_BIT(MSG_CT_EVENTS));
	nl_drop_privileges(&c->args);
	worker_signals(&waitmask);
	nl_sandbox();

	clock_gettime(CLOCK_MONOTONIC, &t0);
	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		fatal("ctnetlink socket");
	/* the kernel's answers to a whole batch must fit */
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf));
	inject_init(&c->inj, nl, c->args.commit_timeout,
	    c->args.window_tracking);
	/* fd 4 closes when the sync worker is ready (and, for a commit,
	 * once every object has been sent) */
	for (;;) {
		struct pollfd pfd = { .fd = c->objs.fd, .events = POLLIN };

		if (ppoll(&pfd, 1, NULL, &waitmask) == -1) {
			if (errno == EINTR && !worker_should_stop())
				continue;
			fatal("ppoll");
		}
		if ((n = chan_read(&c->objs)) == 0)
			break;		/* the sync worker sent everything */
		while ((n = chan_get(&c->objs, &m, &why)) == 1)
			take_objects(c, &m);
		if (n == -1)
			fatalx("from the sync worker: %s", why);
	}
	if (c->args.flush) {
		int ok = inject_flush_table(&c->inj) == 0;

		res.ok = (uint32_t)ok;
		res.failed = (uint32_t)!ok;
	} else if (c->args.flush_listed) {
		inject_flush(&c->inj);
		res.ok = 1;
		res.failed = 0;
	} else {
		inject_flush(&c->inj);
		res.ok = c->inj.ok[INJ_CREATE];
		res.failed = c->inj.failed[INJ_CREATE] + c->invalid;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res.usec = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000);
	msg_send_child_done(&c->chan, &res);
	chan_flush_all(&c->chan);
	return 0;
}
