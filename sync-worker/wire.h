/*
 * conntrackd 1.4.7's dedicated-link wire format (shared/spec/
 * wire-protocol.md): the 8-byte header, control messages, and conntrack
 * entries as TLV attributes.  Decoding reads a const buffer with explicit
 * getters and counts every malformed input in the classes `-s network'
 * shows; nothing is trusted.
 */
#ifndef CTSYNCD_WIRE_H
#define CTSYNCD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "ctexp.h"
#include "ctobj.h"

#define WIRE_VERSION		1
#define WIRE_HDR_LEN		8
#define WIRE_CTL_LEN		16
/*
 * ctsyncd's one extension: an ACK or NACK may name the node it is meant
 * for, its source address after the range (len 20: IPv4, 32: IPv6), when
 * several nodes share a multicast segment.  1.4.7 reads the range and
 * skips the rest without counting anything (checked on the wire:
 * tests/integration/multiprimary.sh).
 */
#define WIRE_CTL_TO4_LEN	(WIRE_CTL_LEN + 4)
#define WIRE_CTL_TO6_LEN	(WIRE_CTL_LEN + 16)
#define WIRE_MSG_MAX		512	/* largest message we build */

/* message types (low nibble of byte 0) */
enum { WIRE_CT_NEW = 0, WIRE_CT_UPD, WIRE_CT_DEL, WIRE_EXP_NEW,
	WIRE_EXP_UPD, WIRE_EXP_DEL, WIRE_CTL = 10 };

/* flags (byte 1) */
#define WIRE_F_RESYNC		0x02
#define WIRE_F_NACK		0x04
#define WIRE_F_ACK		0x08
#define WIRE_F_ALIVE		0x10
#define WIRE_F_HELLO		0x20
#define WIRE_F_HELLO_BACK	0x40

/* what a message is, as the receiver classifies it (section 3.4) */
enum wire_kind { WK_BAD = 0, WK_DATA, WK_ACK, WK_NACK, WK_RESYNC, WK_ALIVE };

/* the receive-side counters of `-s network' */
struct wire_counters {
	uint64_t	 malformed;	/* the sum of the classes below */
	uint64_t	 bad_version, bad_header, bad_payload, bad_type;
	uint64_t	 truncated, bad_size;
	uint64_t	 send_malformed;
	uint64_t	 lost, before;	/* sequence tracking */
	uint64_t	 not_from_peer;	/* dropped before parsing */
	uint64_t	 exp_refused;	/* expectations we would not create */
	uint64_t	 out_of_window;	/* sequence far from the expected */
	uint64_t	 ack_out_of_range;	/* ACK/NACK of what was not sent */
	uint64_t	 ack_for_other;	/* ACK/NACK meant for another node */
};

struct wire_msg {
	uint8_t		 type, flags;
	uint16_t	 len;
	uint32_t	 seq;
	uint32_t	 from, to;	/* ACK, NACK, RESYNC */
	uint8_t		 for_family;	/* ACK, NACK meant for one node: */
	const uint8_t	*for_addr;	/* its address (4 or 16 bytes) */
	const uint8_t	*p;		/* the whole message, header included */
};

/* what the sender's configuration changes in what it emits */
struct wire_opts {
	int		 window_tracking;	/* TCPWindowTracking on */
	int		 omit_timeout;		/* CommitTimeout set */
};

size_t	 wire_next(const uint8_t *p, size_t left, struct wire_msg *,
	    int *deliver, struct wire_counters *);
int	 wire_incomplete(const uint8_t *p, size_t left);
enum wire_kind wire_classify(const struct wire_msg *);
int	 wire_get_ct(const struct wire_msg *, struct ctobj *);
int	 wire_get_exp(const struct wire_msg *, struct ctexp *);
size_t	 wire_put_exp(uint8_t *buf, size_t cap, uint8_t type, uint8_t flags,
	    uint32_t seq, const struct ctexp *, const struct wire_opts *);
void	 wire_count_payload_error(struct wire_counters *);
size_t	 wire_put_ct(uint8_t *buf, size_t cap, uint8_t type, uint8_t flags,
	    uint32_t seq, const struct ctobj *, const struct wire_opts *);
size_t	 wire_put_ctl(uint8_t *buf, size_t cap, uint8_t flags, uint32_t seq,
	    uint32_t from, uint32_t to);
size_t	 wire_put_ctl_for(uint8_t *buf, size_t cap, uint8_t flags,
	    uint32_t seq, uint32_t from, uint32_t to, uint8_t family,
	    const uint8_t addr[16]);
int	 wire_seq_before(uint32_t a, uint32_t b);

#endif
