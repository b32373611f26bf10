/* Receiving conntrack event datagrams many at a time (nl_recv.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "log.h"

#include "nl_recv.h"

int
nl_recv_run(struct nl_recv *rv, int fd, unsigned want, mnl_cb_t cb,
    void *data, uint64_t *failed)
{
	unsigned i;
	int n;

	if (want > NL_RECV_VLEN)
		want = NL_RECV_VLEN;
	for (i = 0; i < want; i++) {
		rv->iov[i].iov_base = rv->buf[i];
		rv->iov[i].iov_len = NL_RECV_SLOT;
		memset(&rv->hdr[i].msg_hdr, 0, sizeof(rv->hdr[i].msg_hdr));
		rv->hdr[i].msg_hdr.msg_iov = &rv->iov[i];
		rv->hdr[i].msg_hdr.msg_iovlen = 1;
	}
	if ((n = recvmmsg(fd, rv->hdr, want, MSG_DONTWAIT, NULL)) == -1)
		return -1;
	for (i = 0; i < (unsigned)n; i++)
		if ((rv->hdr[i].msg_hdr.msg_flags & MSG_TRUNC) ||
		    mnl_cb_run(rv->buf[i], rv->hdr[i].msg_len, 0, 0, cb,
		    data) == MNL_CB_ERROR)
			(*failed)++;
	return n;
}

uint32_t
nl_recv_budget(struct nl_recv *r, int fd, uint32_t limit, mnl_cb_t cb,
    void *data, uint64_t *failed, void (*overrun)(void *))
{
	uint32_t done = 0;
	int n;

	while (done < limit) {
		unsigned want = limit - done < NL_RECV_VLEN ?
		    limit - done : NL_RECV_VLEN;

		if ((n = nl_recv_run(r, fd, want, cb, data, failed)) == -1) {
			if (errno == ENOBUFS) {
				overrun(data);
				continue;
			}
			if (errno != EAGAIN && errno != EINTR)
				log_warn("conntrack event socket");
			break;
		}
		done += (uint32_t)n;
		if ((unsigned)n < want)
			break;		/* drained */
	}
	return done;
}
