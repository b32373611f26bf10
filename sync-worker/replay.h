/*
 * Anti-replay for sealed datagrams (link_auth.c).  Each sender seals
 * under an incarnation (its start time in ms and 8 random bytes, drawn
 * at each start) and a counter that grows by one per datagram.  A
 * receiver keeps, per sender address, the incarnation it follows and a
 * window of the last REPLAY_WINDOW counters: a counter seen before, or
 * older than the window, is a replay.  A new incarnation from a known
 * address is taken only if it started later (or the one followed has
 * been silent for REPLAY_SILENCE_MS: a sender restarted with its clock
 * set back); the one it replaces is remembered as retired, so that its
 * datagrams cannot come back.  An incarnation heard from one address is
 * refused from any other.
 *
 * Only datagrams that authenticated reach this code: the table holds
 * genuine senders only.  What it cannot know is what came before this
 * process started: doc/ctsyncd.conf.5 says what that leaves open.
 */
#ifndef CTSYNCD_REPLAY_H
#define CTSYNCD_REPLAY_H

#include <stdint.h>

#define REPLAY_WINDOW		1024	/* counters, a multiple of 64 */
#define REPLAY_SENDERS		16	/* followed at once */
#define REPLAY_RETIRED		64	/* incarnations remembered as over */
#define REPLAY_SILENCE_MS	60000
#define INCARNATION_LEN		16

struct replay_sender {
	int		 used;
	uint8_t		 family;
	uint8_t		 addr[16];
	uint8_t		 inc[INCARNATION_LEN];
	uint64_t	 top;		/* highest counter accepted */
	uint64_t	 bits[REPLAY_WINDOW / 64];	/* counter % WINDOW */
	uint64_t	 last_ms;	/* last accepted, monotonic */
};

struct replay {
	struct replay_sender s[REPLAY_SENDERS];
	uint8_t		 retired[REPLAY_RETIRED][INCARNATION_LEN];
	unsigned int	 nretired;	/* total ever; the ring's next slot */
	uint64_t	 restarts;	/* new incarnations of known senders */
};

enum replay_verdict { REPLAY_FRESH = 0, REPLAY_SEEN, REPLAY_TOO_OLD,
	REPLAY_RETIRED_INC, REPLAY_OTHER_ADDR, REPLAY_OLDER_INC };

/*
 * Whether (incarnation, counter) from `family'/`addr' is new, and if so
 * remember it.  `now_ms': monotonic.
 */
enum replay_verdict replay_check(struct replay *, uint8_t family,
	    const uint8_t addr[16], const uint8_t inc[INCARNATION_LEN],
	    uint64_t counter, uint64_t now_ms);

#endif
