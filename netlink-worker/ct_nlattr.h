/*
 * ctobj <-> ctnetlink attributes, directly with libmnl: the parser of
 * every event and dumped entry, the builder of every committed one.
 */
#ifndef CTSYNCD_CT_NLATTR_H
#define CTSYNCD_CT_NLATTR_H

#include "ctexp.h"
#include "ctobj.h"

struct nlmsghdr;
struct nlattr;

#define CT_PARSE_MALFORMED	(-1)	/* truncated or short attributes */
#define CT_PARSE_UNSUPPORTED	(-2)	/* no IPv4/IPv6 tuple with a protocol */

/* A ctnetlink conntrack message (event or dump) into `o'; 0 or above. */
int	 ctobj_from_nlmsg(struct ctobj *o, const struct nlmsghdr *);

/* The attributes creating (or, as a DELETE, naming; `update': changing)
 * `o' in the kernel, appended to `nlh'; -1 for a protocol without a
 * kernel tuple. */
int	 ctobj_put_create(struct nlmsghdr *, const struct ctobj *o,
	    uint32_t commit_timeout, int window_tracking, int update);

/* Shared with exp_nlattr.c: a tuple nest into o->family/l4proto/orig;
 * a tuple nest from `o' (ports or ICMP fields by o->l4proto); a
 * message's or nest's attributes by type.  -1 if malformed. */
int	 ct_parse_tuple(const struct nlattr *nest, struct ctobj *o);
int	 ct_put_tuple(struct nlmsghdr *, uint16_t type, const struct ctobj *o,
	    const union ct_addr *src, const union ct_addr *dst, uint16_t sport,
	    uint16_t dport, int orig);
int	 ct_read_be32(const struct nlattr *, uint32_t *);	/* 1 read, 0 absent */
int	 ct_index_msg(const struct nlmsghdr *, const struct nlattr **tb,
	    uint16_t max);
int	 ct_index_nest(const struct nlattr *, const struct nlattr **tb,
	    uint16_t max);

/* exp_nlattr.c: the same for expectations */
int	 ctexp_from_nlmsg(struct ctexp *, const struct nlmsghdr *);
int	 ctexp_put_create(struct nlmsghdr *, const struct ctexp *,
	    uint32_t commit_timeout);
int	 ctexp_put_delete(struct nlmsghdr *, const struct ctexp *);

#endif
