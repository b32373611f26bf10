#include "config.h"

#include <string.h>

#include "stats.h"

static const struct stats_kind_info kinds[SB_KIND_MAX] = {
	[SB_CACHE] = { "cache", 7, { "active", "created", "create_failed",
	    "updated", "update_failed", "destroyed", "destroy_failed" } },
	[SB_CACHE_BYPASS] = { "cache_bypass", 3, { "new", "updated",
	    "destroyed" } },
	[SB_CACHE_INJECT] = { "cache_inject", 6, { "created", "create_failed",
	    "updated", "update_failed", "destroyed", "destroy_failed" } },
	[SB_TRAFFIC] = { "traffic", 2, { "bytes", "packets" } },
	[SB_LINK_ACTIVE] = { "active_link", 11, { "kind", "status", "role",
	    "bytes_sent", "bytes_recv", "packets_sent", "packets_recv",
	    "errors_send", "errors_recv", "server_connected",
	    "client_connected" } },
	[SB_SYNC] = { "message_tracking", 2, { "malformed", "lost" } },
	[SB_NETWORK] = { "network", 10, { "recv_malformed",
	    "recv_wrong_version", "recv_malformed_header",
	    "recv_malformed_payload", "recv_bad_type", "recv_truncated",
	    "recv_bad_size", "send_malformed", "seq_lost", "seq_before" } },
	[SB_CACHE_EXT] = { "cache_detail", 13, { "objects", "active",
	    "entries", "create_ok", "create_failed", "create_no_memory",
	    "create_no_space", "update_ok", "update_failed",
	    "update_not_found", "delete_ok", "delete_failed",
	    "delete_not_found" } },
	[SB_UPTIME] = { "uptime", 1, { "seconds" } },
	[SB_NETLINK] = { "netlink", 9, { "events_received",
	    "events_filtered", "events_unknown_type", "catch_event_failed",
	    "dump_unknown_type", "overrun", "flush_kernel_table",
	    "resync_kernel_table", "buffer_size" } },
	[SB_RUNTIME] = { "runtime", 7, { "child_failed", "child_segfault",
	    "child_termsig", "select_failed", "wait_failed",
	    "local_read_failed", "local_unknown_request" } },
	[SB_LINK] = { "link", 11, { "kind", "status", "role",
	    "bytes_sent", "bytes_recv", "packets_sent", "packets_recv",
	    "errors_send", "errors_recv", "server_connected",
	    "client_connected" } },
	[SB_QUEUE_NODES] = { "queue_nodes", 1, { "allocated" } },
	[SB_QUEUE] = { "queue", 3, { "current", "maximum", "no_space" } },
	[SB_PROCESS] = { "process", 2, { "pid", "type" } },
	[SB_HEALTH] = { "health", 4, { "pid", "ok", "kernel_entries",
	    "netlink_buffer_size" } },
	[SB_CONTROL] = { "control", 5, { "refused", "malformed",
	    "gone_mid_answer", "idle_closed", "answers_dropped" } },
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
