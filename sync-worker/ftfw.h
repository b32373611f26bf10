/*
 * FT-FW, conntrackd 1.4.7's reliable sync mode (wire-protocol.md 8),
 * wire-compatible with it, with repairs where 1.4.7 loses states for good:
 * - a bulk larger than the resend queue is paced by the queue's room, so
 *   that nothing is sent that could not be resent;
 * - a peer's HELLO (it restarted and lost its state) brings it a bulk of
 *   our table instead of emptying the resend queue;
 * - only the first HELLO of a peer's new incarnation resets its sequence,
 *   so losses while it keeps saying HELLO are NACKed as any others;
 * - data messages whose acknowledgement was lost are resent when a later
 *   ACK shows it (see rsq_ack);
 * - no data goes out before the peer answers our HELLO (a few seconds at
 *   most), since 1.4.7 repairs no loss of messages that carry HELLO;
 * - several nodes on one multicast segment: each sender's sequence is
 *   followed on its own, ACKs and NACKs name the node they are meant for,
 *   and what we sent is kept until every node present acknowledged it.
 */
#ifndef CTSYNCD_FTFW_H
#define CTSYNCD_FTFW_H

#include <sys/queue.h>

#include <stdint.h>

/* A sent message, kept until acknowledged. */
struct rsq_entry {
	TAILQ_ENTRY(rsq_entry) link;
	uint32_t	 seq;
	uint8_t		 ctl;		/* an ACK, NACK or RESYNC */
	uint16_t	 len;
	uint8_t		 msg[];		/* the bytes as sent */
};

struct rsq_list {
	TAILQ_HEAD(, rsq_entry) q;	/* oldest first */
	uint32_t	 len;
};

/* Farther than this from the expected sequence number: suspect. */
#define SEQ_WINDOW	(1u << 24)
/* Suspect messages in sequence that make the window follow them. */
#define REANCHOR_RUN	8

/* After the last data sent, an ALIVE this much later (ftfw.c). */
#define TAIL_PROBE_MS	50

/* Data waits this long at most for the peer to answer our HELLO. */
#define HELLO_HOLD_MS	3000

/* FT-FW's own state (ftfw.c); sending itself is send.c's. */
struct ftfw {
	/* sending */
	int		 hello;		/* 0 not yet sent, 1 saying, 2 answered */
	uint64_t	 hello_since_ms;	/* monotonic: saying it since */
	int		 send_hello_back;
	struct rsq_list	 rsq;		/* sent, waiting for an ACK */
	struct rsq_list	 resend;	/* NACKed, to send again */
	uint32_t	 rsq_max;
	int		 probe_due;	/* data sent since the last probe */
	/* receiving: each sender's sequence in its record (senders.h) */
	uint32_t	 window_size;	/* ACKWindowSize */
	/* counters */
	uint64_t	 rsq_dropped;	/* resend queue full: oldest dropped */
	uint64_t	 tail_probes;	/* ALIVEs after a burst's last data */
};

#endif
