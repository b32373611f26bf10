/*
 * Receiving conntrack event datagrams many at a time (recvmmsg): the
 * netlink worker while the sync worker is away, the sync worker
 * otherwise (sync_events.c).
 */
#ifndef CTSYNCD_NL_RECV_H
#define CTSYNCD_NL_RECV_H

#include <sys/socket.h>

#include <stdint.h>

#include <libmnl/libmnl.h>

#define NL_RECV_VLEN	64	/* event datagrams per recvmmsg() */
#define NL_RECV_SLOT	8192	/* room for one event datagram */

struct nl_recv {
	struct mmsghdr	 hdr[NL_RECV_VLEN];
	struct iovec	 iov[NL_RECV_VLEN];
	char		 buf[NL_RECV_VLEN][NL_RECV_SLOT];
};

/* Up to `want' datagrams (at most NL_RECV_VLEN) from `fd', without
 * waiting, each run through `cb'; a truncated or failing one counts in
 * `failed'.  recvmmsg's result: how many, or -1 and errno. */
int	nl_recv_run(struct nl_recv *, int fd, unsigned want, mnl_cb_t cb,
	    void *data, uint64_t *failed);
/* nl_recv_run until `limit' datagrams or the socket is drained; an
 * overrun (ENOBUFS: events lost) goes to `overrun(data)' and reading
 * goes on.  Returns how many datagrams were read. */
uint32_t nl_recv_budget(struct nl_recv *, int fd, uint32_t limit,
	    mnl_cb_t cb, void *data, uint64_t *failed,
	    void (*overrun)(void *data));

#endif
