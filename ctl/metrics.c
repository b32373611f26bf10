/*
 * Every statistic in the OpenMetrics text format (ctsyncctl metrics and
 * the Metrics listener, ctl/metrics_main.c): one table names each counter
 * of each stats block (stats_keys.h) as a metric family, with its type,
 * unit and help; the block's label becomes the family's label (cache,
 * link, queue, process, and the peer of the link's Authentication and
 * anti-entropy).
 * tests/unit/test_metrics.c checks that no counter is left out.
 */
#include "config.h"

#include <string.h>

#include "metrics.h"

#define C	METRIC_COUNTER
#define G	METRIC_GAUGE
#define MS	1000		/* milliseconds, shown in seconds */

static const struct metric_def defs[] = {
	/* conntrack caches (-s cache) */
	{ SB_CACHE_EXT, ST_CACHE_EXT_OBJECTS, G, "cache_objects", NULL, 0,
	    NULL, "Objects in the cache" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_ACTIVE, G, "cache_active", NULL, 0, NULL,
	    "Active entries in the cache" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_ENTRIES, G, "cache_entries", NULL, 0,
	    NULL, "Entries in the cache" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_CREATE_OK, C, "cache_created", NULL, 0,
	    NULL, "Entries added to the cache" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_CREATE_FAILED, C, "cache_create_failed",
	    NULL, 0, NULL, "Entries that could not be added" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_CREATE_NO_MEMORY, C,
	    "cache_create_no_memory", NULL, 0, NULL,
	    "Entries not added for want of memory" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_CREATE_NO_SPACE, C,
	    "cache_create_no_space", NULL, 0, NULL,
	    "Entries not added because HashLimit was reached" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_UPDATE_OK, C, "cache_updated", NULL, 0,
	    NULL, "Entries updated" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_UPDATE_FAILED, C, "cache_update_failed",
	    NULL, 0, NULL, "Updates that failed" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_UPDATE_NOT_FOUND, C,
	    "cache_update_not_found", NULL, 0, NULL,
	    "Updates of entries not in the cache" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_DELETE_OK, C, "cache_deleted", NULL, 0,
	    NULL, "Entries deleted" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_DELETE_FAILED, C, "cache_delete_failed",
	    NULL, 0, NULL, "Deletions that failed" },
	{ SB_CACHE_EXT, ST_CACHE_EXT_DELETE_NOT_FOUND, C,
	    "cache_delete_not_found", NULL, 0, NULL,
	    "Deletions of entries not in the cache" },
	/* expectation caches (-s expect) */
	{ SB_CACHE, ST_CACHE_ACTIVE, G, "expect_cache_active", NULL, 0, NULL,
	    "Expectations in the cache" },
	{ SB_CACHE, ST_CACHE_CREATED, C, "expect_cache_created", NULL, 0,
	    NULL, "Expectations added" },
	{ SB_CACHE, ST_CACHE_CREATE_FAILED, C, "expect_cache_create_failed",
	    NULL, 0, NULL, "Expectations that could not be added" },
	{ SB_CACHE, ST_CACHE_UPDATED, C, "expect_cache_updated", NULL, 0,
	    NULL, "Expectations updated" },
	{ SB_CACHE, ST_CACHE_UPDATE_FAILED, C, "expect_cache_update_failed",
	    NULL, 0, NULL, "Expectation updates that failed" },
	{ SB_CACHE, ST_CACHE_DESTROYED, C, "expect_cache_destroyed", NULL, 0,
	    NULL, "Expectations deleted" },
	{ SB_CACHE, ST_CACHE_DESTROY_FAILED, C, "expect_cache_destroy_failed",
	    NULL, 0, NULL, "Expectation deletions that failed" },
	/* DisableInternalCache: what went by without a cache */
	{ SB_CACHE_BYPASS, ST_BYPASS_NEW, C, "bypass_new", NULL, 0, NULL,
	    "New states sent without an internal cache" },
	{ SB_CACHE_BYPASS, ST_BYPASS_UPDATED, C, "bypass_updated", NULL, 0,
	    NULL, "Updated states sent without an internal cache" },
	{ SB_CACHE_BYPASS, ST_BYPASS_DESTROYED, C, "bypass_destroyed", NULL,
	    0, NULL, "Ended states sent without an internal cache" },
	/* DisableExternalCache: peers' states written to the kernel */
	{ SB_CACHE_INJECT, ST_INJECT_CREATED, C, "inject_created", NULL, 0,
	    NULL, "Peers' states created in the kernel" },
	{ SB_CACHE_INJECT, ST_INJECT_CREATE_FAILED, C, "inject_create_failed",
	    NULL, 0, NULL, "Peers' states the kernel refused to create" },
	{ SB_CACHE_INJECT, ST_INJECT_UPDATED, C, "inject_updated", NULL, 0,
	    NULL, "Peers' states updated in the kernel" },
	{ SB_CACHE_INJECT, ST_INJECT_UPDATE_FAILED, C, "inject_update_failed",
	    NULL, 0, NULL, "Peers' updates the kernel refused" },
	{ SB_CACHE_INJECT, ST_INJECT_DESTROYED, C, "inject_destroyed", NULL,
	    0, NULL, "Peers' states deleted from the kernel" },
	{ SB_CACHE_INJECT, ST_INJECT_DESTROY_FAILED, C,
	    "inject_destroy_failed", NULL, 0, NULL,
	    "Peers' deletions the kernel refused" },
	/* flow accounting of ended connections (Stats mode) */
	{ SB_TRAFFIC, ST_TRAFFIC_BYTES, C, "traffic_bytes", "bytes", 0, NULL,
	    "Bytes of the connections that ended" },
	{ SB_TRAFFIC, ST_TRAFFIC_PACKETS, C, "traffic_packets", NULL, 0, NULL,
	    "Packets of the connections that ended" },
	/* dedicated links (-s link) */
	{ SB_LINK, ST_LINK_KIND, G, "link_kind", NULL, 0, NULL,
	    "Link kind: 1 multicast, 2 UDP, 3 TCP" },
	{ SB_LINK, ST_LINK_STATUS, G, "link_status", NULL, 0, NULL,
	    "Link status: 0 running, 1 no carrier, 2 down" },
	{ SB_LINK, ST_LINK_ROLE, G, "link_role", NULL, 0, NULL,
	    "Link role: 0 active, 1 backup" },
	{ SB_LINK, ST_LINK_BYTES_SENT, C, "link_sent_bytes", "bytes", 0, NULL,
	    "Bytes sent on the link" },
	{ SB_LINK, ST_LINK_BYTES_RECV, C, "link_received_bytes", "bytes", 0,
	    NULL, "Bytes received on the link" },
	{ SB_LINK, ST_LINK_PACKETS_SENT, C, "link_sent_packets", NULL, 0,
	    NULL, "Datagrams (or TCP writes) sent on the link" },
	{ SB_LINK, ST_LINK_PACKETS_RECV, C, "link_received_packets", NULL, 0,
	    NULL, "Datagrams (or TCP reads) received on the link" },
	{ SB_LINK, ST_LINK_ERRORS_SEND, C, "link_send_errors", NULL, 0, NULL,
	    "Sends that failed" },
	{ SB_LINK, ST_LINK_ERRORS_RECV, C, "link_receive_errors", NULL, 0,
	    NULL, "Receives that failed" },
	{ SB_LINK, ST_LINK_SERVER_CONNECTED, G, "link_tcp_peer_connected",
	    NULL, 0, NULL, "TCP: the peer is connected to us" },
	{ SB_LINK, ST_LINK_CLIENT_CONNECTED, G, "link_tcp_connected", NULL, 0,
	    NULL, "TCP: we are connected to the peer" },
	/* the sync protocol (-s network) */
	{ SB_NETWORK, ST_NETWORK_RECV_MALFORMED, C, "network_recv_malformed",
	    NULL, 0, NULL, "Messages received malformed" },
	{ SB_NETWORK, ST_NETWORK_RECV_WRONG_VERSION, C,
	    "network_recv_wrong_version", NULL, 0, NULL,
	    "Messages of another protocol version" },
	{ SB_NETWORK, ST_NETWORK_RECV_MALFORMED_HEADER, C,
	    "network_recv_malformed_header", NULL, 0, NULL,
	    "Messages with a malformed header" },
	{ SB_NETWORK, ST_NETWORK_RECV_MALFORMED_PAYLOAD, C,
	    "network_recv_malformed_payload", NULL, 0, NULL,
	    "Messages with a malformed payload" },
	{ SB_NETWORK, ST_NETWORK_RECV_BAD_TYPE, C, "network_recv_bad_type",
	    NULL, 0, NULL, "Messages of an unknown type" },
	{ SB_NETWORK, ST_NETWORK_RECV_TRUNCATED, C, "network_recv_truncated",
	    NULL, 0, NULL, "Messages cut short" },
	{ SB_NETWORK, ST_NETWORK_RECV_BAD_SIZE, C, "network_recv_bad_size",
	    NULL, 0, NULL, "Messages whose length field is wrong" },
	{ SB_NETWORK, ST_NETWORK_SEND_MALFORMED, C, "network_send_malformed",
	    NULL, 0, NULL, "States that could not be encoded" },
	{ SB_NETWORK, ST_NETWORK_SEQ_LOST, C, "network_seq_lost", NULL, 0,
	    NULL, "Messages lost (gaps in the peer's sequence)" },
	{ SB_NETWORK, ST_NETWORK_SEQ_BEFORE, C, "network_seq_before", NULL, 0,
	    NULL, "Messages older than the peer's sequence" },
	{ SB_NETWORK, ST_NETWORK_RECV_NOT_FROM_PEER, C,
	    "network_recv_not_from_peer", NULL, 0, NULL,
	    "Datagrams and connections from other addresses, dropped" },
	{ SB_NETWORK, ST_NETWORK_RECV_EXPECT_REFUSED, C,
	    "network_recv_expect_refused", NULL, 0, NULL,
	    "Expectations from peers refused" },
	{ SB_NETWORK, ST_NETWORK_SEQ_OUT_OF_WINDOW, C,
	    "network_seq_out_of_window", NULL, 0, NULL,
	    "Messages far outside the peer's sequence, dropped" },
	{ SB_NETWORK, ST_NETWORK_ACK_OUT_OF_RANGE, C,
	    "network_ack_out_of_range", NULL, 0, NULL,
	    "ACKs or NACKs of what was never sent" },
	{ SB_NETWORK, ST_NETWORK_ACK_FOR_OTHER, C, "network_ack_for_other",
	    NULL, 0, NULL, "ACKs or NACKs meant for another node" },
	{ SB_NETWORK, ST_NETWORK_SENDERS_TOO_MANY, C,
	    "network_senders_too_many", NULL, 0, NULL,
	    "Messages from senders beyond the number followed" },
	{ SB_NETWORK, ST_NETWORK_TAIL_PROBES, C, "network_tail_probes", NULL,
	    0, NULL, "FT-FW ALIVEs after the last data of a burst" },
	{ SB_NETWORK, ST_NETWORK_KEEPALIVE_SENT, C, "network_keepalive_sent",
	    NULL, 0, NULL, "Quiet states sent again (hot standby)" },
	{ SB_NETWORK, ST_NETWORK_STANDBY_DELS_HELD, C,
	    "network_standby_dels_held", NULL, 0, NULL,
	    "Deletions held while standing down" },
	{ SB_NETWORK, ST_NETWORK_BULK_DEFERRED, C, "network_bulk_deferred",
	    NULL, 0, NULL, "Peers' bulk requests deferred" },
	{ SB_NETWORK, ST_NETWORK_AUTH_FAILED, C, "network_auth_failed", NULL,
	    0, NULL, "Frames that failed Authentication" },
	{ SB_NETWORK, ST_NETWORK_REPLAYED, C, "network_replayed", NULL, 0,
	    NULL, "Replayed frames refused" },
	/* the daemon (-s runtime) */
	{ SB_UPTIME, ST_UPTIME_SECONDS, G, "uptime_seconds", "seconds", 0,
	    NULL, "Seconds since the daemon started" },
	{ SB_NETLINK, ST_NETLINK_EVENTS_RECEIVED, C, "netlink_events_received",
	    NULL, 0, NULL, "Conntrack events read from the kernel" },
	{ SB_NETLINK, ST_NETLINK_EVENTS_FILTERED, C, "netlink_events_filtered",
	    NULL, 0, NULL, "Events the Filter left out" },
	{ SB_NETLINK, ST_NETLINK_EVENTS_UNKNOWN_TYPE, C,
	    "netlink_events_unknown_type", NULL, 0, NULL,
	    "Events of an unknown type" },
	{ SB_NETLINK, ST_NETLINK_CATCH_EVENT_FAILED, C,
	    "netlink_catch_event_failed", NULL, 0, NULL,
	    "Events that could not be read" },
	{ SB_NETLINK, ST_NETLINK_DUMP_UNKNOWN_TYPE, C,
	    "netlink_dump_unknown_type", NULL, 0, NULL,
	    "Dump entries of an unknown type" },
	{ SB_NETLINK, ST_NETLINK_OVERRUN, C, "netlink_overrun", NULL, 0, NULL,
	    "Event socket overruns (ENOBUFS), each followed by a resync" },
	{ SB_NETLINK, ST_NETLINK_FLUSH_KERNEL_TABLE, C,
	    "netlink_flush_kernel_table", NULL, 0, NULL,
	    "Kernel table flushes (-F)" },
	{ SB_NETLINK, ST_NETLINK_RESYNC_KERNEL_TABLE, C,
	    "netlink_resync_kernel_table", NULL, 0, NULL,
	    "Kernel table dumps (-R and resyncs)" },
	{ SB_NETLINK, ST_NETLINK_BUFFER_SIZE, G, "netlink_buffer_size_bytes",
	    "bytes", 0, NULL, "Event socket receive buffer" },
	{ SB_RUNTIME, ST_RUNTIME_CHILD_FAILED, C, "runtime_child_failed",
	    NULL, 0, NULL, "Child processes that failed" },
	{ SB_RUNTIME, ST_RUNTIME_CHILD_SEGFAULT, C, "runtime_child_segfault",
	    NULL, 0, NULL, "Child processes ended by SIGSEGV" },
	{ SB_RUNTIME, ST_RUNTIME_CHILD_TERMSIG, C, "runtime_child_termsig",
	    NULL, 0, NULL, "Child processes ended by a signal" },
	{ SB_RUNTIME, ST_RUNTIME_SELECT_FAILED, C, "runtime_poll_failed",
	    NULL, 0, NULL, "Failed waits of the supervisor's loop" },
	{ SB_RUNTIME, ST_RUNTIME_WAIT_FAILED, C, "runtime_wait_failed", NULL,
	    0, NULL, "Failed waitpid calls" },
	{ SB_RUNTIME, ST_RUNTIME_LOCAL_READ_FAILED, C,
	    "runtime_local_read_failed", NULL, 0, NULL,
	    "Control requests that could not be read" },
	{ SB_RUNTIME, ST_RUNTIME_LOCAL_UNKNOWN_REQUEST, C,
	    "runtime_local_unknown_request", NULL, 0, NULL,
	    "Unknown control requests" },
	/* queues (-s queue) */
	{ SB_QUEUE_NODES, ST_QUEUE_NODES_ALLOCATED, G, "queue_nodes", NULL, 0,
	    NULL, "Queue nodes allocated" },
	{ SB_QUEUE, ST_QUEUE_CURRENT, G, "queue_current", NULL, 0, NULL,
	    "Objects in the queue" },
	{ SB_QUEUE, ST_QUEUE_MAXIMUM, G, "queue_maximum", NULL, 0, NULL,
	    "Objects the queue may hold" },
	{ SB_QUEUE, ST_QUEUE_NO_SPACE, C, "queue_no_space", NULL, 0, NULL,
	    "Objects dropped because the queue was full" },
	/* processes (ctsyncctl health) */
	{ SB_HEALTH, ST_HEALTH_PID, G, "process_id", NULL, 0, NULL,
	    "Process id" },
	{ SB_HEALTH, ST_HEALTH_OK, G, "process_up", NULL, 0, NULL,
	    "1 if the process says it is well" },
	{ SB_HEALTH, ST_HEALTH_KERNEL_ENTRIES, G, "kernel_entries", NULL, 0,
	    "netlink worker", "Entries in the kernel's conntrack table" },
	{ SB_HEALTH, ST_HEALTH_NETLINK_BUFFER_SIZE, G,
	    "kernel_netlink_buffer_bytes", "bytes", 0, "netlink worker",
	    "The netlink worker's socket receive buffer" },
	{ SB_HEALTH, ST_HEALTH_RESTARTS, C, "worker_restarts", NULL, 0,
	    "supervisor", "Workers restarted after a death" },
	{ SB_CONTROL, ST_CONTROL_REFUSED, C, "control_refused", NULL, 0, NULL,
	    "Control connections refused (credentials)" },
	{ SB_CONTROL, ST_CONTROL_MALFORMED, C, "control_malformed", NULL, 0,
	    NULL, "Malformed control requests" },
	{ SB_CONTROL, ST_CONTROL_GONE_MID_ANSWER, C, "control_gone_mid_answer",
	    NULL, 0, NULL, "Control clients gone before their answer's end" },
	{ SB_CONTROL, ST_CONTROL_IDLE_CLOSED, C, "control_idle_closed", NULL,
	    0, NULL, "Control clients closed for sending no request" },
	{ SB_CONTROL, ST_CONTROL_ANSWERS_DROPPED, C,
	    "control_answers_dropped", NULL, 0, NULL,
	    "Answer messages dropped because their client had gone" },
	/* Authentication of the dedicated link */
	{ SB_AUTH, ST_AUTH_KEYS, G, "auth_keys", NULL, 0, NULL,
	    "Keys in the KeyFile" },
	{ SB_AUTH, ST_AUTH_SEALED, C, "auth_sealed", NULL, 0, NULL,
	    "Frames sealed" },
	{ SB_AUTH, ST_AUTH_OPENED, C, "auth_authenticated", NULL, 0, NULL,
	    "Frames authenticated" },
	{ SB_AUTH, ST_AUTH_NOT_SEALED, C, "auth_not_sealed", NULL, 0, NULL,
	    "Frames refused: not sealed" },
	{ SB_AUTH, ST_AUTH_UNKNOWN_KEY, C, "auth_unknown_key", NULL, 0, NULL,
	    "Frames refused: a key we do not hold" },
	{ SB_AUTH, ST_AUTH_FORGED, C, "auth_forged", NULL, 0, NULL,
	    "Frames refused: did not authenticate" },
	{ SB_AUTH, ST_AUTH_REPLAYED, C, "auth_replayed", NULL, 0, NULL,
	    "Frames refused: replayed" },
	{ SB_AUTH, ST_AUTH_PEER_RESTARTS, C, "auth_peer_restarts", NULL, 0,
	    NULL, "Peer restarts seen (new incarnations)" },
	{ SB_AUTH, ST_AUTH_LAST_OK_AGO_MS, G,
	    "auth_last_authenticated_age_seconds", "seconds", MS, NULL,
	    "Seconds since a frame last authenticated (NaN: never)" },
	{ SB_AUTH, ST_AUTH_LAST_BAD_AGO_MS, G, "auth_last_refused_age_seconds",
	    "seconds", MS, NULL,
	    "Seconds since a frame was last refused (NaN: never)" },
	{ SB_AUTH, ST_AUTH_WRONG_KEY, G, "auth_wrong_key", NULL, 0, NULL,
	    "1 while frames are refused and none authenticates" },
	/* anti-entropy: our copy of the peer's table */
	{ SB_INSYNC, ST_INSYNC_COMPARED, G, "antientropy_compared", NULL, 0,
	    NULL, "1 if the copy of the peer's table is compared" },
	{ SB_INSYNC, ST_INSYNC_VERIFIED, G, "antientropy_verified", NULL, 0,
	    NULL, "1 if the copy of the peer's table matched its digest" },
	{ SB_INSYNC, ST_INSYNC_LAST_MATCH_AGO_MS, G,
	    "antientropy_last_match_age_seconds", "seconds", MS, NULL,
	    "Seconds since the last matching digest (NaN: never)" },
	{ SB_INSYNC, ST_INSYNC_PEER_AGO_MS, G,
	    "antientropy_peer_age_seconds", "seconds", MS, NULL,
	    "Seconds since a ctsyncd peer was last heard (NaN: never)" },
	{ SB_INSYNC, ST_INSYNC_NODES, G, "antientropy_nodes_heard", NULL, 0,
	    NULL, "Nodes heard on the link" },
	{ SB_INSYNC, ST_INSYNC_ROUNDS, C, "antientropy_rounds", NULL, 0, NULL,
	    "Digests of the peer compared" },
	{ SB_INSYNC, ST_INSYNC_MISMATCHES, C, "antientropy_mismatches", NULL,
	    0, NULL, "Digests that differed" },
	{ SB_INSYNC, ST_INSYNC_RANGES_DIFFERING, C,
	    "antientropy_ranges_differing", NULL, 0, NULL,
	    "Hash ranges that differed" },
	{ SB_INSYNC, ST_INSYNC_STALE_REMOVED, C, "antientropy_stale_removed",
	    NULL, 0, NULL, "Stale entries removed from the copy" },
	{ SB_INSYNC, ST_INSYNC_REPAIRS, C, "antientropy_repairs_for_peer",
	    NULL, 0, NULL, "Repairs the peer asked of us" },
	{ SB_INSYNC, ST_INSYNC_ENTRIES_RESENT, C,
	    "antientropy_entries_resent_for_peer", NULL, 0, NULL,
	    "Entries sent again for the peer" },
	{ SB_INSYNC, ST_INSYNC_MALFORMED, C, "antientropy_malformed", NULL, 0,
	    NULL, "Malformed anti-entropy messages" },
	{ SB_INSYNC, ST_INSYNC_KERNEL_DROPPED, C, "antientropy_kernel_dropped",
	    NULL, 0, NULL, "Hot standby: the peer's entries the kernel dropped" },
	{ SB_INSYNC, ST_INSYNC_DIFFS_FOR_OTHERS, C,
	    "antientropy_diffs_for_other_nodes", NULL, 0, NULL,
	    "Differences addressed to another node of the group, ignored" },
};

#define NDEFS	(sizeof(defs) / sizeof(defs[0]))

/* Blocks that repeat others' counters, and why they are not shown. */
static const struct {
	int		 kind;
	const char	*why;
} left_out[] = {
	{ SB_SYNC, "the network block's recv_malformed and seq_lost" },
	{ SB_LINK_ACTIVE, "the link block of the same device" },
	{ SB_PROCESS, "commit and flush children: ctsyncctl stats process" },
};

/* The label each kind's block label becomes. */
static const char *
label_name(int kind)
{
	switch (kind) {
	case SB_CACHE_EXT: case SB_CACHE: return "cache";
	case SB_LINK: return "link";
	case SB_QUEUE: return "queue";
	case SB_HEALTH: return "process";
	case SB_AUTH: case SB_INSYNC: return "peer";
	}
	return NULL;
}

const struct metric_def *
metrics_defs(size_t *n)
{
	*n = NDEFS;
	return defs;
}

const char *
metrics_left_out(int kind)
{
	size_t i;

	for (i = 0; i < sizeof(left_out) / sizeof(left_out[0]); i++)
		if (left_out[i].kind == kind)
			return left_out[i].why;
	return NULL;
}

static void
print_label_value(FILE *o, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(o, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", o);
		else
			fputc(*v, o);
	}
}

static void
print_sample(FILE *o, const struct metric_def *d,
    const struct stats_block *b)
{
	const char *ln = label_name(d->kind);
	uint64_t v = b->v[d->key];

	fprintf(o, "ctsyncd_%s%s", d->name, d->type == METRIC_COUNTER ?
	    "_total" : "");
	if (ln != NULL) {
		fprintf(o, "{%s=\"", ln);
		print_label_value(o, b->label);
		fputs("\"}", o);
	}
	if (d->div && v == UINT64_MAX)
		fputs(" NaN\n", o);
	else if (d->div)
		fprintf(o, " %.3f\n", (double)v / d->div);
	else
		fprintf(o, " %llu\n", (unsigned long long)v);
}

static int
applies(const struct metric_def *d, const struct stats_block *b)
{
	return b->kind == d->kind && d->key < b->n &&
	    (d->only == NULL || strcmp(d->only, b->label) == 0);
}

/* The families, in the table's order, with the samples of each. */
void
metrics_print(FILE *o, const struct stats_block *blocks, size_t nblocks)
{
	size_t i, k;

	for (i = 0; i < NDEFS; i++) {
		const struct metric_def *d = &defs[i];
		int shown = 0;

		for (k = 0; k < nblocks; k++) {
			if (!applies(d, &blocks[k]))
				continue;
			if (!shown++) {
				fprintf(o, "# TYPE ctsyncd_%s %s\n", d->name,
				    d->type == METRIC_COUNTER ? "counter" :
				    "gauge");
				if (d->unit)
					fprintf(o, "# UNIT ctsyncd_%s %s\n",
					    d->name, d->unit);
				fprintf(o, "# HELP ctsyncd_%s %s.\n", d->name,
				    d->help);
			}
			print_sample(o, d, &blocks[k]);
		}
	}
	fputs("# EOF\n", o);
}
