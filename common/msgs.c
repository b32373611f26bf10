/*
 * The typed pairs of msgs.h.  Each decoder checks the payload length
 * exactly (mr_done) and every value's range before returning it.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "msgs.h"

static void
send_empty(struct chan *c, enum msg_type t)
{
	struct mbuild mb;

	msg_begin(&mb, c, t);
	msg_end(&mb);
}

static int
recv_empty(const struct msg *m)
{
	return m->len == 0 ? 0 : -1;
}

static int
bool_ok(uint8_t v)
{
	return v <= 1;
}

void
msg_send_log(struct chan *c, int level, const char *text)
{
	struct mbuild mb;
	char line[LOG_MSG_MAX];

	/* a log line never makes a message too big: cut it */
	snprintf(line, sizeof(line), "%s", text);
	msg_begin(&mb, c, MSG_LOG);
	mb_u8(&mb, (uint8_t)level);
	mb_str(&mb, line);
	msg_end(&mb);
}

int
msg_recv_log(const struct msg *m, int *level, char *text, size_t len)
{
	struct mread r;
	size_t i;

	mr_init(&r, m);
	*level = mr_u8(&r);
	mr_str(&r, text, len);
	if (!mr_done(&r) || *level > LOG_DEBUG)
		return -1;
	/* a worker's line must not forge extra log lines */
	for (i = 0; text[i]; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\t')
			text[i] = '?';
	return 0;
}

void msg_send_ready(struct chan *c) { send_empty(c, MSG_READY); }
int msg_recv_ready(const struct msg *m) { return recv_empty(m); }
void msg_send_cfg_done(struct chan *c) { send_empty(c, MSG_CFG_DONE); }
int msg_recv_cfg_done(const struct msg *m) { return recv_empty(m); }
void msg_send_test_seccomp(struct chan *c) { send_empty(c, MSG_TEST_SECCOMP); }
int msg_recv_test_seccomp(const struct msg *m) { return recv_empty(m); }
void msg_send_test_garbage(struct chan *c) { send_empty(c, MSG_TEST_GARBAGE); }
int msg_recv_test_garbage(const struct msg *m) { return recv_empty(m); }
void msg_send_test_event_write(struct chan *c)
{
	send_empty(c, MSG_TEST_EVENT_WRITE);
}
int msg_recv_test_event_write(const struct msg *m) { return recv_empty(m); }

/* ExpectationSync: its mode and list of helper names. */
static void
put_expect(struct mbuild *mb, const struct conf_expect_sync *x)
{
	int i;

	mb_u8(mb, x->mode);
	mb_u8(mb, (uint8_t)x->nhelpers);
	for (i = 0; i < x->nhelpers; i++)
		mb_str(mb, x->helpers[i]);
}

static int
get_expect(struct mread *r, struct conf_expect_sync *x)
{
	int i;

	x->mode = mr_u8(r);
	x->nhelpers = mr_u8(r);
	if (x->mode > EXPECT_LIST || x->nhelpers > CONF_MAX_EXPECT_HELPERS)
		return -1;
	for (i = 0; i < x->nhelpers; i++)
		mr_str(r, x->helpers[i], CONF_NAME_MAX);
	return 0;
}

void
msg_send_cfg_netlink(struct chan *c, const struct conf_netlink *nl)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_CFG_NETLINK);
	mb_u32(&mb, nl->bufsize);
	mb_u32(&mb, nl->bufsize_max);
	mb_u32(&mb, nl->overrun_resync);
	mb_u32(&mb, nl->poll_secs);
	mb_u32(&mb, nl->event_iter_limit);
	mb_u8(&mb, nl->events_reliable);
	mb_u8(&mb, nl->direct_inject);
	mb_u8(&mb, nl->window_tracking);
	put_expect(&mb, &nl->expect);
	msg_end(&mb);
}

int
msg_recv_cfg_netlink(const struct msg *m, struct conf_netlink *nl)
{
	struct mread r;

	mr_init(&r, m);
	memset(nl, 0, sizeof(*nl));
	nl->bufsize = mr_u32(&r);
	nl->bufsize_max = mr_u32(&r);
	nl->overrun_resync = mr_u32(&r);
	nl->poll_secs = mr_u32(&r);
	nl->event_iter_limit = mr_u32(&r);
	nl->events_reliable = mr_u8(&r);
	nl->direct_inject = mr_u8(&r);
	nl->window_tracking = mr_u8(&r);
	if (get_expect(&r, &nl->expect) == -1 || !mr_done(&r) ||
	    !bool_ok(nl->events_reliable) || !bool_ok(nl->direct_inject) ||
	    !bool_ok(nl->window_tracking) || nl->event_iter_limit == 0)
		return -1;
	return 0;
}

void
msg_send_cfg_sync(struct chan *c, const struct conf_sync *s)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_CFG_SYNC);
	mb_u8(&mb, s->mode);
	mb_u32(&mb, s->hashsize);
	mb_u32(&mb, s->hashlimit);
	mb_u32(&mb, s->resend_queue_size);
	mb_u32(&mb, s->ack_window);
	mb_u32(&mb, s->commit_timeout);
	mb_u32(&mb, s->purge_timeout);
	mb_u32(&mb, s->refresh_time);
	mb_u32(&mb, s->cache_timeout);
	mb_u8(&mb, s->disable_internal_cache);
	mb_u8(&mb, s->disable_external_cache);
	mb_u8(&mb, s->startup_resync);
	mb_u8(&mb, s->tcp_window_tracking);
	mb_u8(&mb, s->expect_sync);
	mb_u8(&mb, s->flow_log);
	mb_u8(&mb, s->auth);
	mb_u8(&mb, s->restarted);
	mb_u32(&mb, s->event_iter_limit);
	mb_u32(&mb, s->anti_entropy);
	put_expect(&mb, &s->expect);
	msg_end(&mb);
}

int
msg_recv_cfg_sync(const struct msg *m, struct conf_sync *s)
{
	struct mread r;

	mr_init(&r, m);
	memset(s, 0, sizeof(*s));
	s->mode = mr_u8(&r);
	s->hashsize = mr_u32(&r);
	s->hashlimit = mr_u32(&r);
	s->resend_queue_size = mr_u32(&r);
	s->ack_window = mr_u32(&r);
	s->commit_timeout = mr_u32(&r);
	s->purge_timeout = mr_u32(&r);
	s->refresh_time = mr_u32(&r);
	s->cache_timeout = mr_u32(&r);
	s->disable_internal_cache = mr_u8(&r);
	s->disable_external_cache = mr_u8(&r);
	s->startup_resync = mr_u8(&r);
	s->tcp_window_tracking = mr_u8(&r);
	s->expect_sync = mr_u8(&r);
	s->flow_log = mr_u8(&r);
	s->auth = mr_u8(&r);
	s->restarted = mr_u8(&r);
	s->event_iter_limit = mr_u32(&r);
	s->anti_entropy = mr_u32(&r);
	if (get_expect(&r, &s->expect) == -1 ||
	    s->anti_entropy > CONF_ANTIENTROPY_MAX ||
	    !mr_done(&r) || s->mode > MODE_NOTRACK || s->hashsize == 0 ||
	    s->hashlimit == 0 || !bool_ok(s->disable_internal_cache) ||
	    !bool_ok(s->disable_external_cache) ||
	    !bool_ok(s->startup_resync) || !bool_ok(s->tcp_window_tracking) ||
	    !bool_ok(s->expect_sync) ||
	    !bool_ok(s->flow_log) || !bool_ok(s->auth) ||
	    !bool_ok(s->restarted) || s->event_iter_limit == 0)
		return -1;
	return 0;
}

/* CFG_FILTER: the user-space Filter, policies, sets and addresses. */
void
msg_send_cfg_filter(struct chan *c, const struct conf_filter *f)
{
	struct mbuild mb;
	int i;

	msg_begin(&mb, c, MSG_CFG_FILTER);
	mb_u8(&mb, (uint8_t)f->present);
	mb_u8(&mb, (uint8_t)f->from_kernel);
	mb_u8(&mb, f->proto_policy);
	mb_u8(&mb, f->addr_policy);
	mb_u8(&mb, f->state_policy);
	mb_bytes(&mb, f->protos, sizeof(f->protos));
	mb_u16(&mb, f->tcp_states);
	mb_u16(&mb, (uint16_t)f->naddrs);
	for (i = 0; i < f->naddrs; i++) {
		mb_u8(&mb, (uint8_t)f->addrs[i].family);
		mb_u8(&mb, (uint8_t)(f->addrs[i].prefix < 0 ? 255 :
		    f->addrs[i].prefix));
		mb_bytes(&mb, &f->addrs[i].a, 16);
	}
	msg_end(&mb);
}

int
msg_recv_cfg_filter(const struct msg *m, struct conf_filter *f)
{
	struct mread r;
	int i;

	mr_init(&r, m);
	memset(f, 0, sizeof(*f));
	f->present = mr_u8(&r);
	f->from_kernel = mr_u8(&r);
	f->proto_policy = mr_u8(&r);
	f->addr_policy = mr_u8(&r);
	f->state_policy = mr_u8(&r);
	mr_bytes(&r, f->protos, sizeof(f->protos));
	f->tcp_states = mr_u16(&r);
	f->naddrs = mr_u16(&r);
	if (r.bad || f->present > 1 || f->from_kernel > 1 ||
	    f->proto_policy > POLICY_IGNORE || f->addr_policy > POLICY_IGNORE ||
	    f->state_policy > POLICY_IGNORE || f->naddrs > CONF_MAX_FILTER_ADDRS)
		return -1;
	for (i = 0; i < f->naddrs; i++) {
		struct conf_addr *a = &f->addrs[i];
		int max;

		a->family = mr_u8(&r);
		a->prefix = mr_u8(&r);
		mr_bytes(&r, &a->a, 16);
		max = a->family == AF_INET ? 32 : 128;
		if (a->prefix == 255)
			a->prefix = -1;
		if ((a->family != AF_INET && a->family != AF_INET6) ||
		    a->prefix > max)
			return -1;
	}
	for (i = 0; i < 256; i++)
		if (f->protos[i] > 1)
			return -1;
	return mr_done(&r) ? 0 : -1;
}

void
msg_send_cfg_link(struct chan *c, const struct cfg_link_fd *l, int fd)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_CFG_LINK);
	mb_u8(&mb, l->index);
	mb_u8(&mb, l->dir);
	mb_u8(&mb, l->kind);
	mb_u8(&mb, l->is_default);
	mb_u8(&mb, l->checksum);
	mb_u32(&mb, l->errq_len);
	mb_str(&mb, l->ifname);
	mb_u8(&mb, l->peer_family);
	mb_bytes(&mb, l->peer, sizeof(l->peer));
	msg_end_fd(&mb, fd);
}

int
msg_recv_cfg_link(const struct msg *m, struct cfg_link_fd *l)
{
	struct mread r;

	mr_init(&r, m);
	memset(l, 0, sizeof(*l));
	l->index = mr_u8(&r);
	l->dir = mr_u8(&r);
	l->kind = mr_u8(&r);
	l->is_default = mr_u8(&r);
	l->checksum = mr_u8(&r);
	l->errq_len = mr_u32(&r);
	mr_str(&r, l->ifname, sizeof(l->ifname));
	l->peer_family = mr_u8(&r);
	mr_bytes(&r, l->peer, sizeof(l->peer));
	if (!mr_done(&r) || l->index >= CONF_MAX_LINKS ||
	    (l->peer_family != 0 && l->peer_family != AF_INET &&
	    l->peer_family != AF_INET6) ||
	    l->dir > LINKFD_TX || l->kind < LINK_MCAST || l->kind > LINK_TCP ||
	    !bool_ok(l->is_default) || !bool_ok(l->checksum) || m->fd < 0 ||
	    l->errq_len > CONF_MAX_ERRQ)
		return -1;
	return 0;
}

/*
 * Destroyed flows (Stats mode), one per line, each line ending in '\n';
 * the text is checked by the supervisor before it is written.
 */
void
msg_send_flow_log(struct chan *c, const char *lines, size_t len)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_FLOW_LOG);
	mb_bytes(&mb, lines, len);
	msg_end(&mb);
}

int
msg_recv_flow_log(const struct msg *m, const char **lines, size_t *len)
{
	if (m->len == 0 || m->data[m->len - 1] != '\n')
		return -1;
	*lines = (const char *)m->data;
	*len = m->len;
	return 0;
}

void
msg_send_inject_done(struct chan *c, const struct inject_result *res)
{
	struct mbuild mb;
	int i;

	msg_begin(&mb, c, MSG_INJECT_DONE);
	for (i = 0; i < 3; i++) {
		mb_u32(&mb, res->ok[i]);
		mb_u32(&mb, res->failed[i]);
	}
	msg_end(&mb);
}

int
msg_recv_inject_done(const struct msg *m, struct inject_result *res)
{
	struct mread r;
	int i;

	mr_init(&r, m);
	for (i = 0; i < 3; i++) {
		res->ok[i] = mr_u32(&r);
		res->failed[i] = mr_u32(&r);
	}
	return mr_done(&r) ? 0 : -1;
}

void
msg_send_link_connect(struct chan *c, uint8_t link)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_LINK_CONNECT);
	mb_u8(&mb, link);
	msg_end(&mb);
}

int
msg_recv_link_connect(const struct msg *m, uint8_t *link)
{
	struct mread r;

	mr_init(&r, m);
	*link = mr_u8(&r);
	return mr_done(&r) && *link < CONF_MAX_LINKS ? 0 : -1;
}

void
msg_send_peer_socket(struct chan *c, int fd)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_PEER_SOCKET);
	msg_end_fd(&mb, fd);
}

int
msg_recv_peer_socket(const struct msg *m)
{
	struct mread r;

	mr_init(&r, m);
	return mr_done(&r) && m->fd >= 0 ? 0 : -1;
}

void msg_send_metrics_ask(struct chan *c) { send_empty(c, MSG_METRICS_ASK); }
int msg_recv_metrics_ask(const struct msg *m) { return recv_empty(m); }

void
msg_send_metrics_socket(struct chan *c, int fd)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_METRICS_SOCKET);
	msg_end_fd(&mb, fd);
}

int
msg_recv_metrics_socket(const struct msg *m)
{
	return msg_recv_peer_socket(m);
}

void
msg_send_link_keys(struct chan *c, const struct link_keys *k)
{
	struct mbuild mb;
	int i;

	msg_begin(&mb, c, MSG_LINK_KEYS);
	mb_u8(&mb, k->n);
	for (i = 0; i < k->n && i < LINK_KEYS_MAX; i++)
		mb_bytes(&mb, k->key[i], LINK_KEY_LEN);
	msg_end(&mb);
}

int
msg_recv_link_keys(const struct msg *m, struct link_keys *k)
{
	struct mread r;
	int i;

	memset(k, 0, sizeof(*k));
	mr_init(&r, m);
	k->n = mr_u8(&r);
	if (k->n < 1 || k->n > LINK_KEYS_MAX)
		return -1;
	for (i = 0; i < k->n; i++)
		mr_bytes(&r, k->key[i], LINK_KEY_LEN);
	return mr_done(&r) ? 0 : -1;
}

void
msg_send_link_socket(struct chan *c, uint8_t link, int fd)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_LINK_SOCKET);
	mb_u8(&mb, link);
	msg_end_fd(&mb, fd);
}

int
msg_recv_link_socket(const struct msg *m, uint8_t *link)
{
	struct mread r;

	mr_init(&r, m);
	*link = mr_u8(&r);
	return mr_done(&r) && *link < CONF_MAX_LINKS && m->fd >= 0 ? 0 : -1;
}

/* A message whose whole payload is one u32. */
static void
send_u32(struct chan *c, enum msg_type t, uint32_t v)
{
	struct mbuild mb;

	msg_begin(&mb, c, t);
	mb_u32(&mb, v);
	msg_end(&mb);
}

static int
recv_u32(const struct msg *m, uint32_t *v)
{
	struct mread r;

	mr_init(&r, m);
	*v = mr_u32(&r);
	return mr_done(&r) ? 0 : -1;
}

void msg_send_worker_done(struct chan *c, uint32_t id) { send_u32(c, MSG_WORKER_DONE, id); }
int msg_recv_worker_done(const struct msg *m, uint32_t *id) { return recv_u32(m, id); }
void msg_send_answer_wait(struct chan *c, uint32_t id) { send_u32(c, MSG_ANSWER_WAIT, id); }
void msg_send_ping(struct chan *c, uint32_t seq) { send_u32(c, MSG_PING, seq); }
int msg_recv_ping(const struct msg *m, uint32_t *seq) { return recv_u32(m, seq); }
void msg_send_standing_down(struct chan *c, uint32_t on) { send_u32(c, MSG_STANDING_DOWN, on); }
int msg_recv_standing_down(const struct msg *m, uint32_t *on) { return recv_u32(m, on) == -1 || *on > 1 ? -1 : 0; }
void msg_send_log_verbose(struct chan *c, uint32_t on) { send_u32(c, MSG_LOG_VERBOSE, on); }
int msg_recv_log_verbose(const struct msg *m, uint32_t *on) { return recv_u32(m, on) == -1 || *on > 1 ? -1 : 0; }
void msg_send_pong(struct chan *c, uint32_t seq) { send_u32(c, MSG_PONG, seq); }
int msg_recv_pong(const struct msg *m, uint32_t *seq) { return recv_u32(m, seq); }
int msg_recv_answer_wait(const struct msg *m, uint32_t *id) { return recv_u32(m, id); }

void
msg_send_answer_more(struct chan *c, uint32_t id, int stop)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_ANSWER_MORE);
	mb_u32(&mb, id);
	mb_u8(&mb, stop ? 1 : 0);
	msg_end(&mb);
}

int
msg_recv_answer_more(const struct msg *m, uint32_t *id, int *stop)
{
	struct mread r;
	uint8_t v;

	mr_init(&r, m);
	*id = mr_u32(&r);
	v = mr_u8(&r);
	*stop = v;
	return mr_done(&r) && v <= 1 ? 0 : -1;
}

void
msg_send_worker_req(struct chan *c, uint32_t id, uint32_t req)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_WORKER_REQ);
	mb_u32(&mb, id);
	mb_u32(&mb, req);
	msg_end(&mb);
}

int
msg_recv_worker_req(const struct msg *m, uint32_t *id, uint32_t *req)
{
	struct mread r;

	mr_init(&r, m);
	*id = mr_u32(&r);
	*req = mr_u32(&r);
	return mr_done(&r) && *req < REQ_MAX ? 0 : -1;
}

void
msg_send_stats_block(struct chan *c, uint32_t id, const struct stats_block *b)
{
	struct mbuild mb;
	int i;

	msg_begin(&mb, c, MSG_STATS_BLOCK);
	mb_u32(&mb, id);
	mb_u16(&mb, b->kind);
	mb_str(&mb, b->label);
	mb_u16(&mb, b->n);
	for (i = 0; i < b->n; i++)
		mb_u64(&mb, b->v[i]);
	msg_end(&mb);
}

int
msg_recv_stats_block(const struct msg *m, uint32_t *id, struct stats_block *b)
{
	const struct stats_kind_info *ki;
	struct mread r;
	int i;

	mr_init(&r, m);
	memset(b, 0, sizeof(*b));
	*id = mr_u32(&r);
	b->kind = mr_u16(&r);
	mr_str(&r, b->label, sizeof(b->label));
	b->n = mr_u16(&r);
	if (r.bad || (ki = stats_kind_info(b->kind)) == NULL ||
	    b->n != ki->nkeys)
		return -1;
	for (i = 0; i < b->n; i++)
		b->v[i] = mr_u64(&r);
	return mr_done(&r) ? 0 : -1;
}

/*
 * CT_EVENTS: u16 count, then count x (u8 kind, object).  A long list is
 * split over as many messages as needed, each below the channel's limit.
 */
void
msg_send_ct_events(struct chan *c, const struct ct_event *ev, size_t n)
{
	size_t i = 0;

	while (i < n) {
		struct mbuild mb;
		size_t count_at, k = 0;

		msg_begin(&mb, c, MSG_CT_EVENTS);
		count_at = c->wend;
		mb_u16(&mb, 0);
		while (i < n && k < UINT16_MAX &&
		    c->wend - mb.start + 1 + CTOBJ_IPC_MAX <= c->maxmsg) {
			mb_u8(&mb, ev[i].kind);
			ctobj_put(&mb, &ev[i].obj);
			i++;
			k++;
		}
		c->wbuf[count_at] = (uint8_t)(k >> 8);
		c->wbuf[count_at + 1] = (uint8_t)k;
		msg_end(&mb);
	}
}

void
msg_send_exp_event(struct chan *c, const struct exp_event *ev)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_EXP_EVENT);
	mb_u8(&mb, ev->kind);
	ctexp_put(&mb, &ev->x);
	msg_end(&mb);
}

/* -1 if malformed; whether it makes sense is ctexp_valid()'s to say. */
int
msg_recv_exp_event(const struct msg *m, struct exp_event *ev)
{
	struct mread r;

	mr_init(&r, m);
	ev->kind = mr_u8(&r);
	if (ev->kind >= CTE_KIND_MAX || ctexp_get(&r, &ev->x) == -1)
		return -1;
	return mr_done(&r) ? 0 : -1;
}

/* Start reading a CT_EVENTS message; returns -1 if it holds no event. */
int
msg_recv_ct_events(const struct msg *m, struct ct_events_reader *rd)
{
	mr_init(&rd->r, m);
	rd->left = mr_u16(&rd->r);
	return rd->r.bad || rd->left == 0 ? -1 : 0;
}

/*
 * The next event: 1 with `ev' filled, 0 at the end, -1 if the message is
 * malformed (short, trailing bytes, a field out of its encoding's range).
 * Whether the object makes sense is ctobj_valid()'s to say.
 */
int
msg_recv_ct_event_next(struct ct_events_reader *rd, struct ct_event *ev)
{
	if (rd->left == 0)
		return mr_done(&rd->r) ? 0 : -1;
	rd->left--;
	ev->kind = mr_u8(&rd->r);
	if (ev->kind >= CTE_KIND_MAX || ctobj_get(&rd->r, &ev->obj) == -1)
		return -1;
	return 1;
}

/*
 * CT_DUMP_DONE: the kernel table was dumped in full; with `sweep', cached
 * entries the dump did not mention are gone from the kernel.
 */
void
msg_send_ct_dump_done(struct chan *c, int sweep, uint32_t token)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_CT_DUMP_DONE);
	mb_u8(&mb, (uint8_t)(sweep != 0));
	mb_u32(&mb, token);
	msg_end(&mb);
}

int
msg_recv_ct_dump_done(const struct msg *m, int *sweep, uint32_t *token)
{
	struct mread r;

	mr_init(&r, m);
	*sweep = mr_u8(&r);
	*token = mr_u32(&r);
	return mr_done(&r) && *sweep <= 1 ? 0 : -1;
}

/* The sync worker asks for a dump (DisableInternalCache); its
 * CT_DUMP_DONE carries the same token. */
void
msg_send_dump_req(struct chan *c, uint32_t token)
{
	send_u32(c, MSG_DUMP_REQ, token);
}

int
msg_recv_dump_req(const struct msg *m, uint32_t *token)
{
	return recv_u32(m, token) == 0 && *token != 0 ? 0 : -1;
}

/*
 * EVENT_SOCKET: the netlink worker's conntrack event socket, so that
 * events reach the sync worker without a hop (doc/PRIVSEP.md).  The
 * netlink worker keeps its own copy of the fd.  The port id is that of
 * its injection socket (DisableExternalCache; 0 without), whose events
 * are our own changes; the pause is how long to let events queue after
 * a read that found some (nlworker.h NL_BUSY_PAUSE_NS).
 */
void
msg_send_event_socket(struct chan *c, int fd, uint32_t inject_portid,
    uint32_t pause_ns)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_EVENT_SOCKET);
	mb_u32(&mb, inject_portid);
	mb_u32(&mb, pause_ns);
	msg_end_fd_keep(&mb, fd);
}

int
msg_recv_event_socket(const struct msg *m, uint32_t *inject_portid,
    uint32_t *pause_ns)
{
	struct mread r;

	mr_init(&r, m);
	*inject_portid = mr_u32(&r);
	*pause_ns = mr_u32(&r);
	return mr_done(&r) && m->fd >= 0 && *pause_ns < 1000000000 ? 0 : -1;
}

void
msg_send_dump_wanted(struct chan *c, uint32_t token)
{
	send_u32(c, MSG_DUMP_WANTED, token);
}

int
msg_recv_dump_wanted(const struct msg *m, uint32_t *token)
{
	return recv_u32(m, token) == 0 && *token != 0 ? 0 : -1;
}

/* CFG_GONE_RING: the memfd of gone_ring.h; the supervisor keeps its fd. */
void
msg_send_cfg_gone_ring(struct chan *c, int fd)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_CFG_GONE_RING);
	msg_end_fd_keep(&mb, fd);
}

int
msg_recv_cfg_gone_ring(const struct msg *m)
{
	return recv_empty(m) == 0 && m->fd >= 0 ? 0 : -1;
}

void msg_send_events_overrun(struct chan *c)
{
	send_empty(c, MSG_EVENTS_OVERRUN);
}
int msg_recv_events_overrun(const struct msg *m) { return recv_empty(m); }

/*
 * SELF_START: one of our children is about to change the kernel; its
 * socket comes along (the commit's objects go into it; closing it is the
 * child's signal to start).
 */
void
msg_send_self_start(struct chan *c, int what, int fd)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_SELF_START);
	mb_u8(&mb, (uint8_t)what);
	msg_end_fd(&mb, fd);
}

int
msg_recv_self_start(const struct msg *m, int *what)
{
	struct mread r;

	mr_init(&r, m);
	*what = mr_u8(&r);
	return mr_done(&r) && *what <= SELF_COMMIT_EXP && m->fd >= 0 ?
	    0 : -1;
}

void msg_send_ct_barrier(struct chan *c) { send_empty(c, MSG_CT_BARRIER); }
int msg_recv_ct_barrier(const struct msg *m) { return recv_empty(m); }
void msg_send_new_events_off(struct chan *c) { send_empty(c, MSG_NEW_EVENTS_OFF); }
int msg_recv_new_events_off(const struct msg *m) { return recv_empty(m); }

void
msg_send_child_done(struct chan *c, const struct child_result *r)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_CHILD_DONE);
	mb_u32(&mb, r->ok);
	mb_u32(&mb, r->failed);
	mb_u32(&mb, r->exp_ok);
	mb_u32(&mb, r->exp_failed);
	mb_u64(&mb, r->usec);
	msg_end(&mb);
}

int
msg_recv_child_done(const struct msg *m, struct child_result *r)
{
	struct mread rd;

	mr_init(&rd, m);
	r->ok = mr_u32(&rd);
	r->failed = mr_u32(&rd);
	r->exp_ok = mr_u32(&rd);
	r->exp_failed = mr_u32(&rd);
	r->usec = mr_u64(&rd);
	return mr_done(&rd) ? 0 : -1;
}

void
msg_send_ctl_request(struct chan *c, uint32_t req, uint32_t flags)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_CTL_REQUEST);
	mb_u32(&mb, req);
	mb_u32(&mb, flags);
	msg_end(&mb);
}

int
msg_recv_ctl_request(const struct msg *m, uint32_t *req, uint32_t *flags)
{
	struct mread r;

	mr_init(&r, m);
	*req = mr_u32(&r);
	*flags = mr_u32(&r);
	return mr_done(&r) && *flags == 0 ? 0 : -1;
}

void
msg_send_ctl_text(struct chan *c, uint32_t id, const char *text)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_CTL_TEXT);
	mb_u32(&mb, id);
	mb_str(&mb, text);
	msg_end(&mb);
}

int
msg_recv_ctl_text(const struct msg *m, uint32_t *id, char *text, size_t len)
{
	struct mread r;

	mr_init(&r, m);
	*id = mr_u32(&r);
	mr_str(&r, text, len);
	return mr_done(&r) ? 0 : -1;
}

void
msg_send_ctl_done(struct chan *c, uint32_t status, const char *text)
{
	struct mbuild mb;

	msg_begin(&mb, c, MSG_CTL_DONE);
	mb_u32(&mb, status);
	mb_str(&mb, text);
	msg_end(&mb);
}

int
msg_recv_ctl_done(const struct msg *m, uint32_t *status, char *text,
    size_t len)
{
	struct mread r;

	mr_init(&r, m);
	*status = mr_u32(&r);
	mr_str(&r, text, len);
	return mr_done(&r) && *status <= CTL_NOTSUP ? 0 : -1;
}
