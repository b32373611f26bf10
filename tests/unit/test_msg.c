/*
 * The framing (common/msg.c) and every typed pair (common/msgs.c):
 * round trips, and every way a message can be malformed.
 */
#include "config.h"

#include <sys/socket.h>

#include <fcntl.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "decode_all.h"
#include "msgs.h"
#include "tap.h"

static struct chan tx, rx;
static int sv[2];

static void
pair(uint64_t accept, uint64_t accept_fd, size_t maxmsg)
{
	if (sv[0] > 0) {
		chan_free(&tx);
		chan_free(&rx);
		close(sv[0]);
		close(sv[1]);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	chan_init(&tx, sv[0], "tx", maxmsg, 0, 0);
	chan_init(&rx, sv[1], "rx", maxmsg, accept, accept_fd);
}

/* Send what tx holds and return the first message rx gets (1), or 0/-1. */
static int
transfer(struct msg *m, const char **why)
{
	chan_flush_all(&tx);
	chan_read(&rx);
	return chan_get(&rx, m, why);
}

/* Write raw bytes, bypassing the encoder. */
static int
raw(const void *p, size_t n, struct msg *m, const char **why)
{
	if (write(sv[0], p, n) != (ssize_t)n)
		abort();
	chan_read(&rx);
	return chan_get(&rx, m, why);
}

static void
test_roundtrips(void)
{
	struct conf_netlink nl, nl2;
	struct conf_sync sy, sy2;
	struct stats_block b, b2;
	struct msg m;
	const char *why;
	char text[LOG_MSG_MAX];
	uint32_t a, c;
	int level;

	/* zeroed first: the structs are compared with memcmp, padding too */
	memset(&nl, 0, sizeof(nl));
	nl.bufsize = 1000;
	nl.bufsize_max = 2000;
	nl.overrun_resync = 30;
	nl.event_iter_limit = 100;
	nl.events_reliable = 1;
	nl.expect.mode = EXPECT_LIST;
	memset(&sy, 0, sizeof(sy));
	sy.mode = MODE_FTFW;
	sy.hashsize = 65536;
	sy.hashlimit = 262144;
	sy.resend_queue_size = 131072;
	sy.ack_window = 300;
	sy.purge_timeout = 60;
	sy.event_iter_limit = 100;
	sy.refresh_time = 60;
	sy.cache_timeout = 180;
	sy.disable_external_cache = 1;
	sy.startup_resync = 1;
	sy.auth = 1;

	pair(~0ULL, 0, CHAN_MSG_MAX);
	msg_send_log(&tx, LOG_WARNING, "hello\nworld");
	ok(transfer(&m, &why) == 1 && m.type == MSG_LOG, "LOG arrives");
	ok(msg_recv_log(&m, &level, text, sizeof(text)) == 0 &&
	    level == LOG_WARNING && strcmp(text, "hello?world") == 0,
	    "LOG round trip, control characters neutralised");

	msg_send_cfg_netlink(&tx, &nl);
	ok(transfer(&m, &why) == 1 && msg_recv_cfg_netlink(&m, &nl2) == 0 &&
	    memcmp(&nl, &nl2, sizeof(nl)) == 0, "CFG_NETLINK round trip");
	msg_send_cfg_sync(&tx, &sy);
	ok(transfer(&m, &why) == 1 && msg_recv_cfg_sync(&m, &sy2) == 0 &&
	    memcmp(&sy, &sy2, sizeof(sy)) == 0, "CFG_SYNC round trip");

	stats_block_init(&b, SB_CACHE, "internal");
	b.v[ST_CACHE_ACTIVE] = 42;
	b.v[ST_CACHE_DESTROY_FAILED] = UINT64_MAX;
	msg_send_stats_block(&tx, 5, &b);
	ok(transfer(&m, &why) == 1 && msg_recv_stats_block(&m, &a, &b2) == 0 &&
	    a == 5 && b2.kind == SB_CACHE && b2.n == ST_CACHE_N &&
	    b2.v[ST_CACHE_ACTIVE] == 42 &&
	    b2.v[ST_CACHE_DESTROY_FAILED] == UINT64_MAX &&
	    strcmp(b2.label, "internal") == 0,
	    "STATS_BLOCK round trip");
	msg_send_worker_req(&tx, 7, REQ_STATS_LINK);
	ok(transfer(&m, &why) == 1 && msg_recv_worker_req(&m, &a, &c) == 0 &&
	    a == 7 && c == REQ_STATS_LINK, "WORKER_REQ round trip");
	msg_send_worker_done(&tx, 9);
	ok(transfer(&m, &why) == 1 && m.type == MSG_WORKER_DONE &&
	    msg_recv_worker_done(&m, &a) == 0 && a == 9, "WORKER_DONE round trip");
	msg_send_ctl_request(&tx, REQ_KILL, 0);
	ok(transfer(&m, &why) == 1 && msg_recv_ctl_request(&m, &a, &c) == 0 &&
	    a == REQ_KILL, "CTL_REQUEST round trip");
	msg_send_ctl_text(&tx, 11, "line\n");
	ok(transfer(&m, &why) == 1 && msg_recv_ctl_text(&m, &a, text,
	    sizeof(text)) == 0 && a == 11 && strcmp(text, "line\n") == 0,
	    "CTL_TEXT round trip");
	msg_send_answer_wait(&tx, 12);
	ok(transfer(&m, &why) == 1 && m.type == MSG_ANSWER_WAIT &&
	    msg_recv_answer_wait(&m, &a) == 0 && a == 12,
	    "ANSWER_WAIT round trip");
	{
		int stop = -1;

		msg_send_answer_more(&tx, 13, 1);
		ok(transfer(&m, &why) == 1 && m.type == MSG_ANSWER_MORE &&
		    msg_recv_answer_more(&m, &a, &stop) == 0 && a == 13 &&
		    stop == 1, "ANSWER_MORE round trip");
	}
	msg_send_ctl_done(&tx, CTL_NOTSUP, "nope");
	ok(transfer(&m, &why) == 1 && msg_recv_ctl_done(&m, &a, text,
	    sizeof(text)) == 0 && a == CTL_NOTSUP && !strcmp(text, "nope"),
	    "CTL_DONE round trip");
	msg_send_ready(&tx);
	ok(transfer(&m, &why) == 1 && msg_recv_ready(&m) == 0, "READY");
	msg_send_cfg_done(&tx);
	ok(transfer(&m, &why) == 1 && msg_recv_cfg_done(&m) == 0, "CFG_DONE");
}

static void
test_batching(void)
{
	struct msg m;
	const char *why;
	uint32_t id, req;
	int i, n = 0, bad = 0;

	pair(MSG_BIT(MSG_WORKER_REQ), 0, CHAN_MSG_MAX);
	for (i = 0; i < 10000; i++)
		msg_send_worker_req(&tx, (uint32_t)i, REQ_STATS);
	ok(chan_pending(&tx) == 10000 * (MSG_HDR_LEN + 8),
	    "10000 messages queued in one buffer");
	while (chan_flush(&tx) == 1 || n < 10000) {
		if (chan_read(&rx) == -1 && chan_pending(&tx) == 0 && n >= 10000)
			break;
		while (chan_get(&rx, &m, &why) == 1) {
			if (msg_recv_worker_req(&m, &id, &req) == -1 ||
			    id != (uint32_t)n)
				bad++;
			n++;
		}
	}
	ok(n == 10000 && bad == 0, "10000 messages received in order (%d)", n);
}

static void
test_fd_passing(void)
{
	struct cfg_link_fd l = { 2, LINKFD_TX, LINK_UDP, 1, 1, 128, "veth0",
	    0, { 0 } }, l2;
	struct msg m;
	const char *why;
	int fds[2], got = 0;

	pair(MSG_BIT(MSG_CFG_LINK) | MSG_BIT(MSG_CFG_SYNC) |
	    MSG_BIT(MSG_CFG_DONE), MSG_BIT(MSG_CFG_LINK), CHAN_MSG_MAX);
	if (pipe(fds) == -1)
		abort();
	l.peer_family = AF_INET;
	memcpy(l.peer, "\x0a\x63\x00\x01", 4);
	msg_send_cfg_done(&tx);		/* bytes before the fd's message */
	msg_send_cfg_link(&tx, &l, fds[1]);
	msg_send_cfg_done(&tx);		/* and after */
	chan_flush_all(&tx);
	chan_read(&rx);
	ok(chan_get(&rx, &m, &why) == 1 && m.type == MSG_CFG_DONE && m.fd == -1,
	    "message before the fd");
	if (chan_get(&rx, &m, &why) == 1 && m.type == MSG_CFG_LINK &&
	    msg_recv_cfg_link(&m, &l2) == 0 && m.fd >= 0)
		got = write(m.fd, "x", 1) == 1;
	ok(got && l2.index == 2 && l2.dir == LINKFD_TX &&
	    strcmp(l2.ifname, "veth0") == 0, "CFG_LINK carries a working fd");
	ok(l2.peer_family == AF_INET && memcmp(l2.peer, l.peer, 16) == 0,
	    "... and the peer's address");

	ok(chan_get(&rx, &m, &why) == 1 && m.type == MSG_CFG_DONE,
	    "message after the fd");
	l.peer_family = 7;	/* neither AF_INET nor AF_INET6 */
	msg_send_cfg_link(&tx, &l, dup(fds[0]));
	chan_flush_all(&tx);
	chan_read(&rx);
	ok(chan_get(&rx, &m, &why) == 1 && msg_recv_cfg_link(&m, &l2) == -1,
	    "CFG_LINK with a peer of an unknown family rejected");
	if (m.fd >= 0)
		close(m.fd);
	l.peer_family = AF_INET;

	/* two fds in a row, as the supervisor sends a link's two sockets */
	pair(MSG_BIT(MSG_CFG_LINK), MSG_BIT(MSG_CFG_LINK), CHAN_MSG_MAX);
	msg_send_cfg_link(&tx, &l, dup(fds[1]));
	l.dir = LINKFD_RX;
	msg_send_cfg_link(&tx, &l, dup(fds[0]));
	chan_flush_all(&tx);
	chan_read(&rx);
	got = chan_get(&rx, &m, &why) == 1 && m.fd >= 0 &&
	    write(m.fd, "y", 1) == 1;
	if (m.fd >= 0)
		close(m.fd);
	chan_read(&rx);
	got = got && chan_get(&rx, &m, &why) == 1 && m.fd >= 0;
	{
		char rd[4] = "";

		got = got && read(m.fd, rd, sizeof(rd)) == 2 && rd[1] == 'y';
		close(m.fd);
	}
	ok(got, "two fd-carrying messages in one flush each get their fd");

	/* an fd on a type that takes none */
	pair(MSG_BIT(MSG_CFG_DONE), 0, CHAN_MSG_MAX);
	{
		struct mbuild mb;

		msg_begin(&mb, &tx, MSG_CFG_DONE);
		msg_end_fd(&mb, dup(fds[0]));
	}
	ok(transfer(&m, &why) == -1 && strstr(why, "takes none") != NULL,
	    "fd on a message that takes none is rejected");
	/* the fd flag without an fd */
	pair(MSG_BIT(MSG_CFG_LINK), MSG_BIT(MSG_CFG_LINK), CHAN_MSG_MAX);
	{
		uint8_t h[] = { MSG_VERSION, MSG_F_FD, 0, MSG_CFG_LINK, 0, 0, 0,
		    8 };
		ok(raw(h, sizeof(h), &m, &why) == -1 &&
		    strstr(why, "not received"), "fd announced but missing is "
		    "rejected");
	}
	/* a type that needs an fd, sent without */
	pair(MSG_BIT(MSG_CFG_LINK), MSG_BIT(MSG_CFG_LINK), CHAN_MSG_MAX);
	{
		uint8_t h[] = { MSG_VERSION, 0, 0, MSG_CFG_LINK, 0, 0, 0, 8 };
		ok(raw(h, sizeof(h), &m, &why) == -1 &&
		    strstr(why, "without its fd"), "message without its fd is "
		    "rejected");
	}
	close(fds[0]);
	close(fds[1]);
}

static void
test_malformed_frames(void)
{
	struct msg m;
	const char *why = "";
	uint8_t h[16];

	pair(MSG_BIT(MSG_WORKER_DONE), 0, 64);
	memcpy(h, (uint8_t[]){ MSG_VERSION, 0, 0, MSG_WORKER_DONE, 0, 0, 0, 12,
	    0, 0 }, 10);
	ok(raw(h, 10, &m, &why) == 0, "truncated message waits for more");
	ok(raw((uint8_t[]){ 0, 1 }, 2, &m, &why) == 1 && m.len == 4,
	    "completed message is delivered");

	pair(MSG_BIT(MSG_WORKER_DONE), 0, 64);
	ok(raw((uint8_t[]){ 9, 0, 0, MSG_WORKER_DONE, 0, 0, 0, 8 }, 8, &m,
	    &why) == -1 &&
	    strstr(why, "bad version"), "bad version rejected");
	pair(MSG_BIT(MSG_WORKER_DONE), 0, 64);
	ok(raw((uint8_t[]){ MSG_VERSION, 0, 0, MSG_WORKER_DONE, 0, 0, 0, 4 }, 8,
	    &m, &why) == -1 &&
	    strstr(why, "short message"), "length below header rejected");
	pair(MSG_BIT(MSG_WORKER_DONE), 0, 64);
	ok(raw((uint8_t[]){ MSG_VERSION, 0, 0, MSG_WORKER_DONE, 0, 0, 1, 0 }, 8,
	    &m, &why) == -1 &&
	    strstr(why, "oversized"), "oversized message rejected");
	pair(MSG_BIT(MSG_WORKER_DONE), 0, 64);
	ok(raw((uint8_t[]){ MSG_VERSION, 0, 0, 200, 0, 0, 0, 8 }, 8, &m,
	    &why) == -1 &&
	    strstr(why, "unexpected message type"), "unknown type rejected");
	pair(MSG_BIT(MSG_WORKER_DONE), 0, 64);
	ok(raw((uint8_t[]){ MSG_VERSION, 0, 0, MSG_LOG, 0, 0, 0, 8 }, 8, &m,
	    &why) == -1 &&
	    strstr(why, "unexpected message type"), "known type not accepted on this channel");
	pair(MSG_BIT(MSG_WORKER_DONE), 0, 64);
	ok(raw((uint8_t[]){ MSG_VERSION, 0x80, 0, MSG_WORKER_DONE, 0, 0, 0, 8 },
	    8, &m, &why) == -1 &&
	    strstr(why, "unknown flags"), "unknown flag rejected");
}

/*
 * Every typed pair: a message encoded by its sender decodes; the same
 * payload one byte short, or with one byte more, is rejected.
 */
/* Queue one valid message of each type on `c'. */
static void
send_one_of_each(struct chan *c, int pipefd)
{
	struct conf_netlink nl;
	struct conf_sync sy;
	struct cfg_link_fd l = { 1, LINKFD_RX, LINK_TCP, 0, 1, 128, "eth0", 0,
	    { 0 } };
	struct stats_block b;

	memset(&nl, 0, sizeof(nl));
	nl.event_iter_limit = 100;
	memset(&sy, 0, sizeof(sy));
	sy.hashsize = sy.hashlimit = 8;
	sy.event_iter_limit = 100;
	stats_block_init(&b, SB_LINK, "eth0");
	msg_send_log(c, LOG_INFO, "text");
	msg_send_ready(c);
	msg_send_cfg_netlink(c, &nl);
	msg_send_cfg_sync(c, &sy);
	msg_send_cfg_link(c, &l, pipefd);
	{
		static struct conf_filter fl;

		memset(&fl, 0, sizeof(fl));
		fl.present = 1;
		fl.proto_policy = POLICY_ACCEPT;
		fl.protos[6] = 1;
		fl.addr_policy = POLICY_IGNORE;
		fl.naddrs = 1;
		fl.addrs[0].family = AF_INET;
		fl.addrs[0].prefix = 24;
		msg_send_cfg_filter(c, &fl);
	}
	msg_send_cfg_done(c);
	msg_send_worker_req(c, 1, REQ_STATS);
	msg_send_stats_block(c, 1, &b);
	msg_send_worker_done(c, 1);
	msg_send_answer_wait(c, 1);
	msg_send_answer_more(c, 1, 0);
	msg_send_test_seccomp(c);
	msg_send_test_garbage(c);
	msg_send_test_event_write(c);
	msg_send_ctl_request(c, REQ_STATS, 0);
	msg_send_ctl_text(c, 1, "text");
	msg_send_ctl_done(c, CTL_OK, "text");
	{
		struct ct_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.kind = CTE_UPDATE;
		ev.obj.attrs = CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_L4PROTO) |
		    CT_BIT(CT_A_HELPER_NAME);
		strcpy(ev.obj.helper, "ftp");
		msg_send_ct_events(c, &ev, 1);
	}
	msg_send_ct_dump_done(c, 1, 7);
	msg_send_dump_req(c, 7);
	msg_send_event_socket(c, dup(pipefd), 9, 1000000);	/* kept open */
	msg_send_dump_wanted(c, 0x80000001);
	msg_send_events_overrun(c);
	msg_send_cfg_gone_ring(c, dup(pipefd));
	{
		struct exp_event xev;

		memset(&xev, 0, sizeof(xev));
		xev.kind = CTE_NEW;
		xev.x.family = AF_INET;
		strcpy(xev.x.helper, "ftp");
		msg_send_exp_event(c, &xev);
	}
	msg_send_ct_barrier(c);
	msg_send_new_events_off(c);
	{
		struct child_result res = { 3, 1, 2, 0, 1234 };

		msg_send_child_done(c, &res);
	}
	msg_send_self_start(c, SELF_FLUSH, dup(pipefd));
	{
		struct inject_result inj = { { 1, 2, 3 }, { 4, 5, 6 } };

		msg_send_inject_done(c, &inj);
	}
	msg_send_flow_log(c, "udp      17 src=10.0.0.1\n", 25);
	msg_send_link_connect(c, 3);
	msg_send_link_socket(c, 3, dup(pipefd));
	msg_send_peer_socket(c, dup(pipefd));
	msg_send_metrics_ask(c);
	msg_send_log_verbose(c, 1);
	msg_send_metrics_socket(c, dup(pipefd));
	msg_send_ping(c, 7);
	msg_send_pong(c, 7);
	msg_send_standing_down(c, 1);
	{
		struct link_keys k;

		memset(&k, 0x11, sizeof(k));
		k.n = 1;
		msg_send_link_keys(c, &k);
	}
}

static void
test_every_pair_short_and_trailing(void)
{
	uint8_t payload[CHAN_MSG_MAX + 1];
	struct msg m;
	const char *why;
	int fds[2], types = 0;

	if (pipe(fds) == -1)
		abort();
	pair(~0ULL, MSG_BIT(MSG_CFG_LINK) | MSG_BIT(MSG_SELF_START) |
	    MSG_BIT(MSG_LINK_SOCKET) | MSG_BIT(MSG_PEER_SOCKET) |
	    MSG_BIT(MSG_EVENT_SOCKET) | MSG_BIT(MSG_CFG_GONE_RING) |
	    MSG_BIT(MSG_METRICS_SOCKET),
	    CHAN_MSG_MAX);
	send_one_of_each(&tx, fds[0]);
	chan_flush_all(&tx);
	while (chan_read(&rx) > 0 || chan_get(&rx, &m, &why) != 0) {
		while (chan_get(&rx, &m, &why) == 1) {
			struct msg t = m;
			int whole, shorter = -1, longer;

			types++;
			whole = decode_any(&m);
			memcpy(payload, m.data, m.len);
			payload[m.len] = 0;
			t.data = payload;
			if (m.len > 0) {
				t.len = m.len - 1;
				shorter = decode_any(&t);
			}
			t.len = m.len + 1;
			longer = decode_any(&t);
			ok(whole == 0 && shorter == -1 && longer == -1,
			    "%s: decodes whole, rejects one byte short and "
			    "one byte more", msg_type_name(m.type));
			if (m.fd >= 0)
				close(m.fd);
		}
	}
	ok(types == MSG_TYPE_MAX - 1, "every message type was tried (%d)",
	    types);
	close(fds[1]);
}

static void
test_value_ranges(void)
{
	struct stats_block b;
	struct conf_sync sy;
	struct msg m;
	const char *why;
	char text[8];
	int level;
	uint32_t a;

	pair(~0ULL, ~0ULL & MSG_BIT(MSG_CFG_LINK), CHAN_MSG_MAX);
	stats_block_init(&b, SB_CACHE, "x");
	b.n = 3;			/* wrong count for the kind */
	msg_send_stats_block(&tx, 1, &b);
	ok(transfer(&m, &why) == 1 && msg_recv_stats_block(&m, &a, &b) == -1,
	    "stats block with a wrong value count rejected");
	stats_block_init(&b, SB_CACHE, "x");
	b.kind = 999;
	msg_send_stats_block(&tx, 1, &b);
	ok(transfer(&m, &why) == 1 && msg_recv_stats_block(&m, &a, &b) == -1,
	    "stats block of an unknown kind rejected");
	{
		struct mbuild mb;
		int stop;

		msg_begin(&mb, &tx, MSG_ANSWER_MORE);
		mb_u32(&mb, 1);
		mb_u8(&mb, 2);
		msg_end(&mb);
		ok(transfer(&m, &why) == 1 &&
		    msg_recv_answer_more(&m, &a, &stop) == -1,
		    "ANSWER_MORE with a stop flag other than 0 or 1 rejected");
	}
	msg_send_log(&tx, 99, "x");
	ok(transfer(&m, &why) == 1 && msg_recv_log(&m, &level, text,
	    sizeof(text)) == -1, "log level out of range rejected");
	msg_send_log(&tx, LOG_INFO, "a string too long for the buffer");
	ok(transfer(&m, &why) == 1 && msg_recv_log(&m, &level, text,
	    sizeof(text)) == -1, "string longer than the receiver's buffer "
	    "rejected");
	memset(&sy, 0, sizeof(sy));
	sy.mode = 9;
	sy.hashsize = sy.hashlimit = 1;
	sy.event_iter_limit = 1;
	msg_send_cfg_sync(&tx, &sy);
	ok(transfer(&m, &why) == 1 && msg_recv_cfg_sync(&m, &sy) == -1,
	    "CFG_SYNC with an unknown mode rejected");
	msg_send_ctl_done(&tx, 7, "");
	ok(transfer(&m, &why) == 1 && msg_recv_ctl_done(&m, (uint32_t[]){0},
	    text, sizeof(text)) == -1, "CTL_DONE with an unknown status "
	    "rejected");
	{
		struct link_keys k, k2;

		memset(&k, 0, sizeof(k));
		k.n = 2;
		memset(k.key[0], 0xa5, LINK_KEY_LEN);
		memset(k.key[1], 0x5a, LINK_KEY_LEN);
		msg_send_link_keys(&tx, &k);
		ok(transfer(&m, &why) == 1 && msg_recv_link_keys(&m, &k2) == 0 &&
		    memcmp(&k, &k2, sizeof(k)) == 0, "LINK_KEYS round trip");
		k.n = 3;
		msg_send_link_keys(&tx, &k);
		ok(transfer(&m, &why) == 1 && msg_recv_link_keys(&m, &k2) == -1,
		    "LINK_KEYS with three keys rejected");
		k.n = 0;
		msg_send_link_keys(&tx, &k);
		ok(transfer(&m, &why) == 1 && msg_recv_link_keys(&m, &k2) == -1,
		    "LINK_KEYS without a key rejected");
	}
	msg_send_link_connect(&tx, CONF_MAX_LINKS);
	ok(transfer(&m, &why) == 1 && msg_recv_link_connect(&m,
	    (uint8_t[]){0}) == -1, "LINK_CONNECT for a link that cannot "
	    "exist rejected");
}

int
main(void)
{
	test_roundtrips();
	test_batching();
	test_fd_passing();
	test_malformed_frames();
	test_every_pair_short_and_trailing();
	test_value_ranges();
	ok(strcmp(msg_type_name(MSG_CFG_LINK), "CFG_LINK") == 0 &&
	    strcmp(msg_type_name(999), "UNKNOWN") == 0, "type names");
	return done_testing();
}
