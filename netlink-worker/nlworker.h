/*
 * The netlink worker: the only process that talks to the kernel's
 * connection tracking (ctnetlink).  Keeps CAP_NET_ADMIN and nothing else.
 */
#ifndef CTSYNCD_NLWORKER_H
#define CTSYNCD_NLWORKER_H

#include <sys/socket.h>

#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "msg.h"
#include "msgs.h"
#include "nl_inject.h"
#include "nl_recv.h"
#include "worker.h"

#define NL_BATCH_MAX	256	/* events per CT_EVENTS message, at most */

/*
 * Batching under load.  Every wake-up of a worker costs far more than the
 * work on one event (a cross-CPU wake-up takes ~25 us on a 2-vCPU VM, see
 * bench/), and there are two workers where conntrackd has one process.
 * So after a read that found events the loop pauses before reading again
 * and lets the kernel queue them: then each wake-up of both workers moves
 * a batch.  The pause is 2 ms at most, and at most half the time a burst
 * at the kernel's top rate (~500k/s) takes to fill the event buffer, an
 * event taking about 1 KiB of it; a read that stopped at
 * EventIterationLimit goes on at once.  Replication lag grows by at most
 * the pause, and only under load: the sync worker pauses from 2000
 * events a second (sync_events.c under_load).  With 1 ms the primary
 * paid 0.80 - 1.10 of conntrackd's CPU in churn and paced inserts, with 2
 * ms 0.43 - 0.65, for 1.2 - 1.8 ms more lag (bench/, README).
 */
#define NL_BUSY_PAUSE_NS	2000000
#define NL_EVENT_TRUESIZE	1024	/* buffer bytes an event takes */
#define NL_EVENT_TOP_RATE	500000	/* events/s the kernel can make */


struct nl_counters {
	uint64_t	 events_received, events_filtered, events_unknown;
	uint64_t	 catch_failed, dump_unknown, overrun;
	uint64_t	 flush_kernel, resync_kernel;
	uint64_t	 inject_invalid, own_events;
	uint64_t	 events_held;	/* times the sync worker was behind */
	uint64_t	 dump_waits;	/* a dump waited for the sync worker */
};

/* The netlink worker's one context. */
struct nlw {
	struct chan	 chan;		/* to the supervisor */
	struct chan	 peer;		/* to the sync worker */
	struct worker_args args;
	struct conf_netlink cfg;
	struct conf_filter filter;	/* Filter From Userspace */
	int		 configured;
	struct mnl_socket *query;	/* requests to the kernel */
	struct mnl_socket *events;	/* conntrack events */
	uint32_t	 evbuf, evbuf_max;	/* event socket buffer */
	long		 busy_pause_ns;	/* see NL_BUSY_PAUSE_NS */
	time_t		 next_poll;	/* PollSecs: the next dump */
	uint32_t	 seq;
	int		 overrun_logged;
	int		 resync_pending;	/* a sweeping dump is due */
	time_t		 overrun_resync_at;	/* after an overrun, or 0 */
	uint32_t	 dump_token;	/* the sync worker's DUMP_REQ, or 0 */
	struct nl_recv	*recv;		/* event datagrams, one call's worth */
	struct inject	*inj;		/* DisableExternalCache, or NULL */
	uint32_t	 inject_portid;	/* its socket: events of our changes */
	struct ct_event	 batch[NL_BATCH_MAX];
	size_t		 nbatch;
	struct nl_counters cnt;
	int		 events_held;	/* the sync worker's queue is full */
	int		 peer_up;	/* the sync worker's channel is open */
	/* the sync worker reads the event socket (EVENT_SOCKET); we read
	 * it only while there is none */
	int		 events_given;
	/* a dump asked of the sync worker (DUMP_WANTED): its token, if it
	 * sweeps, and the -R requests answered once it is done */
	uint32_t	 wanted_token, wanted_seq;
	int		 wanted_sweep;
	int		 wanted_barrier;	/* CT_BARRIER after it: a commit's */
	/* a commit runs: the event socket is out of the new-entry group
	 * (NEW_EVENTS_OFF), a dump makes up when it ends */
	int		 new_events_off;
	uint32_t	 wanted_ids[CTL_MAX_CLIENTS];
	int		 nwanted_ids;
	/* the last NL_GONE_RING entries destroyed, for a restarted sync
	 * worker (nl_events.c nl_gone_replay) */
	struct ctobj	*gone;
	uint32_t	 gone_next, gone_count;
};

#define NL_GONE_RING	16384

/* What the netlink worker accepts from the sync worker. */
#define NL_PEER_ACCEPT	(MSG_BIT(MSG_CT_EVENTS) | MSG_BIT(MSG_DUMP_REQ) | \
	MSG_BIT(MSG_EXP_EVENT) | MSG_BIT(MSG_EVENTS_OVERRUN))

/* nlworker.c */
void	nl_peer_lost(struct nlw *);
/* nl_events.c */
void	nl_gone_replay(struct nlw *);

/* nl_sandbox.c */
void	nl_drop_privileges(const struct worker_args *);
void	nl_sandbox(void);

/* nl_kernel.c */
void	nl_kernel_open(struct nlw *);
int	nl_kernel_count(struct nlw *, uint64_t *entries);
uint32_t nl_kernel_bufsize(struct nlw *);

/* nl_bpf.c */
int	nl_bpf_attach(int fd, const struct conf_filter *);

/* nl_direct.c */
void	nl_direct_open(struct nlw *);
void	nl_direct_apply(struct nlw *, const struct msg *);
void	nl_direct_exp(struct nlw *, const struct msg *);

/* nl_events.c */
void	nl_events_open(struct nlw *);
uint32_t nl_events_read(struct nlw *);
void	nl_events_set_pause(struct nlw *);
void	nl_events_drain(struct nlw *);
void	nl_events_overrun(struct nlw *);
void	nl_events_give(struct nlw *);
void	nl_events_new_off(struct nlw *, int off);
int	nl_dump(struct nlw *, int sweep);
void	nl_dump_wanted(struct nlw *, int sweep, uint32_t req_id);
int	nl_dump_wanted_req(struct nlw *, uint32_t token);
void	nl_dump_wanted_cancel(struct nlw *);

#endif
