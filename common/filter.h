/*
 * The user-space conntrack filter of conntrackd.conf (config.md 3.2).
 */
#ifndef CTSYNCD_FILTER_H
#define CTSYNCD_FILTER_H

#include "conf.h"
#include "ctobj.h"

int	 filter_accepts(const struct conf_filter *, const struct ctobj *);

#endif
