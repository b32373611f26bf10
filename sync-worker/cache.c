/*
 * The conntrack cache of cache.h: chained hashing over a bucket array,
 * one allocation per object (from the cache's objpool.h), holding the
 * object packed.  The array starts at HashSize buckets and doubles
 * whenever there are more objects than buckets, so that a lookup costs
 * one or two memory reads whatever HashSize says (bench/ showed the
 * chain walks of a 65536-bucket table at 250k states as the sync
 * worker's largest cost).
 */
#include "config.h"

#include <sys/socket.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cache.h"
#include "cache_pack.h"
#include "log.h"

void
cache_init(struct cache *c, const char *name, uint32_t buckets,
    uint32_t limit, const uint8_t key[CACHE_HASH_KEY_LEN])
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	memcpy(c->hkey, key, sizeof(c->hkey));
	c->nbuckets = buckets ? buckets : 1;
	c->limit = limit;
	TAILQ_INIT(&c->txq);
	objpool_init(&c->pool);
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (c->buckets == NULL)
		fatal("cache %s: %u buckets", name, c->nbuckets);
}

/*
 * SipHash-2-4 (libsodium's crypto_shorthash) under a key drawn at each
 * start: remote flows and peers choose our keys, and must not be able to
 * choose which of them share a bucket.
 */
uint32_t
cache_hash(const uint8_t key[CACHE_HASH_KEY_LEN], const void *p, size_t n)
{
	uint8_t out[crypto_shorthash_BYTES];

	crypto_shorthash(out, p, n, key);
	return (uint32_t)out[0] | (uint32_t)out[1] << 8 |
	    (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
}

/* The link that points at the object with this key, or at NULL. */
static struct cache_obj **
slot_of(struct cache *c, const uint8_t *key, size_t keylen, uint32_t hash)
{
	struct cache_obj **pp;

	for (pp = &c->buckets[hash % c->nbuckets]; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == hash && (*pp)->len >= keylen &&
		    memcmp((*pp)->data, key, keylen) == 0)
			break;
	return pp;
}

#define GROW_AHEAD	64	/* buckets between a head's fetch and its move */

/* Twice the buckets; each object moves by its stored hash.  Without
 * memory for it the cache keeps working, with longer chains. */
static void
grow(struct cache *c)
{
	uint32_t i, n = c->nbuckets * 2;
	struct cache_obj **b = calloc(n, sizeof(*b)), *co, *next;

	if (b == NULL)
		return;
	for (i = 0; i < c->nbuckets; i++) {
		/* the objects are all over memory: fetch ahead */
		if (i + GROW_AHEAD < c->nbuckets &&
		    c->buckets[i + GROW_AHEAD] != NULL)
			__builtin_prefetch(c->buckets[i + GROW_AHEAD], 1);
		for (co = c->buckets[i]; co; co = next) {
			next = co->next;
			co->next = b[co->hash % n];
			b[co->hash % n] = co;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

struct cache_obj *
cache_find(struct cache *c, const struct ctobj *o)
{
	uint8_t key[CACHE_KEY_MAX];
	size_t n = cache_pack_key(o, key);

	return *slot_of(c, key, n, cache_hash(c->hkey, key, n));
}

void
cache_obj_get(const struct cache_obj *co, struct ctobj *o)
{
	cache_unpack(co->data, o);
}

int
cache_obj_differs(const struct cache_obj *co, const struct ctobj *o)
{
	struct ctobj a, b;
	uint8_t packed[CACHE_PACK_MAX];

	cache_unpack(co->data, &a);
	cache_pack(o, packed);		/* the same canonical form */
	cache_unpack(packed, &b);
	a.timeout = b.timeout = 0;
	return memcmp(&a, &b, sizeof(a)) != 0;
}

/* ---- the send queue ------------------------------------------------------ */

void
cache_queue(struct cache *c, struct cache_obj *co)
{
	if (co->queued)
		return;
	co->queued = 1;
	TAILQ_INSERT_TAIL(&c->txq, co, tx);
	c->txlen++;
}

static void
unqueue(struct cache *c, struct cache_obj *co)
{
	if (!co->queued)
		return;
	TAILQ_REMOVE(&c->txq, co, tx);
	co->queued = 0;
	c->txlen--;
}

struct cache_obj *
cache_dequeue(struct cache *c)
{
	struct cache_obj *co = TAILQ_FIRST(&c->txq);

	if (co)
		unqueue(c, co);
	return co;
}

/* `co' moved to `to' (a bigger allocation, not yet freed): whoever
 * pointed at it must point at `to' now.  `pp' is the bucket link that
 * held it. */
static void
moved(struct cache *c, struct cache_obj **pp, struct cache_obj *co,
    struct cache_obj *to)
{
	*pp = to;
	if (!co->queued)
		return;
	TAILQ_INSERT_AFTER(&c->txq, co, to, tx);
	TAILQ_REMOVE(&c->txq, co, tx);
}

/* ---- the digest ---------------------------------------------------------- */

#define FNV_BASIS	2166136261u
#define FNV_PRIME	16777619u
#define FNV_PRIME_12	0xd38c7031u	/* FNV_PRIME^12 mod 2^32 */

static uint32_t
fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
	while (n-- > 0)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

/* An address as 16 bytes, an IPv4 one followed by 12 zeros: a zero byte
 * only multiplies by the prime, so the twelve are one multiply (the
 * digest is a serial chain of multiplies, a tenth of a backup's time). */
static uint32_t
fnv1a_addr(uint32_t h, const union ct_addr *a, int family)
{
	if (family == AF_INET)
		return fnv1a(h, a->v6, 4) * FNV_PRIME_12;
	return fnv1a(h, a->v6, 16);
}

static size_t
put_be(uint8_t *p, uint32_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return n;
}

/*
 * An object's share of the digest: the top 8 bits from its tuple and
 * zone (its range), the rest from those, its state and its mark; never 0.
 * FNV-1a over explicit bytes (family, protocol, the two addresses as 16
 * bytes each, ports, ICMP type, code and id, zone; then state and mark),
 * so every node gets the same (tests/unit/test_cache.c holds values).
 */
uint32_t
cache_digest_value(const struct ctobj *o)
{
	uint8_t b[16], *p = b;
	uint32_t k, v;

	b[0] = o->family;
	b[1] = o->l4proto;
	k = fnv1a(FNV_BASIS, b, 2);
	k = fnv1a_addr(k, &o->orig.src, o->family);
	k = fnv1a_addr(k, &o->orig.dst, o->family);
	p += put_be(p, o->orig.sport, 2);
	p += put_be(p, o->orig.dport, 2);
	*p++ = o->orig.icmp_type;
	*p++ = o->orig.icmp_code;
	p += put_be(p, o->orig.icmp_id, 2);
	p += put_be(p, CT_HAS(o, CT_A_ZONE) ? o->zone : 0, 2);
	k = fnv1a(k, b, (size_t)(p - b));
	p = b;
	*p++ = CT_HAS(o, CT_A_TCP_STATE) ? o->state : 0;
	p += put_be(p, CT_HAS(o, CT_A_MARK) ? o->mark : 0, 4);
	v = fnv1a(k, b, (size_t)(p - b)) & 0x00ffffffu;
	return (k & 0xff000000u) | (v ? v : 1);
}

static void
digest_sub(struct cache *c, struct cache_obj *co)
{
	if (co->sum == 0)
		return;
	c->digest[CACHE_RANGE_OF(co->sum)] -= co->sum;
	c->owner_digest[co->owner][CACHE_RANGE_OF(co->sum)] -= co->sum;
	c->digest_count--;
	co->sum = 0;
}

static void
digest_add(struct cache *c, struct cache_obj *co, const struct ctobj *o)
{
	if (!c->digest_on)
		return;
	co->sum = cache_digest_value(o);
	c->digest[CACHE_RANGE_OF(co->sum)] += co->sum;
	c->owner_digest[co->owner][CACHE_RANGE_OF(co->sum)] += co->sum;
	c->digest_count++;
}

void
cache_mark_dead(struct cache *c, struct cache_obj *co)
{
	if (!co->dead)
		c->dead++;
	co->dead = 1;
	digest_sub(c, co);
}

/* ---- insert, update, delete ---------------------------------------------- */

/* Room for `len' packed bytes, with some slack for a later update. */
static uint16_t
room_for(size_t len)
{
	return (uint16_t)((len + 7) & ~(size_t)7);
}

static void
release(struct cache *c, struct cache_obj *co)
{
	objpool_free(&c->pool, co, sizeof(*co) + co->cap);
}

static struct cache_obj *
update(struct cache *c, struct cache_obj **pp, const uint8_t *packed,
    size_t len)
{
	struct cache_obj *co = *pp, *bigger;

	if (len > co->cap) {
		uint16_t cap = room_for(len);

		bigger = objpool_alloc(&c->pool, sizeof(*co) + cap);
		if (bigger == NULL) {
			c->st.create_nomem++;
			return NULL;
		}
		memcpy(bigger, co, sizeof(*co));
		bigger->cap = cap;
		moved(c, pp, co, bigger);
		release(c, co);
		co = bigger;
	}
	memcpy(co->data, packed, len);
	co->len = (uint16_t)len;
	return co;
}

/*
 * Insert `o', or replace the object with the same identity.  Returns the
 * cached object, or NULL when the cache is full or memory ran out
 * (counted).
 */
struct cache_obj *
cache_upsert(struct cache *c, const struct ctobj *o, time_t now)
{
	return cache_upsert_owned(c, o, now, 0);
}

struct cache_obj *
cache_upsert_owned(struct cache *c, const struct ctobj *o, time_t now,
    unsigned int owner)
{
	struct cache_key k;

	cache_prepare(c, o, &k);
	return cache_upsert_prepared(c, &k, o, now, owner);
}

void
cache_prepare(const struct cache *c, const struct ctobj *o,
    struct cache_key *k)
{
	k->len = (uint16_t)cache_pack(o, k->packed);
	k->keylen = (uint16_t)cache_key_len(k->packed);
	k->hash = cache_hash(c->hkey, k->packed, k->keylen);
}

void
cache_prefetch(const struct cache *c, const struct cache_key *k, int step)
{
	struct cache_obj *const *b = &c->buckets[k->hash % c->nbuckets];

	if (step == 0)
		__builtin_prefetch(b);
	else if (*b != NULL) {
		/* the header and the key after it, written if it is ours */
		__builtin_prefetch(*b, 1);
		__builtin_prefetch((const uint8_t *)*b + 64, 1);
	}
}

struct cache_obj *
cache_upsert_prepared(struct cache *c, const struct cache_key *k,
    const struct ctobj *o, time_t now, unsigned int owner)
{
	struct cache_obj **pp = slot_of(c, k->packed, k->keylen, k->hash);
	struct cache_obj *co = *pp;
	uint16_t cap;

	if (co != NULL) {
		if ((co = update(c, pp, k->packed, k->len)) == NULL)
			return NULL;
		digest_sub(c, co);
		co->owner = owner % CACHE_OWNERS;
		digest_add(c, co, o);
		co->gen = c->gen;
		co->touched = (uint32_t)now;
		co->updated = !co->dead;
		if (co->dead)
			c->dead--;
		co->dead = 0;
		c->st.updated++;
		return co;
	}
	if (c->count >= c->limit) {
		c->st.create_nospace++;
		return NULL;
	}
	cap = room_for(k->len);
	if ((co = objpool_alloc(&c->pool, sizeof(*co) + cap)) == NULL) {
		c->st.create_nomem++;
		return NULL;
	}
	memset(co, 0, sizeof(*co));
	co->hash = k->hash;
	co->since = co->touched = (uint32_t)now;
	co->gen = c->gen;
	co->cap = cap;
	co->len = k->len;
	memcpy(co->data, k->packed, k->len);
	co->owner = owner % CACHE_OWNERS;
	digest_add(c, co, o);
	*pp = co;
	c->count++;
	c->st.created++;
	if (c->count > c->nbuckets && c->nbuckets <= CACHE_BUCKETS_MAX / 2)
		grow(c);
	return co;
}

static void
unlink_free(struct cache *c, struct cache_obj **pp)
{
	struct cache_obj *co = *pp;

	*pp = co->next;
	unqueue(c, co);
	digest_sub(c, co);
	if (co->dead)
		c->dead--;
	release(c, co);
	c->count--;
}

/* Delete what `pp' points at, if anything (counted either way). */
static int
delete_at(struct cache *c, struct cache_obj **pp)
{
	if (*pp == NULL) {
		c->st.destroy_notfound++;
		return -1;
	}
	unlink_free(c, pp);
	c->st.destroyed++;
	return 0;
}

/* Returns 0, or -1 if there was no such object (counted). */
int
cache_delete(struct cache *c, const struct ctobj *o)
{
	uint8_t key[CACHE_KEY_MAX];
	size_t n = cache_pack_key(o, key);

	return delete_at(c, slot_of(c, key, n, cache_hash(c->hkey, key, n)));
}

int
cache_delete_prepared(struct cache *c, const struct cache_key *k)
{
	return delete_at(c, slot_of(c, k->packed, k->keylen, k->hash));
}

/* Unlink and free an object known to be in the cache (not counted). */
void
cache_remove(struct cache *c, struct cache_obj *co)
{
	struct cache_obj **pp = &c->buckets[co->hash % c->nbuckets];

	while (*pp && *pp != co)
		pp = &(*pp)->next;
	if (*pp == NULL)
		fatalx("cache %s: object not in its bucket", c->name);
	unlink_free(c, pp);
}

void
cache_flush(struct cache *c)
{
	uint32_t i;

	for (i = 0; i < c->nbuckets; i++) {
		struct cache_obj *co = c->buckets[i], *next;

		for (; co; co = next) {
			next = co->next;
			release(c, co);
		}
		c->buckets[i] = NULL;
	}
	c->count = 0;
	c->dead = 0;
	memset(c->digest, 0, sizeof(c->digest));
	memset(c->owner_digest, 0, sizeof(c->owner_digest));
	c->digest_count = 0;
	TAILQ_INIT(&c->txq);
	c->txlen = 0;
}

void
cache_free(struct cache *c)
{
	cache_flush(c);
	objpool_destroy(&c->pool);
	free(c->buckets);
	c->buckets = NULL;
}

/*
 * End a generation.  Every insert or update stamps the object with the
 * current generation; after a full dump of the kernel table, an object
 * not stamped since the dump began is gone from the kernel.  With
 * `sweep', such objects are dropped; the count is returned.
 */
uint32_t
cache_next_generation(struct cache *c, int sweep,
    int (*gone)(struct cache_obj *, void *), void *arg)
{
	uint32_t i, n = 0;

	for (i = 0; sweep && i < c->nbuckets; i++) {
		struct cache_obj **pp = &c->buckets[i];

		while (*pp) {
			struct cache_obj *co = *pp;

			if (co->gen == c->gen || co->dead) {
				pp = &co->next;
				continue;
			}
			n++;
			/* `gone' may keep it, to announce its end first */
			if (gone && gone(co, arg)) {
				pp = &co->next;
				continue;
			}
			unlink_free(c, pp);
			c->st.destroyed++;
		}
	}
	c->gen++;
	return n;
}

uint32_t
cache_scan(struct cache *c, uint32_t *cursor, uint32_t n,
    int (*fn)(struct cache_obj *, void *), void *arg)
{
	uint32_t freed = 0;

	while (n-- > 0) {
		struct cache_obj **pp;

		if (*cursor >= c->nbuckets)	/* wrapped, or the table grew */
			*cursor = 0;
		pp = &c->buckets[(*cursor)++];
		while (*pp) {
			if (fn(*pp, arg)) {
				unlink_free(c, pp);
				c->st.destroyed++;
				freed++;
			} else
				pp = &(*pp)->next;
		}
	}
	return freed;
}

/*
 * The table only ever doubles, so the objects of bucket `cls' of a table
 * of `base' buckets are, whatever it grew to since, those of the buckets
 * cls, cls + base, cls + 2 base, ...: a walk by classes sees each object
 * that stays in the cache exactly once, however the table grows between
 * two steps.  -1 if the table is no multiple of `base' (cannot be).
 */
int
cache_walk_class(struct cache *c, uint32_t base, uint32_t cls,
    int (*fn)(struct cache_obj *, void *), void *arg)
{
	struct cache_obj *co, *next;
	uint32_t i;

	if (base == 0 || c->nbuckets % base != 0 || cls >= base)
		return -1;
	for (i = cls; i < c->nbuckets; i += base)
		for (co = c->buckets[i]; co; co = next) {
			next = co->next;
			fn(co, arg);
		}
	return 0;
}

void
cache_walk(struct cache *c, int (*fn)(struct cache_obj *, void *), void *arg)
{
	uint32_t i;
	struct cache_obj *co, *next;

	for (i = 0; i < c->nbuckets; i++)
		for (co = c->buckets[i]; co; co = next) {
			next = co->next;
			if (fn(co, arg))
				return;
		}
}
