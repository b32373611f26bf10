/*
 * The dedicated links, as handed over by the supervisor: packing
 * messages into datagrams under the MTU, reading datagrams into messages
 * for the sync mode, and the links' statistics.  What is particular to
 * TCP links is in tcp_link.c.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "syncworker.h"

#define RX_BUDGET	64	/* datagrams per wake-up, then serve others */
#define STRANGER_LOG_SECS 10	/* between two logs of strangers dropped */

static void addr_of(const struct sockaddr_storage *, uint8_t *family,
    uint8_t addr[16]);

void
links_add(struct syncw *w, const struct cfg_link_fd *l, int fd)
{
	struct sync_link *sl = &w->links[l->index];
	int *slot = l->dir == LINKFD_RX ? &sl->rx : &sl->tx;

	if (!sl->present) {
		sl->present = 1;
		sl->rx = sl->tx = -1;
		sl->kind = l->kind;
		sl->is_default = l->is_default;
		sl->checksum = l->checksum;
		sl->errq_len = l->errq_len;
		sl->conn = -1;
		memcpy(sl->ifname, l->ifname, sizeof(sl->ifname));
		sl->peer_family = l->peer_family;
		memcpy(sl->peer, l->peer, sizeof(sl->peer));
	}
	if (*slot != -1)
		fatalx("link %u: socket passed twice", l->index);
	*slot = fd;
}

/* The interface's MTU, read once at start as conntrackd does. */
static uint32_t
link_mtu(const struct sync_link *l)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, l->ifname, sizeof(ifr.ifr_name) - 1);
	if (ioctl(l->rx, SIOCGIFMTU, &ifr) == -1 || ifr.ifr_mtu < 576) {
		log_warn("link %s: cannot read its MTU, using 1500", l->ifname);
		return 1500;
	}
	return (uint32_t)ifr.ifr_mtu;
}

/*
 * A multicast link's own source address (its sending socket is connected
 * to the group, so the kernel chose it then): with several nodes on the
 * segment, the ACKs and NACKs meant for us name it (ftfw.c).
 */
static void
learn_own_address(struct sync_link *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(l->tx, (struct sockaddr *)&ss, &len) == -1) {
		log_warn("link %s: cannot read its own address", l->ifname);
		return;
	}
	addr_of(&ss, &l->self_family, l->self_addr);
}

/* Packed buffers leave room for the headers, as conntrackd counts them,
 * and for the seal and (TCP) its length with Authentication. */
static size_t
link_capacity(const struct syncw *w, const struct sync_link *l)
{
	size_t seal = w->auth.on ? AUTH_OVERHEAD +
	    (l->kind == LINK_TCP ? 2 : 0) : 0;

	return l->mtu - (l->kind == LINK_TCP ? 40 : 28) - seal;
}

/* Sending moves to link `i'; what was being packed goes out there.
 * `why' NULL: not logged (trying the links in turn for a silent peer). */
static void
use_link(struct syncw *w, int i, const char *why)
{
	if (i == w->active_link)
		return;
	w->active_link = i;
	w->txcap = link_capacity(w, &w->links[i]);
	if (w->txlen >= w->txcap)
		w->txlen = 0;	/* cannot be: MTUs are read at start */
	w->links[i].last_rx = mono_secs();	/* a fresh chance to answer */
	if (why)
		log_notice("device `%s' becomes dedicated link (%s)",
		    w->links[i].ifname, why);
}

void
links_done(struct syncw *w)
{
	int i, first = -1;

	w->active_link = -1;
	w->default_link = -1;
	for (i = 0; i < CONF_MAX_LINKS; i++) {
		if (!w->links[i].present)
			continue;
		/* a TCP link may start without a connection */
		if (w->links[i].rx == -1 || (w->links[i].tx == -1 &&
		    w->links[i].kind != LINK_TCP))
			fatalx("link %d: incomplete socket pair", i);
		if (w->links[i].kind == LINK_TCP)
			tcp_link_init(w, &w->links[i]);
		if (w->links[i].kind == LINK_MCAST)
			learn_own_address(&w->links[i]);
		w->links[i].mtu = link_mtu(&w->links[i]);
		w->links[i].status = link_status(&w->links[i]);
		w->links[i].last_rx = mono_secs();
		if (first == -1)
			first = i;
		if (w->links[i].is_default)
			w->default_link = i;	/* the last one marked */
	}
	if (w->default_link == -1)
		w->default_link = first;
	if (w->default_link >= 0) {
		w->active_link = w->default_link;
		w->txcap = link_capacity(w, &w->links[w->active_link]);
	}
	w->links_checked = mono_secs();
}

/* The next present link after `from' whose interface is up. */
static int
next_link_up(struct syncw *w, int from)
{
	int k, i;

	for (k = 1; k < CONF_MAX_LINKS; k++) {
		i = (from + k) % CONF_MAX_LINKS;
		if (w->links[i].present && w->links[i].status != LINKSTAT_DOWN)
			return i;
	}
	return -1;
}

/*
 * Redundant links, once a second (wire-protocol.md 12.4, and more): the
 * active link's interface down or without carrier, or (except in ALARM,
 * which has no heartbeat) nothing heard on it for LINK_SILENCE seconds,
 * moves sending to the next link that is up; the Default link coming back
 * up takes it back.  A valid message on a link can also make it the
 * active one (peer_moved), which is how the peers agree.
 */
void
links_check(struct syncw *w)
{
	time_t now = mono_secs();
	struct sync_link *a;
	int i, was, next;

	if (w->active_link < 0 || now == w->links_checked)
		return;
	w->links_checked = now;
	tcp_reconnect(w, now);
	for (i = 0; i < CONF_MAX_LINKS; i++) {
		if (!w->links[i].present)
			continue;
		was = w->links[i].status;
		w->links[i].status = link_status(&w->links[i]);
		if (i == w->default_link && i != w->active_link &&
		    was != LINKSTAT_RUNNING &&
		    w->links[i].status == LINKSTAT_RUNNING)
			use_link(w, i, "the Default link is back");
	}
	a = &w->links[w->active_link];
	/* a mode without heartbeat (ALARM) may be silent for long */
	if (a->status == LINKSTAT_RUNNING && (w->mode == NULL ||
	    !w->mode->heartbeat || now - a->last_rx < LINK_SILENCE))
		return;
	next = next_link_up(w, w->active_link);
	if (a->status == LINKSTAT_RUNNING) {
		/* silence: try the next link, saying so once per silence */
		if (next != -1)
			use_link(w, next, w->peer_heard ?
			    "no answer on the other" : NULL);
		w->peer_heard = 0;
		return;
	}
	if (next == -1) {
		if (!w->no_link_logged++)
			log_warnx("no dedicated links available!");
		return;
	}
	w->no_link_logged = 0;
	use_link(w, next, "link down");
}

/*
 * A datagram on a link's connected socket.  An ICMP error (the peer's
 * port closed: it was not started yet, or restarting) is reported by the
 * next send, not by the one it concerns: that one is sent once more
 * rather than lost (NOTRACK would never repair it).
 */
static ssize_t
send_datagram(int fd, const uint8_t *p, size_t n)
{
	ssize_t r = send(fd, p, n, MSG_DONTWAIT);

	if (r == -1 && errno == ECONNREFUSED)
		r = send(fd, p, n, MSG_DONTWAIT);
	return r;
}

void
links_flush(struct syncw *w)
{
	struct sync_link *l;
	const uint8_t *p;
	size_t n;

	if (w->txlen == 0 || w->active_link < 0)
		return;
	l = &w->links[w->active_link];
	p = w->txbuf;
	n = w->txlen;
	if (w->auth.on) {
		/* on TCP a sealed frame goes with its length (u16 BE) */
		size_t off = l->kind == LINK_TCP ? 2 : 0;

		n = auth_seal(&w->auth, w->txbuf, w->txlen, w->sealbuf + off);
		if (off) {
			w->sealbuf[0] = (uint8_t)(n >> 8);
			w->sealbuf[1] = (uint8_t)n;
		}
		p = w->sealbuf;
		n += off;
	}
	if (l->kind == LINK_TCP)
		tcp_send(w, l, p, n);
	else if (send_datagram(l->tx, p, n) == -1) {
		/* lost: FT-FW repairs it through the peer's NACK */
		l->cnt.err_send++;
	} else {
		l->cnt.pkts_sent++;
		l->cnt.bytes_sent += n;
	}
	w->txlen = 0;
}

/* Pack a message into the current datagram, sending it first if full. */
void
links_send(struct syncw *w, const uint8_t *msg, size_t len)
{
	if (w->active_link < 0 || len > w->txcap)
		return;
	if (w->txlen + len >= w->txcap)
		links_flush(w);
	memcpy(w->txbuf + w->txlen, msg, len);
	w->txlen += len;
}

static int peer_moved(struct syncw *, int);

/*
 * The messages of a datagram, or of what a TCP stream brought, counted
 * or handed to the sync mode.  A stream keeps an incomplete last message
 * for later: *used says how much was taken.  -1: a message whose length
 * cannot be right; the rest is dropped, and a stream has lost its way.
 */
int
links_deliver(struct syncw *w, int index, uint8_t family,
    const uint8_t addr[16], const uint8_t *p, size_t n, size_t *used)
{
	struct sync_link *l = &w->links[index];
	/* sealed TCP frames hold whole messages, as datagrams do */
	int stream = l->kind == LINK_TCP && !w->auth.on, valid = 0, r = 0;
	size_t left = n;
	struct sender *from = NULL;

	sync_apply_ahead(w, p, n, stream);
	while (left > 0) {
		struct wire_msg m;
		int deliver;
		size_t step;

		if (stream && wire_incomplete(p, left))
			break;
		if ((step = wire_next(p, left, &m, &deliver, &w->wire)) == 0) {
			r = -1;
			left = 0;
			break;
		}
		if (deliver && w->mode != NULL && from == NULL &&
		    (from = senders_get(w, index, family, addr)) == NULL)
			deliver = 0;	/* no room for one more node */
		if (deliver && w->mode != NULL) {
			w->mode->recv(w, &m, from);
			valid = 1;
		}
		p += step;
		left -= step;
	}
	sync_apply_ahead_end(w);
	*used = n - left;
	if (valid) {
		l->last_rx = mono_secs();
		w->peer_heard = 1;
		if (peer_moved(w, index))
			use_link(w, index, "the peer sends there");
	}
	return r;
}

/*
 * Whether a valid message on link `i' should move our sending there: on
 * the Default link always (both peers come back to it), elsewhere only if
 * the active link is down or silent; messages still in flight on a link
 * just left must not pull a node away again.
 */
static int
peer_moved(struct syncw *w, int i)
{
	const struct sync_link *a;

	if (i == w->active_link)
		return 0;
	if (i == w->default_link)
		return 1;
	a = &w->links[w->active_link];
	return a->status != LINKSTAT_RUNNING ||
	    mono_secs() - a->last_rx >= LINK_SILENCE;
}

/* A frame Authentication refused (counted by link_auth.c), logged at
 * most every STRANGER_LOG_SECS per link with its source. */
static void
auth_refused(struct sync_link *l, uint8_t family, const uint8_t addr[16],
    enum auth_verdict v)
{
	char text[INET6_ADDRSTRLEN] = "?";
	uint64_t n;

	if (!log_rate_due(&l->refused, STRANGER_LOG_SECS, &n))
		return;
	inet_ntop(family, addr, text, sizeof(text));
	log_warnx("link %s: %llu frames refused, the last from %s: %s",
	    l->ifname, (unsigned long long)n, text, auth_verdict_text(v));
}

/*
 * A sealed frame from `family'/`addr': opened, then its messages handed
 * on; nothing of a frame that does not open is read.  -1 if refused.
 */
static int
deliver_sealed(struct syncw *w, int index, uint8_t family,
    const uint8_t addr[16], const uint8_t *p, size_t n)
{
	enum auth_verdict v;
	size_t len, used;

	v = auth_open(&w->auth, family, addr, p, n, w->openbuf, &len,
	    mono_ms());
	if (v != AUTH_OK) {
		auth_refused(&w->links[index], family, addr, v);
		return -1;
	}
	links_deliver(w, index, family, addr, w->openbuf, len, &used);
	return 0;
}

/* A sealed TCP stream: frames, each after its length (u16 BE). */
static void
stream_deliver_sealed(struct syncw *w, int i)
{
	struct sync_link *l = &w->links[i];
	size_t off = 0;

	while (l->rxlen - off >= 2) {
		size_t n = (size_t)l->rxbuf[off] << 8 | l->rxbuf[off + 1];
		size_t have = l->rxlen - off - 2;

		/* a frame that cannot be is refused now, not once n came */
		if (have < n && n >= AUTH_OVERHEAD &&
		    auth_looks_sealed(l->rxbuf + off + 2, have))
			break;
		if (have < n)
			n = have;
		if (deliver_sealed(w, i, l->conn_family, l->conn_addr,
		    l->rxbuf + off + 2, n) == -1) {
			/* a stream with a bad frame cannot be trusted on */
			tcp_drop_stream(l);
			return;
		}
		off += 2 + n;
	}
	tcp_consume(l, off);
}

/* What a TCP link's stream brought: its whole messages. */
static void
stream_deliver(struct syncw *w, int i)
{
	struct sync_link *l = &w->links[i];
	size_t used;

	if (w->auth.on)
		stream_deliver_sealed(w, i);
	else if (links_deliver(w, i, l->conn_family, l->conn_addr, l->rxbuf,
	    l->rxlen, &used) == -1)
		tcp_drop_stream(l);	/* counted by the wire parser */
	else
		tcp_consume(l, used);
}

/* A socket address as (family, 16 bytes), an IPv4 one in the first 4. */
static void
addr_of(const struct sockaddr_storage *ss, uint8_t *family,
    uint8_t addr[16])
{
	memset(addr, 0, 16);
	*family = (uint8_t)ss->ss_family;
	if (ss->ss_family == AF_INET)
		memcpy(addr, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	else if (ss->ss_family == AF_INET6)
		memcpy(addr, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
}

/*
 * Whether a datagram or connection comes from the link's configured peer
 * (any source, on a link without one: multicast).  A stranger's is
 * counted, and logged at most every STRANGER_LOG_SECS with its address.
 * Without Authentication this is all a link can check: a spoofed source
 * address passes.
 */
static int
from_peer(struct syncw *w, struct sync_link *l,
    const struct sockaddr_storage *ss)
{
	char text[INET6_ADDRSTRLEN] = "?";
	uint8_t family, addr[16];
	uint64_t n;

	addr_of(ss, &family, addr);
	if (l->peer_family == 0 || (family == l->peer_family &&
	    memcmp(addr, l->peer, 16) == 0))
		return 1;
	w->wire.not_from_peer++;
	if (!log_rate_due(&l->strangers, STRANGER_LOG_SECS, &n))
		return 0;
	inet_ntop(family, addr, text, sizeof(text));
	log_warnx("link %s: %llu datagrams or connections from %s and other "
	    "strangers dropped: not the configured peer", l->ifname,
	    (unsigned long long)n, text);
	return 0;
}

void
links_receive(struct syncw *w, int index)
{
	struct sync_link *l = &w->links[index];
	char buf[65536];
	size_t used;
	int i;

	for (i = 0; i < RX_BUDGET; i++) {
		struct sockaddr_storage ss;
		socklen_t sslen = sizeof(ss);
		uint8_t family, addr[16];
		ssize_t n = recvfrom(l->rx, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&ss, &sslen);

		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				l->cnt.err_recv++;
			return;
		}
		l->cnt.pkts_recv++;
		l->cnt.bytes_recv += (uint64_t)n;
		if (!from_peer(w, l, &ss))
			continue;
		addr_of(&ss, &family, addr);
		if (w->auth.on)
			deliver_sealed(w, index, family, addr,
			    (const uint8_t *)buf, (size_t)n);
		else
			links_deliver(w, index, family, addr,
			    (const uint8_t *)buf, (size_t)n, &used);
	}
}

/* A connection to a TCP link's listener: the peer's, or closed. */
static void
accept_peer(struct syncw *w, int i)
{
	struct sockaddr_storage ss;
	int fd = tcp_accept(&w->links[i], &ss);

	if (fd == -1)
		return;
	if (from_peer(w, &w->links[i], &ss)) {
		tcp_adopt(&w->links[i], fd);
		addr_of(&ss, &w->links[i].conn_family, w->links[i].conn_addr);
	} else
		close(fd);
}

/*
 * The link sockets to wait for, from pfd[0] on; role[k] says what
 * pfd[k] is.  Returns how many.
 */
int
links_pollfds(struct syncw *w, struct pollfd *pfd, struct link_role *role)
{
	int i, n = 0;

	for (i = 0; i < CONF_MAX_LINKS; i++) {
		struct sync_link *l = &w->links[i];

		if (!l->present)
			continue;
		role[n].link = i;
		role[n].what = LR_RX;	/* datagrams, or a TCP listener */
		pfd[n].fd = l->rx;
		pfd[n++].events = POLLIN;
		if (l->kind != LINK_TCP)
			continue;
		if (l->conn != -1) {
			role[n].link = i;
			role[n].what = LR_CONN;
			pfd[n].fd = l->conn;
			pfd[n++].events = POLLIN;
		}
		if ((pfd[n].events = tcp_tx_events(w, l, i)) != 0) {
			role[n].link = i;
			role[n].what = LR_TX;
			pfd[n++].fd = l->tx;
		}
	}
	return n;
}

/* What ppoll found on the sockets of links_pollfds. */
void
links_events(struct syncw *w, const struct pollfd *pfd,
    const struct link_role *role, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		int i = role[k].link;

		if (pfd[k].revents == 0)
			continue;
		switch (role[k].what) {
		case LR_RX:
			if (w->links[i].kind == LINK_TCP)
				accept_peer(w, i);
			else if (pfd[k].revents & POLLIN)
				links_receive(w, i);
			break;
		case LR_CONN:
			if (w->links[i].conn != -1 && tcp_read(w, i))
				stream_deliver(w, i);
			break;
		case LR_TX:
			tcp_tx_event(w, i, pfd[k].revents);
			break;
		}
	}
}

/* DOWN if administratively down, NO-CARRIER if up without carrier. */
int
link_status(const struct sync_link *l)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, l->ifname, sizeof(ifr.ifr_name) - 1);
	if (ioctl(l->rx, SIOCGIFFLAGS, &ifr) == -1 ||
	    !(ifr.ifr_flags & IFF_UP))
		return LINKSTAT_DOWN;
	if (!(ifr.ifr_flags & IFF_RUNNING))
		return LINKSTAT_NO_CARRIER;
	return LINKSTAT_RUNNING;
}
