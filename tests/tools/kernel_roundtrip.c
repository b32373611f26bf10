/*
 * kernel_roundtrip: commit requests built by netlink-worker/ct_nlattr.c
 * go into the real kernel (run it in a fresh network namespace), and the
 * kernel's dump, read back by the same file's parser, holds what was
 * committed: NAT, sequence adjustment, zone, mark, state.  TAP output.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct_nlattr.h"
#include "nl_request.h"

#define TCP_ESTABLISHED	3

static int tap_n, tap_failed;

static void
ok(int pass, const char *what)
{
	printf("%sok %d - %s\n", pass ? "" : "not ", ++tap_n, what);
	tap_failed += !pass;
}

static struct ctobj
tcp4(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	struct ctobj o;

	memset(&o, 0, sizeof(o));
	o.family = AF_INET;
	o.l4proto = IPPROTO_TCP;
	o.orig.src.v4 = inet_addr(src);
	o.orig.dst.v4 = inet_addr(dst);
	o.orig.sport = sport;
	o.orig.dport = dport;
	o.state = TCP_ESTABLISHED;
	o.timeout = 100;
	o.attrs = CT_BIT(CT_A_IPV4) | CT_BIT(CT_A_L4PROTO) | CT_BIT(CT_A_PORT) |
	    CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_TIMEOUT);
	return o;
}

static int
create(struct mnl_socket *nl, const struct ctobj *o, uint32_t seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_put_request(buf, IPCTNL_MSG_CT_NEW,
	    NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq, o->family);
	int n;

	if (ctobj_put_create(nlh, o, 0, 0, 0) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	if ((n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf))) <= 0)
		return -1;
	return mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl),
	    NULL, NULL) < 0 ? -1 : 0;
}

struct found {
	struct ctobj	 o[8];
	int		 n;
};

static int
dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct found *f = data;

	if (f->n < 8 && ctobj_from_nlmsg(&f->o[f->n], nlh) == 0)
		f->n++;
	return MNL_CB_OK;
}

static void
dump(struct mnl_socket *nl, struct found *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_put_request(buf, IPCTNL_MSG_CT_GET,
	    NLM_F_DUMP, 99, AF_UNSPEC);
	int n;

	f->n = 0;
	mnl_socket_sendto(nl, nlh, nlh->nlmsg_len);
	while ((n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		if (mnl_cb_run(buf, (size_t)n, 99, mnl_socket_get_portid(nl),
		    dump_cb, f) <= MNL_CB_STOP)
			break;
}

static const struct ctobj *
find(const struct found *f, uint16_t sport)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->o[i].orig.sport == sport)
			return &f->o[i];
	return NULL;
}

int
main(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct ctobj seqadj, snat, marked, labelled;
	int labels = getenv("WITH_LABELS") != NULL;
	const struct ctobj *got;
	struct found f;
	int i;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		printf("1..0 # SKIP no ctnetlink: %s\n", strerror(errno));
		return 0;
	}
	seqadj = tcp4("10.1.1.1", "10.1.1.2", 40000, 21);
	for (i = 0; i < 6; i++)
		seqadj.seqadj[i] = (uint32_t)(100 + i);
	seqadj.synproxy[0] = 11;	/* its, isn, tsoff */
	seqadj.synproxy[1] = 22;
	seqadj.synproxy[2] = 33;
	seqadj.attrs |= CT_BIT(CT_A_NAT_SEQ_ADJ) | CT_BIT(CT_A_SYNPROXY);
	snat = tcp4("10.0.0.5", "198.51.100.7", 40001, 443);
	snat.snat.v4 = inet_addr("203.0.113.9");
	snat.spat = 61000;
	snat.attrs |= CT_BIT(CT_A_SNAT_IPV4) | CT_BIT(CT_A_SPAT_PORT);
	marked = tcp4("10.2.2.1", "10.2.2.2", 40002, 22);
	marked.mark = 42;
	marked.zone = 7;
	marked.attrs |= CT_BIT(CT_A_MARK) | CT_BIT(CT_A_ZONE);
	labelled = tcp4("10.3.3.1", "10.3.3.2", 40003, 25);
	labelled.labels[0] = 1;
	labelled.labels[3] = 0x80000000u;
	labelled.nlabels = 4;
	labelled.attrs |= CT_BIT(CT_A_LABELS);
	if (!labels) {
		/*
		 * Nothing in this namespace uses labels: recent kernels take
		 * the entry anyway, older ones refuse it with ENOSPC, which
		 * nl_inject.c answers by creating it without labels.
		 */
		int r = create(nl, &labelled, 9);

		ok(r == 0 || errno == ENOSPC, "without a labels user, labels "
		    "are taken or refused with ENOSPC");
		return 0;
	}

	ok(create(nl, &seqadj, 1) == 0, "the kernel takes an entry with "
	    "sequence adjustment and SYN proxy offsets");
	ok(create(nl, &snat, 2) == 0, "... one with SNAT (address and port)");
	ok(create(nl, &marked, 3) == 0, "... one with mark and zone");
	ok(create(nl, &labelled, 4) == 0, "... one with labels");
	dump(nl, &f);
	ok(f.n == 4, "the dump holds the four");
	got = find(&f, 40000);
	ok(got && CT_HAS(got, CT_A_NAT_SEQ_ADJ) && got->seqadj[0] == 100 &&
	    got->seqadj[5] == 105, "sequence adjustment read back");
	ok(got && CT_HAS(got, CT_A_SYNPROXY) && got->synproxy[0] == 11 &&
	    got->synproxy[1] == 22 && got->synproxy[2] == 33,
	    "SYN proxy offsets read back");
	got = find(&f, 40001);
	ok(got && CT_HAS(got, CT_A_SNAT_IPV4) && got->snat.v4 ==
	    inet_addr("203.0.113.9") && got->spat == 61000,
	    "SNAT read back from the reply tuple the kernel made");
	got = find(&f, 40002);
	ok(got && got->mark == 42 && got->zone == 7 &&
	    got->state == TCP_ESTABLISHED, "mark, zone and state read back");
	got = find(&f, 40003);
	ok(got && CT_HAS(got, CT_A_LABELS) && got->nlabels == 4 &&
	    got->labels[0] == 1 && got->labels[3] == 0x80000000u,
	    "labels read back");
	return 0;
}
