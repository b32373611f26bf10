/*
 * libFuzzer target: a whole sync worker (everything but its poll loop,
 * sync_main.c) fed a sequence of what a peer sends, kernel events and
 * timer passes.  It reaches the FT-FW state machine (sequence tracking,
 * ACK/NACK, the resend queue, HELLO), NOTRACK and ALARM, the caches,
 * Authentication, and TCP stream reassembly.  Beyond memory safety:
 * - everything the node sends is well-formed and numbered without gaps
 *   (unless the link refused a datagram, which is counted);
 * - the resend queue and the external cache keep their bounds;
 * - on TCP, the same bytes cut into the fuzzer's pieces and cut into
 *   32 KiB pieces leave the node in the same state.
 *
 * Input: a byte choosing the setup (mode, TCP, Authentication), then
 * operations, a byte each, all but 1 followed by a byte of argument, a
 * u16 length and bytes: 0 the peer's bytes (a datagram, or more of the
 * stream; sealed with Authentication), 1 a pass of the mode (what its
 * timers would run), 2 a kernel event (its kind, then a data message
 * whose entry it carries), 3 a stranger's bytes, never sealed.
 */
#include "config.h"

#include <sys/socket.h>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "syncworker.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define PIECE	32768	/* the other way to cut a TCP stream */

enum { OP_PEER, OP_RUN, OP_EVENT, OP_STRANGER, OPS };

struct setup {
	int		 mode;		/* 0 FTFW, 1 NOTRACK, 2 ALARM */
	int		 tcp, auth;
};

/* One node under test and the far ends of its sockets. */
struct node {
	struct syncw	*w;
	int		 in;		/* datagrams / the stream to it */
	int		 out;		/* what it sends */
	int		 sup;		/* its supervisor channel */
	struct chan	 events;	/* the netlink worker's side */
	struct link_auth peer;		/* the genuine peer's sealing */
	struct link_auth check;		/* opens what the node seals */
	uint32_t	 next_seq;	/* expected from the node */
	int		 have_seq;
	uint64_t	 err_send;
};

static const char *const mode_text[] = {
	"FTFW { ResendQueueSize 64 ACKWindowSize 8 }",
	"NOTRACK { }",
	"ALARM { RefreshTime 1 CacheTimeout 3 }",
};

static struct conf *
setup_conf(const struct setup *s)
{
	char text[1024], err[256];
	struct conf *c;

	snprintf(text, sizeof(text),
	    "General { HashSize 64 HashLimit 256 }\n"
	    "Sync {\n Mode %s\n"
	    " %s { IPv4_address 127.0.0.1 IPv4_Destination_Address "
	    "127.0.0.2 Port 3780 Interface lo }\n"
	    " %s\n Options { ExpectationSync on }\n}\n",
	    mode_text[s->mode], s->tcp ? "TCP" : "UDP",
	    s->auth ? "Authentication { KeyFile /fuzz.key }" : "");
	if ((c = conf_parse_string("fuzz.conf", text, NULL, err,
	    sizeof(err))) == NULL)
		fatalx("fuzz configuration: %s", err);
	return c;
}

static void
pair(int type, int fd[2])
{
	if (socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    fd) == -1)
		fatal("socketpair");
}

static void
set_keys(struct link_auth *a, uint64_t start, uint8_t tag)
{
	struct link_keys k;
	uint8_t rnd[8];

	memset(rnd, tag, sizeof(rnd));
	memset(&k, 0, sizeof(k));
	k.n = 1;
	memset(k.key[0], 0x5a, sizeof(k.key[0]));
	auth_init(a, start, rnd);
	auth_set_keys(a, &k);
}

/* A configured node, as after CFG_DONE. */
static void
node_start(struct node *n, const struct setup *s)
{
	struct conf *c = setup_conf(s);
	struct cfg_link_fd l;
	int sup[2], in[2], out[2], ev[2], listener[2];
	struct syncw *w;

	memset(n, 0, sizeof(*n));
	if ((w = n->w = calloc(1, sizeof(*w))) == NULL)
		fatal("calloc");
	w->self_change = SELF_NONE;
	w->events.fd = -1;
	w->cfg = c->sync;
	w->got_sync_cfg = 1;
	pair(SOCK_SEQPACKET, sup);
	chan_init(&w->chan, sup[0], "supervisor", CHAN_MSG_MAX, 0, 0);
	n->sup = sup[1];
	pair(SOCK_SEQPACKET, ev);
	worker_peer_attach(&w->peer, ev[0], "netlink worker", SY_PEER_ACCEPT,
	    SY_PEER_ACCEPT_FD);
	w->peer_up = 1;
	chan_init(&n->events, ev[1], "netlink worker", CHAN_MSG_MAX, 0, 0);
	if (s->auth) {
		set_keys(&w->auth, 1000, 1);
		set_keys(&n->peer, 2000, 2);
		set_keys(&n->check, 3000, 3);
	}
	memset(&l, 0, sizeof(l));
	l.kind = s->tcp ? LINK_TCP : LINK_UDP;
	l.is_default = 1;
	l.errq_len = 16;
	strcpy(l.ifname, "lo");
	pair(s->tcp ? SOCK_STREAM : SOCK_DGRAM, in);
	pair(s->tcp ? SOCK_STREAM : SOCK_DGRAM, out);
	l.dir = LINKFD_RX;
	if (s->tcp) {
		pair(SOCK_STREAM, listener);	/* never polled here */
		close(listener[1]);
		links_add(w, &l, listener[0]);
	} else
		links_add(w, &l, in[0]);
	l.dir = LINKFD_TX;
	links_add(w, &l, out[0]);
	n->in = in[1];
	n->out = out[1];
	sync_start(w);
	if (s->tcp) {
		struct pollfd pfd = { .fd = out[0], .revents = POLLOUT };
		struct link_role role = { 0, LR_TX };

		links_events(w, &pfd, &role, 1);	/* connected */
		tcp_adopt(&w->links[0], in[0]);
	}
	conf_free(c);
}

static void
node_stop(struct node *n)
{
	struct syncw *w = n->w;
	struct sync_link *l = &w->links[0];
	struct rsq_entry *e;
	uint32_t i;

	cache_free(&w->internal);
	cache_free(&w->external);
	expcache_free(&w->exp_internal);
	expcache_free(&w->exp_external);
	while ((e = TAILQ_FIRST(&w->ftfw.rsq.q)) != NULL) {
		TAILQ_REMOVE(&w->ftfw.rsq.q, e, link);
		free(e);
	}
	while ((e = TAILQ_FIRST(&w->ftfw.resend.q)) != NULL) {
		TAILQ_REMOVE(&w->ftfw.resend.q, e, link);
		free(e);
	}
	for (i = 0; i < w->errq.max; i++)
		free(w->errq.buf[i]);
	free(w->errq.buf);
	free(w->errq.len);
	free(l->rxbuf);
	close(l->rx);
	close(l->tx);
	if (l->conn != -1)
		close(l->conn);
	close(n->in);
	close(n->out);
	close(n->sup);
	close(w->chan.fd);
	close(w->peer.fd);
	close(n->events.fd);
	chan_free(&w->chan);
	chan_free(&w->peer);
	chan_free(&n->events);
	free(w);
}

/* One message the node sent: well-formed, the next in its sequence. */
static void
check_message(struct node *n, const struct wire_msg *m)
{
	struct syncw *w = n->w;

	if (n->have_seq && m->seq != n->next_seq &&
	    w->links[0].cnt.err_send == n->err_send)
		abort();	/* a gap the link did not cause */
	n->next_seq = m->seq + 1;
	n->have_seq = 1;
	n->err_send = w->links[0].cnt.err_send;
}

static void
check_sent(struct node *n, const uint8_t *p, size_t len)
{
	struct wire_counters c;

	memset(&c, 0, sizeof(c));
	while (len > 0) {
		struct wire_msg m;
		int deliver;
		size_t step = wire_next(p, len, &m, &deliver, &c);

		if (step == 0 || !deliver)
			abort();	/* we sent something we refuse */
		check_message(n, &m);
		p += step;
		len -= step;
	}
}

/* What the node sent since the last look (UDP: datagram by datagram). */
static void
drain(struct node *n, int tcp)
{
	static uint8_t buf[65536 + 2 + AUTH_OVERHEAD], plain[65536];
	uint8_t junk[4096];
	ssize_t r;

	chan_flush(&n->w->chan);
	while (read(n->sup, junk, sizeof(junk)) > 0)
		;
	if (tcp) {	/* the stream's messages are checked by their peer */
		while (read(n->out, buf, sizeof(buf)) > 0)
			;
		return;
	}
	while ((r = read(n->out, buf, sizeof(buf))) > 0) {
		size_t len = (size_t)r;
		const uint8_t *p = buf;

		if (n->w->auth.on) {
			static const uint8_t none[16];

			if (auth_open(&n->check, AF_UNIX, none, buf, len,
			    plain, &len, mono_ms()) != AUTH_OK)
				abort();	/* we sealed it wrong */
			p = plain;
		}
		check_sent(n, p, len);
	}
	if (n->w->ftfw.rsq.len > n->w->ftfw.rsq_max ||
	    n->w->external.count > n->w->external.limit)
		abort();
}

/* TCP: whatever came, read and handed on, until the socket is empty. */
static void
stream_pull(struct node *n)
{
	struct syncw *w = n->w;
	struct link_role role = { 0, LR_CONN };
	struct pollfd pfd;
	int k;

	for (k = 0; k < 64 && w->links[0].conn != -1; k++) {
		size_t before = w->links[0].cnt.bytes_recv;

		pfd.fd = w->links[0].conn;
		pfd.revents = POLLIN;
		links_events(w, &pfd, &role, 1);
		if (w->links[0].cnt.bytes_recv == before)
			break;
	}
}

/*
 * Peer bytes as they go on the link: with Authentication the genuine
 * peer's are sealed here (a frame, after its length on TCP); a
 * stranger's stay as they are.  Returns the length at `out'.
 */
static size_t
on_the_wire(struct node *n, const struct setup *s, const uint8_t *p,
    size_t len, int stranger, uint8_t *out)
{
	size_t off = s->tcp ? 2 : 0, m;

	if (!s->auth || stranger || len == 0) {
		memcpy(out, p, len);
		return len;
	}
	m = auth_seal(&n->peer, p, len, out + off);
	if (off) {
		out[0] = (uint8_t)(m >> 8);
		out[1] = (uint8_t)m;
	}
	return m + off;
}

/* Bytes into the stream, PIECE at most at once, each read by the node. */
static void
stream_push(struct node *n, const uint8_t *p, size_t len)
{
	while (len > 0 && n->w->links[0].conn != -1) {
		ssize_t r = send(n->in, p, len < PIECE ? len : PIECE,
		    MSG_NOSIGNAL);

		if (r <= 0)
			break;
		p += r;
		len -= (size_t)r;
		stream_pull(n);
	}
}

/* A kernel event carrying the entry of a data message, if it has one. */
static void
kernel_event(struct node *n, uint8_t kind, const uint8_t *p, size_t len)
{
	static const uint8_t kinds[] = { CTE_NEW, CTE_UPDATE, CTE_DESTROY,
	    CTE_DUMP, CTE_GONE };
	struct wire_counters c;
	struct wire_msg m;
	struct ct_event ev;
	int deliver;

	memset(&c, 0, sizeof(c));
	if (wire_next(p, len, &m, &deliver, &c) == 0 || !deliver ||
	    wire_get_ct(&m, &ev.obj) == -1)
		return;
	ev.kind = kinds[kind % sizeof(kinds)];
	msg_send_ct_events(&n->events, &ev, 1);
	chan_flush(&n->events);
	worker_read(&n->w->peer, "netlink worker", sync_handle_peer, n->w);
}

static void
mode_pass(struct node *n)
{
	if (sync_on(n->w)) {
		links_check(n->w);
		n->w->mode->run(n->w);
	}
}

/* An operation of the input: its kind, a byte of argument, bytes. */
struct op {
	uint8_t		 op, arg;
	const uint8_t	*p;
	size_t		 len;
};

static int
next_op(const uint8_t **data, size_t *size, struct op *o)
{
	if (*size < 1)
		return 0;
	o->op = (*data)[0] % OPS;
	o->arg = 0;
	o->len = 0;
	(*data)++, (*size)--;
	if (o->op == OP_RUN)
		return 1;
	if (*size < 3)
		return 0;
	o->arg = (*data)[0];
	o->len = (size_t)(*data)[1] << 8 | (*data)[2];
	*data += 3, *size -= 3;
	if (o->len > *size)
		o->len = *size;
	o->p = *data;
	*data += o->len, *size -= o->len;
	return 1;
}

/*
 * The operations on one node.  On TCP the link's bytes gather in a
 * stream; each peer operation lets all but its last `arg' % 64 go, so
 * that the stream is cut anywhere, frames included.  `whole': the stream
 * goes at the end, in PIECE pieces, and nothing else runs, so that only
 * what was received is compared.
 */
static void
play(struct node *n, const struct setup *s, const uint8_t *data,
    size_t size, int whole)
{
	static uint8_t stream[1 << 21];
	size_t have = 0, sent = 0;
	struct op o;

	while (next_op(&data, &size, &o)) {
		int stranger = o.op == OP_STRANGER;

		if (o.op == OP_PEER || stranger) {
			uint8_t *at = s->tcp ? stream + have : stream;
			size_t n_at = on_the_wire(n, s, o.p, o.len, stranger,
			    at);

			if (!s->tcp) {
				if (n_at > 0 && write(n->in, at, n_at) > 0)
					links_receive(n->w, 0);
			} else {
				have += n_at;
				if (!whole && have - sent > o.arg % 64u) {
					size_t go = have - sent - o.arg % 64u;

					stream_push(n, stream + sent, go);
					sent += go;
				}
			}
		} else if (whole)
			continue;
		else if (o.op == OP_RUN)
			mode_pass(n);
		else
			kernel_event(n, o.arg, o.p, o.len);
		if (!whole)
			drain(n, s->tcp);
	}
	if (s->tcp)
		stream_push(n, stream + sent, have - sent);
}

/* What the receiving side made of a stream: must not depend on cuts. */
static void
same_reception(const struct node *a, const struct node *b)
{
	const struct syncw *x = a->w, *y = b->w;
	struct wire_counters cx = x->wire, cy = y->wire;

	/* these two depend on what the node sent, not on what came */
	cx.send_malformed = cy.send_malformed = 0;
	cx.ack_out_of_range = cy.ack_out_of_range = 0;
	if (memcmp(&cx, &cy, sizeof(cx)) != 0 ||
	    x->external.count != y->external.count ||
	    x->senders.s[0].last != y->senders.s[0].last ||
	    x->senders.s[0].have_last != y->senders.s[0].have_last ||
	    memcmp(x->auth.count, y->auth.count, sizeof(x->auth.count)) ||
	    (x->links[0].conn == -1) != (y->links[0].conn == -1))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	struct setup s;
	struct node a, b;

	if (!quiet) {
		log_init("fuzz_sync", 0);
		quiet = 1;
	}
	if (size < 1 || size > 16384)
		return 0;
	s.mode = data[0] % 3;
	s.tcp = data[0] >> 2 & 1;
	s.auth = data[0] >> 3 & 1;
	data++, size--;
	node_start(&a, &s);
	play(&a, &s, data, size, 0);
	if (s.tcp) {
		/* the same bytes in PIECE pieces, on a second node */
		node_start(&b, &s);
		play(&b, &s, data, size, 1);
		same_reception(&a, &b);
		node_stop(&b);
	}
	node_stop(&a);
	return 0;
}
