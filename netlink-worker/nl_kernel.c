/*
 * The netlink worker's kernel side: the ctnetlink socket, its buffer, and
 * requests answered by the kernel.  Conntrack events, dumps and commits
 * arrive with state replication.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "log.h"
#include "nl_request.h"
#include "nlworker.h"

#define NL_ANSWER_TIMEOUT_MS	1000

void
nl_kernel_open(struct nlw *w)
{
	w->query = mnl_socket_open2(NETLINK_NETFILTER,
	    SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (w->query == NULL)
		fatal("cannot open ctnetlink socket");
	if (mnl_socket_bind(w->query, 0, MNL_SOCKET_AUTOPID) < 0)
		fatal("cannot bind ctnetlink socket");
}

/* The event socket's receive buffer, as the kernel reports it. */
uint32_t
nl_kernel_bufsize(struct nlw *w)
{
	int size = 0;
	socklen_t len = sizeof(size);

	if (w->events == NULL || getsockopt(mnl_socket_get_fd(w->events),
	    SOL_SOCKET, SO_RCVBUF, &size, &len) == -1)
		return 0;
	return (uint32_t)size;
}

static int
stats_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, CTA_STATS_GLOBAL_MAX) < 0)
		return MNL_CB_OK;	/* newer kernel: skip what we don't know */
	if (type == CTA_STATS_GLOBAL_ENTRIES &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int
stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTA_STATS_GLOBAL_MAX + 1] = { NULL };
	uint64_t *entries = data;

	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), stats_attr_cb, tb)
	    < 0 || tb[CTA_STATS_GLOBAL_ENTRIES] == NULL)
		return MNL_CB_ERROR;
	*entries = ntohl(mnl_attr_get_u32(tb[CTA_STATS_GLOBAL_ENTRIES]));
	return MNL_CB_OK;
}

/* Wait for an answer, bounded: the kernel always answers, but never hang. */
static ssize_t
recv_answer(struct nlw *w, void *buf, size_t len)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(w->query),
	    .events = POLLIN };
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(w->query, buf, len);
		if (n >= 0 || errno != EAGAIN)
			return n;
		if (poll(&pfd, 1, NL_ANSWER_TIMEOUT_MS) <= 0)
			return -1;
	}
}

/* The kernel's number of conntrack entries (IPCTNL_MSG_CT_GET_STATS). */
int
nl_kernel_count(struct nlw *w, uint64_t *entries)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	unsigned int portid = mnl_socket_get_portid(w->query);
	uint32_t seq = ++w->seq;
	ssize_t n;
	int rc;

	nlh = nl_put_request(buf, IPCTNL_MSG_CT_GET_STATS, 0, seq, AF_UNSPEC);
	if (mnl_socket_sendto(w->query, nlh, nlh->nlmsg_len) < 0) {
		log_warn("ctnetlink: cannot ask for the table size");
		return -1;
	}
	/* a single, non-multipart answer */
	if ((n = recv_answer(w, buf, sizeof(buf))) <= 0) {
		log_warn("ctnetlink: no answer to the table size request");
		return -1;
	}
	rc = mnl_cb_run(buf, (size_t)n, seq, portid, stats_cb, entries);
	if (rc == MNL_CB_ERROR) {
		log_warn("ctnetlink: table size request failed");
		return -1;
	}
	return 0;
}
