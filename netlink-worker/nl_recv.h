/*
 * Receiving conntrack event datagrams many at a time (recvmmsg): the
 * netlink worker while the sync worker is away, the sync worker
 * otherwise (sync_events.c).
 */
#ifndef CTSYNCD_NL_RECV_H
#define CTSYNCD_NL_RECV_H

#include <sys/socket.h>

#define NL_RECV_VLEN	64	/* event datagrams per recvmmsg() */
#define NL_RECV_SLOT	8192	/* room for one event datagram */

struct nl_recv {
	struct mmsghdr	 hdr[NL_RECV_VLEN];
	struct iovec	 iov[NL_RECV_VLEN];
	char		 buf[NL_RECV_VLEN][NL_RECV_SLOT];
};

#endif
