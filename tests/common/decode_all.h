/*
 * Decode any message of the catalogue with its typed receiver: shared by
 * the framing unit test and the fuzz target.  Returns the receiver's
 * result (0 or -1), or -2 for a type with no receiver here.
 */
#ifndef CTSYNCD_DECODE_ALL_H
#define CTSYNCD_DECODE_ALL_H

#include "msgs.h"

static int
decode_any(const struct msg *m)
{
	static struct conf_filter fl;
	struct conf_netlink nl;
	struct conf_sync sy;
	struct cfg_link_fd l;
	struct link_keys keys;
	struct stats_block b;
	struct child_result res;
	struct inject_result inj;
	struct exp_event xev;
	struct ct_events_reader rd;
	struct ct_event ev;
	const char *why;
	char text[LOG_MSG_MAX];
	uint32_t a, c;
	uint8_t u8;
	const char *lines;
	size_t len;
	int level, r;

	switch (m->type) {
	case MSG_LOG: return msg_recv_log(m, &level, text, sizeof(text));
	case MSG_READY: return msg_recv_ready(m);
	case MSG_CFG_NETLINK: return msg_recv_cfg_netlink(m, &nl);
	case MSG_CFG_SYNC: return msg_recv_cfg_sync(m, &sy);
	case MSG_CFG_LINK: return msg_recv_cfg_link(m, &l);
	case MSG_CFG_FILTER: return msg_recv_cfg_filter(m, &fl);
	case MSG_CFG_DONE: return msg_recv_cfg_done(m);
	case MSG_WORKER_REQ: return msg_recv_worker_req(m, &a, &c);
	case MSG_STATS_BLOCK: return msg_recv_stats_block(m, &a, &b);
	case MSG_WORKER_DONE: return msg_recv_worker_done(m, &a);
	case MSG_ANSWER_WAIT: return msg_recv_answer_wait(m, &a);
	case MSG_ANSWER_MORE: return msg_recv_answer_more(m, &a, &level);
	case MSG_TEST_SECCOMP: return msg_recv_test_seccomp(m);
	case MSG_TEST_GARBAGE: return msg_recv_test_garbage(m);
	case MSG_TEST_EVENT_WRITE: return msg_recv_test_event_write(m);
	case MSG_CTL_REQUEST: return msg_recv_ctl_request(m, &a, &c);
	case MSG_CTL_TEXT: return msg_recv_ctl_text(m, &a, text, sizeof(text));
	case MSG_CTL_DONE: return msg_recv_ctl_done(m, &a, text,
	    sizeof(text));
	case MSG_CT_DUMP_DONE: return msg_recv_ct_dump_done(m, &level, &a);
	case MSG_DUMP_REQ: return msg_recv_dump_req(m, &a);
	case MSG_EVENT_SOCKET: return msg_recv_event_socket(m, &a, &c);
	case MSG_DUMP_WANTED: return msg_recv_dump_wanted(m, &a);
	case MSG_EVENTS_OVERRUN: return msg_recv_events_overrun(m);
	case MSG_CFG_GONE_RING: return msg_recv_cfg_gone_ring(m);
	case MSG_CT_BARRIER: return msg_recv_ct_barrier(m);
	case MSG_NEW_EVENTS_OFF: return msg_recv_new_events_off(m);
	case MSG_SELF_START: return msg_recv_self_start(m, &level);
	case MSG_CHILD_DONE: return msg_recv_child_done(m, &res);
	case MSG_EXP_EVENT: return msg_recv_exp_event(m, &xev);
	case MSG_INJECT_DONE: return msg_recv_inject_done(m, &inj);
	case MSG_FLOW_LOG: return msg_recv_flow_log(m, &lines, &len);
	case MSG_LINK_CONNECT: return msg_recv_link_connect(m, &u8);
	case MSG_LINK_SOCKET: return msg_recv_link_socket(m, &u8);
	case MSG_LINK_KEYS: return msg_recv_link_keys(m, &keys);
	case MSG_PEER_SOCKET: return msg_recv_peer_socket(m);
	case MSG_METRICS_ASK: return msg_recv_metrics_ask(m);
	case MSG_LOG_VERBOSE: return msg_recv_log_verbose(m, &a);
	case MSG_METRICS_SOCKET: return msg_recv_metrics_socket(m);
	case MSG_PING: return msg_recv_ping(m, &a);
	case MSG_PONG: return msg_recv_pong(m, &a);
	case MSG_STANDING_DOWN: return msg_recv_standing_down(m, &a);
	case MSG_CT_EVENTS:
		if (msg_recv_ct_events(m, &rd) == -1)
			return -1;
		while ((r = msg_recv_ct_event_next(&rd, &ev)) == 1)
			ctobj_valid(&ev.obj, &why);
		return r;
	}
	return -2;
}

#endif
