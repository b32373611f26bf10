/*
 * Filter From Kernelspace: the Filter policy compiled into a classic BPF
 * program on the event socket, so that the kernel drops the events the
 * policy ignores before they are queued for us.  The program decides as
 * common/filter.c does (protocol, then the two endpoints' addresses:
 * networks first, then hosts; then the TCP state), reading the message
 * with the kernel's netlink-attribute helpers (SKF_AD_NLATTR and
 * SKF_AD_NLATTR_NEST).  Where it cannot find what it looks for, it lets
 * the event through: the same policy is applied again in user space, so
 * the kernel side may only ever be the more permissive one.
 */
#include "config.h"

#include <sys/socket.h>

#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nlworker.h"

#define BPF_MAX		BPF_MAXINSNS
#define MAX_LABELS	(BPF_MAX + 16)	/* a label marks an instruction */
#define ATTRS_START	(NLMSG_HDRLEN + sizeof(struct nfgenmsg))
#define KEEP		0xffffffffu	/* return: the whole message */
#define DROP		0u

enum { L_PROTO_DONE, L_PROTO_LISTED, L_ADDR_DONE, L_NET_MATCH,
	L_HOST_LISTED, L_STATE_DONE, L_STATE_LISTED, L_KEEP, L_DROP,
	L_NEXT0 };			/* and up: local, one use each */

struct bpf_prog_builder {
	struct sock_filter ins[BPF_MAX];
	size_t		 n;
	int		 overflow;
	int		 label_at[MAX_LABELS];		/* -1: not placed */
	struct { size_t at; int label; } fix[BPF_MAX];
	size_t		 nfix;
	int		 next_label;
};

static void
emit(struct bpf_prog_builder *b, uint16_t code, uint8_t jt, uint8_t jf,
    uint32_t k)
{
	if (b->n == BPF_MAX) {
		b->overflow = 1;
		return;
	}
	b->ins[b->n++] = (struct sock_filter){ code, jt, jf, k };
}

static void
place(struct bpf_prog_builder *b, int label)
{
	b->label_at[label] = (int)b->n;
}

static int
new_label(struct bpf_prog_builder *b)
{
	if (b->next_label == MAX_LABELS) {
		b->overflow = 1;	/* too long a program anyway */
		return L_DROP;
	}
	b->label_at[b->next_label] = -1;
	return b->next_label++;
}

/* An unconditional jump, resolved when the program is complete. */
static void
jump(struct bpf_prog_builder *b, int label)
{
	if (b->nfix < BPF_MAX && b->n < BPF_MAX) {
		b->fix[b->nfix].at = b->n;
		b->fix[b->nfix++].label = label;
	}
	emit(b, BPF_JMP | BPF_JA, 0, 0, 0);
}

/* If A == k, go to `label' (a far jump: any distance). */
static void
jump_if_eq(struct bpf_prog_builder *b, uint32_t k, int label)
{
	emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, k);
	jump(b, label);
}

/* If A == 0 (an attribute not found), go to `label'. */
static void
jump_if_zero(struct bpf_prog_builder *b, int label)
{
	jump_if_eq(b, 0, label);
}

/*
 * A = offset of the attribute reached by `path' (top level, then nested),
 * or a jump to `missing'.  X keeps the same offset.
 */
static void
find_attr(struct bpf_prog_builder *b, const uint16_t *path, size_t depth,
    int missing)
{
	size_t i;

	emit(b, BPF_LD | BPF_IMM, 0, 0, ATTRS_START);
	for (i = 0; i < depth; i++) {
		emit(b, BPF_LDX | BPF_IMM, 0, 0, path[i]);
		emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, SKF_AD_OFF +
		    (i == 0 ? SKF_AD_NLATTR : SKF_AD_NLATTR_NEST));
		jump_if_zero(b, missing);
	}
	emit(b, BPF_MISC | BPF_TAX, 0, 0, 0);
}

/* A = the payload word `w' (0-3) of the attribute at X. */
static void
load_word(struct bpf_prog_builder *b, unsigned w)
{
	emit(b, BPF_LD | BPF_W | BPF_IND, 0, 0, 4 + 4 * w);
}

static uint32_t
word_of(const struct conf_addr *a, unsigned w)
{
	const uint8_t *p = (const uint8_t *)&a->a + 4 * w;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
mask_of(int prefix, unsigned w)
{
	int bits = prefix - 32 * (int)w;

	if (prefix < 0 || bits >= 32)
		return 0xffffffffu;
	if (bits <= 0)
		return 0;
	return 0xffffffffu << (32 - bits);
}

/* Compare the address at X with `a' (a network if prefix >= 0). */
static void
match_addr(struct bpf_prog_builder *b, const struct conf_addr *a, int hit)
{
	unsigned w, words = a->family == AF_INET ? 1 : 4;
	int miss = new_label(b);

	for (w = 0; w < words; w++) {
		uint32_t m = mask_of(a->prefix, w);

		if (m == 0)
			continue;
		load_word(b, w);
		if (m != 0xffffffffu)
			emit(b, BPF_ALU | BPF_AND | BPF_K, 0, 0, m);
		/* a word that differs: not this one */
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, word_of(a, w) & m);
		jump(b, miss);
	}
	jump(b, hit);
	place(b, miss);
}

/* For each endpoint and family: the listed addresses of one kind. */
static void
match_endpoints(struct bpf_prog_builder *b, const struct conf_filter *f,
    int networks, int hit)
{
	static const uint16_t tuples[2] = { CTA_TUPLE_ORIG, CTA_TUPLE_REPLY };
	static const uint16_t fams[2] = { CTA_IP_V4_SRC, CTA_IP_V6_SRC };
	int e, fa, i;

	for (e = 0; e < 2; e++)
		for (fa = 0; fa < 2; fa++) {
			uint16_t path[3] = { tuples[e], CTA_TUPLE_IP, fams[fa] };
			int skip = new_label(b), any = 0;

			for (i = 0; i < f->naddrs; i++)
				any |= (f->addrs[i].prefix >= 0) == networks &&
				    f->addrs[i].family == (fa ? AF_INET6 :
				    AF_INET);
			if (any) {
				find_attr(b, path, 3, skip);
				for (i = 0; i < f->naddrs; i++)
					if ((f->addrs[i].prefix >= 0) ==
					    networks && f->addrs[i].family ==
					    (fa ? AF_INET6 : AF_INET))
						match_addr(b, &f->addrs[i], hit);
			}
			place(b, skip);
		}
}

/* After a match (or none): pass on to `done', or drop, by policy. */
static void
verdict(struct bpf_prog_builder *b, int listed, uint8_t policy, int done)
{
	int pass = listed == (policy == POLICY_ACCEPT);

	jump(b, pass ? done : L_DROP);
}

/* The end of a check whose matches jumped to `listed': both verdicts. */
static void
decide(struct bpf_prog_builder *b, uint8_t policy, int listed, int done)
{
	verdict(b, 0, policy, done);
	place(b, listed);
	verdict(b, 1, policy, done);
	place(b, done);
}

static void
build_proto(struct bpf_prog_builder *b, const struct conf_filter *f)
{
	static const uint16_t path[3] = { CTA_TUPLE_ORIG, CTA_TUPLE_PROTO,
	    CTA_PROTO_NUM };
	int p;

	/* M[0] = the protocol, 0 if not found (the state check then skips) */
	emit(b, BPF_LD | BPF_IMM, 0, 0, 0);
	emit(b, BPF_ST, 0, 0, 0);
	find_attr(b, path, 3, L_KEEP);
	emit(b, BPF_LD | BPF_B | BPF_IND, 0, 0, 4);
	emit(b, BPF_ST, 0, 0, 0);
	if (f->proto_policy == POLICY_NONE)
		return;
	for (p = 0; p < 256; p++)
		if (f->protos[p])
			jump_if_eq(b, (uint32_t)p, L_PROTO_LISTED);
	decide(b, f->proto_policy, L_PROTO_LISTED, L_PROTO_DONE);
}

static void
build_addresses(struct bpf_prog_builder *b, const struct conf_filter *f)
{
	if (f->addr_policy == POLICY_NONE)
		return;
	match_endpoints(b, f, 1, L_NET_MATCH);
	match_endpoints(b, f, 0, L_HOST_LISTED);
	verdict(b, 0, f->addr_policy, L_ADDR_DONE);
	place(b, L_HOST_LISTED);
	verdict(b, 1, f->addr_policy, L_ADDR_DONE);
	/* a network decides at once, as a listed host does */
	place(b, L_NET_MATCH);
	verdict(b, 1, f->addr_policy, L_ADDR_DONE);
	place(b, L_ADDR_DONE);
}

static void
build_state(struct bpf_prog_builder *b, const struct conf_filter *f)
{
	static const uint16_t path[3] = { CTA_PROTOINFO, CTA_PROTOINFO_TCP,
	    CTA_PROTOINFO_TCP_STATE };
	int s;

	if (f->state_policy == POLICY_NONE)
		return;
	emit(b, BPF_LD | BPF_MEM, 0, 0, 0);
	emit(b, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, IPPROTO_TCP);
	jump(b, L_STATE_DONE);
	find_attr(b, path, 3, L_STATE_DONE);
	emit(b, BPF_LD | BPF_B | BPF_IND, 0, 0, 4);
	for (s = 0; s < 16; s++)
		if ((f->tcp_states >> s) & 1)
			jump_if_eq(b, (uint32_t)s, L_STATE_LISTED);
	decide(b, f->state_policy, L_STATE_LISTED, L_STATE_DONE);
}

/* Resolve the jumps; 0 if the program fits. */
static int
link_program(struct bpf_prog_builder *b)
{
	size_t i;

	if (b->overflow)
		return -1;
	for (i = 0; i < b->nfix; i++) {
		int to = b->label_at[b->fix[i].label];

		if (to < 0)
			fatalx("BPF builder: a jump to a label never placed");
		b->ins[b->fix[i].at].k = (uint32_t)(to - (int)b->fix[i].at - 1);
	}
	return 0;
}

/*
 * Build the program for `f' into `b'; -1 if it does not fit in the
 * kernel's limit (very many IPv6 addresses).
 */
static int
nl_bpf_build(const struct conf_filter *f, struct bpf_prog_builder *b)
{
	int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < MAX_LABELS; i++)
		b->label_at[i] = -1;
	b->next_label = L_NEXT0;
	build_proto(b, f);
	build_addresses(b, f);
	build_state(b, f);
	place(b, L_KEEP);
	emit(b, BPF_RET | BPF_K, 0, 0, KEEP);
	place(b, L_DROP);
	emit(b, BPF_RET | BPF_K, 0, 0, DROP);
	return link_program(b);
}

/* Attach the Filter to the event socket `fd'; -1 (logged) if it cannot. */
int
nl_bpf_attach(int fd, const struct conf_filter *f)
{
	struct bpf_prog_builder *b = malloc(sizeof(*b));
	struct sock_fprog prog;
	int r = -1;

	if (b == NULL)
		fatal("BPF builder");
	if (nl_bpf_build(f, b) == -1)
		log_warnx("Filter From Kernelspace: too many addresses for a "
		    "kernel filter; applied in user space only");
	else {
		prog.len = (unsigned short)b->n;
		prog.filter = b->ins;
		if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		    sizeof(prog)) == -1)
			log_warn("Filter From Kernelspace: cannot attach it; "
			    "applied in user space only");
		else {
			log_debug("Filter From Kernelspace: %zu BPF "
			    "instructions", b->n);
			r = 0;
		}
	}
	free(b);
	return r;
}
