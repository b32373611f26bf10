/*
 * Stats mode, the flow statistics collector: each destroyed flow adds
 * its packets and bytes (both directions) to the traffic totals of -s
 * and, when the Stats section names a LogFile or Syslog, is printed as
 * conntrackd prints it there (the flow as the destroy event gave it, in
 * libnetfilter_conntrack's plain text) and sent to the supervisor, which
 * writes the log.  Lines are batched, many per FLOW_LOG message, and the
 * batch goes out at the end of each wake-up.
 */
#include "config.h"

#include <string.h>

#include "ct_nfct.h"
#include "log.h"
#include "syncworker.h"

#define FLOW_LINE_MAX	1024

void
flows_ended(struct syncw *w, const struct ctobj *o)
{
	size_t n;

	if (CT_HAS(o, CT_A_COUNTERS)) {
		w->traffic_packets += o->packets[0] + o->packets[1];
		w->traffic_bytes += o->bytes[0] + o->bytes[1];
	}
	if (!w->cfg.flow_log)
		return;
	if (w->flowlen + FLOW_LINE_MAX + 1 > sizeof(w->flowbuf))
		flows_flush(w);
	n = ctobj_print(o, 0, 0, w->flowbuf + w->flowlen, FLOW_LINE_MAX);
	if (n == 0)
		return;
	w->flowlen += n;
	w->flowbuf[w->flowlen++] = '\n';
}

/* The batch to the supervisor; dropped (counted, logged once) if the
 * supervisor is so far behind that CHAN_QUEUE_HIGH waits for it. */
void
flows_flush(struct syncw *w)
{
	if (w->flowlen == 0)
		return;
	if (chan_pending(&w->chan) > CHAN_QUEUE_HIGH) {
		if (w->flows_dropped++ == 0)
			log_warnx("the supervisor is behind: flow log lines "
			    "dropped (logged once)");
	} else
		msg_send_flow_log(&w->chan, w->flowbuf, w->flowlen);
	w->flowlen = 0;
}
