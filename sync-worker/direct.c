/*
 * DisableExternalCache: the states the peers send are not cached here
 * but handed to the netlink worker, which writes them into the kernel
 * table (netlink-worker/nl_direct.c) and answers each batch with what
 * the kernel did; -s shows the totals as conntrackd's "external inject".
 * A batch goes out when full and at the end of each wake-up.
 */
#include "config.h"

#include "log.h"
#include "syncworker.h"

void
direct_inject(struct syncw *w, uint8_t wire_type, const struct ctobj *o)
{
	struct ct_event *ev;

	if (w->direct.n == DIRECT_BATCH)
		direct_flush(w);
	ev = &w->direct.batch[w->direct.n++];
	ev->kind = wire_type == WIRE_CT_NEW ? CTE_NEW :
	    wire_type == WIRE_CT_UPD ? CTE_UPDATE : CTE_DESTROY;
	ev->obj = *o;
}

void
direct_flush(struct syncw *w)
{
	if (w->direct.n == 0)
		return;
	msg_send_ct_events(&w->peer, w->direct.batch, w->direct.n);
	w->direct.n = 0;
	w->direct.in_flight++;
}

/* The netlink worker's answer to one batch. */
void
direct_done(struct syncw *w, const struct inject_result *res)
{
	int i;

	if (w->direct.in_flight == 0)
		fatalx("INJECT_DONE without a batch sent");
	w->direct.in_flight--;
	for (i = 0; i < 3; i++) {
		w->direct.ok[i] += res->ok[i];
		w->direct.failed[i] += res->failed[i];
	}
}
