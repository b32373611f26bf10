/*
 * The control socket: a root-only UNIX stream socket (or root plus the
 * ControlGroup), one request per connection, answered with stats blocks
 * and text, then CTL_DONE.  A request is a short list of steps: blocks the
 * supervisor writes itself, and queries answered by a worker.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "clock.h"
#include "log.h"
#include "msgs.h"
#include "supervisor.h"

#define CTL_BACKLOG 100

static void
mkdir_parent(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	if (mkdir(dirname(buf), 0755) == -1 && errno != EEXIST)
		log_warn("mkdir %s", buf);
}

int
control_open(struct sup *s)
{
	const struct conf *c = s->conf;
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	s->ctl_gid = (gid_t)-1;
	if (c->control_group[0]) {
		struct group *gr = getgrnam(c->control_group);

		if (gr == NULL) {
			log_errx("ControlGroup `%s' does not exist",
			    c->control_group);
			return -1;
		}
		s->ctl_gid = gr->gr_gid;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", c->unix_path);
	mkdir_parent(c->unix_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		log_warn("control socket");
		return -1;
	}
	/* we hold the lock, so an existing socket is a stale one */
	unlink(c->unix_path);
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("bind %s", c->unix_path);
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	if (s->ctl_gid != (gid_t)-1 && (chown(c->unix_path, 0, s->ctl_gid)
	    == -1 || chmod(c->unix_path, 0660) == -1))
		log_warn("cannot give group `%s' access to %s",
		    c->control_group, c->unix_path);
	if (listen(fd, CTL_BACKLOG) == -1) {
		log_warn("listen %s", c->unix_path);
		close(fd);
		return -1;
	}
	return fd;
}

static void finish(struct ctl_op *, uint32_t, const char *);
static void advance(struct sup *, struct ctl_op *);

static void
op_free(struct ctl_op *op)
{
	if (op->on_worker != NULL || op->on_child)
		fatalx("control: request %u freed while it waits", op->id);
	if (!op->client_gone) {
		chan_free(&op->chan);
		close(op->fd);
	}
	memset(op, 0, sizeof(*op));
	op->fd = -1;
}

static const char *
op_name(const struct ctl_op *op)
{
	return op->req == REQ_MAX ? "(no request yet)" :
	    client_req_name((int)op->req);
}

/* Free the slot unless a worker or a child still owes it an answer. */
static void
op_release(struct ctl_op *op)
{
	if (op->on_worker == NULL && !op->on_child)
		op_free(op);
}

/*
 * The client is gone, or is sent away (`why'): close its connection now.
 * A request still under way runs to its end (a commit or flush is not
 * left half-done), but its answer is dropped; a paused dump is stopped.
 */
static void
op_client_gone(struct sup *s, struct ctl_op *op, const char *why)
{
	if (op->client_gone)
		return;
	s->rt.ctl_client_gone++;
	log_warnx("control: client of request %u (%s) gone: %s", op->id,
	    op_name(op), why);
	chan_free(&op->chan);
	close(op->fd);
	op->fd = -1;
	op->client_gone = 1;
	if (op->paused) {
		op->paused = 0;
		msg_send_answer_more(&op->on_worker->chan, op->id, 1);
	}
	op_release(op);
}

/* Stop accepting: close and remove the socket (idempotent). */
void
control_stop_listening(struct sup *s)
{
	if (s->ctl_fd >= 0) {
		close(s->ctl_fd);
		unlink(s->conf->unix_path);
		s->ctl_fd = -1;
	}
}

/*
 * The client that asked for the shutdown learns it is complete only now,
 * so that `ctsyncd -k && ctsyncd -d' cannot find the lock still held.
 */
void
control_answer_kill(struct sup *s)
{
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_op *op = &s->ops[i];

		if (op->active && op->req == REQ_KILL && !op->client_gone) {
			finish(op, CTL_OK, "");
			chan_flush_all(&op->chan);
		}
	}
}

void
control_close(struct sup *s)
{
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->ops[i].active) {
			/* at exit nothing will answer them any more */
			s->ops[i].on_worker = NULL;
			s->ops[i].on_child = 0;
			op_free(&s->ops[i]);
		}
	control_stop_listening(s);
}

/* Refuse a peer politely: one CTL_DONE, then close. */
static void
refuse(int fd, const char *why)
{
	struct chan c;

	chan_init(&c, fd, "client", CTL_MSG_MAX, 0, 0);
	msg_send_ctl_done(&c, CTL_ERR, why);
	chan_flush(&c);
	chan_free(&c);
	close(fd);
}

static int
peer_allowed(struct sup *s, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return 0;
	if (cred.uid == 0)
		return 1;
	if (s->ctl_gid != (gid_t)-1 && cred.gid == s->ctl_gid)
		return 1;
	s->rt.ctl_rejected++;
	log_warnx("control: refused a connection from uid %u gid %u",
	    (unsigned)cred.uid, (unsigned)cred.gid);
	return 0;
}

/*
 * Serve `fd' as a control connection; -1 if every slot is taken.  The
 * Metrics listener's connections (metrics_only) may ask for metrics only.
 */
int
control_adopt(struct sup *s, int fd, int metrics_only)
{
	struct ctl_op *op = NULL;
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS && op == NULL; i++)
		if (!s->ops[i].active)
			op = &s->ops[i];
	if (op == NULL)
		return -1;
	memset(op, 0, sizeof(*op));
	op->active = 1;
	op->fd = fd;
	op->req = REQ_MAX;
	op->metrics_only = metrics_only;
	op->accepted = mono_secs();
	control_request_chan(&op->chan, fd);
	return 0;
}

void
control_accept(struct sup *s)
{
	int fd;

	fd = accept4(s->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control: accept");
		return;
	}
	if (!peer_allowed(s, fd)) {
		refuse(fd, "permission denied");
		return;
	}
	if (control_adopt(s, fd, 0) == -1)
		refuse(fd, "too many control connections, try again");
}

static void
send_block(struct ctl_op *op, const struct stats_block *b)
{
	if (b->kind == SB_HEALTH && !b->v[ST_HEALTH_OK])
		op->unhealthy = 1;
	/* a copy of the peer's table that is compared but not verified */
	if (b->kind == SB_INSYNC && b->v[ST_INSYNC_COMPARED] &&
	    !b->v[ST_INSYNC_VERIFIED])
		op->unhealthy = 1;
	if (!op->client_gone)
		msg_send_stats_block(&op->chan, op->id, b);
}

/* The answer is complete: CTL_DONE, or the slot freed if nobody reads. */
static void
finish(struct ctl_op *op, uint32_t status, const char *text)
{
	op->changing = 0;	/* the next one may start (control_next_change) */
	if (op->client_gone) {
		op_release(op);
		return;
	}
	msg_send_ctl_done(&op->chan, status, text);
	op->closing = 1;
}

static void
ask_worker(struct ctl_op *op, struct worker *w)
{
	char why[64];

	if (w->pid == 0 || !w->ready) {
		snprintf(why, sizeof(why), "the %s is restarting", w->name);
		finish(op, CTL_ERR, why);
		return;
	}
	if (w->nwaiting == CTL_MAX_CLIENTS)
		fatalx("%s: too many queries waiting", w->name);
	w->waiting[w->nwaiting++] = op;
	op->on_worker = w;
	msg_send_worker_req(&w->chan, op->id, op->req);
}

static void
self_health(struct sup *s, struct ctl_op *op)
{
	struct stats_block b;

	stats_block_init(&b, SB_HEALTH, "supervisor");
	b.v[ST_HEALTH_PID] = (uint64_t)getpid();
	b.v[ST_HEALTH_OK] = 1;
	b.v[ST_HEALTH_RESTARTS] = s->rt.worker_restarts;
	send_block(op, &b);
}

/* What misbehaving control clients cost: refusals and drops, counted. */
static void
control_block(struct sup *s, struct ctl_op *op)
{
	struct stats_block b;

	stats_block_init(&b, SB_CONTROL, NULL);
	b.v[ST_CONTROL_REFUSED] = s->rt.ctl_rejected;
	b.v[ST_CONTROL_MALFORMED] = s->rt.local_read_failed;
	b.v[ST_CONTROL_GONE_MID_ANSWER] = s->rt.ctl_client_gone;
	b.v[ST_CONTROL_IDLE_CLOSED] = s->rt.ctl_idle;
	b.v[ST_CONTROL_ANSWERS_DROPPED] = s->rt.ctl_answer_dropped;
	send_block(op, &b);
}

static void
runtime_block(struct sup *s, struct ctl_op *op)
{
	struct stats_block b;

	stats_block_init(&b, SB_RUNTIME, NULL);
	b.v[ST_RUNTIME_CHILD_FAILED] = s->rt.child_failed;
	b.v[ST_RUNTIME_CHILD_SEGFAULT] = s->rt.child_segfault;
	b.v[ST_RUNTIME_CHILD_TERMSIG] = s->rt.child_termsig;
	b.v[ST_RUNTIME_SELECT_FAILED] = s->rt.poll_failed;
	b.v[ST_RUNTIME_WAIT_FAILED] = s->rt.wait_failed;
	b.v[ST_RUNTIME_LOCAL_READ_FAILED] = s->rt.local_read_failed;
	b.v[ST_RUNTIME_LOCAL_UNKNOWN_REQUEST] = s->rt.local_unknown_request;
	send_block(op, &b);
}

static void
process_block(struct ctl_op *op, const struct child *c, int type)
{
	struct stats_block b;

	if (c->pid <= 0)
		return;
	stats_block_init(&b, SB_PROCESS, NULL);
	b.v[ST_PROCESS_PID] = (uint64_t)c->pid;
	b.v[ST_PROCESS_TYPE] = (uint64_t)type;
	send_block(op, &b);
}

/*
 * Kernel changes go one at a time: a commit or a flush, from its child's
 * start to the end of its request (the netlink worker's barrier after
 * it, the sync worker's step).  Overlapping, the end of one would end
 * the other's quiet period (children.c quiet_new_events) and the sync
 * worker's note that the kernel's events are its own doing (SELF_START),
 * and the rest of a commit would go back to the peers as new states.
 * conntrackd runs a commit and a flush side by side.
 */
static int
kernel_change_running(const struct sup *s)
{
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->ops[i].active && s->ops[i].changing)
			return 1;
	return 0;
}

/* From the main loop: the requests that waited, oldest first, while no
 * kernel change runs. */
void
control_next_change(struct sup *s)
{
	if (s->shutting_down)
		return;		/* their clients are told by the closing */
	while (!kernel_change_running(s)) {
		struct ctl_op *next = NULL;
		int i;

		for (i = 0; i < CTL_MAX_CLIENTS; i++)
			if (s->ops[i].active && s->ops[i].awaiting_turn &&
			    (next == NULL || s->ops[i].id < next->id))
				next = &s->ops[i];
		if (next == NULL)
			return;
		next->awaiting_turn = 0;
		next->on_child = 0;
		advance(s, next);
	}
}

/*
 * Start the commit or flush child of this step; returns 1 if the request
 * now waits for it, or for its turn.  One child of each kind at a time,
 * as in conntrackd.
 */
static int
start_child(struct sup *s, struct ctl_op *op)
{
	int commit = op->steps[op->step] == STEP_COMMIT;
	struct child *c = commit ? &s->commit : &s->flush;

	if (c->pid > 0) {
		if (commit)
			log_warnx("commit already in progress, skipping");
		finish(op, CTL_OK, "");
		return 1;
	}
	if (kernel_change_running(s)) {
		log_info("%s waits for the kernel change in progress",
		    commit ? "the commit" : "the flush");
		op->awaiting_turn = 1;
		op->on_child = 1;	/* not freed if its client goes */
		return 1;
	}
	if (commit)
		log_info(op->req == REQ_EXP_COMMIT ?
		    "committing expectation cache" : op->req == REQ_CT_COMMIT ?
		    "committing conntrack cache" :
		    "committing all external caches");
	else if (op->fd >= 0 && op->req != REQ_EXP_FLUSH_MASTER)
		log_info("flushing kernel conntrack table");
	if (!commit && s->conf->sync.expect_sync &&
	    (op->req == REQ_EXP_FLUSH_MASTER ||
	    op->req == REQ_ALL_FLUSH_MASTER))
		log_info("flushing kernel expect table");
	c->retried = 0;
	if (child_start(s, c, op) == -1) {
		log_warn("cannot start the %s", c->name);
		finish(op, CTL_ERR, "cannot start the child");
	} else
		op->on_child = op->changing = 1;
	return 1;
}

/*
 * ctsyncctl debug on|off: debug lines in the supervisor and both workers
 * (restarted workers and children are started with -v while it is on).
 */
static void
set_debug(struct sup *s, int on)
{
	int i;

	s->verbose = on;
	log_set_verbose(on);
	for (i = 0; i < W_COUNT; i++)
		if (s->w[i].pid > 0 && s->w[i].chan.fd != -1)
			msg_send_log_verbose(&s->w[i].chan, (uint32_t)on);
	log_notice("debug logging %s (ctsyncctl debug)", on ? "on" : "off");
}

/* Run the request's steps until one has to wait for a worker. */
static void
advance(struct sup *s, struct ctl_op *op)
{
	struct stats_block b;

	for (;;) {
		switch (op->steps[op->step]) {
		case STEP_END:
			/* health fails if any process says it is not well */
			if (op->unhealthy && op->req == REQ_HEALTH)
				finish(op, CTL_ERR, "not healthy");
			else
				finish(op, CTL_OK, "");
			return;
		case STEP_ASK_NETLINK:
			ask_worker(op, &s->w[W_NETLINK]);
			return;
		case STEP_ASK_SYNC:
			ask_worker(op, &s->w[W_SYNC]);
			return;
		case STEP_UPTIME:
			stats_block_init(&b, SB_UPTIME, NULL);
			b.v[ST_UPTIME_SECONDS] =
			    (uint64_t)(mono_secs() - s->started);
			send_block(op, &b);
			break;
		case STEP_RUNTIME:
			runtime_block(s, op);
			break;
		case STEP_PROCESSES:
			process_block(op, &s->flush, 1);
			process_block(op, &s->commit, 2);
			break;
		case STEP_COMMIT: case STEP_FLUSH:
			if (start_child(s, op))
				return;		/* resumed when it reports */
			break;
		case STEP_PURGE_TIMER:
			if (s->purge_at == 0) {
				purge_schedule(s, mono_secs() +
				    s->conf->sync.purge_timeout);
				log_info("flushing conntrack table in %u secs",
				    s->conf->sync.purge_timeout);
			}
			break;
		case STEP_SELF_HEALTH:
			self_health(s, op);
			control_block(s, op);
			break;
		case STEP_DEBUG_ON: case STEP_DEBUG_OFF:
			set_debug(s, op->steps[op->step] == STEP_DEBUG_ON);
			break;
		}
		op->step++;
	}
}

/* A step that waited on a child is over: go on with the next. */
void
control_op_resume(struct sup *s, struct ctl_op *op)
{
	op->on_child = 0;
	op->step++;
	advance(s, op);
}

void
control_op_fail(struct ctl_op *op, const char *why)
{
	op->on_child = 0;
	finish(op, CTL_ERR, why);
}

#ifdef TEST_HOOKS
static int
test_hook(struct sup *s, struct ctl_op *op)
{
	struct worker *w;

	switch (op->req) {
	case REQ_TEST_SECCOMP_NETLINK: case REQ_TEST_GARBAGE_NETLINK:
		w = &s->w[W_NETLINK];
		break;
	case REQ_TEST_SECCOMP_SYNC: case REQ_TEST_GARBAGE_SYNC:
	case REQ_TEST_EVENT_WRITE:
		w = &s->w[W_SYNC];
		break;
	default:
		return 0;
	}
	if (op->req == REQ_TEST_EVENT_WRITE) {
		log_warnx("test hook: asking the sync worker to write to the "
		    "event socket");
		msg_send_test_event_write(&w->chan);
	} else if (op->req == REQ_TEST_GARBAGE_NETLINK ||
	    op->req == REQ_TEST_GARBAGE_SYNC) {
		log_warnx("test hook: asking the %s to send garbage", w->name);
		msg_send_test_garbage(&w->chan);
	} else {
		log_warnx("test hook: asking the %s to violate its seccomp "
		    "list", w->name);
		msg_send_test_seccomp(&w->chan);
	}
	finish(op, CTL_OK, "");
	return 1;
}
#else
static int test_hook(struct sup *s, struct ctl_op *op) { (void)s; (void)op; return 0; }
#endif

/*
 * -t scheduled a purge (at: when) or it was cancelled or done (0).  While
 * one is pending this node went backup or fault (primary-backup.sh): the
 * sync worker is told, so that a hot standby does not send its stale
 * table (refreshes, or DELs of entries timing out here) to the new
 * primary's kernel.
 */
void
purge_schedule(struct sup *s, time_t at)
{
	struct worker *w = &s->w[W_SYNC];

	if ((s->purge_at != 0) != (at != 0) && w->pid > 0)
		msg_send_standing_down(&w->chan, at != 0);
	s->purge_at = at;
}

static void
start_request(struct sup *s, struct ctl_op *op, uint32_t req)
{
	char msg[128];

	op->req = req;
	op->id = ++s->next_id;
	/* the unprivileged Metrics listener may ask for nothing else: before
	 * anything a request does, a kill or a purge's cancel included */
	if (op->metrics_only && req != REQ_METRICS) {
		s->rt.local_unknown_request++;
		log_warnx("control: the Metrics listener asked for request %u, "
		    "refused", req);
		finish(op, CTL_ERR, "only metrics on this connection");
		return;
	}
	/* a scheduled purge (-t) is cancelled by these, as in conntrackd */
	if (req == REQ_ALL_COMMIT || req == REQ_CT_COMMIT ||
	    req == REQ_ALL_FLUSH_CACHE || req == REQ_CT_FLUSH_INT_CACHE)
		purge_schedule(s, 0);
	if (req == REQ_KILL) {
		/* answered by control_answer_kill(), once everything stopped */
		log_notice("---- shutdown received ----");
		s->shutting_down = 1;
		return;
	}
	if (test_hook(s, op))
		return;
	if (!op->internal && !control_request_known(req)) {
		s->rt.local_unknown_request++;
		snprintf(msg, sizeof(msg), "unknown request %u", req);
		finish(op, CTL_ERR, msg);
		return;
	}
	log_debug("control: request `%s' (%u), id %u", client_req_name((int)req),
	    req, op->id);
	if (!plan_request(s->conf, req, op->steps)) {
		snprintf(msg, sizeof(msg), "%s: not supported yet by ctsyncd "
		    "%s", client_req_name((int)req), PACKAGE_VERSION);
		finish(op, CTL_NOTSUP, msg);
		return;
	}
	advance(s, op);
}

/* A request of the daemon's own (the -t purge): no client waits. */
void
control_internal_request(struct sup *s, uint32_t req)
{
	struct ctl_op *op = NULL;
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS && op == NULL; i++)
		if (!s->ops[i].active)
			op = &s->ops[i];
	if (op == NULL) {
		log_warnx("no room for the scheduled request, skipped");
		return;
	}
	memset(op, 0, sizeof(*op));
	op->active = 1;
	op->fd = -1;
	op->client_gone = 1;
	op->internal = 1;
	op->req = REQ_MAX;
	/* a child's death: its barrier is still part of its change */
	op->changing = req == REQ_CHILD_END;
	start_request(s, op, req);
}

void
control_read(struct sup *s, struct ctl_op *op)
{
	char why[128];
	uint32_t req;
	int n;

	if ((n = chan_read(&op->chan)) == 0) {
		/* after its whole answer, or before asking, leaving is fine */
		if (op->req == REQ_MAX || op->closing)
			op_free(op);
		else
			op_client_gone(s, op, "went away before the answer "
			    "was complete");
		return;
	}
	if (op->req != REQ_MAX) {
		/* one request per connection: more bytes are a protocol error */
		if (n > 0) {
			s->rt.local_read_failed++;
			op_client_gone(s, op, "sent more than one request");
		}
		return;
	}
	if ((n = control_request_get(&op->chan, &req, why,
	    sizeof(why))) == 0)
		return;
	if (n == -1) {
		s->rt.local_read_failed++;
		log_warnx("control: client %s, dropped", why);
		op_free(op);
		return;
	}
	start_request(s, op, req);
}

/* The client reads again: a paused answer may go on. */
static void
resume_paused(struct ctl_op *op)
{
	if (op->paused && chan_pending(&op->chan) < CTL_QUEUE_LOW) {
		op->paused = 0;
		msg_send_answer_more(&op->on_worker->chan, op->id, 0);
	}
}

void
control_write(struct sup *s, struct ctl_op *op)
{
	int r = chan_flush(&op->chan);

	if (r == -1)
		op_client_gone(s, op, errno == EPIPE ? "stopped reading "
		    "before the answer was complete" : strerror(errno));
	else if (r == 0 && op->closing)
		op_free(op);
	else
		resume_paused(op);
}

/* Connections that never sent a request are closed after a while. */
void
control_check_timers(struct sup *s)
{
	time_t now = mono_secs();
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_op *op = &s->ops[i];

		if (!op->active || op->client_gone || op->req != REQ_MAX ||
		    now - op->accepted < CTL_IDLE_TIMEOUT)
			continue;
		s->rt.ctl_idle++;
		log_warnx("control: client idle for %d seconds without a "
		    "request, closed", CTL_IDLE_TIMEOUT);
		op_free(op);
	}
}

/* The query `id' that worker `w' answers, or NULL (it was never asked:
 * the worker is killed and restarted, worker_misbehaved). */
static struct ctl_op *
waiting_op(struct sup *s, struct worker *w, uint32_t id, const struct msg *m)
{
	char what[96];
	int i;

	for (i = 0; i < w->nwaiting; i++)
		if (w->waiting[i]->id == id)
			return w->waiting[i];
	snprintf(what, sizeof(what), "%s for request %u, which it was not "
	    "asked", msg_type_name(m->type), id);
	worker_misbehaved(s, w, what);
	return NULL;
}

static void
waiting_remove(struct worker *w, struct ctl_op *op)
{
	int i;

	for (i = 0; w->waiting[i] != op; i++)
		;
	memmove(w->waiting + i, w->waiting + i + 1,
	    (size_t)(--w->nwaiting - i) * sizeof(op));
	op->on_worker = NULL;
}

/*
 * A worker died: the requests waiting for it fail now (a client is never
 * left hanging); its successor answers the next ones.
 */
void
control_worker_gone(struct worker *w)
{
	char why[64];

	snprintf(why, sizeof(why), "the %s died; it is being restarted",
	    w->name);
	while (w->nwaiting > 0) {
		struct ctl_op *op = w->waiting[0];

		waiting_remove(w, op);
		op->paused = 0;
		finish(op, CTL_ERR, why);
	}
}

/*
 * Forward a part of an answer.  A client that lets an unpaced answer
 * queue up beyond CTL_QUEUE_MAX is cut off rather than let it grow.
 */
static void
forward_text(struct sup *s, struct ctl_op *op, const char *text)
{
	if (op->client_gone) {
		s->rt.ctl_answer_dropped++;
		return;
	}
	msg_send_ctl_text(&op->chan, op->id, text);
	if (chan_pending(&op->chan) > CTL_QUEUE_MAX)
		op_client_gone(s, op, "does not read its answer (more than "
		    "32 MiB queued)");
}

/*
 * -s runtime's netlink stats are one block: the sync worker's (the events
 * it reads, asked first) is held, and added to the netlink worker's (the
 * events it read while the sync worker was away, and the rest).  1 if
 * `b' was held.
 */
static int
netlink_block_merge(struct sup *s, struct ctl_op *op, struct worker *w,
    struct stats_block *b)
{
	int i;

	if (b->kind != SB_NETLINK)
		return 0;
	if (w == &s->w[W_SYNC]) {
		op->netlink_part = *b;
		op->have_netlink_part = 1;
		return 1;
	}
	if (op->have_netlink_part)
		for (i = 0; i < ST_NETLINK_N; i++)
			if (i != ST_NETLINK_BUFFER_SIZE)
				b->v[i] += op->netlink_part.v[i];
	op->have_netlink_part = 0;
	return 0;
}

/* A worker's answer to a query: forward it to the client that asked.
 * Anything malformed or out of turn: the worker is killed and restarted
 * (worker_misbehaved); the daemon goes on. */
void
control_worker_msg(struct sup *s, struct worker *w, const struct msg *m)
{
	static char text[CTL_MSG_MAX];
	struct stats_block b;
	struct ctl_op *op;
	uint32_t id;

	switch (m->type) {
	case MSG_CTL_TEXT:
		if (msg_recv_ctl_text(m, &id, text, CTL_MSG_MAX - 64) == -1)
			break;
		if ((op = waiting_op(s, w, id, m)) != NULL)
			forward_text(s, op, text);
		return;
	case MSG_STATS_BLOCK:
		if (msg_recv_stats_block(m, &id, &b) == -1)
			break;
		if ((op = waiting_op(s, w, id, m)) != NULL &&
		    !netlink_block_merge(s, op, w, &b))
			send_block(op, &b);
		return;
	case MSG_ANSWER_WAIT:
		if (msg_recv_answer_wait(m, &id) == -1)
			break;
		if ((op = waiting_op(s, w, id, m)) == NULL)
			return;
		if (op->paused)
			break;		/* paused twice */
		op->paused = 1;
		if (op->client_gone) {
			op->paused = 0;
			msg_send_answer_more(&w->chan, id, 1);
		} else
			resume_paused(op);
		return;
	case MSG_WORKER_DONE:
		if (msg_recv_worker_done(m, &id) == -1)
			break;
		if ((op = waiting_op(s, w, id, m)) == NULL)
			return;
		if (op->paused)
			break;		/* ended while paused */
		waiting_remove(w, op);
		op->step++;
		advance(s, op);
		return;
	}
	worker_misbehaved(s, w, msg_type_name(m->type));
}
