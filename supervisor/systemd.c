/*
 * What systemd hears (sd_notify's protocol, without libsystemd): READY=1
 * with MAINPID= once both workers are up (after -d's fork too), STOPPING=1,
 * and the watchdog.  WATCHDOG=1 is sent only while both workers answer:
 * every half WatchdogSec each worker gets a PING over its channel, and
 * systemd hears WATCHDOG=1 at the next tick only if both answered that
 * PING.  A worker whose loop is stuck, or one being restarted for longer
 * than that, lets the watchdog run out, and systemd acts.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "supervisor.h"

void
notify_systemd(const struct conf *c, const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	if (!c->systemd || path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun,
	    len);
	close(fd);
}

/* READY=1 and our pid: after -d's fork it is not the one systemd started. */
void
notify_ready(const struct sup *s)
{
	char state[64];

	snprintf(state, sizeof(state), "READY=1\nMAINPID=%d", (int)getpid());
	notify_systemd(s->conf, state);
}

/*
 * WATCHDOG_USEC (and WATCHDOG_PID, when set: systemd's main pid, ours or
 * the one -d forked from) turn the watchdog on.
 */
void
watchdog_init(struct sup *s, pid_t started_as)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long us;
	char *end;

	s->wd.period_ms = 0;
	if (usec == NULL || !s->conf->systemd)
		return;
	us = strtoull(usec, &end, 10);
	if (*end != '\0' || us < 2000)
		return;
	if (pid != NULL && atoi(pid) != (int)getpid() &&
	    atoi(pid) != (int)started_as)
		return;
	s->wd.period_ms = us / 2000;	/* half of it, in ms */
	s->wd.next_ms = mono_ms();
	log_info("systemd watchdog: every %llu ms while both workers answer",
	    (unsigned long long)s->wd.period_ms);
}

/* How long the loop may sleep before the next tick; 1000 if off. */
int
watchdog_timeout_ms(const struct sup *s)
{
	uint64_t now = mono_ms();

	if (s->wd.period_ms == 0)
		return 1000;
	if (s->wd.next_ms <= now)
		return 0;
	return s->wd.next_ms - now < 1000 ? (int)(s->wd.next_ms - now) : 1000;
}

/* A tick: WATCHDOG=1 if both answered the last PING, then a new one. */
void
watchdog_tick(struct sup *s)
{
	uint64_t now = mono_ms();
	int k, all = 1;

	if (s->wd.period_ms == 0 || now < s->wd.next_ms)
		return;
	s->wd.next_ms = now + s->wd.period_ms;
	for (k = 0; k < W_COUNT; k++)
		all &= s->w[k].pid > 0 && s->w[k].ready &&
		    s->w[k].pong == s->wd.seq;
	if (all && s->wd.seq != 0) {
		notify_systemd(s->conf, "WATCHDOG=1");
		s->wd.fed++;
	} else if (s->wd.seq != 0)
		s->wd.missed++;
	s->wd.seq++;
	for (k = 0; k < W_COUNT; k++)
		if (s->w[k].pid > 0 && s->w[k].ready)
			msg_send_ping(&s->w[k].chan, s->wd.seq);
}

void
watchdog_pong(struct worker *w, const struct msg *m)
{
	if (msg_recv_pong(m, &w->pong) == -1)
		fatalx("malformed PONG from %s", w->name);
}
