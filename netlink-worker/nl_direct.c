/*
 * DisableExternalCache: the peers' states go straight into this node's
 * kernel table instead of an external cache.  The sync worker sends them
 * as CT_EVENTS (new, update, destroy); each object is checked before
 * anything is built from it, the batch goes to the kernel through the
 * commit's batched path (nl_inject.c) on a socket of its own, and the
 * answer, INJECT_DONE, says what the kernel did.  The events the kernel
 * sends about our own changes carry that socket's port id: nl_events.c
 * drops them, so injected states are not sent back to the peers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "log.h"
#include "nlworker.h"

void
nl_direct_open(struct nlw *w)
{
	struct mnl_socket *nl;

	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		fatal("cannot open the ctnetlink socket for injection");
	if ((w->inj = calloc(1, sizeof(*w->inj))) == NULL)
		fatal("calloc");
	/* CommitTimeout does not go with DisableExternalCache (config.md) */
	inject_init(w->inj, nl, 0, w->cfg.window_tracking);
	w->inject_portid = mnl_socket_get_portid(nl);
}

static void
inject_one(struct nlw *w, const struct ct_event *ev)
{
	const char *why;

	if (ctobj_valid(&ev->obj, &why) == -1) {
		/* counted as the kernel refusing it, and told once */
		w->inj->failed[ev->kind == CTE_DESTROY ? INJ_DELETE :
		    ev->kind == CTE_UPDATE ? INJ_UPDATE : INJ_CREATE]++;
		if (w->cnt.inject_invalid++ == 0)
			log_warnx("invalid state from the sync worker "
			    "refused: %s", why);
		return;
	}
	switch (ev->kind) {
	case CTE_NEW:
		inject_add(w->inj, &ev->obj);
		break;
	case CTE_UPDATE:
		inject_update(w->inj, &ev->obj);
		break;
	case CTE_DESTROY:
		inject_delete(w->inj, &ev->obj);
		break;
	default:
		fatalx("CT_EVENTS to inject with a dump event");
	}
}

/* A peer's expectation (EXP_EVENT): created or deleted at once. */
void
nl_direct_exp(struct nlw *w, const struct msg *m)
{
	struct exp_event ev;
	const char *why;
	int err;

	if (w->inj == NULL || msg_recv_exp_event(m, &ev) == -1)
		fatalx("EXP_EVENT from the sync worker without "
		    "DisableExternalCache, or malformed");
	/* the sync worker checked it too; this is the kernel's door */
	if (ctexp_valid(&ev.x, &why) == -1 || ctexp_acceptable(&ev.x,
	    &w->cfg.expect, ev.kind != CTE_DESTROY, &why) == -1) {
		if (w->cnt.inject_invalid++ == 0)
			log_warnx("expectation from the sync worker refused: "
			    "%s", why);
		return;
	}
	/* the entries before it went in first: its master is there */
	inject_flush(w->inj);
	if ((err = inject_exp(w->inj, &ev.x, ev.kind == CTE_DESTROY)) != 0 &&
	    w->cnt.inject_invalid++ < 5)
		log_warnx("kernel refused an expectation: %s", strerror(err));
}

/* One CT_EVENTS from the sync worker: into the kernel, then the answer. */
void
nl_direct_apply(struct nlw *w, const struct msg *m)
{
	struct ct_events_reader rd;
	struct inject_result res;
	struct ct_event ev;
	int r, i;

	if (w->inj == NULL || msg_recv_ct_events(m, &rd) == -1)
		fatalx("CT_EVENTS from the sync worker without "
		    "DisableExternalCache, or malformed");
	while ((r = msg_recv_ct_event_next(&rd, &ev)) == 1)
		inject_one(w, &ev);
	if (r == -1)
		fatalx("malformed CT_EVENTS from the sync worker");
	inject_flush(w->inj);
	for (i = 0; i < 3; i++) {
		res.ok[i] = w->inj->ok[i];
		res.failed[i] = w->inj->failed[i];
		w->inj->ok[i] = w->inj->failed[i] = 0;
	}
	msg_send_inject_done(&w->peer, &res);
}
