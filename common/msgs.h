/*
 * Typed send/receive pairs, one per message kind of msg_types.h.
 * msg_send_X() queues a message on a channel; msg_recv_X() decodes a
 * received one and returns 0, or -1 if it is malformed (short, trailing
 * bytes, or a value out of range).  What to do with a malformed message
 * is the receiver's choice: fatal between processes, a counted drop on
 * the control socket.
 */
#ifndef CTSYNCD_MSGS_H
#define CTSYNCD_MSGS_H

#include "conf.h"
#include "ctexp.h"
#include "ctobj.h"
#include "keyfile.h"
#include "msg.h"
#include "stats.h"

#define LOG_MSG_MAX	1024

/*
 * Control requests.  The conntrackd codes (cli.md section 5) are kept as
 * they are, so that each conntrackd flag maps to one request; ctsyncd's
 * own requests start at 100.
 */
enum ctl_req {
	REQ_CT_FLUSH_MASTER = 0, REQ_CT_RESYNC_MASTER = 1,
	REQ_CT_DUMP_INTERNAL = 16, REQ_CT_DUMP_EXTERNAL = 17,
	REQ_CT_COMMIT = 18, REQ_CT_FLUSH_CACHE = 19, REQ_KILL = 20,
	REQ_STATS = 21, REQ_SEND_BULK = 22, REQ_REQUEST_DUMP = 23,
	REQ_CT_DUMP_INT_XML = 24, REQ_CT_DUMP_EXT_XML = 25,
	REQ_RESET_TIMERS = 26, REQ_DEBUG_INFO = 27, REQ_STATS_NETWORK = 28,
	REQ_STATS_CACHE = 29, REQ_STATS_RUNTIME = 30, REQ_STATS_LINK = 31,
	REQ_STATS_RSQUEUE = 32, REQ_CT_FLUSH_INT_CACHE = 33,
	REQ_CT_FLUSH_EXT_CACHE = 34, REQ_STATS_PROCESS = 35,
	REQ_STATS_QUEUE = 36, REQ_EXP_STATS = 37, REQ_EXP_FLUSH_MASTER = 38,
	REQ_EXP_RESYNC_MASTER = 39, REQ_EXP_DUMP_INTERNAL = 40,
	REQ_EXP_DUMP_EXTERNAL = 41, REQ_EXP_COMMIT = 42,
	REQ_ALL_FLUSH_MASTER = 43, REQ_ALL_RESYNC_MASTER = 44,
	REQ_ALL_FLUSH_CACHE = 45, REQ_ALL_COMMIT = 46,
	REQ_EXP_DUMP_INT_XML = 47, REQ_EXP_DUMP_EXT_XML = 48,
	/* ctsyncd's own */
	REQ_HEALTH = 100,
	REQ_TEST_SECCOMP_NETLINK = 101,	/* --enable-test-hooks only */
	REQ_TEST_SECCOMP_SYNC = 102,	/* --enable-test-hooks only */
	REQ_TEST_GARBAGE_NETLINK = 103,	/* --enable-test-hooks only */
	REQ_TEST_GARBAGE_SYNC = 104,	/* --enable-test-hooks only */
	REQ_TEST_EVENT_WRITE = 105,	/* --enable-test-hooks only */
	REQ_METRICS = 106,		/* every statistic, for ctl/metrics.c */
	REQ_DEBUG_ON = 107,		/* debug lines on, in every process */
	REQ_DEBUG_OFF = 108,
	/* the supervisor's own, never accepted from a client */
	REQ_CHILD_END = 110,		/* a child died before reporting */
	REQ_MAX
};

/*
 * Requests the supervisor has under way at once (one per control client
 * slot); a worker may keep that many answers open.
 */
#define CTL_MAX_CLIENTS	64

/* Status of a finished control request. */
enum ctl_status { CTL_OK = 0, CTL_ERR = 1, CTL_NOTSUP = 2 };

/* Direction of a dedicated-link socket handed to the sync worker. */
enum { LINKFD_RX = 0, LINKFD_TX = 1 };

struct cfg_link_fd {
	uint8_t		 index;		/* link number in the configuration */
	uint8_t		 dir;		/* LINKFD_RX / LINKFD_TX */
	uint8_t		 kind;		/* enum conf_link_kind */
	uint8_t		 is_default;
	uint8_t		 checksum;
	uint32_t	 errq_len;	/* TCP: ErrorQueueLength */
	char		 ifname[IF_NAMESIZE];
	/* UDP and TCP: the configured peer, the only source accepted */
	uint8_t		 peer_family;	/* AF_INET, AF_INET6, or 0: any */
	uint8_t		 peer[16];
};

/*
 * What happened to a conntrack entry, as carried by CT_EVENTS.  CTE_GONE:
 * destroyed a while ago, told again to a restarted sync worker (its
 * predecessor may have died before telling the peers).
 */
enum ct_event_kind { CTE_NEW = 0, CTE_UPDATE, CTE_DESTROY, CTE_DUMP,
	CTE_GONE, CTE_KIND_MAX };

struct ct_event {
	uint8_t		 kind;		/* enum ct_event_kind */
	struct ctobj	 obj;
};

/* What happened to an expectation (EXP_EVENT): CTE_NEW, CTE_DESTROY
 * or CTE_DUMP; the kernel reports no updates of expectations. */
struct exp_event {
	uint8_t		 kind;
	struct ctexp	 x;
};

/* Reading the events of one CT_EVENTS message, one at a time. */
struct ct_events_reader {
	struct mread	 r;
	uint16_t	 left;
};

void	msg_send_log(struct chan *, int level, const char *text);
int	msg_recv_log(const struct msg *, int *level, char *text, size_t len);
void	msg_send_ready(struct chan *);
int	msg_recv_ready(const struct msg *);
void	msg_send_cfg_netlink(struct chan *, const struct conf_netlink *);
int	msg_recv_cfg_netlink(const struct msg *, struct conf_netlink *);
void	msg_send_cfg_sync(struct chan *, const struct conf_sync *);
int	msg_recv_cfg_sync(const struct msg *, struct conf_sync *);
void	msg_send_cfg_link(struct chan *, const struct cfg_link_fd *, int fd);
int	msg_recv_cfg_link(const struct msg *, struct cfg_link_fd *);
/* What a batch injected into the kernel did: created, updated, destroyed. */
struct inject_result {
	uint32_t	 ok[3], failed[3];
};

void	msg_send_inject_done(struct chan *, const struct inject_result *);
int	msg_recv_inject_done(const struct msg *, struct inject_result *);
void	msg_send_flow_log(struct chan *, const char *lines, size_t len);
int	msg_recv_flow_log(const struct msg *, const char **lines,
	    size_t *len);
void	msg_send_link_connect(struct chan *, uint8_t link);
int	msg_recv_link_connect(const struct msg *, uint8_t *link);
void	msg_send_link_socket(struct chan *, uint8_t link, int fd);
int	msg_recv_link_socket(const struct msg *, uint8_t *link);
void	msg_send_peer_socket(struct chan *, int fd);
int	msg_recv_peer_socket(const struct msg *);
void	msg_send_metrics_ask(struct chan *);
int	msg_recv_metrics_ask(const struct msg *);
void	msg_send_metrics_socket(struct chan *, int fd);
int	msg_recv_metrics_socket(const struct msg *);
void	msg_send_link_keys(struct chan *, const struct link_keys *);
int	msg_recv_link_keys(const struct msg *, struct link_keys *);
void	msg_send_cfg_filter(struct chan *, const struct conf_filter *);
int	msg_recv_cfg_filter(const struct msg *, struct conf_filter *);
void	msg_send_cfg_done(struct chan *);
int	msg_recv_cfg_done(const struct msg *);
void	msg_send_worker_req(struct chan *, uint32_t id, uint32_t req);
int	msg_recv_worker_req(const struct msg *, uint32_t *id, uint32_t *req);
void	msg_send_stats_block(struct chan *, uint32_t id,
	    const struct stats_block *);
int	msg_recv_stats_block(const struct msg *, uint32_t *id,
	    struct stats_block *);
void	msg_send_ping(struct chan *, uint32_t seq);
int	msg_recv_ping(const struct msg *, uint32_t *seq);
void	msg_send_standing_down(struct chan *, uint32_t on);
int	msg_recv_standing_down(const struct msg *, uint32_t *on);
void	msg_send_log_verbose(struct chan *, uint32_t on);
int	msg_recv_log_verbose(const struct msg *, uint32_t *on);
void	msg_send_pong(struct chan *, uint32_t seq);
int	msg_recv_pong(const struct msg *, uint32_t *seq);
void	msg_send_worker_done(struct chan *, uint32_t id);
int	msg_recv_worker_done(const struct msg *, uint32_t *id);
void	msg_send_answer_wait(struct chan *, uint32_t id);
int	msg_recv_answer_wait(const struct msg *, uint32_t *id);
void	msg_send_answer_more(struct chan *, uint32_t id, int stop);
int	msg_recv_answer_more(const struct msg *, uint32_t *id, int *stop);
void	msg_send_test_seccomp(struct chan *);
int	msg_recv_test_seccomp(const struct msg *);
void	msg_send_test_garbage(struct chan *);
int	msg_recv_test_garbage(const struct msg *);
void	msg_send_test_event_write(struct chan *);
int	msg_recv_test_event_write(const struct msg *);
void	msg_send_ct_events(struct chan *, const struct ct_event *, size_t n);
int	msg_recv_ct_events(const struct msg *, struct ct_events_reader *);
int	msg_recv_ct_event_next(struct ct_events_reader *, struct ct_event *);
void	msg_send_exp_event(struct chan *, const struct exp_event *);
int	msg_recv_exp_event(const struct msg *, struct exp_event *);
void	msg_send_ct_dump_done(struct chan *, int sweep, uint32_t token);
int	msg_recv_ct_dump_done(const struct msg *, int *sweep,
	    uint32_t *token);
void	msg_send_dump_req(struct chan *, uint32_t token);
int	msg_recv_dump_req(const struct msg *, uint32_t *token);
void	msg_send_event_socket(struct chan *, int fd, uint32_t inject_portid,
	    uint32_t pause_ns);
int	msg_recv_event_socket(const struct msg *, uint32_t *inject_portid,
	    uint32_t *pause_ns);
void	msg_send_dump_wanted(struct chan *, uint32_t token);
int	msg_recv_dump_wanted(const struct msg *, uint32_t *token);
void	msg_send_events_overrun(struct chan *);
void	msg_send_cfg_gone_ring(struct chan *, int fd);
int	msg_recv_cfg_gone_ring(const struct msg *);
int	msg_recv_events_overrun(const struct msg *);
/* What a one-shot child did. */
struct child_result {
	uint32_t	 ok, failed;
	uint32_t	 exp_ok, exp_failed;	/* expectations */
	uint64_t	 usec;
};

/* What a one-shot child does to the kernel. */
enum self_change {
	SELF_COMMIT = 0,	/* the external cache into the kernel */
	SELF_FLUSH,		/* the whole kernel table away */
	SELF_FLUSH_FILTERED,	/* only the entries the Filter accepts: the
				   child dumps the table and picks them */
	SELF_COMMIT_ALL,	/* the external caches: entries, then
				   expectations (ExpectationSync) */
	SELF_COMMIT_EXP,	/* the external expectation cache only */
	SELF_NONE,		/* none under way (never sent) */
};

void	msg_send_self_start(struct chan *, int what, int fd);
int	msg_recv_self_start(const struct msg *, int *what);
void	msg_send_ct_barrier(struct chan *);
int	msg_recv_ct_barrier(const struct msg *);
void	msg_send_new_events_off(struct chan *);
int	msg_recv_new_events_off(const struct msg *);
void	msg_send_child_done(struct chan *, const struct child_result *);
int	msg_recv_child_done(const struct msg *, struct child_result *);
void	msg_send_ctl_request(struct chan *, uint32_t req, uint32_t flags);
int	msg_recv_ctl_request(const struct msg *, uint32_t *req,
	    uint32_t *flags);
void	msg_send_ctl_text(struct chan *, uint32_t id, const char *text);
int	msg_recv_ctl_text(const struct msg *, uint32_t *id, char *text,
	    size_t len);
void	msg_send_ctl_done(struct chan *, uint32_t status, const char *text);
int	msg_recv_ctl_done(const struct msg *, uint32_t *status, char *text,
	    size_t len);

#endif
