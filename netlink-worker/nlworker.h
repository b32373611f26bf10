/*
 * The netlink worker: the only process that talks to the kernel's
 * connection tracking (ctnetlink).  Keeps CAP_NET_ADMIN and nothing else.
 */
#ifndef CTSYNCD_NLWORKER_H
#define CTSYNCD_NLWORKER_H

#include <sys/socket.h>

#include <stdint.h>

#include "conf.h"
#include "msg.h"
#include "msgs.h"
#include "worker.h"

#define NL_BATCH_MAX	256	/* events per CT_EVENTS message, at most */
#define NL_RECV_VLEN	64	/* event datagrams per recvmmsg() */
#define NL_RECV_SLOT	8192	/* room for one event datagram */

/*
 * Under load the loop pauses this long before reading events again, so
 * that each wake-up moves a batch rather than an event or two: the
 * kernel queues them meanwhile (a burst at 250k/s fills 50 slots).
 */
#define NL_BUSY_DATAGRAMS	8
#define NL_BUSY_PAUSE_NS	200000

struct nl_recv {
	struct mmsghdr	 hdr[NL_RECV_VLEN];
	struct iovec	 iov[NL_RECV_VLEN];
	char		 buf[NL_RECV_VLEN][NL_RECV_SLOT];
};


struct nl_counters {
	uint64_t	 events_received, events_filtered, events_unknown;
	uint64_t	 catch_failed, dump_unknown, overrun;
	uint64_t	 flush_kernel, resync_kernel;
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
	uint32_t	 seq;
	int		 overrun_logged;
	int		 resync_pending;	/* dump after an overrun */
	struct nl_recv	*recv;		/* event datagrams, one call's worth */
	struct ct_event	 batch[NL_BATCH_MAX];
	size_t		 nbatch;
	struct nl_counters cnt;
};

/* nl_sandbox.c */
void	nl_drop_privileges(const struct worker_args *);
void	nl_sandbox(void);

/* nl_kernel.c */
void	nl_kernel_open(struct nlw *);
int	nl_kernel_count(struct nlw *, uint64_t *entries);
uint32_t nl_kernel_bufsize(struct nlw *);

/* nl_events.c */
void	nl_events_open(struct nlw *);
uint32_t nl_events_read(struct nlw *);
void	nl_events_drain(struct nlw *);
int	nl_dump(struct nlw *, int sweep);

#endif
