#include "config.h"

#include <string.h>

#include "stats.h"

#define STATS_KEY_NAME(e, name) name,
static const struct stats_kind_info kinds[SB_KIND_MAX] = {
	[SB_CACHE] = { "cache", ST_CACHE_N,
	    { STATS_KEYS_CACHE(STATS_KEY_NAME) } },
	[SB_CACHE_BYPASS] = { "cache_bypass", ST_BYPASS_N,
	    { STATS_KEYS_BYPASS(STATS_KEY_NAME) } },
	[SB_CACHE_INJECT] = { "cache_inject", ST_INJECT_N,
	    { STATS_KEYS_INJECT(STATS_KEY_NAME) } },
	[SB_TRAFFIC] = { "traffic", ST_TRAFFIC_N,
	    { STATS_KEYS_TRAFFIC(STATS_KEY_NAME) } },
	[SB_LINK_ACTIVE] = { "active_link", ST_LINK_N,
	    { STATS_KEYS_LINK(STATS_KEY_NAME) } },
	[SB_SYNC] = { "message_tracking", ST_SYNC_N,
	    { STATS_KEYS_SYNC(STATS_KEY_NAME) } },
	[SB_NETWORK] = { "network", ST_NETWORK_N,
	    { STATS_KEYS_NETWORK(STATS_KEY_NAME) } },
	[SB_CACHE_EXT] = { "cache_detail", ST_CACHE_EXT_N,
	    { STATS_KEYS_CACHE_EXT(STATS_KEY_NAME) } },
	[SB_UPTIME] = { "uptime", ST_UPTIME_N,
	    { STATS_KEYS_UPTIME(STATS_KEY_NAME) } },
	[SB_NETLINK] = { "netlink", ST_NETLINK_N,
	    { STATS_KEYS_NETLINK(STATS_KEY_NAME) } },
	[SB_RUNTIME] = { "runtime", ST_RUNTIME_N,
	    { STATS_KEYS_RUNTIME(STATS_KEY_NAME) } },
	[SB_LINK] = { "link", ST_LINK_N,
	    { STATS_KEYS_LINK(STATS_KEY_NAME) } },
	[SB_QUEUE_NODES] = { "queue_nodes", ST_QUEUE_NODES_N,
	    { STATS_KEYS_QUEUE_NODES(STATS_KEY_NAME) } },
	[SB_QUEUE] = { "queue", ST_QUEUE_N,
	    { STATS_KEYS_QUEUE(STATS_KEY_NAME) } },
	[SB_PROCESS] = { "process", ST_PROCESS_N,
	    { STATS_KEYS_PROCESS(STATS_KEY_NAME) } },
	[SB_HEALTH] = { "health", ST_HEALTH_N,
	    { STATS_KEYS_HEALTH(STATS_KEY_NAME) } },
	[SB_CONTROL] = { "control", ST_CONTROL_N,
	    { STATS_KEYS_CONTROL(STATS_KEY_NAME) } },
	[SB_AUTH] = { "authentication", ST_AUTH_N,
	    { STATS_KEYS_AUTH(STATS_KEY_NAME) } },
	[SB_INSYNC] = { "in_sync", ST_INSYNC_N,
	    { STATS_KEYS_INSYNC(STATS_KEY_NAME) } },
};

const struct stats_kind_info *
stats_kind_info(unsigned int kind)
{
	if (kind == 0 || kind >= SB_KIND_MAX)
		return NULL;
	return &kinds[kind];
}

void
stats_block_init(struct stats_block *b, enum stats_kind kind,
    const char *label)
{
	memset(b, 0, sizeof(*b));
	b->kind = (uint16_t)kind;
	b->n = (uint16_t)kinds[kind].nkeys;
	strncpy(b->label, label ? label : "", sizeof(b->label) - 1);
}
