/*
 * The framing and channel of msg.h.  Encoding writes explicit-width fields
 * in network byte order; decoding never trusts a length it has not checked.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg.h"

static const char *const msg_names[MSG_TYPE_MAX] = {
	[MSG_NONE] = "NONE",
#define MSG_NAME(e, n) [e] = n,
	MSG_TYPES(MSG_NAME)
#undef MSG_NAME
};

const char *
msg_type_name(unsigned int type)
{
	return type < MSG_TYPE_MAX ? msg_names[type] : "UNKNOWN";
}

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL)
		fatal("realloc");
	return q;
}

void
chan_init(struct chan *c, int fd, const char *name, size_t maxmsg,
    uint64_t accept, uint64_t accept_fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->name = name;
	c->maxmsg = maxmsg;
	c->accept = accept;
	c->accept_fd = accept_fd;
	/* room for several maximum messages, so one read() brings many */
	c->rcap = 4 * maxmsg;
	c->rbuf = xrealloc(NULL, c->rcap);
}

void
chan_free(struct chan *c)
{
	int i;

	for (i = 0; i < c->nrfd; i++)
		close(c->rfd[i]);
	for (i = 0; i < c->nwfd; i++)
		if (!c->wfd[i].keep)
			close(c->wfd[i].fd);
	free(c->rbuf);
	free(c->wbuf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

size_t
chan_pending(const struct chan *c)
{
	return c->wend - c->wstart;
}

size_t
chan_unread(const struct chan *c)
{
	return c->rend - c->rstart;
}

static void
take_fds(struct chan *c, struct msghdr *mh)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		int *fds = (int *)CMSG_DATA(cm);
		size_t i, n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			if (c->nrfd == CHAN_FDQ) {
				close(fds[i]);
				continue;
			}
			c->rfd[c->nrfd++] = fds[i];
		}
	}
}

/*
 * Read what is available.  Returns bytes read, 0 on EOF, -1 when nothing
 * is there (EAGAIN) or the buffer is full.  Other errors are EOF-like: the
 * peer is gone.
 */
int
chan_read(struct chan *c)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * CHAN_FDQ)];
	} cmsgbuf;
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;

	if (c->rstart > 0 && c->rstart == c->rend)
		c->rstart = c->rend = 0;
	if (c->rend == c->rcap && c->rstart > 0) {
		memmove(c->rbuf, c->rbuf + c->rstart, c->rend - c->rstart);
		c->rend -= c->rstart;
		c->rstart = 0;
	}
	if (c->rend == c->rcap)
		return -1;
	iov.iov_base = c->rbuf + c->rend;
	iov.iov_len = c->rcap - c->rend;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = &cmsgbuf;
	mh.msg_controllen = sizeof(cmsgbuf);
	do {
		n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? -1 : 0;
	take_fds(c, &mh);
	c->rend += n;
	return (int)n;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Take the next complete message out of the read buffer.  Returns 1 with
 * `m' filled, 0 if more bytes are needed, -1 if the stream is malformed
 * (`why' says how); a malformed stream cannot be resynchronised.
 */
int
chan_get(struct chan *c, struct msg *m, const char **why)
{
	const uint8_t *h = c->rbuf + c->rstart;
	size_t avail = c->rend - c->rstart;
	uint32_t len;
	uint16_t type;
	uint8_t flags;

	if (avail < MSG_HDR_LEN)
		return 0;
	len = get32(h + 4);
	type = get16(h + 2);
	flags = h[1];
	if (h[0] != MSG_VERSION)
		return *why = "bad version", -1;
	if (len < MSG_HDR_LEN)
		return *why = "short message", -1;
	if (len > c->maxmsg)
		return *why = "oversized message", -1;
	if (type >= MSG_TYPE_MAX || !(c->accept & MSG_BIT(type)))
		return *why = "unexpected message type", -1;
	if (flags & ~MSG_F_FD)
		return *why = "unknown flags", -1;
	if (avail < len)
		return 0;
	m->type = type;
	m->flags = flags;
	m->data = h + MSG_HDR_LEN;
	m->len = len - MSG_HDR_LEN;
	m->fd = -1;
	if (flags & MSG_F_FD) {
		if (!(c->accept_fd & MSG_BIT(type)))
			return *why = "fd passed with a message that takes none", -1;
		if (c->nrfd == 0)
			return *why = "fd announced but not received", -1;
		m->fd = c->rfd[0];
		memmove(c->rfd, c->rfd + 1, --c->nrfd * sizeof(int));
	} else if (c->accept_fd & MSG_BIT(type))
		return *why = "message without its fd", -1;
	c->rstart += len;
	return 1;
}

/*
 * Make room for `n' more bytes.  Sent bytes are reclaimed only between
 * messages (`compact'): a message being built keeps its offsets.
 */
static void
wreserve(struct chan *c, size_t n, int compact)
{
	if (compact && c->wstart > 0 && c->wstart == c->wend && c->nwfd == 0)
		c->wstart = c->wend = 0;
	if (c->wend + n <= c->wcap)
		return;
	if (compact && c->wstart > 0) {
		int i;

		memmove(c->wbuf, c->wbuf + c->wstart, c->wend - c->wstart);
		for (i = 0; i < c->nwfd; i++)
			c->wfd[i].off -= c->wstart;
		c->wend -= c->wstart;
		c->wstart = 0;
	}
	while (c->wend + n > c->wcap) {
		c->wcap = c->wcap ? c->wcap * 2 : 64 * 1024;
		c->wbuf = xrealloc(c->wbuf, c->wcap);
	}
}

/* Write up to `n' bytes, attaching `fd' (or -1) to the first of them. */
static ssize_t
wsend(struct chan *c, size_t n, int fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct msghdr mh;
	struct iovec iov;
	ssize_t r;

	iov.iov_base = c->wbuf + c->wstart;
	iov.iov_len = n;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd != -1) {
		struct cmsghdr *cm;

		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		mh.msg_control = &cmsgbuf;
		mh.msg_controllen = sizeof(cmsgbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do {
		r = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
	} while (r == -1 && errno == EINTR);
	return r;
}

/*
 * Write as much of the queue as the socket takes.  Returns 0 when the
 * queue is empty, 1 when bytes remain (wait for POLLOUT), -1 when the
 * peer is gone.
 */
int
chan_flush(struct chan *c)
{
	while (c->wstart < c->wend) {
		size_t n = c->wend - c->wstart;
		int fd = -1;
		ssize_t r;

		/* an fd goes with the first byte of its message, alone */
		if (c->nwfd > 0 && c->wfd[0].off == c->wstart) {
			fd = c->wfd[0].fd;
			if (c->nwfd > 1)
				n = c->wfd[1].off - c->wstart;
		} else if (c->nwfd > 0)
			n = c->wfd[0].off - c->wstart;
		r = wsend(c, n, fd);
		if (r == -1)
			return (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : -1;
		if (fd != -1) {
			if (!c->wfd[0].keep)
				close(fd);
			memmove(c->wfd, c->wfd + 1, --c->nwfd * sizeof(c->wfd[0]));
		}
		c->wstart += r;
	}
	return 0;
}

/* Flush everything, waiting for the peer if needed (start-up, exit paths). */
void
chan_flush_all(struct chan *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

	while (chan_flush(c) == 1)
		if (poll(&pfd, 1, 1000) == -1 && errno != EINTR)
			break;
}

void
msg_begin(struct mbuild *mb, struct chan *c, enum msg_type type)
{
	uint8_t *h;

	wreserve(c, MSG_HDR_LEN, 1);
	mb->c = c;
	mb->start = c->wend;
	h = c->wbuf + c->wend;
	h[0] = MSG_VERSION;
	h[1] = 0;
	h[2] = (uint8_t)(type >> 8);
	h[3] = (uint8_t)type;
	c->wend += MSG_HDR_LEN;
}

void
mb_bytes(struct mbuild *mb, const void *p, size_t n)
{
	struct chan *c = mb->c;

	wreserve(c, n, 0);
	memcpy(c->wbuf + c->wend, p, n);
	c->wend += n;
}

void mb_u8(struct mbuild *mb, uint8_t v) { mb_bytes(mb, &v, 1); }

void
mb_u16(struct mbuild *mb, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	mb_bytes(mb, b, 2);
}

void
mb_u32(struct mbuild *mb, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };
	mb_bytes(mb, b, 4);
}

void
mb_u64(struct mbuild *mb, uint64_t v)
{
	mb_u32(mb, (uint32_t)(v >> 32));
	mb_u32(mb, (uint32_t)v);
}

/* Strings travel as u16 length + bytes, no NUL. */
void
mb_str(struct mbuild *mb, const char *s)
{
	size_t n = strlen(s);

	if (n > UINT16_MAX)
		fatalx("string too long for a message");
	mb_u16(mb, (uint16_t)n);
	mb_bytes(mb, s, n);
}

void
msg_end(struct mbuild *mb)
{
	struct chan *c = mb->c;
	size_t len = c->wend - mb->start;
	uint8_t *h = c->wbuf + mb->start;

	/* our own encoder exceeding the limit is a bug, not bad input */
	if (len > c->maxmsg)
		fatalx("%s: message to %s too large (%zu bytes)",
		    msg_type_name(get16(h + 2)), c->name, len);
	h[4] = (uint8_t)(len >> 24);
	h[5] = (uint8_t)(len >> 16);
	h[6] = (uint8_t)(len >> 8);
	h[7] = (uint8_t)len;
}

/* Finish a message that carries `fd'; the channel closes it once sent. */
void
msg_end_fd(struct mbuild *mb, int fd)
{
	struct chan *c = mb->c;

	if (c->nwfd == CHAN_FDQ)
		fatalx("too many fds queued to %s", c->name);
	c->wbuf[mb->start + 1] |= MSG_F_FD;
	c->wfd[c->nwfd].off = mb->start;
	c->wfd[c->nwfd].fd = fd;
	c->wfd[c->nwfd].keep = 0;
	c->nwfd++;
	msg_end(mb);
}

/* As msg_end_fd, but the sender keeps `fd' open: it is not closed once
 * sent (nor when the channel is freed). */
void
msg_end_fd_keep(struct mbuild *mb, int fd)
{
	msg_end_fd(mb, fd);
	mb->c->wfd[mb->c->nwfd - 1].keep = 1;
}

void
mr_init(struct mread *r, const struct msg *m)
{
	r->p = m->data;
	r->left = m->len;
	r->bad = 0;
}

static const uint8_t *
mr_take(struct mread *r, size_t n)
{
	const uint8_t *p = r->p;

	if (r->bad || r->left < n) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

uint8_t
mr_u8(struct mread *r)
{
	const uint8_t *p = mr_take(r, 1);
	return p ? p[0] : 0;
}

uint16_t
mr_u16(struct mread *r)
{
	const uint8_t *p = mr_take(r, 2);
	return p ? get16(p) : 0;
}

uint32_t
mr_u32(struct mread *r)
{
	const uint8_t *p = mr_take(r, 4);
	return p ? get32(p) : 0;
}

uint64_t
mr_u64(struct mread *r)
{
	uint64_t hi = mr_u32(r);
	return hi << 32 | mr_u32(r);
}

void
mr_bytes(struct mread *r, void *dst, size_t n)
{
	const uint8_t *p = mr_take(r, n);

	if (p)
		memcpy(dst, p, n);
	else
		memset(dst, 0, n);
}

/* A string must fit `dst' with its NUL and hold no NUL of its own. */
void
mr_str(struct mread *r, char *dst, size_t dstsz)
{
	uint16_t n = mr_u16(r);
	const uint8_t *p;

	dst[0] = '\0';
	if (r->bad)
		return;
	if ((size_t)n >= dstsz) {
		r->bad = 1;
		return;
	}
	p = mr_take(r, n);
	if (p == NULL)
		return;
	if (memchr(p, '\0', n) != NULL) {
		r->bad = 1;
		return;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
}

/* The payload was well formed and fully consumed. */
int
mr_done(const struct mread *r)
{
	return !r->bad && r->left == 0;
}
