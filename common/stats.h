/*
 * Statistics travel as typed blocks of named counters: a worker fills
 * them, the supervisor forwards them, ctl/render.c prints them in
 * conntrackd's layout or as JSON.  The key table fixes each block's size.
 */
#ifndef CTSYNCD_STATS_H
#define CTSYNCD_STATS_H

#include <stdint.h>

#define STATS_MAX_VALUES	16
#define STATS_LABEL_MAX		64

enum stats_kind {
	SB_CACHE = 1,		/* label: cache name */
	SB_CACHE_BYPASS,
	SB_CACHE_INJECT,
	SB_TRAFFIC,
	SB_LINK_ACTIVE,		/* label: device */
	SB_SYNC,
	SB_NETWORK,
	SB_CACHE_EXT,		/* label: cache name */
	SB_UPTIME,
	SB_NETLINK,
	SB_RUNTIME,
	SB_LINK,		/* label: device */
	SB_QUEUE_NODES,
	SB_QUEUE,		/* label: queue name */
	SB_PROCESS,
	SB_HEALTH,		/* label: process name */
	SB_CONTROL,		/* the control socket's clients */
	SB_KIND_MAX
};

/* Values of the link enumerations carried as counters. */
enum { LINKSTAT_RUNNING, LINKSTAT_NO_CARRIER, LINKSTAT_DOWN };
enum { LINKROLE_ACTIVE, LINKROLE_BACKUP };

struct stats_block {
	uint16_t	 kind;
	char		 label[STATS_LABEL_MAX];
	uint16_t	 n;
	uint64_t	 v[STATS_MAX_VALUES];
};

struct stats_kind_info {
	const char	*name;		/* JSON object name */
	int		 nkeys;
	const char	*keys[STATS_MAX_VALUES];
};

const struct stats_kind_info *stats_kind_info(unsigned int kind);
void	 stats_block_init(struct stats_block *, enum stats_kind,
	    const char *label);

#endif
