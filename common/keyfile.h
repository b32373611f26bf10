/*
 * The dedicated link's key file (Sync { Authentication { KeyFile } }):
 * one or two lines of exactly 64 hex digits, each a 256-bit key.  The
 * first key seals what is sent; either opens what is received (rotation).
 * Read by the supervisor only, which hands the keys to the sync worker.
 */
#ifndef CTSYNCD_KEYFILE_H
#define CTSYNCD_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define LINK_KEY_LEN	32
#define LINK_KEYS_MAX	2
#define KEYFILE_MAX	4096	/* a bigger file is not a key file */

struct link_keys {
	uint8_t		 n;			/* 1 or 2 */
	uint8_t		 key[LINK_KEYS_MAX][LINK_KEY_LEN];
};

/* The file's text into keys: 0, or -1 with why in err. */
int	keyfile_parse(const char *text, size_t len, struct link_keys *,
	    char *err, size_t errlen);
/* The file checked (regular, root's, no group/other access) and read. */
int	keyfile_load(const char *path, struct link_keys *, char *err,
	    size_t errlen);
/* A fresh key line (64 hex digits and a newline) from getrandom(2). */
int	keyfile_new_line(char line[LINK_KEY_LEN * 2 + 2]);
void	link_keys_wipe(struct link_keys *);

#endif
