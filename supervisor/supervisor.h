/*
 * The supervisor: the only root process.  It parses the configuration,
 * opens what needs privilege (lock, control socket, dedicated-link
 * sockets, socketpairs), starts the workers with fork+exec, hands them
 * their fds and configuration, routes control requests and reaps
 * children.  It never parses network input.
 */
#ifndef CTSYNCD_SUPERVISOR_H
#define CTSYNCD_SUPERVISOR_H

#include <sys/types.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "conf.h"
#include "msg.h"
#include "keyfile.h"
#include "msgs.h"
#include "stats.h"

#define MAX_OP_STEPS		6
#define WORKER_READY_TIMEOUT	10	/* seconds */

enum worker_kind { W_NETLINK = 0, W_SYNC, W_COUNT };

/*
 * A dead worker is started again after a pause that doubles with each
 * recent death (RESTART_FIRST_MS, at most RESTART_MAX_MS); the
 * RESTART_LOOP_DEATHS-th death within RESTART_LOOP_SECS stops ctsyncd.
 */
#define RESTART_FIRST_MS	100
#define RESTART_MAX_MS		5000
#define RESTART_LOOP_DEATHS	5
#define RESTART_LOOP_SECS	60

struct worker {
	const char	*name;		/* "netlink worker" */
	const char	*binary;	/* file name in libexecdir */
	pid_t		 pid;
	int		 ready;
	struct chan	 chan;
	uint64_t	 deaths[RESTART_LOOP_DEATHS];	/* monotonic ms, a ring */
	uint32_t	 ndeaths;	/* ever */
	uint64_t	 restart_at;	/* monotonic ms; 0: none due */
	uint32_t	 pong;		/* the last PING it answered */
	int		 misbehaved;	/* killed for it: not read any more */
	/* queries waiting for this worker's answer, oldest first */
	struct ctl_op	*waiting[CTL_MAX_CLIENTS];
	int		 nwaiting;
};

/* Steps of a control request: supervisor-local or a worker query. */
enum op_step {
	STEP_END = 0,
	STEP_ASK_NETLINK,
	STEP_ASK_SYNC,
	STEP_UPTIME,
	STEP_RUNTIME,
	STEP_PROCESSES,
	STEP_SELF_HEALTH,
	STEP_COMMIT,		/* a commit child, until it reports */
	STEP_FLUSH,		/* a flush child, until it reports */
	STEP_PURGE_TIMER,	/* -t: schedule a flush */
	STEP_DEBUG_ON,		/* debug lines in every process */
	STEP_DEBUG_OFF,
};

/*
 * A control request, from accept to the last byte of its answer.  The
 * slot lives as long as a worker or a child may still answer it (`on_worker',
 * `on_child'), even when its client has gone: the answer is then dropped.
 */
struct ctl_op {
	int		 active;
	int		 client_gone;	/* fd closed; answers are dropped */
	int		 internal;	/* the supervisor's own: any request code */
	uint32_t	 id;
	uint32_t	 req;		/* REQ_MAX until the request is read */
	uint8_t		 steps[MAX_OP_STEPS + 1];
	int		 step;
	int		 fd;		/* client connection */
	struct chan	 chan;
	time_t		 accepted;	/* for the idle timeout */
	struct worker	*on_worker;	/* waiting for this worker's answer */
	int		 on_child;	/* waiting for a commit or flush child */
	int		 changing;	/* its kernel change runs (control.c) */
	int		 awaiting_turn;	/* ... or waits for another's end */
	int		 paused;	/* the worker waits for ANSWER_MORE */
	int		 closing;	/* answer complete, flushing */
	int		 unhealthy;	/* health: a process said it is not */
	int		 metrics_only;	/* the Metrics listener's: METRICS only */
	int		 have_netlink_part;	/* the sync worker's ... */
	struct stats_block netlink_part;	/* ... SB_NETLINK, held */
};

/* A client must send its request this soon after connecting. */
#define CTL_IDLE_TIMEOUT	5		/* seconds */
/* An answer the client does not read is paused above the high mark ... */
#define CTL_QUEUE_LOW		(256 * 1024)
/* ... and a client whose unpaced answer queues up beyond this is cut off. */
#define CTL_QUEUE_MAX		(32 * 1024 * 1024)

/* A one-shot child: commit or flush (enum self_change). */
struct child {
	int		 what;
	const char	*name;
	pid_t		 pid;		/* 0: none running */
	struct chan	 chan;
	struct ctl_op	*op;		/* the request waiting for it */
	time_t		 started;
	int		 reported;
	int		 retried;	/* this request's second child */
};

#define CHILD_TIMEOUT	120	/* seconds before a stuck child is killed */

struct runtime_stats {
	uint64_t	 child_failed, child_segfault, child_termsig;
	uint64_t	 poll_failed, wait_failed;
	uint64_t	 local_read_failed, local_unknown_request;
	uint64_t	 ctl_rejected;	/* peer credentials refused */
	uint64_t	 ctl_client_gone;	/* left before the answer's end */
	uint64_t	 ctl_idle;	/* closed: no request in time */
	uint64_t	 ctl_answer_dropped;	/* answers for clients gone */
	uint64_t	 worker_restarts;
};

/* The supervisor's one context. */
struct sup {
	struct conf	*conf;
	const char	*libexecdir;
	int		 verbose;
	int		 test_rlimit_used;	/* test builds: spawn.c */
	time_t		 started;
	uid_t		 uid;		/* workers' unprivileged ids */
	gid_t		 gid;
	int		 lock_fd;
	int		 kmsg_fd;	/* names a seccomp kill, -1 if unavailable */
	int		 ctl_fd;
	gid_t		 ctl_gid;	/* ControlGroup, or (gid_t)-1 */
	int		 link_fds[CONF_MAX_LINKS][2];
	int		 gone_fd;	/* the sync workers' gone_ring.h, or -1 */
	time_t		 tcp_connect_at[CONF_MAX_LINKS];	/* last asked */
	FILE		*flowlog;	/* Stats LogFile, or NULL */
	struct link_keys keys;		/* Authentication: read at start and
					   on SIGHUP, wiped once sent */
	struct worker	 w[W_COUNT];
	struct {			/* the Metrics listener, metrics.c */
		int		 listen_fd;	/* -1: none configured */
		pid_t		 pid;
		struct chan	 chan;
		uint64_t	 restart_at;	/* monotonic ms; 0: none due */
		uint64_t	 first_death_ms;
		unsigned int	 deaths;	/* since first_death_ms */
		int		 gave_up;
	} mx;
	struct child	 commit, flush;
	time_t		 purge_at;	/* -t: when the flush is due, or 0 */
	struct ctl_op	 ops[CTL_MAX_CLIENTS];
	uint32_t	 next_id;
	struct runtime_stats rt;
	struct {			/* the systemd watchdog, systemd.c */
		uint64_t period_ms;	/* 0: off */
		uint64_t next_ms;	/* the next tick, monotonic */
		uint32_t seq;		/* the last PING */
		uint64_t fed, missed;
	} wd;
	int		 running;	/* both workers were ready once */
	int		 shutting_down;
	int		 exit_status;
};

/* supervisor.c */
int	 supervisor_run(struct conf *, int daemonize, int verbose);

/* systemd.c */
void	 notify_systemd(const struct conf *, const char *state);
void	 notify_ready(const struct sup *);
void	 watchdog_init(struct sup *, pid_t started_as);
int	 watchdog_timeout_ms(const struct sup *);
void	 watchdog_tick(struct sup *);
void	 watchdog_pong(struct worker *, const struct msg *);

/* metrics.c */
int	 metrics_open(struct sup *);
void	 metrics_start(struct sup *);
void	 metrics_read(struct sup *);
int	 metrics_reaped(struct sup *, pid_t, int status);
void	 metrics_restart_due(struct sup *);
void	 metrics_stop(struct sup *);

/* lock.c */
int	 lock_acquire(const char *path);
void	 lock_release(int fd, const char *path);

/* spawn.c */
pid_t	 spawn(struct sup *, const char *binary, int chanfd, int peerfd,
	    const char *const *extra);
void	 describe_exit(int status, char *buf, size_t len);

/* control.c */
int	 control_open(struct sup *);
void	 control_close(struct sup *);
void	 control_stop_listening(struct sup *);
void	 control_answer_kill(struct sup *);
void	 control_worker_gone(struct worker *);
void	 purge_schedule(struct sup *, time_t at);
void	 control_accept(struct sup *);
int	 control_adopt(struct sup *, int fd, int metrics_only);
void	 control_read(struct sup *, struct ctl_op *);
void	 control_write(struct sup *, struct ctl_op *);
void	 control_worker_msg(struct sup *, struct worker *,
	    const struct msg *);

void	 control_op_resume(struct sup *, struct ctl_op *);
void	 control_op_fail(struct ctl_op *, const char *);

void	 control_internal_request(struct sup *, uint32_t req);
void	 control_check_timers(struct sup *);
void	 control_next_change(struct sup *);

/* supervisor.c */
void	 worker_misbehaved(struct sup *, struct worker *, const char *what);

/* control_request.c */
void	 control_request_chan(struct chan *, int fd);
int	 control_request_get(struct chan *, uint32_t *req, char *why,
	    size_t whylen);
int	 control_request_known(uint32_t req);

/* plan.c */
int	 plan_request(const struct conf *, uint32_t req,
	    uint8_t steps[MAX_OP_STEPS + 1]);

/* children.c */
int	 child_start(struct sup *, struct child *, struct ctl_op *);
void	 child_read(struct sup *, struct child *);
int	 child_reaped(struct sup *, pid_t, int status);
void	 child_check_timers(struct sup *);

/* links.c */
int	 links_open(struct sup *);
void	 links_close(struct sup *);
int	 links_tcp_connect(const struct conf_link *);

/* flowlog.c */
void	 flowlog_open(struct sup *);
void	 flowlog_reopen(struct sup *);
void	 flowlog_close(struct sup *);
void	 flowlog_write(struct sup *, const char *lines, size_t len);

/* sigsys.c */
int	 sigsys_open(void);
void	 sigsys_describe(int fd, pid_t pid, char *buf, size_t len);

/* features.c */
void	 features_warn_unsupported(const struct conf *);

#endif
