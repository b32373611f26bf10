/*
 * One framing for every channel: socketpairs between ctsyncd's processes
 * and the control socket.
 *
 * Header, 8 bytes, big endian:
 *   u8 version | u8 flags | u16 type | u32 length (header included)
 *
 * A channel is a non-blocking stream socket with a read buffer and a write
 * queue.  Writers append many messages and flush them with one write();
 * readers pull every complete message out of one read().  Each channel
 * accepts a fixed set of types, a maximum message size, and fds only for
 * the types that expect one; anything else is malformed.
 */
#ifndef CTSYNCD_MSG_H
#define CTSYNCD_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "msg_types.h"

#define MSG_VERSION	1
#define MSG_HDR_LEN	8
#define MSG_F_FD	0x01		/* an fd travels with this message */

#define CHAN_MSG_MAX	(64 * 1024)	/* between processes */
#define CTL_MSG_MAX	(16 * 1024)	/* on the control socket */
#define CHAN_FDQ	8		/* fds in flight per direction */
/*
 * Back-pressure between processes: a producer whose channel holds more
 * than this for a sibling stops producing (the kernel's or the link's
 * buffers then overflow, which the overrun resync or FT-FW repairs) or,
 * for what can be lost, drops and counts it; it goes on below the half.
 */
#define CHAN_QUEUE_HIGH	(16 * 1024 * 1024)

struct msg {
	uint16_t	 type;
	uint8_t		 flags;
	const uint8_t	*data;		/* payload, after the header */
	size_t		 len;		/* payload length */
	int		 fd;		/* -1 unless MSG_F_FD */
};

struct chan {
	int		 fd;
	const char	*name;		/* peer, for logs */
	size_t		 maxmsg;
	uint64_t	 accept;	/* MSG_BIT() of types we accept */
	uint64_t	 accept_fd;	/* ... and those that carry an fd */
	uint8_t		*rbuf;
	size_t		 rcap, rstart, rend;
	uint8_t		*wbuf;
	size_t		 wcap, wstart, wend;
	struct { size_t off; int fd; int keep; } wfd[CHAN_FDQ];
	int		 nwfd;
	int		 rfd[CHAN_FDQ];
	int		 nrfd;
};

/* Building a message in place at the end of a channel's write queue. */
struct mbuild {
	struct chan	*c;
	size_t		 start;
};

/* Reading a payload with bounds checks; `bad' sticks once set. */
struct mread {
	const uint8_t	*p;
	size_t		 left;
	int		 bad;
};

void	 chan_init(struct chan *, int fd, const char *name, size_t maxmsg,
	    uint64_t accept, uint64_t accept_fd);
void	 chan_free(struct chan *);
int	 chan_read(struct chan *);
int	 chan_get(struct chan *, struct msg *, const char **why);
int	 chan_flush(struct chan *);
void	 chan_flush_all(struct chan *);
size_t	 chan_pending(const struct chan *);	/* bytes to write */
size_t	 chan_unread(const struct chan *);	/* bytes read, not taken */

void	 msg_begin(struct mbuild *, struct chan *, enum msg_type);
void	 mb_u8(struct mbuild *, uint8_t);
void	 mb_u16(struct mbuild *, uint16_t);
void	 mb_u32(struct mbuild *, uint32_t);
void	 mb_u64(struct mbuild *, uint64_t);
void	 mb_bytes(struct mbuild *, const void *, size_t);
void	 mb_str(struct mbuild *, const char *);
void	 msg_end(struct mbuild *);
void	 msg_end_fd(struct mbuild *, int fd);
void	 msg_end_fd_keep(struct mbuild *, int fd);

void	 mr_init(struct mread *, const struct msg *);
uint8_t	 mr_u8(struct mread *);
uint16_t mr_u16(struct mread *);
uint32_t mr_u32(struct mread *);
uint64_t mr_u64(struct mread *);
void	 mr_bytes(struct mread *, void *, size_t);
void	 mr_str(struct mread *, char *, size_t);
int	 mr_done(const struct mread *);

#endif
