/*
 * ctobj <-> ctnetlink attributes, directly with libmnl: the parser of
 * every event and dumped entry, the builder of every committed one.
 */
#ifndef CTSYNCD_CT_NLATTR_H
#define CTSYNCD_CT_NLATTR_H

#include "ctobj.h"

struct nlmsghdr;

#define CT_PARSE_MALFORMED	(-1)	/* truncated or short attributes */
#define CT_PARSE_UNSUPPORTED	(-2)	/* no IPv4/IPv6 tuple with a protocol */

/* A ctnetlink conntrack message (event or dump) into `o'; 0 or above. */
int	 ctobj_from_nlmsg(struct ctobj *o, const struct nlmsghdr *);

/* The attributes creating (or, as a DELETE, naming; `update': changing)
 * `o' in the kernel, appended to `nlh'; -1 for a protocol without a
 * kernel tuple. */
int	 ctobj_put_create(struct nlmsghdr *, const struct ctobj *o,
	    uint32_t commit_timeout, int window_tracking, int update);

#endif
