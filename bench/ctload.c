/*
 * ctload: the benchmark's load generator (and the tests').  It writes
 * conntrack entries straight into the kernel with batched netlink: many
 * messages per sendmsg, an acknowledgement asked only for the last of each
 * batch (errors are always reported).
 *
 *   ctload create N [net [RATE [BATCH]]]
 *                              create entries 0..N-1; at RATE entries/s
 *                              (paced every millisecond, 0: at once),
 *                              BATCH entries per system call (0: as many
 *                              as fit in 64 KiB, about 400)
 *   ctload update N [net]      change their mark (an update event each)
 *   ctload delete N [net]      delete them
 *   ctload dump                count the table with a dump
 *   ctload churn RATE SECS [net]
 *                              RATE events/s for SECS: half creates, half
 *                              destroys of entries 0.1 s old
 *   ctload wait N TIMEOUT      wait until the table holds exactly N entries
 *
 * Entry i is TCP 10.X.Y.Z:1000 -> 10.200.0.1:80, ESTABLISHED, where X.Y.Z
 * is i + 1 in base 256 (first octet `net', 10 unless given).  Every mode
 * prints one line "start END-START ..." with CLOCK_MONOTONIC seconds, so
 * the caller can relate its own clock readings to the load.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "nl_request.h"

#define BATCH		(64 * 1024)
#define MSG_MAX		256		/* one entry's message, generously */

enum op { OP_CREATE, OP_UPDATE, OP_DELETE };

struct load {
	struct mnl_socket	*nl;
	char			*buf;
	size_t			 len;
	uint32_t		 seq;
	uint32_t		 last_seq;
	uint8_t			 net;
	uint32_t		 batch_max;	/* entries per send, 0: by size */
	uint32_t		 in_batch;
	unsigned long		 errors;
	int			 first_error;	/* errno of the first refusal */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
usage(void)
{
	fprintf(stderr, "usage: ctload create N [net [rate [batch]]]\n"
	    "       ctload update|delete N [net]\n"
	    "       ctload dump\n"
	    "       ctload churn RATE SECONDS [net]\n"
	    "       ctload wait N TIMEOUT\n");
	return 2;
}

static void
put_tuple(struct nlmsghdr *nlh, uint16_t type, uint32_t src, uint32_t dst,
    uint16_t sport, uint16_t dport)
{
	struct nlattr *tuple, *ip, *proto;

	tuple = mnl_attr_nest_start(nlh, type);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, src);
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, dst);
	mnl_attr_nest_end(nlh, ip);
	proto = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_TCP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, proto);
	mnl_attr_nest_end(nlh, tuple);
}

/* Appends entry i's message for `op' to the batch. */
static void
put_entry(struct load *l, enum op op, uint32_t i)
{
	struct nlmsghdr *nlh;
	struct nlattr *info, *tcp;
	uint32_t src = htonl((uint32_t)l->net << 24 | (i + 1));
	uint32_t dst = htonl(0x0ac80001);	/* 10.200.0.1 */

	l->last_seq = l->seq++;
	nlh = nl_put_request(l->buf + l->len,
	    op == OP_DELETE ? IPCTNL_MSG_CT_DELETE : IPCTNL_MSG_CT_NEW,
	    op == OP_CREATE ? NLM_F_CREATE | NLM_F_EXCL : 0, l->last_seq,
	    AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, src, dst, 1000, 80);
	if (op != OP_DELETE) {
		put_tuple(nlh, CTA_TUPLE_REPLY, dst, src, 80, 1000);
		info = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, 3);
		mnl_attr_nest_end(nlh, tcp);
		mnl_attr_nest_end(nlh, info);
		mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(600));
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(op == OP_UPDATE ? 7 : 0));
	}
	l->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* Reads answers until the acknowledgement of `last'; counts errors. */
static void
read_answers(struct load *l, uint32_t last)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	for (;;) {
		int n = (int)mnl_socket_recvfrom(l->nl, buf, sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (n <= 0) {
			perror("ctload: recv");
			exit(1);
		}
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error && l->errors++ == 0)
				l->first_error = -e->error;
			if (nlh->nlmsg_seq == last)
				return;
		}
	}
}

/* Sends the batch, the last message asking for an acknowledgement. */
static void
flush_batch(struct load *l)
{
	struct nlmsghdr *nlh;
	size_t off = 0;

	if (l->len == 0)
		return;
	for (;;) {
		nlh = (struct nlmsghdr *)(l->buf + off);
		if (off + NLMSG_ALIGN(nlh->nlmsg_len) >= l->len)
			break;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(l->nl, l->buf, l->len) < 0) {
		perror("ctload: send");
		exit(1);
	}
	read_answers(l, l->last_seq);
	l->len = 0;
	l->in_batch = 0;
}

static void
put_batched(struct load *l, enum op op, uint32_t i)
{
	if (l->len + MSG_MAX > BATCH ||
	    (l->batch_max && l->in_batch == l->batch_max))
		flush_batch(l);
	put_entry(l, op, i);
	l->in_batch++;
}

static void
run_range(struct load *l, enum op op, uint32_t from, uint32_t to)
{
	uint32_t i;

	for (i = from; i < to; i++)
		put_batched(l, op, i);
	flush_batch(l);
}

/* As run_range, at `rate' entries per second: what is due each ms. */
static void
run_paced(struct load *l, enum op op, uint32_t n, double rate)
{
	double start = now();
	uint32_t i = 0, due;
	struct timespec tick = { 0, 1000000 };

	while (i < n) {
		due = (uint32_t)((now() - start) * rate) + 1;
		if (due > n)
			due = n;
		while (i < due)
			put_batched(l, op, i++);
		flush_batch(l);
		if (i < n)
			nanosleep(&tick, NULL);
	}
}

static int
dump_callback(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(unsigned long *)data)++;
	return MNL_CB_OK;
}

static unsigned long
dump_count(struct load *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	unsigned long count = 0;
	uint32_t seq = l->seq++;
	unsigned portid = mnl_socket_get_portid(l->nl);
	struct nlmsghdr *nlh = nl_put_request(buf, IPCTNL_MSG_CT_GET,
	    NLM_F_DUMP, seq, AF_UNSPEC);
	int n;

	if (mnl_socket_sendto(l->nl, nlh, nlh->nlmsg_len) < 0) {
		perror("ctload: send");
		exit(1);
	}
	while ((n = (int)mnl_socket_recvfrom(l->nl, buf, sizeof(buf))) > 0) {
		n = mnl_cb_run(buf, (size_t)n, seq, portid, dump_callback,
		    &count);
		if (n <= MNL_CB_STOP)
			break;
	}
	if (n < 0) {
		perror("ctload: dump");
		exit(1);
	}
	return count;
}

/*
 * Steady churn: every millisecond, as many creates as the rate asks for
 * (half of it) and as many destroys of the entries created 0.1 s
 * earlier.  Catches up after a late tick rather than drifting.
 */
static unsigned long
churn(struct load *l, double rate, double secs, uint32_t *live_from,
    uint32_t *live_to)
{
	double start = now(), t;
	uint32_t created = 0, destroyed = 0, due;
	uint32_t lifetime = (uint32_t)(rate / 20);	/* 0.1 s of creates */
	struct timespec tick = { 0, 1000000 };

	while ((t = now() - start) < secs) {
		due = (uint32_t)(t * rate / 2);
		while (created < due)
			put_batched(l, OP_CREATE, created++);
		while (destroyed + lifetime < created)
			put_batched(l, OP_DELETE, destroyed++);
		flush_batch(l);
		nanosleep(&tick, NULL);
	}
	*live_from = destroyed;
	*live_to = created;
	return (unsigned long)created + destroyed;
}

static unsigned long
read_count(void)
{
	FILE *f = fopen("/proc/sys/net/netfilter/nf_conntrack_count", "r");
	unsigned long n = 0;

	if (f == NULL || fscanf(f, "%lu", &n) != 1) {
		perror("ctload: nf_conntrack_count");
		exit(1);
	}
	fclose(f);
	return n;
}

/* Polls the table's size every millisecond; 0 when it reached `want'. */
static int
wait_count(unsigned long want, double timeout)
{
	double start = now();
	struct timespec tick = { 0, 1000000 };

	while (read_count() != want) {
		if (now() - start > timeout)
			return 1;
		nanosleep(&tick, NULL);
	}
	return 0;
}

static long
number(const char *s, long max)
{
	char *end;
	long n = strtol(s, &end, 10);

	return (*end != '\0' || n < 0 || n > max) ? -1 : n;
}

static void
open_socket(struct load *l)
{
	int bufsize = 8 << 20;

	if ((l->nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL ||
	    mnl_socket_bind(l->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("ctload: netlink");
		exit(1);
	}
	setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_RCVBUFFORCE,
	    &bufsize, sizeof(bufsize));
	if ((l->buf = malloc(BATCH)) == NULL)
		exit(1);
}

int
main(int argc, char **argv)
{
	struct load l = { .seq = 1, .net = 10 };
	double start;
	long n, secs, rate = 0, batch = 0;

	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "wait")) {
		if (argc != 4 || (n = number(argv[2], 1L << 26)) < 0 ||
		    (secs = number(argv[3], 86400)) < 0)
			return usage();
		start = now();
		if (wait_count((unsigned long)n, (double)secs)) {
			fprintf(stderr, "ctload: %lu entries, not %ld, after "
			    "%lds\n", read_count(), n, secs);
			return 1;
		}
		printf("%.6f %.6f\n", start, now() - start);
		return 0;
	}
	open_socket(&l);
	if (!strcmp(argv[1], "dump")) {
		unsigned long count;

		start = now();
		count = dump_count(&l);
		printf("%.6f %.6f %lu\n", start, now() - start, count);
		return 0;
	}
	if (!strcmp(argv[1], "churn")) {
		uint32_t from, to;
		unsigned long events;

		if (argc < 4 || (n = number(argv[2], 10000000)) <= 0 ||
		    (secs = number(argv[3], 3600)) <= 0)
			return usage();
		if (argc > 4)
			l.net = (uint8_t)atoi(argv[4]);
		start = now();
		events = churn(&l, (double)n, (double)secs, &from, &to);
		/* start, duration, events, live entries [from, to) */
		printf("%.6f %.6f %lu %u %u\n", start, now() - start, events,
		    from, to);
		if (l.errors)
			fprintf(stderr, "ctload: %lu of %lu refused (first: %s)\n",
			    l.errors, events, strerror(l.first_error));
		return l.errors ? 1 : 0;
	}
	if (argc < 3 || (n = number(argv[2], 1L << 24)) <= 0)
		return usage();
	if (argc > 3)
		l.net = (uint8_t)atoi(argv[3]);
	if (argc > 4 && strcmp(argv[1], "create"))
		return usage();
	if (argc > 4 && (rate = number(argv[4], 100000000)) < 0)
		return usage();
	if (argc > 5 && (batch = number(argv[5], 100000)) < 0)
		return usage();
	l.batch_max = (uint32_t)batch;
	start = now();
	if (!strcmp(argv[1], "create") && rate > 0)
		run_paced(&l, OP_CREATE, (uint32_t)n, (double)rate);
	else if (!strcmp(argv[1], "create"))
		run_range(&l, OP_CREATE, 0, (uint32_t)n);
	else if (!strcmp(argv[1], "update"))
		run_range(&l, OP_UPDATE, 0, (uint32_t)n);
	else if (!strcmp(argv[1], "delete"))
		run_range(&l, OP_DELETE, 0, (uint32_t)n);
	else
		return usage();
	printf("%.6f %.6f\n", start, now() - start);
	if (l.errors)
		fprintf(stderr, "ctload: %lu of %ld refused (first: %s)\n",
		    l.errors, n, strerror(l.first_error));
	return l.errors ? 1 : 0;
}
