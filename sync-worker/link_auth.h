/*
 * Sealing the dedicated link (Sync { Authentication }): every datagram,
 * and every packed buffer of a TCP stream, goes out as one sealed frame:
 *
 *   0   4  magic "CTA1"          in clear, authenticated
 *   4   4  key id                which key sealed it (key_id())
 *   8  16  incarnation           sender's start ms (BE) + 8 random bytes
 *  24   8  counter (BE)          1, 2, ... per frame of this incarnation
 *  32   n  ciphertext            the conntrackd 1.4.7 messages
 * 32+n 16  tag
 *
 * XChaCha20-Poly1305 (libsodium, IETF variant) with the 24-byte nonce
 * incarnation || counter, unique per key as long as no two starts draw
 * the same random bytes in the same millisecond; the 32-byte header is
 * the associated data.  A frame is opened (authenticated and decrypted)
 * before anything reads it, then checked against replay (replay.h).
 */
#ifndef CTSYNCD_LINK_AUTH_H
#define CTSYNCD_LINK_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "keyfile.h"
#include "replay.h"

#define AUTH_HEADER_LEN		32
#define AUTH_TAG_LEN		16
#define AUTH_OVERHEAD		(AUTH_HEADER_LEN + AUTH_TAG_LEN)

enum auth_verdict {
	AUTH_OK = 0,
	AUTH_NOT_SEALED,	/* no magic: a sender without Authentication */
	AUTH_UNKNOWN_KEY,	/* sealed under a key we do not hold */
	AUTH_FORGED,		/* the tag does not match */
	AUTH_REPLAYED,		/* genuine, but seen before or too old */
	AUTH_VERDICTS
};

struct link_auth {
	int		 on;
	uint8_t		 nkeys;
	uint8_t		 key[LINK_KEYS_MAX][LINK_KEY_LEN];
	uint32_t	 key_id[LINK_KEYS_MAX];
	uint8_t		 inc[INCARNATION_LEN];	/* ours */
	uint64_t	 counter;		/* the last one used */
	struct replay	 replay;
	uint64_t	 sealed;
	uint64_t	 count[AUTH_VERDICTS];	/* frames received, by verdict */
	uint64_t	 last_ok_ms, last_bad_ms;	/* monotonic; 0: never */
};

void	auth_init(struct link_auth *, uint64_t start_ms,
	    const uint8_t random[8]);
void	auth_set_keys(struct link_auth *, const struct link_keys *);
/* `in' sealed into `out' (len + AUTH_OVERHEAD bytes); returns its length */
size_t	auth_seal(struct link_auth *, const uint8_t *in, size_t len,
	    uint8_t *out);
/*
 * A frame from `family'/`addr' opened into `out' (room for len bytes):
 * AUTH_OK with *outlen set, or why not.  `now_ms': monotonic.
 */
enum auth_verdict auth_open(struct link_auth *, uint8_t family,
	    const uint8_t addr[16], const uint8_t *in, size_t len,
	    uint8_t *out, size_t *outlen, uint64_t now_ms);
const char *auth_verdict_text(enum auth_verdict);
/* Whether what starts a frame could be sealed: a stream that cannot need
 * not be read up to the length it seems to give. */
int	auth_looks_sealed(const uint8_t *p, size_t len);

#endif
