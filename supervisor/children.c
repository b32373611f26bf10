/*
 * One-shot children: the commit.  The supervisor starts ctsyncd-commit
 * with a channel of its own (fd 3) and one end of a fresh socketpair
 * (fd 4), hands the other end to the sync worker, which streams the
 * external cache into it.  The child reports once and exits; one that
 * dies first or hangs past CHILD_TIMEOUT is reported (and killed).  A
 * child's death never stops the daemon.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msgs.h"
#include "supervisor.h"

int
commit_running(const struct sup *s)
{
	return s->commit.pid > 0;
}

int
commit_start(struct sup *s, struct ctl_op *op)
{
	struct child *c = &s->commit;
	char timeout[16];
	const char *extra[5] = { NULL };
	int ch[2], objs[2], n = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ch) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, objs) == -1) {
		log_warn("commit: socketpair");
		return -1;
	}
	if (s->conf->sync.commit_timeout) {
		snprintf(timeout, sizeof(timeout), "%u",
		    s->conf->sync.commit_timeout);
		extra[n++] = "-T";
		extra[n++] = timeout;
	}
	if (s->conf->sync.tcp_window_tracking)
		extra[n++] = "-W";
	log_info("committing all external caches");
	memset(c, 0, sizeof(*c));
	c->pid = spawn(s, "ctsyncd-commit", ch[1], objs[1], extra);
	close(ch[1]);
	close(objs[1]);
	fcntl(ch[0], F_SETFL, O_NONBLOCK);
	chan_init(&c->chan, ch[0], "commit child", CHAN_MSG_MAX,
	    MSG_BIT(MSG_LOG) | MSG_BIT(MSG_CHILD_DONE), 0);
	c->op = op;
	c->started = time(NULL);
	/* the channel closes our end once it has gone to the sync worker */
	msg_send_commit_start(&s->w[W_SYNC].chan, objs[0]);
	return 0;
}

static void
report(struct sup *s, const struct child_result *r)
{
	struct child *c = &s->commit;

	c->reported = 1;
	log_info("Committed %u new entries", r->ok);
	if (r->failed)
		log_warnx("%u entries can't be committed", r->failed);
	log_info("commit has taken %llu.%06llu seconds",
	    (unsigned long long)(r->usec / 1000000),
	    (unsigned long long)(r->usec % 1000000));
	if (c->op) {
		struct ctl_op *op = c->op;

		c->op = NULL;
		control_op_resume(s, op);
	}
}

void
child_read(struct sup *s)
{
	struct child *c = &s->commit;
	struct child_result r;
	char text[LOG_MSG_MAX];
	struct msg m;
	const char *why;
	int n, level;

	if (chan_read(&c->chan) == 0) {
		/* closed: its exit status tells the rest */
		close(c->chan.fd);
		c->chan.fd = -1;
		return;
	}
	while ((n = chan_get(&c->chan, &m, &why)) == 1) {
		if (m.type == MSG_LOG) {
			if (msg_recv_log(&m, &level, text, sizeof(text)) == -1)
				break;
			log_emit(level, (int)c->pid, "commit", text);
		} else if (msg_recv_child_done(&m, &r) == 0 && !c->reported)
			report(s, &r);
		else
			break;
	}
	if (n != 0 && n != 1) {
		log_warnx("commit child: %s; killing it", why);
		kill(c->pid, SIGKILL);
	}
}

/* Returns 1 if `pid' was a child of ours (now reaped and reported). */
int
child_reaped(struct sup *s, pid_t pid, int status)
{
	struct child *c = &s->commit;
	char how[256];

	if (c->pid == 0 || pid != c->pid)
		return 0;
	if (!c->reported) {
		describe_exit(status, how, sizeof(how));
		log_errx("commit child (pid %d) %s before reporting",
		    (int)pid, how);
		s->rt.child_failed++;
		if (WIFSIGNALED(status)) {
			s->rt.child_termsig++;
			if (WTERMSIG(status) == SIGSEGV)
				s->rt.child_segfault++;
		}
		if (c->op)
			control_op_fail(c->op, "commit failed");
	}
	if (c->chan.fd >= 0)
		close(c->chan.fd);
	chan_free(&c->chan);
	memset(c, 0, sizeof(*c));
	return 1;
}

void
child_check_timeout(struct sup *s)
{
	struct child *c = &s->commit;

	if (c->pid > 0 && !c->reported &&
	    time(NULL) - c->started > CHILD_TIMEOUT) {
		log_errx("commit child (pid %d) did not finish within %d "
		    "seconds: killed", (int)c->pid, CHILD_TIMEOUT);
		kill(c->pid, SIGKILL);
		c->started = time(NULL);	/* report once */
	}
}
