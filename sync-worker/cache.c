/*
 * The conntrack cache of cache.h: chained hashing over a bucket array
 * sized once from HashSize, one allocation per object.
 */
#include "config.h"

#include <sys/socket.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "log.h"

void
cache_init(struct cache *c, const char *name, uint32_t buckets,
    uint32_t limit)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->nbuckets = buckets ? buckets : 1;
	c->limit = limit;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (c->buckets == NULL)
		fatal("cache %s: %u buckets", name, c->nbuckets);
}

/* The identity of an entry: family, protocol, original tuple, zone. */
static size_t
key_of(const struct ctobj *o, uint8_t key[48])
{
	size_t n = o->family == AF_INET6 ? 16 : 4, k = 0;

	key[k++] = o->family;
	key[k++] = o->l4proto;
	memcpy(key + k, o->orig.src.v6, n);
	k += n;
	memcpy(key + k, o->orig.dst.v6, n);
	k += n;
	if (ctobj_is_icmp(o->l4proto)) {
		key[k++] = o->orig.icmp_type;
		key[k++] = o->orig.icmp_code;
		memcpy(key + k, &o->orig.icmp_id, 2);
	} else {
		memcpy(key + k, &o->orig.sport, 2);
		memcpy(key + k + 2, &o->orig.dport, 2);
	}
	k += 4;
	memcpy(key + k, &o->zone, 2);
	return k + 2;
}

/* FNV-1a: cheap, and good enough over keys an attacker cannot choose. */
static uint32_t
hash_key(const uint8_t *key, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= key[i];
		h *= 16777619u;
	}
	return h;
}

static int
same_key(const struct ctobj *a, const struct ctobj *b)
{
	uint8_t ka[48], kb[48];
	size_t na = key_of(a, ka), nb = key_of(b, kb);

	return na == nb && memcmp(ka, kb, na) == 0;
}

static struct cache_obj **
slot_of(struct cache *c, const struct ctobj *o, uint32_t *hash)
{
	uint8_t key[48];
	struct cache_obj **pp;

	*hash = hash_key(key, key_of(o, key));
	for (pp = &c->buckets[*hash % c->nbuckets]; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == *hash && same_key(&(*pp)->obj, o))
			break;
	return pp;
}

struct cache_obj *
cache_find(struct cache *c, const struct ctobj *o)
{
	uint32_t h;

	return *slot_of(c, o, &h);
}

/*
 * Insert `o', or replace the object with the same identity.  Returns the
 * cached object, or NULL when the cache is full (counted).
 */
struct cache_obj *
cache_upsert(struct cache *c, const struct ctobj *o, time_t now)
{
	uint32_t h;
	struct cache_obj **pp = slot_of(c, o, &h), *co = *pp;

	if (co != NULL) {
		co->obj = *o;
		co->gen = c->gen;
		co->touched = now;
		co->updated = !co->dead;
		co->dead = 0;
		c->st.updated++;
		return co;
	}
	if (c->count >= c->limit) {
		c->st.create_nospace++;
		return NULL;
	}
	if ((co = malloc(sizeof(*co))) == NULL) {
		c->st.create_nomem++;
		return NULL;
	}
	memset(co, 0, offsetof(struct cache_obj, obj));
	co->hash = h;
	co->since = co->touched = now;
	co->obj = *o;
	co->gen = c->gen;
	*pp = co;
	c->count++;
	c->st.created++;
	return co;
}

/* Returns 0, or -1 if there was no such object (counted). */
int
cache_delete(struct cache *c, const struct ctobj *o)
{
	uint32_t h;
	struct cache_obj **pp = slot_of(c, o, &h), *co = *pp;

	if (co == NULL) {
		c->st.destroy_notfound++;
		return -1;
	}
	*pp = co->next;
	free(co);
	c->count--;
	c->st.destroyed++;
	return 0;
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
	*pp = co->next;
	free(co);
	c->count--;
}

void
cache_flush(struct cache *c)
{
	uint32_t i;

	for (i = 0; i < c->nbuckets; i++) {
		struct cache_obj *co = c->buckets[i], *next;

		for (; co; co = next) {
			next = co->next;
			free(co);
		}
		c->buckets[i] = NULL;
	}
	c->count = 0;
}

void
cache_free(struct cache *c)
{
	cache_flush(c);
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
			*pp = co->next;
			free(co);
			c->count--;
			c->st.destroyed++;
		}
	}
	c->gen++;
	return n;
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
