/*
 * The one catalogue of message types exchanged by ctsyncd's processes and
 * by ctsyncctl over the control socket.  Each entry: enum name, log name.
 * Who sends which type, and which types each channel accepts, is listed in
 * doc/PRIVSEP.md and enforced by the accept masks in each process.
 */
#ifndef CTSYNCD_MSG_TYPES_H
#define CTSYNCD_MSG_TYPES_H

#define MSG_TYPES(X)							\
	/* configuration, supervisor -> worker, ends with CFG_DONE */	\
	X(MSG_CFG_NETLINK,	"CFG_NETLINK")				\
	X(MSG_CFG_SYNC,		"CFG_SYNC")				\
	X(MSG_CFG_LINK,		"CFG_LINK")	/* carries a socket fd */ \
	X(MSG_CFG_FILTER,	"CFG_FILTER")				\
	X(MSG_CFG_GONE_RING,	"CFG_GONE_RING") /* its memfd (gone_ring.h) */ \
	X(MSG_CFG_DONE,		"CFG_DONE")				\
	/* worker -> supervisor */					\
	X(MSG_LOG,		"LOG")					\
	X(MSG_READY,		"READY")				\
	/* a worker's part of a control request (u32 id, u32 REQ_*):	\
	 * a query (statistics, health, a dump) or a command (flush a	\
	 * cache, bulk, resync, the barrier after a commit or flush);	\
	 * answered by blocks or text, then DONE, each naming the id */	\
	X(MSG_WORKER_REQ,	"WORKER_REQ")				\
	X(MSG_STATS_BLOCK,	"STATS_BLOCK")				\
	X(MSG_WORKER_DONE,	"WORKER_DONE")				\
	/* a long answer (a cache dump) comes in parts: after each the	\
	 * worker waits until the supervisor wants more, or says stop */	\
	X(MSG_ANSWER_WAIT,	"ANSWER_WAIT")	/* u32 id */		\
	X(MSG_ANSWER_MORE,	"ANSWER_MORE")	/* u32 id, u8 stop */	\
	X(MSG_TEST_SECCOMP,	"TEST_SECCOMP")	/* --enable-test-hooks */ \
	X(MSG_TEST_GARBAGE,	"TEST_GARBAGE")	/* --enable-test-hooks */ \
	/* the sync worker writes to the event socket (and must fail) */ \
	X(MSG_TEST_EVENT_WRITE,	"TEST_EVENT_WRITE") /* --enable-test-hooks */ \
	/* the systemd watchdog: a worker whose loop runs answers */	\
	X(MSG_PING,		"PING")		/* u32 seq */		\
	X(MSG_PONG,		"PONG")		/* u32 seq */		\
	/* conntrack objects, many per message */			\
	X(MSG_CT_EVENTS,	"CT_EVENTS")				\
	X(MSG_CT_DUMP_DONE,	"CT_DUMP_DONE")	/* u8 sweep, u32 token */ \
	X(MSG_EXP_EVENT,	"EXP_EVENT")	/* one expectation */	\
	X(MSG_DUMP_REQ,		"DUMP_REQ")	/* sync -> netlink: u32 token */ \
	/* the event socket, netlink -> sync (read only by the sync	\
	 * worker from the next CT_DUMP_DONE on): u32 injection port */	\
	X(MSG_EVENT_SOCKET,	"EVENT_SOCKET")				\
	/* netlink -> sync: a dump is due; answered by DUMP_REQ with	\
	 * the token once the sync worker stopped reading events */	\
	X(MSG_DUMP_WANTED,	"DUMP_WANTED")	/* u32 token */		\
	X(MSG_EVENTS_OVERRUN,	"EVENTS_OVERRUN") /* sync -> netlink */	\
	/* a one-shot child changes the kernel (commit, flush) */	\
	X(MSG_SELF_START,	"SELF_START")	/* u8 what; the child's socket */ \
	X(MSG_CT_BARRIER,	"CT_BARRIER")	/* events before it are in */ \
	X(MSG_CHILD_DONE,	"CHILD_DONE")				\
	/* supervisor -> netlink: a commit child starts; the event	\
	 * socket leaves the new-entry group until the commit's end	\
	 * (its WORKER_REQ, or CHILD_END), then a dump makes up */	\
	X(MSG_NEW_EVENTS_OFF,	"NEW_EVENTS_OFF")			\
	/* DisableExternalCache: the peers' states, sync -> netlink as	\
	 * CT_EVENTS, each batch answered with what the kernel did */	\
	X(MSG_INJECT_DONE,	"INJECT_DONE")				\
	/* Stats mode: destroyed flows, for the stats LogFile/Syslog */ \
	X(MSG_FLOW_LOG,		"FLOW_LOG")	/* lines of text */	\
	/* TCP links: the sync worker asks for a new connecting socket */ \
	X(MSG_LINK_CONNECT,	"LINK_CONNECT")	/* u8 link */		\
	X(MSG_LINK_SOCKET,	"LINK_SOCKET")	/* u8 link; its socket */ \
	/* Authentication: the link's keys, at start and on SIGHUP */	\
	X(MSG_LINK_KEYS,	"LINK_KEYS")	/* u8 n; n keys */	\
	/* a worker restarted: the other gets a channel to it (its fd) */ \
	X(MSG_PEER_SOCKET,	"PEER_SOCKET")				\
	/* supervisor -> sync: a -t purge is pending (1) or not (0): the \
	 * node went backup or fault, its table is stale (hot standby) */ \
	X(MSG_STANDING_DOWN,	"STANDING_DOWN")	/* u32 0 or 1 */ \
	/* the Metrics listener asks for a control connection per	\
	 * scrape; it gets one end (its fd), the supervisor serves the	\
	 * other, where only a METRICS request is taken */		\
	X(MSG_METRICS_ASK,	"METRICS_ASK")				\
	X(MSG_METRICS_SOCKET,	"METRICS_SOCKET")			\
	/* supervisor -> worker: debug lines on (1) or off (0) */	\
	X(MSG_LOG_VERBOSE,	"LOG_VERBOSE")	/* u32 0 or 1 */	\
	/* control socket, ctsyncctl <-> supervisor */			\
	X(MSG_CTL_REQUEST,	"CTL_REQUEST")				\
	X(MSG_CTL_TEXT,		"CTL_TEXT")				\
	X(MSG_CTL_DONE,		"CTL_DONE")

enum msg_type {
	MSG_NONE = 0,
#define MSG_ENUM(e, n) e,
	MSG_TYPES(MSG_ENUM)
#undef MSG_ENUM
	MSG_TYPE_MAX
};

#define MSG_BIT(t)	(UINT64_C(1) << (t))

const char *msg_type_name(unsigned int type);

#endif
