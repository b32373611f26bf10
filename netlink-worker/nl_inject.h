/*
 * Batched injection of conntrack entries into the kernel: the commit
 * child's creates, and the netlink worker's direct injection of the
 * peers' states (DisableExternalCache).
 */
#ifndef CTSYNCD_NL_INJECT_H
#define CTSYNCD_NL_INJECT_H

#include <stddef.h>
#include <stdint.h>

#include "ctexp.h"
#include "ctobj.h"

#define INJECT_BATCH_MAX	512

struct mnl_socket;
struct nlmsghdr;

/* What a request does; the first three are also its counters. */
enum inject_op {
	INJ_CREATE = 0,		/* exists already: delete, create once more */
	INJ_UPDATE,		/* gone: create; refused: delete, create */
	INJ_DELETE,		/* gone already is no error */
	INJ_OPS,
	INJ_DELETE_QUIET = INJ_OPS,	/* before a retry, errors ignored */
};

struct inject_req {
	uint32_t	 seq;
	uint8_t		 op;		/* enum inject_op */
	uint8_t		 counted_as;	/* INJ_CREATE..INJ_DELETE */
	uint8_t		 retried;
	uint8_t		 done_err;
	struct ctobj	 obj;
};

struct inject {
	struct mnl_socket *nl;
	unsigned int	 portid;
	uint32_t	 seq;
	uint32_t	 commit_timeout;
	int		 window_tracking;
	char		*buf;
	size_t		 len;
	struct nlmsghdr	*last;
	struct inject_req req[INJECT_BATCH_MAX];
	size_t		 nreq;
	uint32_t	 ok[INJ_OPS], failed[INJ_OPS];
	uint32_t	 errors_logged, labels_dropped;
};

void	inject_init(struct inject *, struct mnl_socket *, uint32_t, int);
void	inject_add(struct inject *, const struct ctobj *);
void	inject_update(struct inject *, const struct ctobj *);
void	inject_delete(struct inject *, const struct ctobj *);
void	inject_flush(struct inject *);
int	inject_exp(struct inject *, const struct ctexp *, int del);
int	inject_exp_flush_table(struct inject *);
int	inject_flush_table(struct inject *);

#endif
