/*
 * ctload: create, update or delete N conntrack entries in the kernel with
 * batched netlink (many messages per sendmsg, acknowledgements only for
 * errors and the last of a batch).  For the tests and the benchmark.
 *
 *   ctload create|update|delete N [first-octets]   e.g. ctload create 10000
 *
 * Entry i is TCP 10.X.Y.Z:1000 -> 10.200.0.1:80, ESTABLISHED, where
 * X.Y.Z is i + 1 in base 256 (first octet 10 unless given).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#define BATCH	(64 * 1024)

static int
usage(void)
{
	fprintf(stderr, "usage: ctload create|update|delete N [first-octet]\n");
	return 2;
}

static void
build(char *p, int op, uint32_t i, uint8_t net, uint32_t seq, size_t *len)
{
	struct nf_conntrack *ct = nfct_new();
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct nfgenmsg *nfh;
	uint32_t src = htonl((uint32_t)net << 24 | (i + 1));

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) |
	    (op == 2 ? IPCTNL_MSG_CT_DELETE : IPCTNL_MSG_CT_NEW);
	nlh->nlmsg_flags = NLM_F_REQUEST | (op == 0 ?
	    NLM_F_CREATE | NLM_F_EXCL : 0);
	nlh->nlmsg_seq = seq;
	nfh = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfh));
	nfh->nfgen_family = AF_INET;
	nfh->version = NFNETLINK_V0;
	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_TCP);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, src);
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, inet_addr("10.200.0.1"));
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(1000));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(80));
	if (op != 2) {
		nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, AF_INET);
		nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, inet_addr("10.200.0.1"));
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, src);
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(80));
		nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(1000));
		nfct_set_attr_u8(ct, ATTR_TCP_STATE, 3);
		nfct_set_attr_u32(ct, ATTR_TIMEOUT, 600);
		nfct_set_attr_u32(ct, ATTR_MARK, op == 1 ? 7 : 0);
	}
	nfct_nlmsg_build(nlh, ct);
	nfct_destroy(ct);
	*len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* Read answers until the acknowledgement of `last'; count errors. */
static unsigned
answers(struct mnl_socket *nl, uint32_t last)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned errors = 0;

	for (;;) {
		int n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (n <= 0)
			return errors;
		for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error)
				errors++;
			if (nlh->nlmsg_seq == last)
				return errors;
		}
	}
}

int
main(int argc, char **argv)
{
	struct mnl_socket *nl;
	char *buf;
	long n;
	int op, bufsize = 8 << 20;
	uint8_t net = 10;
	uint32_t i, seq = 1;
	size_t len = 0;
	unsigned errors = 0;

	if (argc < 3 || (n = strtol(argv[2], NULL, 10)) <= 0 || n > 1 << 24)
		return usage();
	if (!strcmp(argv[1], "create")) op = 0;
	else if (!strcmp(argv[1], "update")) op = 1;
	else if (!strcmp(argv[1], "delete")) op = 2;
	else return usage();
	if (argc > 3)
		net = (uint8_t)atoi(argv[3]);
	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		return 1;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &bufsize,
	    sizeof(bufsize));
	if ((buf = malloc(BATCH)) == NULL)
		return 1;
	for (i = 0; i < (uint32_t)n; i++) {
		build(buf + len, op, i, net, seq++, &len);
		if (len + 1024 > BATCH || i + 1 == (uint32_t)n) {
			struct nlmsghdr *last = (struct nlmsghdr *)buf;
			int rest = (int)len;

			while (mnl_nlmsg_ok(mnl_nlmsg_next(last, &rest), rest))
				last = mnl_nlmsg_next(last, &rest);
			last->nlmsg_flags |= NLM_F_ACK;
			if (mnl_socket_sendto(nl, buf, len) < 0) {
				perror("sendto");
				return 1;
			}
			errors += answers(nl, last->nlmsg_seq);
			len = 0;
		}
	}
	if (errors)
		fprintf(stderr, "ctload: %u of %ld refused\n", errors, n);
	return errors ? 1 : 0;
}
