#ifndef CTSYNCD_NL_REQUEST_H
#define CTSYNCD_NL_REQUEST_H

#include <stdint.h>

struct nlmsghdr;

/* A ctnetlink request header (IPCTNL_MSG_*) in `buf'; NLM_F_REQUEST is
 * added to `flags'. */
struct nlmsghdr *nl_put_request(void *buf, uint8_t msg, uint16_t flags,
	    uint32_t seq, uint8_t family);
/* The same for expectations (IPCTNL_MSG_EXP_*). */
struct nlmsghdr *nl_put_exp_request(void *buf, uint8_t msg, uint16_t flags,
	    uint32_t seq, uint8_t family);

#endif
