/*
 * A ctsyncd conntrack object as a libnetfilter_conntrack one: the sync
 * worker prints its caches with nfct_snprintf, exactly as conntrackd.
 */
#ifndef CTSYNCD_CT_NFCT_H
#define CTSYNCD_CT_NFCT_H

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "ctexp.h"
#include "ctobj.h"

void	 ctobj_to_nfct(const struct ctobj *, struct nf_conntrack *);
size_t	 ctobj_print(const struct ctobj *, int xml, int with_timeout,
	    char *buf, size_t cap);
size_t	 ctexp_print(const struct ctexp *, int xml, char *buf, size_t cap);

#endif
