/*
 * Between ctsyncd's conntrack objects and libnetfilter_conntrack's: the
 * netlink worker converts what the kernel reports; the sync worker
 * converts back to print a cache exactly as conntrackd prints it.
 */
#ifndef CTSYNCD_CT_NFCT_H
#define CTSYNCD_CT_NFCT_H

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "ctobj.h"

int	 ctobj_from_nfct(struct ctobj *, const struct nf_conntrack *);
void	 ctobj_to_nfct(const struct ctobj *, struct nf_conntrack *);
void	 ctobj_to_nfct_create(const struct ctobj *, struct nf_conntrack *,
	    uint32_t commit_timeout, int window_tracking);

#endif
