/*
 * The netlink worker: the only process that talks to the kernel's
 * connection tracking (ctnetlink).  Keeps CAP_NET_ADMIN and nothing else.
 */
#ifndef CTSYNCD_NLWORKER_H
#define CTSYNCD_NLWORKER_H

#include <stdint.h>

#include "conf.h"
#include "msg.h"
#include "worker.h"

struct nl_counters {
	uint64_t	 events_received, events_filtered, events_unknown;
	uint64_t	 catch_failed, dump_unknown, overrun;
	uint64_t	 flush_kernel, resync_kernel;
};

/* The netlink worker's one context. */
struct nlw {
	struct chan	 chan;
	struct worker_args args;
	struct conf_netlink cfg;
	int		 configured;
	struct mnl_socket *query;	/* requests to the kernel */
	uint32_t	 seq;
	struct nl_counters cnt;
};

/* nl_sandbox.c */
void	nl_drop_privileges(const struct worker_args *);
void	nl_sandbox(void);

/* nl_kernel.c */
void	nl_kernel_open(struct nlw *);
void	nl_kernel_apply_config(struct nlw *);
int	nl_kernel_count(struct nlw *, uint64_t *entries);
uint32_t nl_kernel_bufsize(struct nlw *);

#endif
