/*
 * ctsyncd-commit: the one-shot child that writes the external cache into
 * the kernel (or, with -F, flushes the kernel table; with -L, deletes the
 * entries the Filter accepts).  Started by the supervisor for one
 * request; the same privileges and allow-list as the netlink worker
 * (CAP_NET_ADMIN only).  It reads objects from the sync worker on fd 4
 * until that closes, checks each one, injects them in batches, reports
 * CHILD_DONE on fd 3, exits.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "filter.h"
#include "log.h"
#include "msgs.h"
#include "nl_request.h"
#include "ct_nlattr.h"
#include "nl_inject.h"
#include "nlworker.h"
#include "sandbox.h"

struct commit {
	struct chan	 chan;		/* to the supervisor */
	struct chan	 objs;		/* from the sync worker */
	struct worker_args args;
	struct inject	 inj;
	uint32_t	 invalid;
	struct conf_filter filter;	/* -L: from the supervisor */
	struct ctexp	*exps;		/* committed after every entry */
	size_t		 nexps, capexps;
	uint32_t	 exp_ok, exp_failed;
};

/* An expectation to commit once the entries (its master) are in. */
static void
take_expectation(struct commit *c, const struct msg *m)
{
	struct exp_event ev;
	const char *why;

	if (msg_recv_exp_event(m, &ev) == -1)
		fatalx("malformed EXP_EVENT from the sync worker");
	/* the helper was checked when it came (the child has no list) */
	if (ctexp_valid(&ev.x, &why) == -1 ||
	    ctexp_acceptable(&ev.x, NULL, 1, &why) == -1) {
		if (c->exp_failed++ == 0)
			log_warnx("expectation refused: %s", why);
		return;
	}
	if (c->nexps == c->capexps) {
		c->capexps = c->capexps ? 2 * c->capexps : 64;
		if ((c->exps = reallocarray(c->exps, c->capexps,
		    sizeof(*c->exps))) == NULL)
			fatal("expectations");
	}
	c->exps[c->nexps++] = ev.x;
}

/* The expectations, after the entries: each needs its master there. */
static void
commit_expectations(struct commit *c)
{
	size_t i;
	int err;

	for (i = 0; i < c->nexps; i++) {
		if ((err = inject_exp(&c->inj, &c->exps[i], 0)) == 0)
			c->exp_ok++;
		else if (c->exp_failed++ < 5)
			log_warnx("kernel refused an expectation: %s",
			    strerror(err));
	}
}

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
		inject_add(&c->inj, &ev.obj);
	}
	if (r == -1)
		fatalx("malformed CT_EVENTS from the sync worker");
}

/* -L: the Filter comes first on the supervisor's channel. */
static void
read_filter(struct commit *c)
{
	struct pollfd pfd = { .fd = c->chan.fd, .events = POLLIN };
	struct msg m;
	const char *why = "closed";
	int n = 0;

	while (n == 0) {
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			fatal("poll");
		if (chan_read(&c->chan) == 0)
			break;
		n = chan_get(&c->chan, &m, &why);
	}
	if (n != 1 || msg_recv_cfg_filter(&m, &c->filter) == -1)
		fatalx("no Filter from the supervisor: %s", why);
}

static int
dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct commit *c = data;
	struct ctobj o;

	if (ctobj_from_nlmsg(&o, nlh) == 0 && filter_accepts(&c->filter, &o))
		inject_delete(&c->inj, &o);
	return MNL_CB_OK;
}

/*
 * Delete every kernel entry the Filter accepts (as conntrackd's -F with
 * a Filter): a dump on a socket of its own, deletes in batches on the
 * injection socket meanwhile.  -1 if the dump failed.
 */
static int
flush_filtered(struct commit *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER,
	    SOCK_CLOEXEC);
	struct nlmsghdr *nlh;
	int r = MNL_CB_OK;
	ssize_t n;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		fatal("ctnetlink socket");
	nlh = nl_put_request(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, 1, AF_UNSPEC);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while (r > MNL_CB_STOP &&
	    (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		r = mnl_cb_run(buf, (size_t)n, 1, mnl_socket_get_portid(nl),
		    dump_cb, c);
	inject_flush(&c->inj);
	mnl_socket_close(nl);
	return r == MNL_CB_STOP ? 0 : -1;
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
	worker_start(&c->chan, "commit", argc, argv, &c->args,
	    MSG_BIT(MSG_CFG_FILTER), 0);
	worker_peer_start(&c->objs, "sync worker", MSG_BIT(MSG_CT_EVENTS) |
	    MSG_BIT(MSG_EXP_EVENT), 0);
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
	if (c->args.flush_filtered)
		read_filter(c);
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
		while ((n = chan_get(&c->objs, &m, &why)) == 1) {
			if (m.type == MSG_EXP_EVENT)
				take_expectation(c, &m);
			else
				take_objects(c, &m);
		}
		if (n == -1)
			fatalx("from the sync worker: %s", why);
	}
	memset(&res, 0, sizeof(res));
	if (c->args.flush || c->args.flush_filtered) {
		int ok = 1;

		if (c->args.flush_no_ct)
			;	/* -F expect: the expectations only */
		else if (c->args.flush)
			ok = inject_flush_table(&c->inj) == 0;
		else
			ok = flush_filtered(c) == 0 &&
			    c->inj.failed[INJ_DELETE] == 0;
		if (c->args.flush_exp &&
		    inject_exp_flush_table(&c->inj) == -1)
			ok = 0;
		res.ok = (uint32_t)ok;
		res.failed = (uint32_t)!ok;
	} else {
		inject_flush(&c->inj);
		res.ok = c->inj.ok[INJ_CREATE];
		res.failed = c->inj.failed[INJ_CREATE] + c->invalid;
		commit_expectations(c);
		res.exp_ok = c->exp_ok;
		res.exp_failed = c->exp_failed;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res.usec = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000);
	msg_send_child_done(&c->chan, &res);
	chan_flush_all(&c->chan);
	return 0;
}
