/*
 * ctsyncd-metrics: the Metrics listener, started by the supervisor when
 * General { Metrics { } } is configured.  It serves GET /metrics over
 * HTTP on the socket the supervisor opened (PEER_FD): for each scrape it
 * asks the supervisor for a control connection (METRICS_ASK, answered by
 * METRICS_SOCKET), sends the METRICS request on it and renders the answer
 * as OpenMetrics (ctl/metrics.c).  Everything a scraper sends is parsed
 * here, as the unprivileged user, chrooted, with no capability and the
 * allow-list below.  One client at a time, each bounded in time and size:
 * a scrape takes milliseconds, a slow client delays the next by at most
 * CLIENT_MS.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "clock.h"
#include "log.h"
#include "msgs.h"
#include "render.h"
#include "sandbox.h"
#include "worker.h"

#define CLIENT_MS	2000	/* to read a request, and to write an answer */
#define DAEMON_MS	5000	/* for the daemon's connection and answer */
#define REQUEST_MAX	4096	/* a request's head, bytes */

/* The listener's one context. */
struct mx {
	struct chan		 chan;		/* to the supervisor */
	int			 listen_fd;
	struct worker_args	 args;
	uint64_t		 served, refused;
};

/* What the listener may do; see doc/PRIVSEP.md. */
static const struct sc_rule metrics_allow[] = {
	SC_ALLOW(accept4, "take a scraper's connection"),
	SC_ALLOW(recvfrom, "read a scraper's request"),
	SC_ALLOW(sendto, "write the answer"),
	SC_ALLOW(recvmsg, "read the supervisor's channel and connections"),
	SC_ALLOW(sendmsg, "write the supervisor's channel and connections"),
	SC_ALLOW(ppoll, "main loop"),
	SC_ALLOW(poll, "wait within a scrape"),
	SC_ALLOW(close, "close connections"),
	SC_ALLOW(brk, "malloc"),
	SC_ALLOW1(mmap, "malloc", SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
	SC_ALLOW(munmap, "free"),
	SC_ALLOW(mremap, "realloc"),
	SC_ALLOW(madvise, "free"),
	SC_ALLOW(clock_gettime, "deadlines"),
	SC_ALLOW(rt_sigreturn, "return from the SIGTERM handler"),
	SC_ALLOW(restart_syscall, "restart after a signal"),
	SC_ALLOW(exit_group, "exit"),
	SC_ALLOW(exit, "exit"),
};

/* Wait for `events' on `fd' until `deadline' (monotonic ms); 1 if ready. */
static int
wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	uint64_t now = mono_ms();

	if (now >= deadline)
		return 0;
	return poll(&pfd, 1, (int)(deadline - now)) == 1;
}

/* The request's head, up to the empty line; its length or -1. */
static ssize_t
read_head(int fd, char *buf, size_t cap)
{
	uint64_t deadline = mono_ms() + CLIENT_MS;
	size_t have = 0;

	while (have < cap - 1) {
		ssize_t n;

		if (!wait_fd(fd, POLLIN, deadline))
			return -1;
		if ((n = recv(fd, buf + have, cap - 1 - have, 0)) <= 0) {
			if (n == -1 && (errno == EINTR || errno == EAGAIN))
				continue;
			return -1;
		}
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
			return (ssize_t)have;
	}
	return -1;
}

static void
write_all(int fd, const char *p, size_t len)
{
	uint64_t deadline = mono_ms() + CLIENT_MS;

	while (len > 0) {
		ssize_t n;

		if (!wait_fd(fd, POLLOUT, deadline))
			return;
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

static void
answer(int fd, const char *status, const char *type, const char *body,
    size_t len, int head_only)
{
	char head[256];
	int n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, type,
	    len);
	write_all(fd, head, (size_t)n);
	if (!head_only)
		write_all(fd, body, len);
}

static void
answer_text(int fd, const char *status, const char *text)
{
	answer(fd, status, "text/plain; charset=utf-8", text, strlen(text), 0);
}

/*
 * A connection that came after its scrape gave up waiting is stale (the
 * supervisor closes a connection idle for 5 s): dropped, so that each
 * scrape gets the connection it asked for.
 */
static void
drop_late_connections(struct mx *x)
{
	const char *why;
	struct msg m;

	if (wait_fd(x->chan.fd, POLLIN, mono_ms() + 1) &&
	    chan_read(&x->chan) == 0)
		fatalx("the supervisor is gone");
	while (chan_get(&x->chan, &m, &why) == 1)
		if (m.fd >= 0)
			close(m.fd);
}

/* The supervisor's answer to METRICS_ASK: a connection, or -1. */
static int
daemon_connection(struct mx *x)
{
	uint64_t deadline;
	const char *why;
	struct msg m;
	int n;

	drop_late_connections(x);
	deadline = mono_ms() + DAEMON_MS;
	msg_send_metrics_ask(&x->chan);
	chan_flush_all(&x->chan);
	for (;;) {
		if ((n = chan_get(&x->chan, &m, &why)) == 1)
			break;
		if (n == -1)
			fatalx("malformed message from the supervisor: %s", why);
		if (!wait_fd(x->chan.fd, POLLIN, deadline))
			return -1;
		if (chan_read(&x->chan) == 0)
			fatalx("the supervisor is gone");
	}
	if (msg_recv_metrics_socket(&m) == -1)
		fatalx("malformed METRICS_SOCKET");
	return m.fd;
}

/* The daemon's statistics as OpenMetrics text; NULL if it failed. */
static char *
scrape(struct mx *x, size_t *len)
{
	char *text = NULL;
	FILE *f;
	int fd, status;

	if ((fd = daemon_connection(x)) == -1)
		return NULL;
	if ((f = open_memstream(&text, len)) == NULL) {
		close(fd);
		return NULL;
	}
	status = client_exchange_within(fd, REQ_METRICS, RENDER_METRICS, 0, f,
	    DAEMON_MS);
	close(fd);
	fclose(f);
	if (status != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * One client: "GET /metrics" (or HEAD), any query string and headers.
 * OpenMetrics when the scraper accepts it, else Prometheus' text format
 * (the same text: "# EOF" and "# UNIT" are comments there).
 */
static void
serve(struct mx *x, int fd)
{
	char req[REQUEST_MAX], *body;
	size_t len = 0;
	int head_only;

	if (read_head(fd, req, sizeof(req)) == -1) {
		x->refused++;
		return;
	}
	head_only = strncmp(req, "HEAD ", 5) == 0;
	if (strncmp(req, "GET ", 4) != 0 && !head_only) {
		answer_text(fd, "405 Method Not Allowed", "GET only\n");
		x->refused++;
		return;
	}
	if (strncmp(req + (head_only ? 5 : 4), "/metrics", 8) != 0 ||
	    strchr(" ?", req[(head_only ? 5 : 4) + 8]) == NULL) {
		answer_text(fd, "404 Not Found", "see /metrics\n");
		x->refused++;
		return;
	}
	if ((body = scrape(x, &len)) == NULL) {
		answer_text(fd, "503 Service Unavailable",
		    "ctsyncd did not answer (a worker may be restarting)\n");
		return;
	}
	answer(fd, "200 OK", strstr(req, "application/openmetrics-text") ?
	    "application/openmetrics-text; version=1.0.0; charset=utf-8" :
	    "text/plain; version=0.0.4; charset=utf-8", body, len, head_only);
	free(body);
	x->served++;
}

static void
loop(struct mx *x, const sigset_t *waitmask)
{
	while (!worker_should_stop()) {
		struct pollfd pfd[2] = {
			{ .fd = x->chan.fd, .events = POLLIN },
			{ .fd = x->listen_fd, .events = POLLIN },
		};
		int fd;

		if (ppoll(pfd, 2, NULL, waitmask) == -1) {
			if (errno != EINTR)
				fatal("ppoll");
			continue;
		}
		/* nothing is due from the supervisor between scrapes */
		if (pfd[0].revents && chan_read(&x->chan) == 0)
			return;
		if (!(pfd[1].revents & POLLIN))
			continue;
		fd = accept4(x->listen_fd, NULL, NULL, SOCK_CLOEXEC |
		    SOCK_NONBLOCK);
		if (fd == -1)
			continue;
		serve(x, fd);
		close(fd);
		sandbox_report_trap();
	}
}

int
main(int argc, char **argv)
{
	static struct mx x;
	sigset_t waitmask;

	worker_start(&x.chan, "metrics listener", argc, argv, &x.args,
	    MSG_BIT(MSG_METRICS_SOCKET), MSG_BIT(MSG_METRICS_SOCKET));
	x.listen_fd = PEER_FD;
	worker_drop_to_user(&x.args);	/* common/drop.c */
	worker_signals(&waitmask);
	sandbox_load(metrics_allow, sizeof(metrics_allow) /
	    sizeof(metrics_allow[0]));
	loop(&x, &waitmask);
	return 0;
}
