/*
 * A cache of expectations (ExpectationSync): internal (this node's
 * kernel) and external (the peers').  Keyed by master and expected
 * tuple; at most `limit' entries, a full cache is a counted refusal.
 */
#ifndef CTSYNCD_EXPCACHE_H
#define CTSYNCD_EXPCACHE_H

#include <time.h>

#include "cache.h"
#include "ctexp.h"

struct exp_entry {
	struct exp_entry *next;
	struct ctexp	 x;
	time_t		 since;		/* created here */
	time_t		 touched;	/* created or updated last */
	time_t		 refresh_at;	/* Mode ALARM: sent again then */
};

struct expcache {
	const char	*name;
	struct exp_entry **buckets;
	uint32_t	 nbuckets;	/* HashSize, and grows with the count */
	uint32_t	 count, limit;
	uint8_t		 hkey[CACHE_HASH_KEY_LEN];	/* cache_hash() */
	struct cache_stats st;
};

void	 expcache_init(struct expcache *, const char *name, uint32_t buckets,
	    uint32_t limit, const uint8_t key[CACHE_HASH_KEY_LEN]);
void	 expcache_free(struct expcache *);
struct exp_entry *expcache_find(struct expcache *, const struct ctexp *);
struct exp_entry *expcache_upsert(struct expcache *, const struct ctexp *,
	    time_t now);
int	 expcache_delete(struct expcache *, const struct ctexp *);
void	 expcache_flush(struct expcache *);
void	 expcache_walk(struct expcache *,
	    void (*fn)(struct exp_entry *, void *), void *arg);

#endif
