#include "config.h"

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msgs.h"
#include "sandbox.h"
#include "worker.h"

static volatile sig_atomic_t stop_flag;
static struct chan *log_chan;

static unsigned long
number_arg(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v == 0 || v > 0xfffffffeUL)
		fatalx("bad %s argument `%s'", what, s);
	return v;
}

/*
 * -u uid -g gid -r chroot-dir [-v], from the supervisor only; the commit
 * child also takes -T CommitTimeout and -W (TCPWindowTracking on), and
 * for a flush -F (the whole table) or -L (what the Filter accepts), -E
 * (the expectations too), -N (no conntrack entries: expectations only).
 */
static void
worker_parse_args(int argc, char **argv, struct worker_args *a)
{
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = getopt(argc, argv, "u:g:r:vT:WFLEN")) != -1) {
		switch (ch) {
		case 'T': a->commit_timeout = (uint32_t)strtoul(optarg, NULL,
		    10); break;
		case 'W': a->window_tracking = 1; break;
		case 'F': a->flush = 1; break;
		case 'L': a->flush_filtered = 1; break;
		case 'E': a->flush_exp = 1; break;
		case 'N': a->flush_no_ct = 1; break;
		case 'u': a->uid = (uid_t)number_arg(optarg, "uid"); break;
		case 'g': a->gid = (gid_t)number_arg(optarg, "gid"); break;
		case 'r': a->chroot_dir = optarg; break;
		case 'v': a->verbose = 1; break;
		default: fatalx("usage: started by ctsyncd only");
		}
	}
	if (a->uid == 0 || a->gid == 0 || a->chroot_dir == NULL ||
	    a->chroot_dir[0] != '/')
		fatalx("usage: started by ctsyncd only");
}

static void
forward_log(int level, const char *line, void *arg)
{
	struct chan *c = arg;

	msg_send_log(c, level, line);
	chan_flush(c);
}

static void
flush_on_fatal(void)
{
	if (log_chan)
		chan_flush_all(log_chan);
}

/*
 * The first steps of every worker: the channel on CHANNEL_FD, log lines
 * forwarded over it, the arguments, and no other fd left open.  What the
 * channel accepts is the worker's; the test-hook type is added in test
 * builds.
 */
void
worker_start(struct chan *c, const char *procname, int argc, char **argv,
    struct worker_args *a, uint64_t accept, uint64_t accept_fd)
{
	if (fcntl(CHANNEL_FD, F_SETFL, O_NONBLOCK) == -1)
		exit(1);
	chan_init(c, CHANNEL_FD, "supervisor", CHAN_MSG_MAX,
	    accept | worker_test_types(), accept_fd);
	log_init(procname, 0);
	log_chan = c;
	log_set_forward(forward_log, c);
	log_set_fatal_hook(flush_on_fatal);
	worker_parse_args(argc, argv, a);
	log_set_verbose(a->verbose);
	sandbox_keep_only_channel();
}

/* The channel to the other worker, on PEER_FD. */
void
worker_peer_start(struct chan *c, const char *peer, uint64_t accept,
    uint64_t accept_fd)
{
	if (fcntl(PEER_FD, F_SETFL, O_NONBLOCK) == -1)
		fatal("peer channel");
	chan_init(c, PEER_FD, peer, CHAN_MSG_MAX, accept, accept_fd);
}

/*
 * The other worker's channel on `fd' (non-blocking: the supervisor made
 * it so, fcntl is not in the allow-lists), after the supervisor restarted
 * it (PEER_SOCKET).  What the old channel held is dropped.
 */
void
worker_peer_attach(struct chan *c, int fd, const char *peer,
    uint64_t accept, uint64_t accept_fd)
{
	chan_free(c);
	chan_init(c, fd, peer, CHAN_MSG_MAX, accept, accept_fd);
}

/* PING: the loop runs; answered at once (the systemd watchdog). */
void
worker_pong(struct chan *c, const struct msg *m)
{
	uint32_t seq;

	if (msg_recv_ping(m, &seq) == -1)
		fatalx("malformed PING");
	msg_send_pong(c, seq);
}

/* PEER_SOCKET's fd; fatal if malformed, early, or the old channel is up. */
int
worker_peer_socket(const struct msg *m, int configured, int peer_up)
{
	if (!configured || peer_up || msg_recv_peer_socket(m) == -1)
		fatalx("malformed or unexpected PEER_SOCKET");
	return m->fd;
}

/*
 * The other worker died: its channel closed until PEER_SOCKET.  What is
 * sent meanwhile waits in an empty channel and is dropped at the attach.
 */
void
worker_peer_detach(struct chan *c)
{
	const char *name = c->name;

	if (c->fd >= 0)
		close(c->fd);
	chan_free(c);
	chan_init(c, -1, name, CHAN_MSG_MAX, 0, 0);
}

/* Message types only test builds accept. */
uint64_t
worker_test_types(void)
{
#ifdef TEST_HOOKS
	return MSG_BIT(MSG_TEST_SECCOMP) | MSG_BIT(MSG_TEST_GARBAGE);
#else
	return 0;
#endif
}

/* TEST_SECCOMP: a call outside every allow-list, on the supervisor's demand. */
void
worker_test_seccomp(const struct msg *m)
{
	if (msg_recv_test_seccomp(m) == -1)
		fatalx("malformed TEST_SECCOMP");
	syscall(SYS_ptrace, 0, 0, 0, 0);
	log_warnx("test hook: forbidden syscall returned (trap mode)");
}

/* TEST_GARBAGE: a malformed LOG to the supervisor, as a compromised
 * worker could send (the supervisor must kill and restart us). */
void
worker_test_garbage(struct chan *c, const struct msg *m)
{
	struct mbuild mb;

	if (msg_recv_test_garbage(m) == -1)
		fatalx("malformed TEST_GARBAGE");
	msg_begin(&mb, c, MSG_LOG);
	mb_u8(&mb, 0xff);
	msg_end(&mb);
}

/*
 * What every worker answers the same way: PING, and in test builds (the
 * accept mask lets them in) TEST_SECCOMP and TEST_GARBAGE.  Returns 1 if
 * `m' was one of them.
 */
int
worker_common_msg(struct chan *c, const struct msg *m)
{
	switch (m->type) {
	case MSG_PING:
		worker_pong(c, m);
		return 1;
	case MSG_LOG_VERBOSE: {
		uint32_t on;

		if (msg_recv_log_verbose(m, &on) == -1)
			fatalx("malformed LOG_VERBOSE");
		log_set_verbose((int)on);
		return 1;
	}
	case MSG_TEST_SECCOMP:
		worker_test_seccomp(m);
		return 1;
	case MSG_TEST_GARBAGE:
		worker_test_garbage(c, m);
		return 1;
	}
	return 0;
}

static void
on_term(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* SIGTERM/SIGINT only set a flag; they are let in only inside ppoll(). */
void
worker_signals(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* SIGHUP is the supervisor's (log reopen); one sent to the whole
	 * group must not end a worker */
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
}

int
worker_should_stop(void)
{
	return stop_flag;
}

/* The chroot must be root's and written by nobody else (checked again). */
void
worker_enter_chroot(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) == -1)
		fatal("chroot directory %s", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		fatalx("chroot directory %s must be a root-owned directory "
		    "writable by nobody else", dir);
	if (chroot(dir) == -1 || chdir("/") == -1)
		fatal("chroot %s", dir);
}

/*
 * Read a channel from a sibling process and hand each message to
 * `handle'.  Returns 0 if the sibling is gone (EOF): the supervisor gone
 * ends a worker quietly, the other worker gone waits for its successor.
 * A malformed message is fatal.  A fd that came with a message is the
 * handler's, to keep or to close.
 */
int
worker_read(struct chan *c, const char *from,
    void (*handle)(void *, const struct msg *), void *arg)
{
	struct msg m;
	const char *why;
	int n;

	if (chan_read(c) == 0)
		return 0;
	while ((n = chan_get(c, &m, &why)) == 1)
		handle(arg, &m);
	if (n == -1)
		fatalx("from the %s: %s", from, why);
	return 1;
}
