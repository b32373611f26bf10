/*
 * The compact form in which a cache stores an object (cache_pack.c).
 */
#ifndef CTSYNCD_CACHE_PACK_H
#define CTSYNCD_CACHE_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "ctobj.h"

#define CACHE_KEY_MAX	40	/* IPv6: 2 + 16 + 16 + 4 + 2 */
#define CACHE_PACK_MAX	352	/* every field of an IPv6 entry, and more */

/* The lookup key alone (the first bytes of the packed form). */
size_t	 cache_pack_key(const struct ctobj *, uint8_t *out);
size_t	 cache_key_len(const uint8_t *packed);
/* The packed form, at most CACHE_PACK_MAX bytes; its length. */
size_t	 cache_pack(const struct ctobj *, uint8_t *out);
void	 cache_unpack(const uint8_t *, struct ctobj *);

#endif
