/*
 * The sync worker: owns the dedicated-link sockets and will hold the
 * caches and run the sync protocols.  No capabilities, unprivileged ids,
 * chrooted.  It alone reads network input.
 */
#ifndef CTSYNCD_SYNCWORKER_H
#define CTSYNCD_SYNCWORKER_H

#include <sys/socket.h>

#include <stdint.h>
#include <time.h>

#include "cache.h"
#include "clock.h"
#include "conf.h"
#include "expcache.h"
#include "gone_ring.h"
#include "ftfw.h"
#include "link_auth.h"
#include "msg.h"
#include "msgs.h"
#include "nl_recv.h"
#include "senders.h"
#include "sync_mode.h"
#include "wire.h"
#include "worker.h"

/*
 * Something that may happen very often (a stranger's datagram, a refused
 * expectation), logged at most every `secs' seconds with how many times
 * it happened since: log_rate_due() counts one and says when to log.
 */
struct log_rate {
	uint64_t	 last_ms;	/* 0: never logged */
	uint64_t	 count;		/* since then */
};

static inline int
log_rate_due(struct log_rate *r, unsigned int secs, uint64_t *count)
{
	uint64_t now = mono_ms();

	r->count++;
	if (r->last_ms != 0 && now - r->last_ms < (uint64_t)secs * 1000)
		return 0;
	*count = r->count;
	r->count = 0;
	r->last_ms = now;
	return 1;
}

struct link_counters {
	uint64_t	 bytes_sent, bytes_recv, pkts_sent, pkts_recv;
	uint64_t	 err_send, err_recv;
};

struct sync_link {
	int		 present;
	int		 rx, tx;		/* sockets, -1 if none */
	uint8_t		 kind, is_default, checksum;
	char		 ifname[IF_NAMESIZE];
	struct link_counters cnt;
	uint32_t	 mtu;
	int		 status;	/* LINKSTAT_*, at the last check */
	time_t		 last_rx;	/* a valid message came (monotonic s) */
	/* TCP only (tcp_link.c); rx is the listener, tx our connection */
	int		 conn;		/* the peer's connection to us, or -1 */
	int		 connecting;	/* tx not connected yet */
	time_t		 asked_at;	/* LINK_CONNECT last sent */
	uint32_t	 errq_len;	/* ErrorQueueLength */
	uint8_t		*rxbuf;		/* an incomplete message waits here */
	size_t		 rxlen;
	/* UDP and TCP: only the configured peer is heard (0: anyone) */
	uint8_t		 peer_family;
	uint8_t		 peer[16];
	struct log_rate	 strangers;	/* datagrams or connections */
	struct log_rate	 refused;	/* frames refused by Authentication */
	uint8_t		 conn_family;	/* TCP: who made conn */
	uint8_t		 conn_addr[16];
	/* multicast: our source address, named by ACKs meant for us */
	uint8_t		 self_family;
	uint8_t		 self_addr[16];
};

/* What a polled link socket is. */
enum { LR_RX, LR_CONN, LR_TX };
struct link_role {
	uint8_t		 link, what;
};

/* Buffers a TCP link could not send yet, oldest first (a ring). */
struct errq {
	uint8_t		**buf;
	uint32_t	*len;
	uint32_t	 head, count, max;
	size_t		 off;		/* of the head, already written */
	uint64_t	 dropped;
};

/* Seconds without a valid message before the active link is given up. */
#define LINK_SILENCE	3

#define DIRECT_BATCH	256	/* states per batch to inject */
#define APPLY_AHEAD	32	/* states of a datagram read ahead (apply.c) */
#define BYPASS_MAX_WAITING CTL_MAX_CLIENTS /* -i waiting for dumps */
#define BYPASS_TEXT_CHUNK 8192
enum { BYPASS_SEND = 1, BYPASS_PRINT = 2 };

/* DisableInternalCache, bypass.c */
struct bypass {
	uint64_t	 created, updated, destroyed;	/* -s */
	uint32_t	 token, next_token;	/* the dump asked for, or 0 */
	int		 running, wanted;	/* BYPASS_* of this, the next */
	struct { uint32_t id; uint8_t asked, done; }
			 q[BYPASS_MAX_WAITING];	/* -i waiting, in order */
	int		 nq;
	char		 text[BYPASS_TEXT_CHUNK + 1024 + 1];
	size_t		 textlen;
};

/* Sending, shared by the sync modes (send.c). */
#define SEND_CTLQ_MAX	64
/*
 * Objects sent per pass of the loop.  In between, the loop reads what came
 * in: sending a whole resend queue's worth (131072) at once let the peer's
 * ACKs overflow the link socket, and each lost ACK made 300 objects go out
 * again (bench/: 40% more traffic for a resync, and datagrams lost at the
 * peer).
 */
#define SEND_BURST	4096

struct sync_tx {
	uint32_t	 next_seq;
	int		 seq_started;
	struct timespec	 last;		/* the last message sent */
	struct {
		uint8_t	 flags, for_family;	/* for_family 0: to all */
		uint32_t from, to;
		uint8_t	 for_addr[16];
	} ctlq[SEND_CTLQ_MAX];
	int		 nctl;		/* control messages queued */
};

/* The sync worker's one context. */
/*
 * A cache dump (-i, -e) under way.  It goes out in parts of DUMP_PART
 * bytes; after each the worker waits for the supervisor's ANSWER_MORE, so
 * a client that reads slowly holds nothing but this cursor.
 */
struct dump_job {
	uint32_t	 id;		/* the request */
	struct cache	*cache;
	int		 xml;
	uint32_t	 base;		/* the table's size at the start */
	uint32_t	 next;		/* the next bucket class to print */
};

/* A cache on its way to a commit child, in bucket classes (sync_dump.c) */
struct stream_job {
	struct cache	*cache;		/* or NULL */
	struct expcache	*exps;		/* or NULL; sent after the entries */
	int		 kind;		/* CTE_NEW */
	time_t		 now;		/* timeouts are aged to then */
	uint32_t	 base, next;	/* as in struct dump_job */
	int		 pass;		/* a commit: enum stream_pass */
};

/* Kernel events, read from the netlink worker's socket (sync_events.c). */
struct sync_events {
	int		 fd;		/* -1: none (yet, or PollSecs) */
	uint32_t	 inject_portid;	/* events of our injection: ignored */
	int		 paused;	/* a dump runs: until CT_DUMP_DONE */
	int		 busy;		/* the last read found events ... */
	uint32_t	 pause_ns;	/* ... then wait this long ... */
	uint64_t	 next_read_ns;	/* ... until then (mono_ns) */
	/* ... but only under load (sync_events.c under_load) */
	uint64_t	 window_ns;	/* the current 100 ms window began */
	uint32_t	 window_events, last_window_events;
	struct nl_recv	*recv;
	struct gone_ring *gone;		/* shared with our successor, or NULL */
	struct {			/* -s runtime's netlink stats */
		uint64_t received, filtered, unknown, catch_failed;
	} cnt;
};

struct syncw {
	struct chan	 chan;		/* to the supervisor */
	struct chan	 peer;		/* from the netlink worker */
	int		 peer_up;	/* 0 while it is being restarted */
	int		 resweep;	/* its next dump sweeps the cache */
	int		 dumping;	/* a kernel dump's entries are coming */
	struct worker_args args;
	struct conf_sync cfg;
	struct conf_filter filter;	/* Filter From Userspace */
	int		 got_sync_cfg, configured;
	struct sync_events events;
	struct sync_link links[CONF_MAX_LINKS];
	int		 active_link;		/* index, -1: none */
	int		 default_link;		/* Default, else the first */
	time_t		 links_checked;		/* links_check, once a second */
	int		 no_link_logged;
	int		 peer_heard;		/* since the last silent switch */
	struct senders	 senders;		/* who sends to us (senders.h) */
	uint8_t		 hash_key[CACHE_HASH_KEY_LEN];	/* per start */
	struct cache	 internal;	/* this node's kernel table */
	struct cache	 external;	/* the peers' states */
	struct expcache	 exp_internal, exp_external;	/* ExpectationSync */
	uint64_t	 rejected;	/* invalid objects from the kernel side */
	struct log_rate	 exp_refused;	/* apply.c */
	uint64_t	 traffic_bytes, traffic_packets;
	struct wire_counters wire;	/* -s network */
	int		 initial_dump_done;
	struct stream_job stream;	/* what goes on child_out */
	struct chan	 child_out;	/* a cache on its way to a child;
					   fd 0: none */
	int		 standing_down;	/* a -t purge is pending: backup */
	int		 self_change;	/* enum self_change until the netlink
					   worker's barrier; SELF_NONE: none */
	uint32_t	 commit_answer;	/* a commit's request, answered at
					   the barrier; 0: none */
	const struct sync_mode *mode;	/* NULL in Stats mode */
	struct sync_tx	 tx;
	struct {			/* bulk.c: a token bucket */
		uint32_t tokens;
		uint64_t refilled_ms;	/* monotonic */
		int	 pending;	/* one asked for without a token */
		uint64_t deferred_count;
	} bulk;
	struct ftfw	 ftfw;
	struct errq	 errq;		/* TCP links */
	struct {			/* DisableExternalCache, direct.c */
		struct ct_event batch[DIRECT_BATCH];
		size_t	 n;
		uint32_t in_flight;	/* batches not answered yet */
		uint64_t ok[3], failed[3];	/* created, updated, destroyed */
	} direct;
	struct {			/* apply.c: a datagram's states,
					   parsed before they are applied */
		int		 n, next;
		time_t		 now;
		struct ahead_state {
			const uint8_t	*p;	/* the message */
			int		 bad;	/* its payload did not parse */
			struct ctobj	 o;
			struct cache_key k;
		} e[APPLY_AHEAD];
	} ahead;
	struct bypass	 bypass;
	uint32_t	 answering;	/* the request being answered now */
	struct dump_job	 dumps[CTL_MAX_CLIENTS];
	int		 ndumps;
	struct {			/* antientropy.c */
		uint64_t next_ms;	/* the next round (monotonic) */
		uint32_t epoch;		/* our rounds */
		uint16_t node;		/* our id on the wire (wire_ext.h) */
		uint64_t peer_seen_ms;	/* a ctsyncd peer's CAPS */
		/* our copies of the peers' tables: per sender (senders.h) */
		uint64_t rounds, mismatches, ranges_differing, stale_removed;
		uint64_t malformed, not_for_us;
		uint64_t kernel_dropped;	/* hot standby: a peer's entry
						   gone from our kernel */
		/* the peers' copies of ours */
		uint8_t	 repair_bits[CACHE_RANGES / 8];
		uint32_t repair_epoch;
		int	 repair_pending;	/* DONE when the queue drained */
		uint64_t repairs, entries_resent;
	} ae;
	struct {			/* hot standby, keepalive.c */
		uint32_t next_slice_ms;	/* monotonic */
		uint32_t now;		/* of the slice being walked */
		uint32_t cursor;	/* the next group */
		/* per group of KEEPALIVE_GROUP buckets of the internal
		 * cache: the earliest `alarm' in it (0: none armed), so that
		 * a walk skips groups with nothing due */
		uint32_t *group_due;
		uint32_t groups;	/* for a table of this many: */
		uint32_t nbuckets;
		uint32_t earliest;	/* of the group being walked */
		uint64_t sent;		/* quiet states sent again */
		uint64_t held;		/* DELs not sent while standing down */
	} keepalive;
	struct {			/* Mode ALARM, alarm.c */
		uint32_t next_slice;	/* monotonic ms */
		time_t	 now;		/* of the slice being walked */
		uint32_t internal_cursor, external_cursor;
		uint32_t slice;		/* expectations: every ALARM_SLICES */
		uint64_t expired;	/* external states timed out */
	} alarm;
	char		 flowbuf[32768];	/* Stats: lines to be logged */
	size_t		 flowlen;
	uint64_t	 flows_dropped;	/* batches, supervisor behind */
	uint8_t		 txbuf[65536];	/* the datagram being packed */
	size_t		 txlen, txcap;
	struct link_auth auth;		/* Authentication (link_auth.h) */
	uint8_t		 sealbuf[2 + AUTH_OVERHEAD + 65536];	/* TCP: u16 len */
	uint8_t		 openbuf[65536];	/* a frame opened */
};

/* syncworker.c: what the netlink worker may send (from the supervisor:
 * sync_main.c's accept mask) */
#define SY_PEER_ACCEPT	(MSG_BIT(MSG_CT_EVENTS) | MSG_BIT(MSG_CT_DUMP_DONE) | \
	MSG_BIT(MSG_CT_BARRIER) | MSG_BIT(MSG_INJECT_DONE) | \
	MSG_BIT(MSG_EXP_EVENT) | MSG_BIT(MSG_EVENT_SOCKET) | \
	MSG_BIT(MSG_DUMP_WANTED))
#define SY_PEER_ACCEPT_FD	MSG_BIT(MSG_EVENT_SOCKET)
void	sync_start(struct syncw *);
void	sync_handle(void *syncw, const struct msg *);
void	sync_handle_peer(void *syncw, const struct msg *);
void	sync_peer_lost(struct syncw *);
void	sync_apply_event(struct syncw *, struct ct_event *);

/* sync_events.c */
void	sync_events_socket(struct syncw *, const struct msg *);
void	sync_events_dump_wanted(struct syncw *, const struct msg *);
void	sync_events_dump_done(struct syncw *);
int	sync_events_pollable(const struct syncw *);
void	sync_events_read(struct syncw *);
void	sync_events_drain(struct syncw *);
uint64_t sync_events_wait_ns(const struct syncw *);
void	sync_events_test_write(struct syncw *);
void	sync_gone_ring(struct syncw *, const struct msg *);
void	sync_gone_keep(struct syncw *, const struct ctobj *);
void	sync_gone_replay(struct syncw *);

/* sync_sandbox.c */
void	sync_drop_privileges(const struct worker_args *);
void	sync_sandbox(void);

/* sync_dump.c */
void	sync_answer_block(struct syncw *, const struct stats_block *);
void	sync_answer_text(struct syncw *, const char *);
void	sync_dump_cache(struct syncw *, uint32_t id, struct cache *, int xml);
void	sync_dump_more(struct syncw *, uint32_t id, int stop);
void	sync_stream_cache(struct syncw *, struct cache *, struct expcache *,
	    int kind, int fd);
void	sync_dump_exp(struct syncw *, struct expcache *, int xml);
void	sync_stream_flush(struct syncw *);

/* send.c */
void	send_init(struct syncw *);
uint32_t send_idle_ms(const struct syncw *);
void	send_ctl(struct syncw *, uint8_t flags, uint32_t from, uint32_t to);
void	send_ctl_for(struct syncw *, uint8_t flags, uint32_t from, uint32_t to,
	    const struct sender *);
void	send_controls(struct syncw *);
void	send_request_resync(struct syncw *);
struct wire_ext;
void	send_ext(struct syncw *, const struct wire_ext *);
void	send_object(struct syncw *, const struct ctobj *, uint8_t type);
void	send_exp(struct syncw *, const struct ctexp *, uint8_t type);
void	send_again(struct syncw *, uint8_t *msg, size_t len, int ctl);
void	send_queue(struct syncw *, uint32_t budget);
int	send_queue_ready(const struct syncw *);
int	send_heartbeat_due_ms(struct syncw *);
void	send_flush(struct syncw *);

/* apply.c */
void	sync_apply(struct syncw *, const struct wire_msg *, struct sender *);
void	sync_apply_ahead(struct syncw *, const uint8_t *, size_t, int stream);
void	sync_apply_ahead_end(struct syncw *);

/* bulk.c */
#define BULK_BURST	3	/* bulks a peer may ask for at once ... */
#define BULK_GAP_MS	2000	/* ... then one more each this long */
void	sync_bulk_init(struct syncw *);
void	sync_bulk(struct syncw *);
void	sync_bulk_asked(struct syncw *);
int	sync_bulk_due(struct syncw *);

/* sync_stats.c */
void	sync_stats(struct syncw *, uint32_t req);

/* sync_links.c */
void	links_add(struct syncw *, const struct cfg_link_fd *, int fd);
void	links_done(struct syncw *);
void	links_receive(struct syncw *, int index);
int	link_status(const struct sync_link *);
void	links_send(struct syncw *, const uint8_t *, size_t);
void	links_flush(struct syncw *);
void	links_check(struct syncw *);
int	links_deliver(struct syncw *, int index, uint8_t family,
	    const uint8_t addr[16], const uint8_t *, size_t, size_t *used);
struct pollfd;
int	links_pollfds(struct syncw *, struct pollfd *, struct link_role *);
void	links_events(struct syncw *, const struct pollfd *,
	    const struct link_role *, int n);

/* expect.c */
void	expect_init(struct syncw *);
void	expect_event(struct syncw *, const struct exp_event *);
void	expect_bulk(struct syncw *);

/* bypass.c */
void	bypass_event(struct syncw *, struct ct_event *);
void	bypass_bulk(struct syncw *);
void	bypass_print(struct syncw *, uint32_t id);
void	bypass_dump_done(struct syncw *, uint32_t token);
void	bypass_peer_back(struct syncw *);

/* A sync mode over a working link: states go to and come from peers. */
static inline int
sync_on(const struct syncw *w)
{
	return w->mode != NULL && w->active_link >= 0;
}

/* Our own flush is under way: its DESTROY events are no news for peers. */
static inline int
self_flushing(const struct syncw *w)
{
	return w->self_change == SELF_FLUSH ||
	    w->self_change == SELF_FLUSH_FILTERED;
}

/* Our own commit of the peers' entries (or expectations) is under way. */
static inline int
self_committing(const struct syncw *w, int expectations)
{
	return w->self_change == SELF_COMMIT_ALL || (expectations ?
	    w->self_change == SELF_COMMIT_EXP : w->self_change == SELF_COMMIT);
}

/* DisableInternalCache (NOTRACK only): no internal cache, bypass.c. */
static inline int
bypass_on(const struct syncw *w)
{
	return w->cfg.mode == MODE_NOTRACK && w->cfg.disable_internal_cache;
}

/* direct.c */
void	direct_inject(struct syncw *, uint8_t wire_type, const struct ctobj *);
void	direct_flush(struct syncw *);
void	direct_done(struct syncw *, const struct inject_result *);

/* antientropy.c */
void	antientropy_init(struct syncw *);
void	antientropy_recv(struct syncw *, const struct wire_msg *,
	    struct sender *);
void	antientropy_tick(struct syncw *);
int	antientropy_verified(const struct syncw *, uint64_t *oldest_ms);
int	antientropy_records_kernel(const struct syncw *);
void	antientropy_injected(struct syncw *, uint8_t wire_type,
	    const struct ctobj *, unsigned int owner);
void	antientropy_kernel_dropped(struct syncw *, const struct ctobj *);

/* keepalive.c */
int	keepalive_on(const struct syncw *);
void	keepalive_arm(struct syncw *, struct cache_obj *, const struct ctobj *);
void	keepalive_tick(struct syncw *);
int	keepalive_holds_del(struct syncw *);
int	keepalive_due_ms(const struct syncw *);

/* flows.c */
void	flows_ended(struct syncw *, const struct ctobj *);
void	flows_flush(struct syncw *);

/* tcp_link.c */
void	tcp_link_init(struct syncw *, struct sync_link *);
void	tcp_send(struct syncw *, struct sync_link *, const uint8_t *, size_t);
short	tcp_tx_events(const struct syncw *, const struct sync_link *, int);
void	tcp_tx_event(struct syncw *, int index, short revents);
void	tcp_new_socket(struct syncw *, int index, int fd);
void	tcp_reconnect(struct syncw *, time_t now);
int	tcp_accept(struct sync_link *, struct sockaddr_storage *);
void	tcp_adopt(struct sync_link *, int fd);
int	tcp_read(struct syncw *, int index);
void	tcp_consume(struct sync_link *, size_t used);
void	tcp_drop_stream(struct sync_link *);

#endif
