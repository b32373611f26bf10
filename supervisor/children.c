/*
 * One-shot children: commit (-c) and kernel flush (-F, and -t when its
 * timer fires).  The supervisor starts ctsyncd-commit with a channel of
 * its own (fd 3) and one end of a fresh socketpair (fd 4), and hands the
 * other end to the sync worker in SELF_START: for a commit the external
 * cache is streamed into it; either way its closing tells the child to go.
 * The child reports once and exits; one that dies first or hangs past
 * CHILD_TIMEOUT is reported (and killed), and for a client's request
 * started once more.  A child's death never stops the daemon.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "msgs.h"
#include "supervisor.h"

/*
 * What the child does, told the sync worker in SELF_START: a flush with
 * a Filter deletes only what it accepts; a commit takes the entries, the
 * expectations (ExpectationSync), or both, as the request says.
 */
static int
child_what(struct sup *s, struct child *c, struct ctl_op *op)
{
	int req = op ? (int)op->req : -1;

	if (c->what == SELF_FLUSH)
		return s->conf->filter.present ? SELF_FLUSH_FILTERED :
		    SELF_FLUSH;
	if (!s->conf->sync.expect_sync || req == REQ_CT_COMMIT)
		return SELF_COMMIT;
	return req == REQ_EXP_COMMIT ? SELF_COMMIT_EXP : SELF_COMMIT_ALL;
}

/*
 * A commit's own entries need no event: the netlink worker takes the
 * event socket out of the new-entry group until the commit's end, when
 * a dump brings what traffic created meanwhile (nl_events.c).  Only
 * where events feed an internal cache: not with PollSecs, not with
 * DisableInternalCache (events go to the peers at once).
 */
static void
quiet_new_events(struct sup *s)
{
	const struct conf *cf = s->conf;
	struct worker *nw = &s->w[W_NETLINK];

	if (cf->nl.poll_secs || (cf->sync.mode == MODE_NOTRACK &&
	    cf->sync.disable_internal_cache))
		return;
	if (nw->pid > 0 && nw->chan.fd != -1)
		msg_send_new_events_off(&nw->chan);
}

int
child_start(struct sup *s, struct child *c, struct ctl_op *op)
{
	char timeout[16];
	const char *extra[8] = { NULL };
	int ch[2], objs[2], n = 0, what;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ch) == -1)
		return -1;
	/* non-blocking both ends: the sync worker may not call fcntl */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
	    objs) == -1) {
		close(ch[0]);
		close(ch[1]);
		return -1;
	}
	what = child_what(s, c, op);
	if (what == SELF_FLUSH)
		extra[n++] = "-F";
	else if (what == SELF_FLUSH_FILTERED)
		extra[n++] = "-L";
	/* expectations: -F expect alone, or -F with ExpectationSync */
	if (c->what == SELF_FLUSH && s->conf->sync.expect_sync && op &&
	    (op->req == REQ_EXP_FLUSH_MASTER ||
	    op->req == REQ_ALL_FLUSH_MASTER))
		extra[n++] = "-E";
	if (c->what == SELF_FLUSH && op && op->req == REQ_EXP_FLUSH_MASTER)
		extra[n++] = "-N";
	if (s->conf->sync.commit_timeout) {
		snprintf(timeout, sizeof(timeout), "%u",
		    s->conf->sync.commit_timeout);
		extra[n++] = "-T";
		extra[n++] = timeout;
	}
	if (s->conf->sync.tcp_window_tracking)
		extra[n++] = "-W";
	c->pid = spawn(s, "ctsyncd-commit", ch[1], objs[1], extra);
	close(ch[1]);
	close(objs[1]);
	fcntl(ch[0], F_SETFL, O_NONBLOCK);
	chan_init(&c->chan, ch[0], c->name, CHAN_MSG_MAX,
	    MSG_BIT(MSG_LOG) | MSG_BIT(MSG_CHILD_DONE), 0);
	if (what == SELF_FLUSH_FILTERED) {
		/* a few KiB into a fresh socket: written at once */
		msg_send_cfg_filter(&c->chan, &s->conf->filter);
		chan_flush_all(&c->chan);
	}
	c->op = op;
	c->started = mono_secs();
	c->reported = 0;
	if (what == SELF_COMMIT || what == SELF_COMMIT_ALL)
		quiet_new_events(s);
	/* the channel closes our end once it has gone to the sync worker */
	msg_send_self_start(&s->w[W_SYNC].chan, what, objs[0]);
	return 0;
}

static void
report(struct sup *s, struct child *c, const struct child_result *r)
{
	c->reported = 1;
	if (c->what == SELF_COMMIT) {
		log_info("Committed %u new entries", r->ok);
		if (r->failed)
			log_warnx("%u entries can't be committed", r->failed);
		if (r->exp_ok || r->exp_failed)
			log_info("Committed %u new expectations", r->exp_ok);
		if (r->exp_failed)
			log_warnx("%u expectations can't be committed",
			    r->exp_failed);
		log_info("commit has taken %llu.%06llu seconds",
		    (unsigned long long)(r->usec / 1000000),
		    (unsigned long long)(r->usec % 1000000));
	} else if (r->failed)
		log_warnx("flushing the kernel conntrack table failed");
	if (c->op) {
		struct ctl_op *op = c->op;

		c->op = NULL;
		control_op_resume(s, op);
	}
}

void
child_read(struct sup *s, struct child *c)
{
	struct child_result r;
	char text[LOG_MSG_MAX];
	struct msg m;
	const char *why = "malformed message";
	int n, level;

	if (chan_read(&c->chan) == 0) {
		/* closed: its exit status tells the rest */
		close(c->chan.fd);
		c->chan.fd = -1;
		return;
	}
	while ((n = chan_get(&c->chan, &m, &why)) == 1) {
		if (m.type == MSG_LOG &&
		    msg_recv_log(&m, &level, text, sizeof(text)) == 0)
			log_emit(level, (int)c->pid, c->name, text);
		else if (m.type == MSG_CHILD_DONE && !c->reported &&
		    msg_recv_child_done(&m, &r) == 0)
			report(s, c, &r);
		else {
			n = -1;
			break;
		}
	}
	if (n == -1) {
		log_warnx("%s: %s; killing it", c->name, why);
		kill(c->pid, SIGKILL);
	}
}

/*
 * A child that died before reporting, for a client's request, is started
 * once more: a commit is all or nothing for the one who asked.  The
 * sync worker still counts the first one's kernel events as its own.
 */
static int
retry(struct sup *s, struct child *c)
{
	struct ctl_op *op = c->op;

	if (op == NULL || c->retried || s->shutting_down)
		return 0;
	if (c->chan.fd >= 0)
		close(c->chan.fd);
	chan_free(&c->chan);
	c->pid = 0;
	c->op = NULL;
	c->retried = 1;
	log_warnx("%s: trying once more", c->name);
	if (child_start(s, c, op) == 0)
		return 1;
	log_warn("cannot start the %s again", c->name);
	c->op = op;
	return 0;
}

static int
reaped(struct sup *s, struct child *c, pid_t pid, int status)
{
	char how[256];

	if (c->pid == 0 || pid != c->pid)
		return 0;
	if (!c->reported) {
		describe_exit(status, how, sizeof(how));
		log_errx("%s (pid %d) %s before reporting", c->name, (int)pid,
		    how);
		s->rt.child_failed++;
		if (WIFSIGNALED(status)) {
			s->rt.child_termsig++;
			if (WTERMSIG(status) == SIGSEGV)
				s->rt.child_segfault++;
		}
		if (retry(s, c))
			return 1;
		if (c->op)
			control_op_fail(c->op, c->retried ? "the child failed "
			    "twice" : "the child failed");
		/*
		 * The end of the child's events all the same: without it the
		 * sync worker would go on taking kernel events for the
		 * child's own (not to be sent to the peers).
		 */
		control_internal_request(s, REQ_CHILD_END);
	}
	if (c->chan.fd >= 0)
		close(c->chan.fd);
	chan_free(&c->chan);
	c->pid = 0;
	c->op = NULL;
	return 1;
}

/* Returns 1 if `pid' was one of our children (now reaped and reported). */
int
child_reaped(struct sup *s, pid_t pid, int status)
{
	return reaped(s, &s->commit, pid, status) ||
	    reaped(s, &s->flush, pid, status);
}

static void
check_timeout(struct child *c)
{
	if (c->pid > 0 && !c->reported &&
	    mono_secs() - c->started > CHILD_TIMEOUT) {
		log_errx("%s (pid %d) did not finish within %d seconds: "
		    "killed", c->name, (int)c->pid, CHILD_TIMEOUT);
		kill(c->pid, SIGKILL);
		c->started = mono_secs();	/* report once */
	}
}

/* Children that hang, and the flush that -t scheduled. */
void
child_check_timers(struct sup *s)
{
	check_timeout(&s->commit);
	check_timeout(&s->flush);
	if (s->purge_at && mono_secs() >= s->purge_at) {
		purge_schedule(s, 0);
		log_info("flushing kernel conntrack table (scheduled)");
		control_internal_request(s, REQ_ALL_FLUSH_MASTER);
	}
}
