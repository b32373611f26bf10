/*
 * A cache of conntrack objects keyed on the original tuple and zone: the
 * internal cache (this node's kernel) and the external cache (the peers').
 * At most HashLimit objects; a full cache is a counted refusal.  The hash
 * table starts at HashSize buckets and grows with the objects.  Objects
 * are stored packed (cache_pack.c); cache_obj_get() gives one back whole.
 *
 * Each cache also keeps a send queue of its objects (FT-FW's transmit
 * list): an object is on it at most once, and leaves it when sent or
 * deleted, so the queue never points at a freed object.
 */
#ifndef CTSYNCD_CACHE_H
#define CTSYNCD_CACHE_H

#include <sys/queue.h>

#include <stdint.h>
#include <time.h>

#include "cache_pack.h"
#include "objpool.h"
#include "ctobj.h"

#define CACHE_BUCKETS_MAX	(1u << 26)
#define CACHE_HASH_KEY_LEN	16	/* crypto_shorthash_KEYBYTES */
/*
 * The digest two nodes compare (antientropy.c): the objects fall in
 * CACHE_RANGES ranges by their tuple, and each range sums a value of each
 * of its objects (tuple, state, mark), kept up to date as they change.
 * Unlike cache_hash(), the same object gives the same value on every node.
 */
#define CACHE_RANGES		256
#define CACHE_RANGE_OF(sum)	((sum) >> 24)
/* The external cache also keeps a digest per node that sent its objects
 * (senders.h: one record per node, at most this many). */
#define CACHE_OWNERS		16

struct cache_obj {
	struct cache_obj *next;		/* bucket chain */
	TAILQ_ENTRY(cache_obj) tx;	/* send queue, when queued */
	uint32_t	 hash;
	uint32_t	 gen;		/* generation that last touched it */
	uint32_t	 since;		/* when it entered the cache (time_t) */
	uint32_t	 touched;	/* last created or updated */
	uint32_t	 alarm;		/* ALARM, hot standby: when to send
					   it again */
	uint32_t	 sum;		/* its share of the digest, 0: none */
	uint16_t	 len, cap;	/* packed bytes held, room for them */
	uint8_t		 queued:1;	/* on the send queue */
	uint8_t		 updated:1;	/* changed since it was created */
	uint8_t		 dead:1;	/* destroyed; freed once its DEL is built */
	uint8_t		 owner:4;	/* external: the node that sent it */
	uint8_t		 data[];	/* cache_pack() form */
};

struct cache_stats {
	uint64_t	 created, create_nomem, create_nospace;
	uint64_t	 updated, update_notfound;
	uint64_t	 destroyed, destroy_notfound;
};

TAILQ_HEAD(cache_txq, cache_obj);

struct cache {
	const char	*name;
	struct cache_obj **buckets;
	uint32_t	 nbuckets;
	uint32_t	 limit;
	uint32_t	 count;
	uint32_t	 dead;		/* destroyed, their DEL not sent yet */
	uint32_t	 gen;		/* current generation, see cache_sweep */
	uint8_t		 hkey[CACHE_HASH_KEY_LEN];	/* cache_hash() */
	struct cache_txq txq;		/* the send queue, oldest first */
	int		 digest_on;	/* keep the digest below */
	uint32_t	 digest[CACHE_RANGES];
	uint32_t	 digest_count;	/* objects counted in it */
	uint32_t	 owner_digest[CACHE_OWNERS][CACHE_RANGES];
	uint32_t	 txlen;
	struct cache_stats st;
	struct objpool	 pool;		/* the objects' memory */
};

void	 cache_init(struct cache *, const char *name, uint32_t buckets,
	    uint32_t limit, const uint8_t key[CACHE_HASH_KEY_LEN]);
uint32_t cache_hash(const uint8_t key[CACHE_HASH_KEY_LEN], const void *,
	    size_t);
void	 cache_free(struct cache *);
struct cache_obj *cache_find(struct cache *, const struct ctobj *);
struct cache_obj *cache_upsert(struct cache *, const struct ctobj *,
	    time_t now);
/* The same for an object a node sent (the external cache): counted in
 * that node's digest too. */
struct cache_obj *cache_upsert_owned(struct cache *, const struct ctobj *,
	    time_t now, unsigned int owner);
int	 cache_delete(struct cache *, const struct ctobj *);

/*
 * The same in two steps, for many objects at once: cache_prepare() packs
 * and hashes an object, cache_prefetch() has the processor fetch what
 * its lookup will read (step 0: its bucket; step 1, once that is in:
 * the object the bucket points at), so that the memory reads of a dozen
 * objects overlap instead of following one another.  A prepared key
 * stays good while the cache grows (it holds the hash, not the bucket).
 */
struct cache_key {
	uint32_t	 hash;
	uint16_t	 len, keylen;
	uint8_t		 packed[CACHE_PACK_MAX];
};
void	 cache_prepare(const struct cache *, const struct ctobj *,
	    struct cache_key *);
void	 cache_prefetch(const struct cache *, const struct cache_key *,
	    int step);
struct cache_obj *cache_upsert_prepared(struct cache *,
	    const struct cache_key *, const struct ctobj *, time_t now,
	    unsigned int owner);
int	 cache_delete_prepared(struct cache *, const struct cache_key *);
void	 cache_remove(struct cache *, struct cache_obj *);
void	 cache_flush(struct cache *);
uint32_t cache_next_generation(struct cache *, int sweep,
	    int (*gone)(struct cache_obj *, void *), void *arg);
void	 cache_obj_get(const struct cache_obj *, struct ctobj *);
/* 1 if `o' differs from the cached object in more than its timeout. */
int	 cache_obj_differs(const struct cache_obj *, const struct ctobj *o);

/* An object destroyed, kept until its DEL is sent: no longer live (-s
 * cache), nor in the digest; an update makes it live again. */
void	 cache_mark_dead(struct cache *, struct cache_obj *);
/* Live objects: those not waiting for their DEL. */
#define cache_live(c)	((c)->count - (c)->dead)
uint32_t cache_digest_value(const struct ctobj *);

/* The send queue: append (once), take the oldest. */
void	 cache_queue(struct cache *, struct cache_obj *);
struct cache_obj *cache_dequeue(struct cache *);

/* Visit the objects of `n' buckets from *cursor on, for work spread over
 * time; `fn' returns 1 to have the object freed.  Returns how many were. */
uint32_t cache_scan(struct cache *, uint32_t *cursor, uint32_t n,
	    int (*fn)(struct cache_obj *, void *), void *arg);

/* Visit every object; stop early if `fn' returns non-zero.  `fn' may
 * queue or dequeue objects but not add or delete any. */
void	 cache_walk(struct cache *, int (*fn)(struct cache_obj *, void *),
	    void *arg);

/* Visit the objects of one bucket class (see cache.c), for a walk in
 * steps that the table may grow between; `fn''s result is ignored. */
int	 cache_walk_class(struct cache *, uint32_t base, uint32_t cls,
	    int (*fn)(struct cache_obj *, void *), void *arg);

#endif
