/*
 * libFuzzer target: the inter-process framing and every typed decoder.
 * The input is what a sibling process could write on a channel; nothing
 * in it may crash, hang or read out of bounds.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "msgs.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
decode(const struct msg *m)
{
	struct conf_netlink nl;
	struct conf_sync sy;
	struct cfg_link_fd l;
	struct stats_block b;
	char text[LOG_MSG_MAX];
	uint32_t a, c;
	int level;

	switch (m->type) {
	case MSG_LOG: msg_recv_log(m, &level, text, sizeof(text)); break;
	case MSG_READY: msg_recv_ready(m); break;
	case MSG_CFG_NETLINK: msg_recv_cfg_netlink(m, &nl); break;
	case MSG_CFG_SYNC: msg_recv_cfg_sync(m, &sy); break;
	case MSG_CFG_LINK: msg_recv_cfg_link(m, &l); break;
	case MSG_CFG_FILTER: {
		static struct conf_filter fl;

		msg_recv_cfg_filter(m, &fl);
		break;
	}
	case MSG_CFG_DONE: msg_recv_cfg_done(m); break;
	case MSG_STATS_REQ: msg_recv_stats_req(m, &a, &c); break;
	case MSG_STATS_BLOCK: msg_recv_stats_block(m, &b); break;
	case MSG_STATS_END: msg_recv_stats_end(m, &a); break;
	case MSG_TEST_SECCOMP: msg_recv_test_seccomp(m); break;
	case MSG_CTL_REQUEST: msg_recv_ctl_request(m, &a, &c); break;
	case MSG_CTL_TEXT: msg_recv_ctl_text(m, text, sizeof(text)); break;
	case MSG_CTL_DONE: msg_recv_ctl_done(m, &a, text, sizeof(text)); break;
	case MSG_CT_DUMP_DONE: msg_recv_ct_dump_done(m, &level); break;
	case MSG_CT_BARRIER: msg_recv_ct_barrier(m); break;
	case MSG_SELF_START: msg_recv_self_start(m, &level); break;
	case MSG_CHILD_DONE: {
		struct child_result res;

		msg_recv_child_done(m, &res);
		break;
	}
	case MSG_CT_EVENTS: {
		struct ct_events_reader rd;
		struct ct_event ev;
		const char *why;

		if (msg_recv_ct_events(m, &rd) == -1)
			break;
		while (msg_recv_ct_event_next(&rd, &ev) == 1)
			ctobj_valid(&ev.obj, &why);
		break;
	}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chan c;
	struct msg m;
	const char *why;

	/* a channel that accepts everything, with no fd ever present */
	chan_init(&c, -1, "fuzz", CHAN_MSG_MAX, ~0ULL, 0);
	if (size > c.rcap)
		size = c.rcap;
	memcpy(c.rbuf, data, size);
	c.rend = size;
	while (chan_get(&c, &m, &why) == 1)
		decode(&m);
	chan_free(&c);
	return 0;
}
