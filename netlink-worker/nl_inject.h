/*
 * Batched injection of conntrack entries into the kernel (commit).
 */
#ifndef CTSYNCD_NL_INJECT_H
#define CTSYNCD_NL_INJECT_H

#include <stddef.h>
#include <stdint.h>

#include "ctobj.h"

#define INJECT_BATCH_MAX	512

struct mnl_socket;
struct nlmsghdr;

struct inject_req {
	uint32_t	 seq;
	uint8_t		 del;		/* a DELETE before a retried create */
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
	uint32_t	 ok, failed;
	uint32_t	 errors_logged;
};

void	inject_init(struct inject *, struct mnl_socket *, uint32_t, int);
void	inject_add(struct inject *, const struct ctobj *);
void	inject_delete(struct inject *, const struct ctobj *);
void	inject_flush(struct inject *);
int	inject_flush_table(struct inject *);

#endif
