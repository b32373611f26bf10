/*
 * supervisor/control.c: the life of a control request when its client
 * misbehaves.  A real control socket and client sockets; each worker is
 * the far end of a socketpair played by the test.  Nothing a client does
 * may free a request that a worker or child still answers (the crash of
 * `ctsyncd -i | head -1'), and answers for a client gone are dropped.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msgs.h"
#include "supervisor.h"
#include "tap.h"

static struct sup s;
static struct conf conf;
static struct chan far[W_COUNT];	/* the workers' ends */
static int child_started;

/* children.c stand-in: a child that starts and is resumed by hand */
int
child_start(struct sup *sp, struct child *c, struct ctl_op *op)
{
	(void)sp;
	c->pid = 12345;
	c->op = op;
	child_started++;
	return 0;
}

/* supervisor.c stand-in: the worker would be killed and restarted */
static int misbehaved;
static char misbehaved_what[128];

void
worker_misbehaved(struct sup *sp, struct worker *w, const char *what)
{
	(void)sp;
	(void)w;
	misbehaved++;
	snprintf(misbehaved_what, sizeof(misbehaved_what), "%s", what);
}

static void
setup(void)
{
	char dir[] = "/tmp/test_control.XXXXXX";
	int i, sv[2];

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp");
	snprintf(conf.unix_path, sizeof(conf.unix_path), "%s/ctl", dir);
	if (getuid() != 0) {	/* let our own group in, as ControlGroup */
		struct group *gr = getgrgid(getgid());

		if (gr != NULL)
			snprintf(conf.control_group, sizeof(conf.control_group),
			    "%s", gr->gr_name);
	}
	conf.sync.mode = MODE_FTFW;
	s.conf = &conf;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		s.ops[i].fd = -1;
	if ((s.ctl_fd = control_open(&s)) == -1)
		fatalx("control_open");
	for (i = 0; i < W_COUNT; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
			fatal("socketpair");
		s.w[i].name = i == W_NETLINK ? "netlink worker" : "sync worker";
		s.w[i].pid = 1;
		s.w[i].ready = 1;
		chan_init(&s.w[i].chan, sv[0], s.w[i].name, CHAN_MSG_MAX, ~0ULL,
		    0);
		chan_init(&far[i], sv[1], "supervisor", CHAN_MSG_MAX, ~0ULL, 0);
	}
}

/* A client connected and accepted; returns its socket. */
static int
client_connect(void)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", conf.unix_path);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
		fatal("connect");
	control_accept(&s);
	return fd;
}

static struct ctl_op *
op_of_slot(int i)
{
	return s.ops[i].active ? &s.ops[i] : NULL;
}

static int
active_ops(void)
{
	int i, n = 0;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		n += s.ops[i].active;
	return n;
}

/* The client sends `req' (and `extra' bytes after it); the daemon reads. */
static struct ctl_op *
client_ask(int fd, uint32_t req, const char *extra)
{
	struct chan c;
	int i;

	chan_init(&c, fd, "daemon", CTL_MSG_MAX, ~0ULL, 0);
	msg_send_ctl_request(&c, req, 0);
	chan_flush(&c);
	if (extra && write(fd, extra, strlen(extra)) < 0)
		fatal("write");
	c.fd = -1;
	chan_free(&c);
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s.ops[i].active && s.ops[i].fd >= 0 && !s.ops[i].client_gone)
			control_read(&s, &s.ops[i]);
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s.ops[i].active)
			return &s.ops[i];
	return NULL;
}

/* What the supervisor sent worker `k': the next message's type and id. */
static int
worker_got(int k, uint32_t *id, int *arg)
{
	struct msg m;
	const char *why;
	uint32_t req;

	chan_flush(&s.w[k].chan);
	chan_read(&far[k]);
	if (chan_get(&far[k], &m, &why) != 1)
		return MSG_NONE;
	if (m.type == MSG_WORKER_REQ)
		msg_recv_worker_req(&m, id, &req);
	else if (m.type == MSG_ANSWER_MORE)
		msg_recv_answer_more(&m, id, arg);
	return m.type;
}

/* Worker `k' sends what the test queued on its end, and we read it. */
static void
worker_says(int k)
{
	struct msg m;
	const char *why;

	chan_flush(&far[k]);
	chan_read(&s.w[k].chan);
	while (chan_get(&s.w[k].chan, &m, &why) == 1)
		control_worker_msg(&s, &s.w[k], &m);
}

/* The client reads what is there; 1 if its answer ended (CTL_DONE). */
static int
client_got_done(struct chan *c)
{
	struct msg m;
	const char *why;
	int done = 0;

	while (chan_read(c) > 0)
		while (chan_get(c, &m, &why) == 1)
			done = m.type == MSG_CTL_DONE;
	return done;
}

static void
test_client_gone_mid_dump(void)
{
	int fd = client_connect(), arg = -1;
	struct ctl_op *op = client_ask(fd, REQ_CT_DUMP_INTERNAL, NULL);
	uint32_t id = 0, id2 = 0;

	ok(op != NULL && op->on_worker == &s.w[W_SYNC], "-i waits for the sync "
	    "worker");
	ok(worker_got(W_SYNC, &id, &arg) == MSG_WORKER_REQ && id == op->id,
	    "... which is asked");
	msg_send_ctl_text(&far[W_SYNC], id, "first part\n");
	worker_says(W_SYNC);
	close(fd);		/* `| head -1' has what it wanted */
	control_read(&s, op);
	ok(op->active && op->client_gone, "the client gone, the request "
	    "keeps its slot while the worker answers");
	msg_send_ctl_text(&far[W_SYNC], id, "second part\n");
	msg_send_answer_wait(&far[W_SYNC], id);
	worker_says(W_SYNC);
	ok(s.rt.ctl_answer_dropped == 1, "the rest of the answer is dropped "
	    "and counted");
	ok(worker_got(W_SYNC, &id2, &arg) == MSG_ANSWER_MORE && id2 == id &&
	    arg == 1, "the paused dump is told to stop");
	msg_send_worker_done(&far[W_SYNC], id);
	worker_says(W_SYNC);
	ok(active_ops() == 0 && s.w[W_SYNC].nwaiting == 0, "its end frees "
	    "the slot");
	ok(s.rt.ctl_client_gone == 1, "the client's leaving is counted");
}

static void
test_junk_after_request(void)
{
	int fd = client_connect();
	uint64_t before = s.rt.local_read_failed;

	client_ask(fd, REQ_STATS, "junk");
	ok(active_ops() == 0 && s.rt.local_read_failed == before + 1,
	    "a request with bytes after it is dropped and counted");
	close(fd);
}

static void
test_more_bytes_while_waiting(void)
{
	int fd = client_connect(), arg;
	struct ctl_op *op = client_ask(fd, REQ_CT_DUMP_EXTERNAL, NULL);
	uint32_t id = 0;

	worker_got(W_SYNC, &id, &arg);
	if (write(fd, "x", 1) != 1)
		fatal("write");
	control_read(&s, op);
	ok(op->active && op->client_gone && op->on_worker != NULL, "bytes "
	    "after the request while it waits: client closed, slot kept");
	msg_send_worker_done(&far[W_SYNC], id);
	worker_says(W_SYNC);
	ok(active_ops() == 0, "... and freed by the worker's answer");
	close(fd);
}

static void
test_slow_reader_paused(void)
{
	int fd = client_connect(), arg = -1, i;
	struct ctl_op *op = client_ask(fd, REQ_CT_DUMP_INTERNAL, NULL);
	static char text[8192];
	struct chan c;
	uint32_t id = 0, id2 = 0;

	worker_got(W_SYNC, &id, &arg);
	memset(text, 'x', sizeof(text) - 1);
	for (i = 0; i < 64; i++)	/* 512 KiB the client does not read */
		msg_send_ctl_text(&far[W_SYNC], id, text);
	msg_send_answer_wait(&far[W_SYNC], id);
	for (i = 0; i < 64; i++)
		worker_says(W_SYNC);
	control_write(&s, op);
	ok(op->paused && worker_got(W_SYNC, &id2, &arg) == MSG_NONE,
	    "a client that does not read pauses the dump");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	chan_init(&c, fd, "daemon", CTL_MSG_MAX, ~0ULL, 0);
	while (chan_pending(&op->chan) > 0) {
		client_got_done(&c);
		control_write(&s, op);
	}
	ok(!op->paused && worker_got(W_SYNC, &id2, &arg) == MSG_ANSWER_MORE &&
	    id2 == id && arg == 0, "once it reads, the dump goes on");
	msg_send_worker_done(&far[W_SYNC], id);
	worker_says(W_SYNC);
	control_write(&s, op);
	ok(active_ops() == 0 && client_got_done(&c), "the end of the dump "
	    "ends the answer: CTL_DONE written, slot freed");
	chan_free(&c);
	close(fd);
}

static void
test_client_gone_during_commit(void)
{
	int fd = client_connect(), arg;
	struct ctl_op *op = client_ask(fd, REQ_CT_COMMIT, NULL);
	uint32_t id = 0;

	ok(child_started == 1 && op->on_child, "-c waits for its child");
	close(fd);
	control_read(&s, op);
	ok(op->active && op->client_gone, "the client gone, the commit goes on");
	s.commit.pid = 0;
	s.commit.op = NULL;
	control_op_resume(&s, op);
	ok(worker_got(W_NETLINK, &id, &arg) == MSG_WORKER_REQ && id == op->id,
	    "the child done, the netlink worker's barrier is still asked");
	msg_send_worker_done(&far[W_NETLINK], id);
	worker_says(W_NETLINK);
	ok(worker_got(W_SYNC, &id, &arg) == MSG_WORKER_REQ && id == op->id,
	    "then the sync worker, which answers once it has the entries");
	msg_send_worker_done(&far[W_SYNC], id);
	worker_says(W_SYNC);
	ok(active_ops() == 0, "then the slot is freed");
}

static void
test_idle_clients(void)
{
	int fds[CTL_MAX_CLIENTS + 1], i, n = 0;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		fds[i] = client_connect();
	ok(active_ops() == CTL_MAX_CLIENTS, "%d idle clients take every slot",
	    CTL_MAX_CLIENTS);
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (op_of_slot(i))
			s.ops[i].accepted -= CTL_IDLE_TIMEOUT;
	control_check_timers(&s);
	ok(active_ops() == 0 && s.rt.ctl_idle == CTL_MAX_CLIENTS,
	    "after the idle timeout they are closed and counted");
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		n += read(fds[i], &n, 1) == 0;
	ok(n == CTL_MAX_CLIENTS, "... each sees its connection closed");
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		close(fds[i]);
}

/* A worker that answers what it was not asked, or sends a malformed
 * answer, is reported (and would be killed), not fatal to the daemon. */
static void
test_worker_breaks_protocol(void)
{
	struct mbuild mb;

	misbehaved = 0;
	msg_send_worker_done(&far[W_SYNC], 999);
	worker_says(W_SYNC);
	ok(misbehaved == 1 && strstr(misbehaved_what, "request 999") != NULL,
	    "an answer to a request never asked: the worker is reported");
	msg_begin(&mb, &far[W_SYNC], MSG_STATS_BLOCK);
	mb_u8(&mb, 1);
	msg_end(&mb);
	worker_says(W_SYNC);
	ok(misbehaved == 2, "a malformed STATS_BLOCK: the worker is reported");
}

/* A connection like the Metrics listener's (sv[1] its end) asks `req'. */
static struct ctl_op *
metrics_ask(int sv[2], uint32_t req)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		fatal("socketpair");
	if (control_adopt(&s, sv[0], 1) == -1)
		return NULL;
	return client_ask(sv[1], req, NULL);
}

/* The Metrics listener's connections take a METRICS request only. */
static void
test_metrics_only(void)
{
	struct ctl_op *op;
	struct chan c;
	struct msg m;
	const char *why;
	char text[256];
	uint32_t status = CTL_OK, id;
	int sv[2], arg, started = child_started;

	op = metrics_ask(sv, REQ_ALL_FLUSH_MASTER);
	ok(op != NULL && op->metrics_only, "a metrics connection is adopted");
	chan_flush(&op->chan);
	chan_init(&c, sv[1], "daemon", CTL_MSG_MAX, ~0ULL, 0);
	chan_read(&c);
	if (chan_get(&c, &m, &why) == 1 && m.type == MSG_CTL_DONE)
		msg_recv_ctl_done(&m, &status, text, sizeof(text));
	ok(status == CTL_ERR && strstr(text, "only metrics") != NULL &&
	    child_started == started, "a flush on it is refused, nothing runs");
	c.fd = -1;
	chan_free(&c);
	close(sv[1]);
	control_write(&s, op);
	if (op->active)
		control_read(&s, op);
	/* nor a kill, nor a commit that would cancel a scheduled purge */
	s.purge_at = 12345;
	op = metrics_ask(sv, REQ_KILL);
	close(sv[1]);
	control_write(&s, op);
	op = metrics_ask(sv, REQ_ALL_COMMIT);
	close(sv[1]);
	control_write(&s, op);
	ok(!s.shutting_down && s.purge_at == 12345 &&
	    child_started == started,
	    "a kill or a commit on it: refused, nothing done");
	s.purge_at = 0;
	op = metrics_ask(sv, REQ_METRICS);
	ok(op != NULL && op->on_worker == &s.w[W_SYNC] &&
	    worker_got(W_SYNC, &id, &arg) == MSG_WORKER_REQ && id == op->id,
	    "METRICS is served: the sync worker is asked");
	close(sv[1]);
}

int
main(void)
{
	log_init("test_control", 0);
	setup();
	test_client_gone_mid_dump();
	test_junk_after_request();
	test_more_bytes_while_waiting();
	test_slow_reader_paused();
	test_client_gone_during_commit();
	test_idle_clients();
	test_worker_breaks_protocol();
	test_metrics_only();
	control_close(&s);
	return done_testing();
}
