/* libnetfilter_conntrack's view of ctobj conversions (tests only). */
#ifndef CTSYNCD_NFCT_ORACLE_H
#define CTSYNCD_NFCT_ORACLE_H

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "ctobj.h"

int	 oracle_from_nfct(struct ctobj *, const struct nf_conntrack *);
void	 oracle_to_nfct_create(const struct ctobj *, struct nf_conntrack *,
	    uint32_t commit_timeout, int window_tracking);

#endif
