/*
 * The supervisor's life: prepare (lock, user, chroot, control socket,
 * links), start the workers and hand them their configuration, then loop
 * on signals, worker channels and control connections until told to stop.
 *
 * Policy when a worker dies: the supervisor logs which one and how, stops
 * the other worker, removes its socket and lock and exits with status 1,
 * so that the HA manager (or systemd) sees the failure and restarts it.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "gone_ring.h"
#include "log.h"
#include "msgs.h"
#include "supervisor.h"

static volatile sig_atomic_t sig_term, sig_chld, sig_hup;

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		sig_chld = 1;
	else if (sig == SIGHUP)
		sig_hup = 1;
	else
		sig_term = 1;
}

/* Signals are blocked except inside ppoll(), so no wake-up is lost. */
static void
signals_setup(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGCHLD);
	sigdelset(waitmask, SIGHUP);
}

static int
resolve_user(struct sup *s)
{
	const struct conf *c = s->conf;
	struct passwd *pw = getpwnam(c->user);

	if (pw == NULL && c->user_set) {
		log_errx("User `%s' does not exist", c->user);
		return -1;
	}
	if (pw == NULL) {
		if ((pw = getpwnam("nobody")) == NULL) {
			log_errx("neither user `%s' nor `nobody' exists",
			    c->user);
			return -1;
		}
		log_warnx("user `%s' does not exist, the workers run as "
		    "`nobody'; create a dedicated user (see ctsyncd(8))",
		    c->user);
	}
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	if (c->group[0]) {
		struct group *gr = getgrnam(c->group);

		if (gr == NULL) {
			log_errx("Group `%s' does not exist", c->group);
			return -1;
		}
		s->gid = gr->gr_gid;
	}
	if (s->uid == 0 || s->gid == 0) {
		log_errx("refusing to run the workers with uid or gid 0");
		return -1;
	}
	return 0;
}

/* The workers' chroot: an empty, root-owned directory nobody else writes. */
static int
prepare_chroot(const char *dir)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char parent[PATH_MAX], *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0755) == -1 && errno != EEXIST)
			log_warn("mkdir %s", parent);
	}
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		log_warn("mkdir %s", dir);
		return -1;
	}
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		log_errx("ChrootDirectory %s must be a directory owned by root "
		    "and writable by nobody else", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		log_warn("%s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			closedir(d);
			log_errx("ChrootDirectory %s must be empty", dir);
			return -1;
		}
	closedir(d);
	return 0;
}

/* conntrackd runs at SCHED_RR, maximum priority, unless configured. */
static void
set_scheduler(const struct conf *c)
{
	struct sched_param sp;
	int policy = c->sched_policy >= 0 ? c->sched_policy : SCHED_RR;

	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = c->sched_priority >= 0 ? c->sched_priority :
	    sched_get_priority_max(policy);
	if (sched_setscheduler(0, policy, &sp) == -1)
		log_warn("cannot set the scheduler policy");
}

static void
start_worker(struct sup *s, enum worker_kind k, int peerfd)
{
	static const char *const names[] = { "netlink worker", "sync worker" };
	static const char *const bins[] = { "ctsyncd-netlink", "ctsyncd-sync" };
	struct worker *w = &s->w[k];
	int sv[2];

	w->name = names[k];
	w->binary = bins[k];
	w->misbehaved = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair");
	w->pid = spawn(s, w->binary, sv[1], peerfd, NULL);
	close(sv[1]);
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	chan_init(&w->chan, sv[0], w->name, CHAN_MSG_MAX, MSG_BIT(MSG_LOG) |
	    MSG_BIT(MSG_READY) | MSG_BIT(MSG_STATS_BLOCK) | MSG_BIT(MSG_PONG) |
	    MSG_BIT(MSG_WORKER_DONE) | MSG_BIT(MSG_CTL_TEXT) |
	    (k == W_SYNC ? MSG_BIT(MSG_LINK_CONNECT) | MSG_BIT(MSG_FLOW_LOG) |
	    MSG_BIT(MSG_ANSWER_WAIT) : 0), 0);
}

/* The peer a UDP or TCP link accepts datagrams and connections from. */
static void
link_peer(const struct conf_link *cl, struct cfg_link_fd *l)
{
	if (cl->kind == LINK_MCAST || !cl->has_dest)
		return;
	l->peer_family = (uint8_t)cl->dest.family;
	if (cl->dest.family == AF_INET)
		memcpy(l->peer, &cl->dest.a.v4, 4);
	else
		memcpy(l->peer, &cl->dest.a.v6, 16);
}

/*
 * Authentication: the link's keys, read by us (the file is root's) and
 * kept only by the sync worker, which seals and opens the frames.
 */
static int
load_link_keys(struct sup *s)
{
	char err[PATH_MAX + 256];

	if (keyfile_load(s->conf->auth_keyfile, &s->keys, err,
	    sizeof(err)) == -1) {
		log_errx("%s", err);
		return -1;
	}
	return 0;
}

static void
send_link_keys(struct sup *s)
{
	msg_send_link_keys(&s->w[W_SYNC].chan, &s->keys);
	link_keys_wipe(&s->keys);
}

/* SIGHUP: the key file read anew; if it is not right, the keys stay. */
static void
reload_link_keys(struct sup *s)
{
	if (!s->conf->sync.auth)
		return;
	if (load_link_keys(s) == -1) {
		log_warnx("SIGHUP: keeping the link keys in use");
		return;
	}
	send_link_keys(s);
	log_info("link keys read anew (SIGHUP)");
}

/*
 * The memory the sync workers keep their destroyed entries in, so that
 * a successor finds its predecessor's (gone_ring.h).  Without it a
 * restart may leave a few stale states on the peers.
 */
static int
gone_ring_create(void)
{
	int fd = memfd_create("ctsyncd-gone", MFD_CLOEXEC);

	if (fd == -1 || ftruncate(fd, sizeof(struct gone_ring)) == -1) {
		log_warn("no memory for the ring of destroyed entries");
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* The netlink worker's part of the configuration, CFG_* ... CFG_DONE. */
static void
send_netlink_config(struct sup *s)
{
	struct conf *c = s->conf;
	struct chan *nl = &s->w[W_NETLINK].chan;

	c->nl.direct_inject = c->sync.mode != MODE_STATS &&
	    c->sync.disable_external_cache;
	c->nl.window_tracking = c->sync.tcp_window_tracking;
	msg_send_cfg_netlink(nl, &c->nl);
	msg_send_cfg_filter(nl, &c->filter);
	msg_send_cfg_done(nl);
}

/*
 * The sync worker's: its settings, the keys, the links' sockets (opened
 * before).  A restarted one asks the peers for their states at once, as
 * StartupResync does: its external cache died with its predecessor.
 */
static void
send_sync_config(struct sup *s, int restarted)
{
	struct conf *c = s->conf;
	struct chan *sy = &s->w[W_SYNC].chan;
	struct conf_sync cs;
	int i, dir;

	/* derived once; plan.c reads them too */
	c->sync.expect_sync = c->sync.mode != MODE_STATS &&
	    c->nl.expect.mode != EXPECT_OFF;
	c->sync.expect = c->nl.expect;
	c->sync.flow_log = c->sync.mode == MODE_STATS &&
	    (c->stats_logfile[0] || c->stats_syslog_facility >= 0);
	cs = c->sync;
	cs.restarted = (uint8_t)restarted;
	cs.event_iter_limit = c->nl.event_iter_limit;
	if (restarted && !c->sync.disable_external_cache)
		cs.startup_resync = 1;
	msg_send_cfg_sync(sy, &cs);
	msg_send_cfg_filter(sy, &c->filter);	/* it reads the events */
	if (s->gone_fd >= 0)
		msg_send_cfg_gone_ring(sy, s->gone_fd);
	if (c->sync.auth)
		send_link_keys(s);
	for (i = 0; i < c->nlinks; i++)
		for (dir = LINKFD_RX; dir <= LINKFD_TX; dir++) {
			struct cfg_link_fd l;

			if (s->link_fds[i][dir] < 0)
				continue;
			memset(&l, 0, sizeof(l));
			l.index = (uint8_t)i;
			l.dir = (uint8_t)dir;
			l.kind = c->links[i].kind;
			l.is_default = c->links[i].is_default;
			l.checksum = c->links[i].checksum;
			l.errq_len = c->links[i].error_queue_len;
			if (l.errq_len > CONF_MAX_ERRQ)
				l.errq_len = CONF_MAX_ERRQ;
			snprintf(l.ifname, sizeof(l.ifname), "%s",
			    c->links[i].ifname);
			link_peer(&c->links[i], &l);
			/* the channel closes our copy once it is sent */
			msg_send_cfg_link(sy, &l, s->link_fds[i][dir]);
			s->link_fds[i][dir] = -1;
		}
	if (s->purge_at)	/* a restarted sync worker: still backup */
		msg_send_standing_down(sy, 1);
	msg_send_cfg_done(sy);
}

/*
 * A worker died (not at shutdown): the requests waiting for it fail, and
 * it is started again after a pause, unless it keeps dying: then ctsyncd
 * stops, exit status 1, for systemd or the HA manager to act.
 */
static void
worker_died(struct sup *s, struct worker *w, pid_t pid, const char *how)
{
	uint64_t now = mono_ms(), pause = RESTART_FIRST_MS;
	uint32_t i, recent = 0;

	if (!s->running) {	/* at start-up: the configuration, likely */
		log_errx("%s (pid %d) %s; stopping ctsyncd", w->name,
		    (int)pid, how);
		s->shutting_down = 1;
		s->exit_status = 1;
		return;
	}
	control_worker_gone(w);
	if (w->chan.fd >= 0)
		close(w->chan.fd);
	chan_free(&w->chan);
	w->ready = 0;
	w->deaths[w->ndeaths++ % RESTART_LOOP_DEATHS] = now;
	for (i = 0; i < RESTART_LOOP_DEATHS && i < w->ndeaths; i++)
		if (now - w->deaths[i] < RESTART_LOOP_SECS * 1000)
			recent++;
	if (recent == RESTART_LOOP_DEATHS) {
		log_errx("%s (pid %d) %s; %d deaths within %d seconds, giving "
		    "up: stopping ctsyncd", w->name, (int)pid, how,
		    RESTART_LOOP_DEATHS, RESTART_LOOP_SECS);
		s->shutting_down = 1;
		s->exit_status = 1;
		return;
	}
	for (i = 1; i < recent && pause < RESTART_MAX_MS; i++)
		pause *= 2;
	if (pause > RESTART_MAX_MS)
		pause = RESTART_MAX_MS;
	w->restart_at = now + pause;
	log_errx("%s (pid %d) %s; restarting it in %llu ms (death %u of "
	    "at most %d in %d s)", w->name, (int)pid, how,
	    (unsigned long long)pause, recent, RESTART_LOOP_DEATHS - 1,
	    RESTART_LOOP_SECS);
}

/*
 * Start again the workers whose pause is over, on a new channel between
 * the two: the survivor gets its end in PEER_SOCKET.  Both dead: both
 * start together, as at start-up.  The sync worker's link sockets and
 * keys are opened and read anew (its predecessor's died with it).
 */
static void
restart_due(struct sup *s)
{
	uint64_t now = mono_ms();
	int k, due[W_COUNT], dead = 0, ndue = 0, peer[2];

	for (k = 0; k < W_COUNT; k++) {
		struct worker *w = &s->w[k];

		dead += w->pid == 0;
		due[k] = w->pid == 0 && w->restart_at != 0 &&
		    now >= w->restart_at;
		ndue += due[k];
	}
	if (ndue == 0 || s->shutting_down || ndue < dead)
		return;		/* both dead: both together, when both due */
	if (due[W_SYNC] && (links_open(s) == -1 || (s->conf->sync.auth &&
	    load_link_keys(s) == -1))) {
		log_errx("the sync worker cannot be restarted: stopping "
		    "ctsyncd");
		links_close(s);
		s->shutting_down = 1;
		s->exit_status = 1;
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, peer) == -1)
		fatal("socketpair");
	for (k = 0; k < W_COUNT; k++) {
		if (due[k]) {
			start_worker(s, k, peer[k]);
			close(peer[k]);
			s->w[k].restart_at = 0;
			s->rt.worker_restarts++;
			log_notice("%s restarted (pid %d)", s->w[k].name,
			    (int)s->w[k].pid);
		} else if (fcntl(peer[k], F_SETFL, O_NONBLOCK) == -1)
			fatal("fcntl");
		else	/* the channel closes our copy once it is sent */
			msg_send_peer_socket(&s->w[k].chan, peer[k]);
	}
	if (due[W_NETLINK])
		send_netlink_config(s);
	if (due[W_SYNC])
		send_sync_config(s, 1);
}

/* How long the loop may wait: a restart may be due sooner. */
static int
loop_timeout_ms(const struct sup *s)
{
	uint64_t now = mono_ms(), left;
	int k, t = watchdog_timeout_ms(s);

	for (k = 0; k < W_COUNT; k++) {
		if (s->w[k].restart_at == 0)
			continue;
		left = s->w[k].restart_at > now ? s->w[k].restart_at - now : 0;
		if (left < (uint64_t)t)
			t = (int)left;
	}
	return t;
}

/*
 * The sync worker, which cannot open sockets, asks for a new connection
 * on a TCP link: to the configured peer only, at most once a second.
 */
static void
link_connect(struct sup *s, const struct msg *m)
{
	const struct conf_link *l;
	time_t now = mono_secs();
	uint8_t i;
	int fd;

	if (msg_recv_link_connect(m, &i) == -1 || i >= s->conf->nlinks ||
	    s->conf->links[i].kind != LINK_TCP) {
		worker_misbehaved(s, &s->w[W_SYNC], "a malformed LINK_CONNECT");
		return;
	}
	l = &s->conf->links[i];
	if (s->tcp_connect_at[i] == now)
		return;		/* it asks again, later */
	s->tcp_connect_at[i] = now;
	if ((fd = links_tcp_connect(l)) != -1)
		msg_send_link_socket(&s->w[W_SYNC].chan, i, fd);
}

static void
worker_msg(struct sup *s, struct worker *w, const struct msg *m)
{
	char text[LOG_MSG_MAX];
	int level;

	switch (m->type) {
	case MSG_LOG:
		if (msg_recv_log(m, &level, text, sizeof(text)) == -1) {
			worker_misbehaved(s, w, "a malformed LOG");
			return;
		}
		log_emit(level, (int)w->pid, w->name, text);
		break;
	case MSG_READY:
		if (msg_recv_ready(m) == -1 || w->ready) {
			worker_misbehaved(s, w, "a malformed or repeated READY");
			return;
		}
		w->ready = 1;
		break;
	case MSG_PONG:
		watchdog_pong(w, m);
		break;
	case MSG_LINK_CONNECT:		/* accepted from the sync worker only */
		link_connect(s, m);
		break;
	case MSG_FLOW_LOG: {		/* the same */
		const char *lines;
		size_t len;

		if (msg_recv_flow_log(m, &lines, &len) == -1 ||
		    len > CHAN_MSG_MAX) {
			worker_misbehaved(s, w, "a malformed FLOW_LOG");
			return;
		}
		flowlog_write(s, lines, len);
		break;
	}
	default:
		if (!w->ready) {
			worker_misbehaved(s, w, "a message before READY");
			return;
		}
		control_worker_msg(s, w, m);
	}
}

/*
 * A worker broke the protocol (a malformed or unexpected message): it
 * may be compromised, so nothing more it says is read.  It is killed and
 * restarted as if it had died (worker_died: back-off, the crash-loop
 * limit), and the daemon goes on.
 */
void
worker_misbehaved(struct sup *s, struct worker *w, const char *what)
{
	(void)s;
	if (w->misbehaved)
		return;
	w->misbehaved = 1;
	log_errx("%s (pid %d) sent %s: killing it", w->name, (int)w->pid,
	    what);
	if (w->pid > 0)
		kill(w->pid, SIGKILL);
}

/* Returns 0 if the worker closed its channel. */
static int
worker_read(struct sup *s, struct worker *w)
{
	struct msg m;
	const char *why;
	int n;

	if ((n = chan_read(&w->chan)) == 0)
		return 0;
	while (!w->misbehaved && (n = chan_get(&w->chan, &m, &why)) == 1)
		worker_msg(s, w, &m);
	if (n == -1)
		worker_misbehaved(s, w, why);
	return 1;
}

static void
stop_workers(struct sup *s)
{
	int i, tries, status;

	if (s->commit.pid > 0)
		kill(s->commit.pid, SIGKILL);
	if (s->flush.pid > 0)
		kill(s->flush.pid, SIGKILL);
	for (i = 0; i < W_COUNT; i++)
		if (s->w[i].pid > 0)
			kill(s->w[i].pid, SIGTERM);
	for (i = 0; i < W_COUNT; i++) {
		if (s->w[i].pid <= 0)
			continue;
		for (tries = 0; tries < 200; tries++) {
			if (waitpid(s->w[i].pid, &status, WNOHANG) != 0)
				break;
			usleep(10000);
		}
		if (tries == 200) {
			kill(s->w[i].pid, SIGKILL);
			waitpid(s->w[i].pid, &status, 0);
		}
		s->w[i].pid = 0;
	}
}

/* Stop everything, in an order that leaves nothing behind. */
static void
shutdown_daemon(struct sup *s)
{
	metrics_stop(s);
	stop_workers(s);
	control_stop_listening(s);
	lock_release(s->lock_fd, s->conf->lockfile);
	s->lock_fd = -1;
	notify_systemd(s->conf, "STOPPING=1");
	control_answer_kill(s);
	control_close(s);
	flowlog_close(s);
}

static struct sup *fatal_ctx;

/* fatal() in the supervisor: leave nothing behind. */
static void
fatal_cleanup(void)
{
	struct sup *s = fatal_ctx;

	if (s == NULL)
		return;
	fatal_ctx = NULL;
	shutdown_daemon(s);
}

static void
reap_children(struct sup *s)
{
	char how[256];
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (child_reaped(s, pid, status) ||
		    metrics_reaped(s, pid, status))
			continue;
		for (i = 0; i < W_COUNT; i++) {
			if (s->w[i].pid != pid)
				continue;
			s->w[i].pid = 0;
			describe_exit(status, how, sizeof(how));
			if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
				sigsys_describe(s->kmsg_fd, pid, how,
				    sizeof(how));
			s->rt.child_failed++;
			if (WIFSIGNALED(status)) {
				s->rt.child_termsig++;
				if (WTERMSIG(status) == SIGSEGV)
					s->rt.child_segfault++;
			}
			if (!s->shutting_down)
				worker_died(s, &s->w[i], pid, how);
		}
	}
	if (pid == -1 && errno != ECHILD)
		s->rt.wait_failed++;
}

static int
all_ready(const struct sup *s)
{
	return s->w[W_NETLINK].ready && s->w[W_SYNC].ready;
}

/* The supervisor's poll slots; control clients follow the fixed ones. */
enum { PFD_NETLINK = W_NETLINK, PFD_SYNC = W_SYNC, PFD_CONTROL, PFD_COMMIT,
    PFD_FLUSH, PFD_METRICS, PFD_CLIENTS };

/* One round of the loop: wait, then serve whatever is ready. */
static void
loop_once(struct sup *s, const sigset_t *waitmask, int timeout_ms)
{
	struct pollfd pfd[PFD_CLIENTS + CTL_MAX_CLIENTS];
	struct ctl_op *ops[CTL_MAX_CLIENTS];
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	int i, n = PFD_CLIENTS, nops = 0;

	for (i = 0; i < W_COUNT; i++) {
		struct worker *w = &s->w[i];

		pfd[i].fd = w->pid > 0 && !w->misbehaved ? w->chan.fd : -1;
		pfd[i].events = POLLIN | (chan_pending(&w->chan) ? POLLOUT : 0);
	}
	pfd[PFD_CONTROL].fd = all_ready(s) ? s->ctl_fd : -1;
	pfd[PFD_CONTROL].events = POLLIN;
	pfd[PFD_COMMIT].fd = s->commit.pid > 0 ? s->commit.chan.fd : -1;
	pfd[PFD_COMMIT].events = POLLIN;
	pfd[PFD_FLUSH].fd = s->flush.pid > 0 ? s->flush.chan.fd : -1;
	pfd[PFD_FLUSH].events = POLLIN;
	pfd[PFD_METRICS].fd = s->mx.pid > 0 ? s->mx.chan.fd : -1;
	pfd[PFD_METRICS].events = POLLIN;
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_op *op = &s->ops[i];

		if (!op->active || op->client_gone)
			continue;
		ops[nops++] = op;
		pfd[n].fd = op->fd;
		pfd[n++].events = POLLIN |
		    (chan_pending(&op->chan) ? POLLOUT : 0);
	}
	if (ppoll(pfd, (nfds_t)n, &ts, waitmask) == -1) {
		if (errno != EINTR)
			s->rt.poll_failed++;
		return;
	}
	for (i = 0; i < W_COUNT; i++) {
		struct worker *w = &s->w[i];

		if (pfd[i].revents & POLLOUT && chan_flush(&w->chan) == -1)
			pfd[i].revents |= POLLHUP;
		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR) &&
		    !worker_read(s, w) && !s->shutting_down) {
			/* SIGCHLD will tell how it ended */
			close(w->chan.fd);
			w->chan.fd = -1;
		}
	}
	if (pfd[PFD_CONTROL].revents & POLLIN)
		control_accept(s);
	if (pfd[PFD_COMMIT].revents & (POLLIN | POLLHUP | POLLERR))
		child_read(s, &s->commit);
	if (pfd[PFD_FLUSH].revents & (POLLIN | POLLHUP | POLLERR))
		child_read(s, &s->flush);
	if (pfd[PFD_METRICS].revents & (POLLIN | POLLHUP | POLLERR))
		metrics_read(s);
	for (i = 0; i < nops; i++) {
		short re = pfd[PFD_CLIENTS + i].revents;

		if (re & (POLLIN | POLLHUP | POLLERR))
			control_read(s, ops[i]);
		if (ops[i]->active && !ops[i]->client_gone && re & POLLOUT)
			control_write(s, ops[i]);
		else if (ops[i]->active && ops[i]->closing &&
		    chan_pending(&ops[i]->chan) == 0)
			control_write(s, ops[i]);
	}
	/* answers queued by this round go out now, not a round later */
	for (i = 0; i < W_COUNT; i++)
		if (s->w[i].pid > 0)
			chan_flush(&s->w[i].chan);
	if (s->mx.pid > 0 && s->mx.chan.fd != -1)
		chan_flush(&s->mx.chan);
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->ops[i].active && !s->ops[i].client_gone)
			control_write(s, &s->ops[i]);
}

/* SIGHUP: the LogFile and the Stats LogFile opened anew (logrotate). */
static void
reopen_logs(struct sup *s)
{
	const struct conf *c = s->conf;

	if (c->logfile[0] && log_open_file(c->logfile) == -1)
		log_warn("SIGHUP: cannot reopen LogFile %s, keeping the old "
		    "one", c->logfile);
	flowlog_reopen(s);
	log_info("log files reopened (SIGHUP)");
}

/*
 * The termination flag first: a SIGTERM sent to the whole process group
 * (Ctrl-C, systemd's control-group kill) may have ended a worker before
 * we saw our own, and that death is then part of the shutdown.
 */
static void
handle_signals(struct sup *s)
{
	if (sig_term && !s->shutting_down) {
		log_notice("---- shutdown received ----");
		s->shutting_down = 1;
	}
	sig_term = 0;
	if (sig_hup) {
		sig_hup = 0;
		reopen_logs(s);
		reload_link_keys(s);
	}
	if (sig_chld) {
		sig_chld = 0;
		reap_children(s);
	}
	child_check_timers(s);
	control_check_timers(s);
	control_next_change(s);
	restart_due(s);
	metrics_restart_due(s);
	watchdog_tick(s);
}

static int
wait_workers_ready(struct sup *s, const sigset_t *waitmask)
{
	time_t deadline = mono_secs() + WORKER_READY_TIMEOUT;

	while (!all_ready(s)) {
		loop_once(s, waitmask, 200);
		handle_signals(s);
		if (s->shutting_down)
			return -1;
		if (mono_secs() > deadline) {
			log_errx("the workers did not start within %d seconds",
			    WORKER_READY_TIMEOUT);
			return -1;
		}
	}
	return 0;
}

/*
 * -d: fork, and let the parent exit only once the daemon is ready (0) or
 * has failed (1), as conntrackd does.  Returns the pipe to report on.
 */
static int
daemon_fork(void)
{
	int p[2];
	char ok;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &ok, 1) == 1 && ok == '0' ? 0 : 1);
	}
	close(p[0]);
	setsid();
	return p[1];
}

static void
detach_console(int readyfd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (write(readyfd, "0", 1) != 1)
		log_warn("cannot report readiness");
	close(readyfd);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
	log_set_console(0);
}

static int
prepare(struct sup *s)
{
	if ((s->lock_fd = lock_acquire(s->conf->lockfile)) == -1)
		return -1;
	if (resolve_user(s) == -1 || prepare_chroot(s->conf->chroot_dir) == -1)
		return -1;
	if ((s->ctl_fd = control_open(s)) == -1)
		return -1;
	if (links_open(s) == -1)
		return -1;
	if (metrics_open(s) == -1)
		return -1;
	if (s->conf->sync.auth && load_link_keys(s) == -1)
		return -1;
	flowlog_open(s);
	return 0;
}

int
supervisor_run(struct conf *conf, int daemonize, int verbose)
{
	struct sup *s;
	sigset_t waitmask;
	int readyfd = -1, i, peer[2];
	pid_t started_as;
	const char *dir = getenv("CTSYNCD_LIBEXECDIR");

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("calloc");
	s->conf = conf;
	s->verbose = verbose;
	s->libexecdir = dir && dir[0] == '/' ? dir : LIBEXECDIR;
	s->started = mono_secs();
	s->lock_fd = s->ctl_fd = -1;
	s->mx.listen_fd = s->mx.chan.fd = -1;
	s->commit.what = SELF_COMMIT;
	s->commit.name = "commit child";
	s->flush.what = SELF_FLUSH;
	s->flush.name = "flush child";
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		s->ops[i].fd = -1;
	started_as = getpid();
	if (daemonize)
		readyfd = daemon_fork();
	features_warn_unsupported(conf);
	if (prepare(s) == -1) {
		log_errx("ctsyncd cannot start, please review your "
		    "configuration");
		control_close(s);
		links_close(s);
		if (s->lock_fd >= 0)
			lock_release(s->lock_fd, conf->lockfile);
		exit(1);
	}
	fatal_ctx = s;
	log_set_fatal_hook(fatal_cleanup);
	s->kmsg_fd = sigsys_open();
	set_scheduler(conf);
	signals_setup(&waitmask);
	s->gone_fd = gone_ring_create();
	/* the workers' own channel: conntrack objects need no middleman */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, peer) == -1)
		fatal("socketpair");
	start_worker(s, W_NETLINK, peer[0]);
	start_worker(s, W_SYNC, peer[1]);
	close(peer[0]);
	close(peer[1]);
	send_netlink_config(s);
	send_sync_config(s, 0);
	if (wait_workers_ready(s, &waitmask) == -1)
		fatalx("ctsyncd cannot start, please review your "
		    "configuration");
	s->running = 1;
	if (daemonize) {
		detach_console(readyfd);
		log_info("-- starting in daemon mode --");
	} else
		log_info("-- starting in console mode --");
	metrics_start(s);
	watchdog_init(s, started_as);
	notify_ready(s);
	while (!s->shutting_down) {
		loop_once(s, &waitmask, loop_timeout_ms(s));
		handle_signals(s);
	}
	fatal_ctx = NULL;
	shutdown_daemon(s);
	return s->exit_status;
}
