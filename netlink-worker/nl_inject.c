/*
 * Injecting conntrack entries into the kernel in batches: many messages
 * per sendmsg(), no acknowledgement asked but for the last of a batch,
 * which marks the end of the kernel's answers.  As conntrackd does
 * (wire-protocol.md 11): a create that finds the entry deletes it and
 * creates it once more; an update that finds none creates it, one the
 * kernel refuses deletes and creates; a delete of an entry already gone
 * is no error.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct_nlattr.h"
#include "log.h"
#include "nl_inject.h"
#include "nl_request.h"

#define BATCH_BYTES	(64 * 1024)	/* below the socket's send buffer */
#define MSG_ROOM	1024		/* the largest create message */
#define ANSWER_MS	5000

void
inject_init(struct inject *in, struct mnl_socket *nl, uint32_t commit_timeout,
    int window_tracking)
{
	memset(in, 0, sizeof(*in));
	in->nl = nl;
	in->portid = mnl_socket_get_portid(nl);
	in->seq = 1;
	in->commit_timeout = commit_timeout;
	in->window_tracking = window_tracking;
	if ((in->buf = malloc(BATCH_BYTES)) == NULL)
		fatal("commit batch");
}

/* Append one request for `o' to the batch. */
static void
add_request(struct inject *in, const struct ctobj *o, enum inject_op op,
    enum inject_op counted_as, int retried)
{
	static const uint16_t type[] = { IPCTNL_MSG_CT_NEW, IPCTNL_MSG_CT_NEW,
	    IPCTNL_MSG_CT_DELETE, IPCTNL_MSG_CT_DELETE };
	static const uint16_t flags[] = { NLM_F_CREATE | NLM_F_EXCL, 0, 0, 0 };
	struct nlmsghdr *nlh;
	struct inject_req *r;
	int bad;

	if (in->len + MSG_ROOM > BATCH_BYTES || in->nreq == INJECT_BATCH_MAX)
		inject_flush(in);
	nlh = nl_put_request(in->buf + in->len, type[op], flags[op], in->seq,
	    o->family);
	/* an update leaves out what the kernel lets no one change */
	bad = ctobj_put_create(nlh, o, in->commit_timeout, in->window_tracking,
	    op == INJ_UPDATE) < 0;
	if (bad) {
		if (op != INJ_DELETE_QUIET)
			in->failed[counted_as]++;
		return;
	}
	in->seq++;
	r = &in->req[in->nreq++];
	r->seq = nlh->nlmsg_seq;
	r->op = (uint8_t)op;
	r->counted_as = (uint8_t)counted_as;
	r->retried = (uint8_t)retried;
	r->obj = *o;
	in->last = nlh;
	in->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

void
inject_add(struct inject *in, const struct ctobj *o)
{
	add_request(in, o, INJ_CREATE, INJ_CREATE, 0);
}

void
inject_update(struct inject *in, const struct ctobj *o)
{
	add_request(in, o, INJ_UPDATE, INJ_UPDATE, 0);
}

/* A delete; an entry already gone is no error. */
void
inject_delete(struct inject *in, const struct ctobj *o)
{
	add_request(in, o, INJ_DELETE, INJ_DELETE, 0);
}

static struct inject_req *
find_req(struct inject *in, uint32_t seq)
{
	size_t i;

	for (i = 0; i < in->nreq; i++)
		if (in->req[i].seq == seq)
			return &in->req[i];
	return NULL;
}

/*
 * The kernel refused request `r' with `err': whether to try again (and
 * how, in *again), or to count a failure.
 */
static int
wants_retry(const struct inject_req *r, int err, enum inject_op *again)
{
	if (r->retried)
		return 0;
	switch (r->op) {
	case INJ_CREATE:
		*again = INJ_DELETE_QUIET;	/* then create */
		return err == EEXIST;
	case INJ_UPDATE:		/* the retry creates */
		*again = err == ENOENT ? INJ_CREATE : INJ_DELETE_QUIET;
		return 1;
	default:
		return 0;
	}
}

static void
refused(struct inject *in, struct inject_req *r, int err,
    struct inject_req *retry, size_t *nretry)
{
	enum inject_op again;

	r->done_err = 1;
	if (r->op == INJ_DELETE_QUIET || (r->op == INJ_DELETE &&
	    err == ENOENT)) {
		r->done_err = r->op == INJ_DELETE_QUIET;
		return;
	}
	/* older kernels keep no labels where nothing uses them: without */
	if (err == ENOSPC && CT_HAS(&r->obj, CT_A_LABELS) && retry != NULL) {
		if (in->labels_dropped++ == 0)
			log_warnx("the kernel keeps no connection labels here "
			    "(nothing uses them): entries go without");
		retry[*nretry] = *r;
		retry[(*nretry)++].obj.attrs &= ~CT_BIT(CT_A_LABELS);
		return;
	}
	if (retry != NULL && wants_retry(r, err, &again)) {
		retry[*nretry] = *r;
		retry[(*nretry)++].op = (uint8_t)again;
		return;
	}
	in->failed[r->counted_as]++;
	if (in->errors_logged++ < 5)
		log_warnx("kernel refused an entry: %s", strerror(err));
}

/* Read the kernel's answers until the batch's final acknowledgement. */
static void
read_answers(struct inject *in, uint32_t final_seq,
    struct inject_req *retry, size_t *nretry)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pollfd pfd = { .fd = mnl_socket_get_fd(in->nl), .events = POLLIN };

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(in->nl, buf, sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int len = (int)n;

		if (n == -1 && errno == EAGAIN) {
			if (poll(&pfd, 1, ANSWER_MS) <= 0) {
				log_warnx("the kernel did not answer");
				return;
			}
			continue;
		}
		if (n <= 0)
			return;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;
			struct inject_req *r;

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_pid != in->portid)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error != 0 &&
			    (r = find_req(in, nlh->nlmsg_seq)) != NULL)
				refused(in, r, -e->error, retry, nretry);
			if (nlh->nlmsg_seq == final_seq)
				return;
		}
	}
}

/* Send the batch, collect the errors, retry what the kernel refused. */
void
inject_flush(struct inject *in)
{
	struct inject_req *retry;	/* per call: retries flush again */
	size_t nretry = 0, i;
	uint32_t final_seq;

	if (in->nreq == 0)
		return;
	if ((retry = malloc(sizeof(*retry) * in->nreq)) == NULL)
		fatal("injection retries");
	in->last->nlmsg_flags |= NLM_F_ACK;	/* the end of the answers */
	final_seq = in->last->nlmsg_seq;
	for (i = 0; i < in->nreq; i++)
		in->req[i].done_err = 0;
	if (mnl_socket_sendto(in->nl, in->buf, in->len) < 0) {
		log_warn("sending a batch to the kernel");
		for (i = 0; i < in->nreq; i++)
			if (in->req[i].op != INJ_DELETE_QUIET)
				in->failed[in->req[i].counted_as]++;
	} else {
		read_answers(in, final_seq, retry, &nretry);
		for (i = 0; i < in->nreq; i++)
			if (in->req[i].op != INJ_DELETE_QUIET &&
			    !in->req[i].done_err)
				in->ok[in->req[i].counted_as]++;
	}
	in->nreq = 0;
	in->len = 0;
	/* once more: a delete first where the old entry is in the way */
	for (i = 0; i < nretry; i++) {
		if (retry[i].op == INJ_DELETE_QUIET) {
			add_request(in, &retry[i].obj, INJ_DELETE_QUIET,
			    retry[i].counted_as, 1);
			add_request(in, &retry[i].obj, INJ_CREATE,
			    retry[i].counted_as, 1);
		} else
			add_request(in, &retry[i].obj, retry[i].op,
			    retry[i].counted_as, 1);
	}
	free(retry);
	if (nretry)
		inject_flush(in);
}

/* One request, its answer awaited: 0 or an errno. */
static int
ask_kernel(struct inject *in, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pollfd pfd = { .fd = mnl_socket_get_fd(in->nl),
	    .events = POLLIN };
	ssize_t n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(in->nl, nlh, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		if ((n = mnl_socket_recvfrom(in->nl, buf, sizeof(buf))) > 0)
			break;
		if (errno != EAGAIN || poll(&pfd, 1, ANSWER_MS) <= 0)
			return ETIMEDOUT;
	}
	if (mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, in->portid, NULL,
	    NULL) < 0)
		return errno;
	return 0;
}

/*
 * An expectation created (its master must be there: after the entries)
 * or deleted, one at a time: they are few.  0, or the kernel's errno;
 * one that exists already, or is gone already, is no error.
 */
int
inject_exp(struct inject *in, const struct ctexp *x, int del)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_put_exp_request(buf, del ?
	    IPCTNL_MSG_EXP_DELETE : IPCTNL_MSG_EXP_NEW, del ? 0 :
	    NLM_F_CREATE | NLM_F_EXCL, in->seq++, x->family);
	int err;

	if ((del ? ctexp_put_delete(nlh, x) :
	    ctexp_put_create(nlh, x, in->commit_timeout)) < 0)
		return EPROTONOSUPPORT;
	err = ask_kernel(in, nlh);
	return err == (del ? ENOENT : EEXIST) ? 0 : err;
}

/* The whole expectation table away, as `conntrack -F expect'. */
int
inject_exp_flush_table(struct inject *in)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_put_exp_request(buf, IPCTNL_MSG_EXP_DELETE,
	    0, in->seq++, AF_UNSPEC);

	return ask_kernel(in, nlh) == 0 ? 0 : -1;
}

/* Flush the whole kernel table (both families), as `conntrack -F'. */
int
inject_flush_table(struct inject *in)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_put_request(buf, IPCTNL_MSG_CT_DELETE,
	    NLM_F_ACK, in->seq++, AF_UNSPEC);

	if (mnl_socket_sendto(in->nl, nlh, nlh->nlmsg_len) < 0) {
		log_warn("flushing the kernel table");
		return -1;
	}
	in->nreq = 0;
	in->failed[INJ_CREATE] = 0;
	{
		struct inject_req r = { .seq = nlh->nlmsg_seq,
		    .op = INJ_CREATE, .counted_as = INJ_CREATE, .retried = 1 };

		in->req[in->nreq++] = r;
		read_answers(in, nlh->nlmsg_seq, NULL, NULL);
		in->nreq = 0;
	}
	return in->failed[INJ_CREATE] ? -1 : 0;
}
