/*
 * The sync modes behind one interface.  syncworker.c picks one when the
 * configuration is complete (sync_mode_of) and drives it; the transport
 * hands each valid message from a peer to recv(); the send layer
 * (send.c) asks the mode what each message carries and what it keeps.
 *
 *   FT-FW    ftfw.c     sequence tracking, ACK/NACK, a resend queue
 *   NOTRACK  notrack.c  each change sent once; ALIVE when idle
 *   ALARM    alarm.c    every state sent again and again; none acknowledged
 *
 * Stats mode has no sync mode (w->mode is NULL).  The data walk goes one
 * way: link -> mode->recv -> sync_apply (apply.c) -> caches or kernel.
 */
#ifndef CTSYNCD_SYNC_MODE_H
#define CTSYNCD_SYNC_MODE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct syncw;
struct wire_msg;
struct cache_obj;
struct sender;

/* A mode that says ALIVE says it after this long without sending. */
#define SYNC_HEARTBEAT_MS	1000

struct sync_mode {
	const char	*name;
	int		 heartbeat;	/* says ALIVE when idle, so that
					   silence means a link is dead */
	void	(*init)(struct syncw *);
	/* a valid message from a peer, the node `from' (senders.h) */
	void	(*recv)(struct syncw *, const struct wire_msg *,
		    struct sender *from);
	/* send what is due, and when to be called again (ms, -1 never) */
	void	(*run)(struct syncw *);
	int	(*timeout_ms)(struct syncw *);
	/* optional (NULL: nothing) */
	/* the flags of the next message sent */
	uint8_t	(*tx_flags)(struct syncw *);
	/* a message just sent, to keep for resending */
	void	(*tx_keep)(struct syncw *, const uint8_t *msg, size_t len,
		    uint32_t seq, int ctl);
	/* whether more of the send queue may go now */
	int	(*tx_room)(const struct syncw *);
	/* an internal-cache object created or updated */
	void	(*changed)(struct syncw *, struct cache_obj *, time_t now);
	/* -s rsqueue */
	void	(*rsqueue_text)(struct syncw *);
};

extern const struct sync_mode sync_mode_ftfw;
extern const struct sync_mode sync_mode_notrack;
extern const struct sync_mode sync_mode_alarm;

#endif
