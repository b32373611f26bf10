/*
 * The Metrics listener (General { Metrics { } }).  We open its TCP socket
 * (so any port works) and start ctsyncd-metrics with it: unprivileged,
 * chrooted, seccomp-confined (ctl/metrics_main.c), it alone speaks HTTP.
 * For each scrape it asks for a control connection (METRICS_ASK) and gets
 * one end of a new socketpair (METRICS_SOCKET); we serve the other end as
 * a control client that may send only a METRICS request.  The listener is
 * not essential: it is restarted when it dies, and left stopped, with a
 * log line, after METRICS_LOOP_DEATHS deaths in a minute; replication
 * goes on either way.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "msgs.h"
#include "supervisor.h"

#define METRICS_BINARY		"ctsyncd-metrics"
#define METRICS_LOOP_DEATHS	5
#define METRICS_RESTART_MS	1000

/* The listening socket, bound before the privileges are dropped. */
int
metrics_open(struct sup *s)
{
	const struct conf_addr *a = &s->conf->metrics.addr;
	struct sockaddr_storage ss;
	socklen_t len;
	char text[INET6_ADDRSTRLEN];
	int fd, one = 1;

	s->mx.listen_fd = -1;
	s->mx.pid = 0;
	s->mx.chan.fd = -1;
	if (!s->conf->metrics.on)
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_addr = a->a.v4;
		in->sin_port = htons(s->conf->metrics.port);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = a->a.v6;
		in6->sin6_port = htons(s->conf->metrics.port);
		len = sizeof(*in6);
	}
	inet_ntop(a->family, &a->a, text, sizeof(text));
	if ((fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    (a->family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 16) == -1) {
		log_warn("Metrics: cannot listen on %s port %u", text,
		    s->conf->metrics.port);
		if (fd != -1)
			close(fd);
		return -1;
	}
	s->mx.listen_fd = fd;
	log_info("Metrics: listening on %s port %u", text,
	    s->conf->metrics.port);
	return 0;
}

void
metrics_start(struct sup *s)
{
	int sv[2];

	if (s->mx.listen_fd == -1 || s->mx.gave_up)
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair");
	s->mx.pid = spawn(s, METRICS_BINARY, sv[1], s->mx.listen_fd, NULL);
	close(sv[1]);
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	chan_init(&s->mx.chan, sv[0], "metrics listener", CHAN_MSG_MAX,
	    MSG_BIT(MSG_LOG) | MSG_BIT(MSG_METRICS_ASK), 0);
	s->mx.restart_at = 0;
}

static void
close_chan(struct sup *s)
{
	if (s->mx.chan.fd != -1) {
		close(s->mx.chan.fd);
		chan_free(&s->mx.chan);
	}
}

/* A scrape: a control connection of its own, served like any other. */
static void
answer_ask(struct sup *s)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("Metrics: socketpair");
		return;
	}
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1 ||
	    control_adopt(s, sv[0], 1) == -1) {
		close(sv[0]);
		close(sv[1]);	/* the listener answers 503 */
		return;
	}
	msg_send_metrics_socket(&s->mx.chan, sv[1]);	/* closes sv[1] */
}

static void
kill_listener(struct sup *s, const char *why)
{
	log_warnx("Metrics: the listener %s; stopping it", why);
	kill(s->mx.pid, SIGKILL);	/* reaped: restarted later */
}

/* What the listener sends: log lines and requests for a connection. */
void
metrics_read(struct sup *s)
{
	char text[CTL_MSG_MAX];
	const char *why;
	struct msg m;
	int n, level;

	if ((n = chan_read(&s->mx.chan)) == 0) {
		close_chan(s);		/* SIGCHLD tells how it ended */
		return;
	}
	while ((n = chan_get(&s->mx.chan, &m, &why)) == 1) {
		if (m.type == MSG_LOG && msg_recv_log(&m, &level, text,
		    sizeof(text)) == 0)
			log_emit(level, (int)s->mx.pid, "metrics listener",
			    text);
		else if (m.type == MSG_METRICS_ASK &&
		    msg_recv_metrics_ask(&m) == 0)
			answer_ask(s);
		else {
			kill_listener(s, "sent a malformed message");
			return;
		}
	}
	if (n == -1)
		kill_listener(s, why);
}

/* 1 if `pid' was the listener (then reaped and perhaps restarted). */
int
metrics_reaped(struct sup *s, pid_t pid, int status)
{
	uint64_t now = mono_ms();
	char how[256];

	if (s->mx.pid <= 0 || pid != s->mx.pid)
		return 0;
	s->mx.pid = 0;
	close_chan(s);
	if (s->shutting_down)
		return 1;
	describe_exit(status, how, sizeof(how));
	s->rt.child_failed++;
	if (now - s->mx.first_death_ms > 60000) {
		s->mx.first_death_ms = now;
		s->mx.deaths = 0;
	}
	if (++s->mx.deaths >= METRICS_LOOP_DEATHS) {
		log_errx("Metrics: the listener %s, its %uth death within a "
		    "minute; metrics stay off until ctsyncd restarts", how,
		    s->mx.deaths);
		s->mx.gave_up = 1;
		return 1;
	}
	log_warnx("Metrics: the listener %s; restarting it", how);
	s->mx.restart_at = now + METRICS_RESTART_MS;
	return 1;
}

void
metrics_restart_due(struct sup *s)
{
	if (s->mx.restart_at != 0 && mono_ms() >= s->mx.restart_at &&
	    !s->shutting_down) {
		metrics_start(s);
		log_notice("Metrics: the listener restarted (pid %d)",
		    (int)s->mx.pid);
	}
}

void
metrics_stop(struct sup *s)
{
	if (s->mx.pid > 0) {
		kill(s->mx.pid, SIGKILL);
		waitpid(s->mx.pid, NULL, 0);
		s->mx.pid = 0;
	}
	close_chan(s);
	if (s->mx.listen_fd != -1) {
		close(s->mx.listen_fd);
		s->mx.listen_fd = -1;
	}
}
