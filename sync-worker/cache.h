/*
 * A cache of conntrack objects keyed on the original tuple and zone: the
 * internal cache (this node's kernel) and the external cache (the peers').
 * HashSize buckets, at most HashLimit objects; a full cache is a counted
 * refusal, never growth.
 */
#ifndef CTSYNCD_CACHE_H
#define CTSYNCD_CACHE_H

#include <stdint.h>
#include <time.h>

#include "ctobj.h"

struct cache_obj {
	struct cache_obj *next;		/* bucket chain */
	struct cache_obj *txnext;	/* transmit list, when queued */
	uint32_t	 hash;
	time_t		 since;		/* when it entered the cache */
	time_t		 touched;	/* last created or updated */
	uint32_t	 gen;		/* generation that last touched it */
	uint8_t		 queued;	/* on the transmit list */
	uint8_t		 updated;	/* changed since it was created */
	uint8_t		 dead;		/* destroyed; freed once its DEL is built */
	struct ctobj	 obj;
};

struct cache_stats {
	uint64_t	 created, create_nomem, create_nospace;
	uint64_t	 updated, update_notfound;
	uint64_t	 destroyed, destroy_notfound;
};

struct cache {
	const char	*name;
	struct cache_obj **buckets;
	uint32_t	 nbuckets;
	uint32_t	 limit;
	uint32_t	 count;
	uint32_t	 gen;		/* current generation, see cache_sweep */
	struct cache_stats st;
};

void	 cache_init(struct cache *, const char *name, uint32_t buckets,
	    uint32_t limit);
void	 cache_free(struct cache *);
struct cache_obj *cache_find(struct cache *, const struct ctobj *);
struct cache_obj *cache_upsert(struct cache *, const struct ctobj *,
	    time_t now);
int	 cache_delete(struct cache *, const struct ctobj *);
void	 cache_remove(struct cache *, struct cache_obj *);
void	 cache_flush(struct cache *);
uint32_t cache_next_generation(struct cache *, int sweep,
	    int (*gone)(struct cache_obj *, void *), void *arg);

/* Visit every object; stop early if `fn' returns non-zero. */
void	 cache_walk(struct cache *, int (*fn)(struct cache_obj *, void *),
	    void *arg);

#endif
