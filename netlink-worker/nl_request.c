/*
 * The header of every ctnetlink request ctsyncd builds: netlink header
 * and nfgenmsg, in `buf'.
 */
#include "config.h"

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>

#include "nl_request.h"

static struct nlmsghdr *
put_request(void *buf, uint8_t subsys, uint8_t msg, uint16_t flags,
    uint32_t seq, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfh;

	nlh->nlmsg_type = (uint16_t)(subsys << 8 | msg);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfh = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfh));
	nfh->nfgen_family = family;
	nfh->version = NFNETLINK_V0;
	nfh->res_id = 0;
	return nlh;
}

struct nlmsghdr *
nl_put_request(void *buf, uint8_t msg, uint16_t flags, uint32_t seq,
    uint8_t family)
{
	return put_request(buf, NFNL_SUBSYS_CTNETLINK, msg, flags, seq,
	    family);
}

struct nlmsghdr *
nl_put_exp_request(void *buf, uint8_t msg, uint16_t flags, uint32_t seq,
    uint8_t family)
{
	return put_request(buf, NFNL_SUBSYS_CTNETLINK_EXP, msg, flags, seq,
	    family);
}
