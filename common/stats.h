/*
 * Statistics travel as typed blocks of named counters: a worker fills
 * them, the supervisor forwards them, ctl/render.c prints them in
 * conntrackd's layout or as JSON.  The key table fixes each block's size.
 */
#ifndef CTSYNCD_STATS_H
#define CTSYNCD_STATS_H

#include <stdint.h>

#include "stats_keys.h"

#define STATS_MAX_VALUES	24
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
	SB_AUTH,		/* the link's Authentication */
	SB_INSYNC,		/* our copy of the peer's table */
	SB_KIND_MAX
};

/* Each block's counter indexes, from stats_keys.h: b.v[ST_CACHE_ACTIVE] */
#define STATS_KEY_INDEX(e, name) e,
enum { STATS_KEYS_CACHE(STATS_KEY_INDEX) ST_CACHE_N };
enum { STATS_KEYS_BYPASS(STATS_KEY_INDEX) ST_BYPASS_N };
enum { STATS_KEYS_INJECT(STATS_KEY_INDEX) ST_INJECT_N };
enum { STATS_KEYS_TRAFFIC(STATS_KEY_INDEX) ST_TRAFFIC_N };
enum { STATS_KEYS_LINK(STATS_KEY_INDEX) ST_LINK_N };
enum { STATS_KEYS_SYNC(STATS_KEY_INDEX) ST_SYNC_N };
enum { STATS_KEYS_NETWORK(STATS_KEY_INDEX) ST_NETWORK_N };
enum { STATS_KEYS_CACHE_EXT(STATS_KEY_INDEX) ST_CACHE_EXT_N };
enum { STATS_KEYS_UPTIME(STATS_KEY_INDEX) ST_UPTIME_N };
enum { STATS_KEYS_NETLINK(STATS_KEY_INDEX) ST_NETLINK_N };
enum { STATS_KEYS_RUNTIME(STATS_KEY_INDEX) ST_RUNTIME_N };
enum { STATS_KEYS_QUEUE_NODES(STATS_KEY_INDEX) ST_QUEUE_NODES_N };
enum { STATS_KEYS_QUEUE(STATS_KEY_INDEX) ST_QUEUE_N };
enum { STATS_KEYS_PROCESS(STATS_KEY_INDEX) ST_PROCESS_N };
enum { STATS_KEYS_HEALTH(STATS_KEY_INDEX) ST_HEALTH_N };
enum { STATS_KEYS_CONTROL(STATS_KEY_INDEX) ST_CONTROL_N };
enum { STATS_KEYS_AUTH(STATS_KEY_INDEX) ST_AUTH_N };
enum { STATS_KEYS_INSYNC(STATS_KEY_INDEX) ST_INSYNC_N };

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
