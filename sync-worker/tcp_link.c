/*
 * TCP links (wire-protocol.md 12.3).  Each node connects to its peer's
 * listener and writes only there; it reads only the connection the peer
 * made to its own listener.
 *
 * Sending: this process cannot open sockets, so the supervisor opens each
 * connection on request (LINK_CONNECT), at most once a second while the
 * link is down.  While the connection is down or full, the packed buffers
 * wait in the error queue (ErrorQueueLength buffers, the oldest dropped
 * when full) and go out in order, before anything new, once it is up.
 *
 * Receiving: a byte stream of messages cut anywhere; an incomplete last
 * message waits for the next read.  A message whose length cannot be
 * right leaves no way to find the next one: the connection is closed and
 * the peer reconnects at a message boundary.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "syncworker.h"

#define TCP_RXBUF	65536	/* more than the largest message (u16 len) */

static int
transient(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

void
tcp_link_init(struct syncw *w, struct sync_link *l)
{
	struct errq *q = &w->errq;

	l->conn = -1;
	l->connecting = l->tx != -1;
	if ((l->rxbuf = malloc(TCP_RXBUF)) == NULL)
		fatal("TCP receive buffer");
	if (q->max == 0 && l->errq_len > 0) {
		q->max = l->errq_len;
		if ((q->buf = calloc(q->max, sizeof(*q->buf))) == NULL ||
		    (q->len = calloc(q->max, sizeof(*q->len))) == NULL)
			fatal("TCP error queue");
	}
}

static void
errq_pop(struct errq *q)
{
	free(q->buf[q->head]);
	q->buf[q->head] = NULL;
	q->head = (q->head + 1) % q->max;
	q->count--;
	q->off = 0;
}

/* Keep a buffer for later; when full the oldest goes, counted. */
static void
errq_push(struct errq *q, const uint8_t *p, size_t n)
{
	uint32_t tail;

	if (q->max == 0 || (q->count == q->max && q->off > 0)) {
		q->dropped++;	/* a half-written buffer must be finished */
		return;
	}
	if (q->count == q->max) {
		errq_pop(q);
		q->dropped++;
	}
	tail = (q->head + q->count) % q->max;
	if ((q->buf[tail] = malloc(n)) == NULL) {
		q->dropped++;
		return;
	}
	memcpy(q->buf[tail], p, n);
	q->len[tail] = (uint32_t)n;
	q->count++;
}

/* Our connection is gone: the supervisor gets asked for a new one. */
static void
tcp_lost(struct syncw *w, struct sync_link *l, int err)
{
	if (!l->connecting)
		log_warnx("TCP link %s: connection to the peer lost (%s)",
		    l->ifname, strerror(err));
	close(l->tx);
	l->tx = -1;
	l->connecting = 0;
	/* the rest of a half-written buffer would start mid-message */
	if (w->errq.off > 0) {
		errq_pop(&w->errq);
		w->errq.dropped++;
	}
}

static void
errq_drain(struct syncw *w, struct sync_link *l)
{
	struct errq *q = &w->errq;

	while (q->count > 0) {
		uint32_t len = q->len[q->head];
		ssize_t r = send(l->tx, q->buf[q->head] + q->off, len - q->off,
		    MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r == -1) {
			if (!transient(errno)) {
				l->cnt.err_send++;
				tcp_lost(w, l, errno);
			}
			return;
		}
		q->off += (size_t)r;
		if (q->off == len) {
			l->cnt.pkts_sent++;
			l->cnt.bytes_sent += len;
			errq_pop(q);
		}
	}
}

/* One packed buffer to the peer, or to the error queue. */
void
tcp_send(struct syncw *w, struct sync_link *l, const uint8_t *p, size_t n)
{
	ssize_t r;

	if (l->tx == -1 || l->connecting || w->errq.count > 0) {
		errq_push(&w->errq, p, n);
		return;
	}
	r = send(l->tx, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (r == (ssize_t)n) {
		l->cnt.pkts_sent++;
		l->cnt.bytes_sent += n;
		return;
	}
	if (r == -1) {
		if (!transient(errno)) {
			l->cnt.err_send++;
			tcp_lost(w, l, errno);
		}
		r = 0;
	}
	/* the queue was empty: what is left goes first */
	errq_push(&w->errq, p + r, n - (size_t)r);
}

/*
 * What to wait for on our connection: the end of connecting, room for
 * the error queue, and reading: the peer never writes to it, so anything
 * to read is its end (or stray bytes), seen before more data is written
 * into a dead connection.
 */
short
tcp_tx_events(const struct syncw *w, const struct sync_link *l, int i)
{
	if (l->tx == -1)
		return 0;
	if (l->connecting)
		return POLLOUT;
	return (short)(POLLIN | (i == w->active_link && w->errq.count > 0 ?
	    POLLOUT : 0));
}

/* Whether the connected peer ended our connection. */
static int
tcp_peer_closed(struct sync_link *l, int *err)
{
	uint8_t junk[256];
	ssize_t r = recv(l->tx, junk, sizeof(junk), MSG_DONTWAIT);

	if (r == 0) {
		*err = ECONNRESET;
		return 1;
	}
	if (r == -1 && !transient(errno)) {
		*err = errno;
		return 1;
	}
	return 0;	/* stray bytes are ignored */
}

/* Our connection: connected (or refused), ended, or has room. */
void
tcp_tx_event(struct syncw *w, int i, short revents)
{
	struct sync_link *l = &w->links[i];
	socklen_t len = sizeof(int);
	int err = 0;

	if (l->tx == -1)
		return;
	if (l->connecting) {
		if (getsockopt(l->tx, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			tcp_lost(w, l, err);
			return;
		}
		l->connecting = 0;
		log_info("TCP link %s: connected to the peer", l->ifname);
	} else if ((revents & (POLLIN | POLLHUP | POLLERR)) &&
	    tcp_peer_closed(l, &err)) {
		tcp_lost(w, l, err);
		return;
	}
	if (i == w->active_link)
		errq_drain(w, l);
}

/* A connection from the supervisor, asked for by tcp_reconnect. */
void
tcp_new_socket(struct syncw *w, int i, int fd)
{
	struct sync_link *l = &w->links[i];

	if (!l->present || l->kind != LINK_TCP)
		fatalx("LINK_SOCKET for link %d, which is not TCP", i);
	if (l->tx != -1) {
		close(fd);	/* an answer to an earlier request */
		return;
	}
	l->tx = fd;
	l->connecting = 1;
}

/* Once a second: ask for a connection on each TCP link without one. */
void
tcp_reconnect(struct syncw *w, time_t now)
{
	int i;

	for (i = 0; i < CONF_MAX_LINKS; i++) {
		struct sync_link *l = &w->links[i];

		if (!l->present || l->kind != LINK_TCP || l->tx != -1 ||
		    l->asked_at == now)
			continue;
		l->asked_at = now;
		msg_send_link_connect(&w->chan, (uint8_t)i);
	}
}

/* The peer connects to our listener; a new connection replaces the old. */
/* A connection to the listener, and who made it; -1 if none. */
int
tcp_accept(struct sync_link *l, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);
	int fd = accept4(l->rx, (struct sockaddr *)ss, &len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd == -1 && !transient(errno) && errno != ECONNABORTED)
		l->cnt.err_recv++;
	return fd;
}

/* The peer's connection to us: it replaces an older one. */
void
tcp_adopt(struct sync_link *l, int fd)
{
	if (l->conn != -1)
		close(l->conn);
	l->conn = fd;
	l->rxlen = 0;
}

static void
tcp_close_conn(struct sync_link *l)
{
	close(l->conn);
	l->conn = -1;
	l->rxlen = 0;
}

/* What the peer wrote, after what waits in rxbuf; 1 if anything came. */
int
tcp_read(struct syncw *w, int i)
{
	struct sync_link *l = &w->links[i];
	ssize_t n;

	n = recv(l->conn, l->rxbuf + l->rxlen, TCP_RXBUF - l->rxlen,
	    MSG_DONTWAIT);
	if (n == -1 && transient(errno))
		return 0;
	if (n <= 0) {		/* the peer closed it, or it broke */
		if (n == -1)
			l->cnt.err_recv++;
		tcp_close_conn(l);
		return 0;
	}
	l->cnt.pkts_recv++;
	l->cnt.bytes_recv += (uint64_t)n;
	l->rxlen += (size_t)n;
	return 1;
}

/* The first `used' bytes were whole messages, taken. */
void
tcp_consume(struct sync_link *l, size_t used)
{
	memmove(l->rxbuf, l->rxbuf + used, l->rxlen - used);
	l->rxlen -= used;
}

/* A stream that lost its way: the peer must connect again. */
void
tcp_drop_stream(struct sync_link *l)
{
	tcp_close_conn(l);
}
