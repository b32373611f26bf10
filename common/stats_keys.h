/*
 * The counters of each statistics block, in the order they travel:
 * X(index name, JSON key).  One list per block kind (stats.h); producers
 * fill b.v[index], ctl/render.c prints by the same names, and stats.c
 * takes the JSON keys from here.
 */
#ifndef CTSYNCD_STATS_KEYS_H
#define CTSYNCD_STATS_KEYS_H

#define STATS_KEYS_CACHE(X)                          \
	X(ST_CACHE_ACTIVE, "active")                 \
	X(ST_CACHE_CREATED, "created")               \
	X(ST_CACHE_CREATE_FAILED, "create_failed")   \
	X(ST_CACHE_UPDATED, "updated")               \
	X(ST_CACHE_UPDATE_FAILED, "update_failed")   \
	X(ST_CACHE_DESTROYED, "destroyed")           \
	X(ST_CACHE_DESTROY_FAILED, "destroy_failed")

#define STATS_KEYS_BYPASS(X)                \
	X(ST_BYPASS_NEW, "new")             \
	X(ST_BYPASS_UPDATED, "updated")     \
	X(ST_BYPASS_DESTROYED, "destroyed")

#define STATS_KEYS_INJECT(X)                          \
	X(ST_INJECT_CREATED, "created")               \
	X(ST_INJECT_CREATE_FAILED, "create_failed")   \
	X(ST_INJECT_UPDATED, "updated")               \
	X(ST_INJECT_UPDATE_FAILED, "update_failed")   \
	X(ST_INJECT_DESTROYED, "destroyed")           \
	X(ST_INJECT_DESTROY_FAILED, "destroy_failed")

#define STATS_KEYS_TRAFFIC(X)            \
	X(ST_TRAFFIC_BYTES, "bytes")     \
	X(ST_TRAFFIC_PACKETS, "packets")

#define STATS_KEYS_LINK(X)                              \
	X(ST_LINK_KIND, "kind")                         \
	X(ST_LINK_STATUS, "status")                     \
	X(ST_LINK_ROLE, "role")                         \
	X(ST_LINK_BYTES_SENT, "bytes_sent")             \
	X(ST_LINK_BYTES_RECV, "bytes_recv")             \
	X(ST_LINK_PACKETS_SENT, "packets_sent")         \
	X(ST_LINK_PACKETS_RECV, "packets_recv")         \
	X(ST_LINK_ERRORS_SEND, "errors_send")           \
	X(ST_LINK_ERRORS_RECV, "errors_recv")           \
	X(ST_LINK_SERVER_CONNECTED, "server_connected") \
	X(ST_LINK_CLIENT_CONNECTED, "client_connected")

#define STATS_KEYS_SYNC(X)                \
	X(ST_SYNC_MALFORMED, "malformed") \
	X(ST_SYNC_LOST, "lost")

#define STATS_KEYS_NETWORK(X)                                          \
	X(ST_NETWORK_RECV_MALFORMED, "recv_malformed")                 \
	X(ST_NETWORK_RECV_WRONG_VERSION, "recv_wrong_version")         \
	X(ST_NETWORK_RECV_MALFORMED_HEADER, "recv_malformed_header")   \
	X(ST_NETWORK_RECV_MALFORMED_PAYLOAD, "recv_malformed_payload") \
	X(ST_NETWORK_RECV_BAD_TYPE, "recv_bad_type")                   \
	X(ST_NETWORK_RECV_TRUNCATED, "recv_truncated")                 \
	X(ST_NETWORK_RECV_BAD_SIZE, "recv_bad_size")                   \
	X(ST_NETWORK_SEND_MALFORMED, "send_malformed")                 \
	X(ST_NETWORK_SEQ_LOST, "seq_lost")                             \
	X(ST_NETWORK_SEQ_BEFORE, "seq_before")                         \
	X(ST_NETWORK_RECV_NOT_FROM_PEER, "recv_not_from_peer")         \
	X(ST_NETWORK_RECV_EXPECT_REFUSED, "recv_expect_refused")       \
	X(ST_NETWORK_SEQ_OUT_OF_WINDOW, "seq_out_of_window")           \
	X(ST_NETWORK_ACK_OUT_OF_RANGE, "ack_out_of_range")             \
	X(ST_NETWORK_ACK_FOR_OTHER, "ack_for_other")                   \
	X(ST_NETWORK_SENDERS_TOO_MANY, "senders_too_many")             \
	X(ST_NETWORK_KEEPALIVE_SENT, "keepalive_sent")                 \
	X(ST_NETWORK_STANDBY_DELS_HELD, "standby_dels_held")           \
	X(ST_NETWORK_BULK_DEFERRED, "bulk_deferred")                   \
	X(ST_NETWORK_AUTH_FAILED, "auth_failed")                       \
	X(ST_NETWORK_REPLAYED, "replayed")                             \
	X(ST_NETWORK_TAIL_PROBES, "tail_probes")

#define STATS_KEYS_CACHE_EXT(X)                              \
	X(ST_CACHE_EXT_OBJECTS, "objects")                   \
	X(ST_CACHE_EXT_ACTIVE, "active")                     \
	X(ST_CACHE_EXT_ENTRIES, "entries")                   \
	X(ST_CACHE_EXT_CREATE_OK, "create_ok")               \
	X(ST_CACHE_EXT_CREATE_FAILED, "create_failed")       \
	X(ST_CACHE_EXT_CREATE_NO_MEMORY, "create_no_memory") \
	X(ST_CACHE_EXT_CREATE_NO_SPACE, "create_no_space")   \
	X(ST_CACHE_EXT_UPDATE_OK, "update_ok")               \
	X(ST_CACHE_EXT_UPDATE_FAILED, "update_failed")       \
	X(ST_CACHE_EXT_UPDATE_NOT_FOUND, "update_not_found") \
	X(ST_CACHE_EXT_DELETE_OK, "delete_ok")               \
	X(ST_CACHE_EXT_DELETE_FAILED, "delete_failed")       \
	X(ST_CACHE_EXT_DELETE_NOT_FOUND, "delete_not_found")

#define STATS_KEYS_UPTIME(X)            \
	X(ST_UPTIME_SECONDS, "seconds")

#define STATS_KEYS_NETLINK(X)                                    \
	X(ST_NETLINK_EVENTS_RECEIVED, "events_received")         \
	X(ST_NETLINK_EVENTS_FILTERED, "events_filtered")         \
	X(ST_NETLINK_EVENTS_UNKNOWN_TYPE, "events_unknown_type") \
	X(ST_NETLINK_CATCH_EVENT_FAILED, "catch_event_failed")   \
	X(ST_NETLINK_DUMP_UNKNOWN_TYPE, "dump_unknown_type")     \
	X(ST_NETLINK_OVERRUN, "overrun")                         \
	X(ST_NETLINK_FLUSH_KERNEL_TABLE, "flush_kernel_table")   \
	X(ST_NETLINK_RESYNC_KERNEL_TABLE, "resync_kernel_table") \
	X(ST_NETLINK_BUFFER_SIZE, "buffer_size")

#define STATS_KEYS_RUNTIME(X)                                        \
	X(ST_RUNTIME_CHILD_FAILED, "child_failed")                   \
	X(ST_RUNTIME_CHILD_SEGFAULT, "child_segfault")               \
	X(ST_RUNTIME_CHILD_TERMSIG, "child_termsig")                 \
	X(ST_RUNTIME_SELECT_FAILED, "select_failed")                 \
	X(ST_RUNTIME_WAIT_FAILED, "wait_failed")                     \
	X(ST_RUNTIME_LOCAL_READ_FAILED, "local_read_failed")         \
	X(ST_RUNTIME_LOCAL_UNKNOWN_REQUEST, "local_unknown_request")

#define STATS_KEYS_QUEUE_NODES(X)                \
	X(ST_QUEUE_NODES_ALLOCATED, "allocated")

#define STATS_KEYS_QUEUE(X)              \
	X(ST_QUEUE_CURRENT, "current")   \
	X(ST_QUEUE_MAXIMUM, "maximum")   \
	X(ST_QUEUE_NO_SPACE, "no_space")

#define STATS_KEYS_PROCESS(X)      \
	X(ST_PROCESS_PID, "pid")   \
	X(ST_PROCESS_TYPE, "type")

#define STATS_KEYS_HEALTH(X)                                    \
	X(ST_HEALTH_PID, "pid")                                 \
	X(ST_HEALTH_OK, "ok")                                   \
	X(ST_HEALTH_KERNEL_ENTRIES, "kernel_entries")           \
	X(ST_HEALTH_NETLINK_BUFFER_SIZE, "netlink_buffer_size") \
	X(ST_HEALTH_RESTARTS, "worker_restarts")

/* Authentication (link_auth.h), in ctsyncctl health */
#define STATS_KEYS_AUTH(X)                                 \
	X(ST_AUTH_KEYS, "keys")                            \
	X(ST_AUTH_SEALED, "sealed")                        \
	X(ST_AUTH_OPENED, "authenticated")                 \
	X(ST_AUTH_NOT_SEALED, "not_sealed")                \
	X(ST_AUTH_UNKNOWN_KEY, "unknown_key")              \
	X(ST_AUTH_FORGED, "forged")                        \
	X(ST_AUTH_REPLAYED, "replayed")                    \
	X(ST_AUTH_PEER_RESTARTS, "peer_restarts")          \
	X(ST_AUTH_LAST_OK_AGO_MS, "last_authenticated_ms_ago") \
	X(ST_AUTH_LAST_BAD_AGO_MS, "last_refused_ms_ago")  \
	X(ST_AUTH_WRONG_KEY, "wrong_key")

/* Anti-entropy (sync-worker/antientropy.c), in ctsyncctl health */
#define STATS_KEYS_INSYNC(X)                                     \
	X(ST_INSYNC_COMPARED, "compared")                        \
	X(ST_INSYNC_VERIFIED, "verified")                        \
	X(ST_INSYNC_LAST_MATCH_AGO_MS, "last_match_ms_ago")      \
	X(ST_INSYNC_PEER_AGO_MS, "ctsyncd_peer_ms_ago")          \
	X(ST_INSYNC_NODES, "nodes_heard")                        \
	X(ST_INSYNC_ROUNDS, "rounds")                            \
	X(ST_INSYNC_MISMATCHES, "mismatches")                    \
	X(ST_INSYNC_RANGES_DIFFERING, "ranges_differing")        \
	X(ST_INSYNC_STALE_REMOVED, "stale_removed")              \
	X(ST_INSYNC_REPAIRS, "repairs_for_peer")                 \
	X(ST_INSYNC_ENTRIES_RESENT, "entries_resent_for_peer")   \
	X(ST_INSYNC_MALFORMED, "malformed")                      \
	X(ST_INSYNC_KERNEL_DROPPED, "kernel_dropped")                \
	X(ST_INSYNC_DIFFS_FOR_OTHERS, "diffs_for_other_nodes")

#define STATS_KEYS_CONTROL(X)                            \
	X(ST_CONTROL_REFUSED, "refused")                 \
	X(ST_CONTROL_MALFORMED, "malformed")             \
	X(ST_CONTROL_GONE_MID_ANSWER, "gone_mid_answer") \
	X(ST_CONTROL_IDLE_CLOSED, "idle_closed")         \
	X(ST_CONTROL_ANSWERS_DROPPED, "answers_dropped")

#endif
