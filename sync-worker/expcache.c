/*
 * The expectation caches of expcache.h: hash chains keyed by master,
 * expected tuple and zone, with the caches' secret hash key, so that
 * neither a peer nor remote flows can choose what collides.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "expcache.h"
#include "log.h"

void
expcache_init(struct expcache *c, const char *name, uint32_t buckets,
    uint32_t limit, const uint8_t key[CACHE_HASH_KEY_LEN])
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->limit = limit;
	c->nbuckets = buckets ? buckets : 1;
	memcpy(c->hkey, key, sizeof(c->hkey));
	if ((c->buckets = calloc(c->nbuckets, sizeof(*c->buckets))) == NULL)
		fatal("expectation cache %s: %u buckets", name, c->nbuckets);
}

void
expcache_free(struct expcache *c)
{
	expcache_flush(c);
	free(c->buckets);
	c->buckets = NULL;
}

/* Master, expected tuple and zone: what ctexp_same() compares. */
static uint32_t
hash_of(const struct expcache *c, const struct ctexp *x)
{
	struct {
		struct ct_tuple	 master, tuple;
		uint16_t	 zone;
		uint8_t		 family, l4proto, master_l4proto;
	} __attribute__((packed)) k;

	memset(&k, 0, sizeof(k));
	k.master = x->master;
	k.tuple = x->tuple;
	k.zone = x->zone;
	k.family = x->family;
	k.l4proto = x->l4proto;
	k.master_l4proto = x->master_l4proto;
	return cache_hash(c->hkey, &k, sizeof(k));
}

static uint32_t
bucket_of(const struct expcache *c, const struct ctexp *x)
{
	return hash_of(c, x) % c->nbuckets;
}

/* Twice the buckets; without memory for it, longer chains. */
static void
grow(struct expcache *c)
{
	uint32_t i, n = c->nbuckets * 2;
	struct exp_entry **b = calloc(n, sizeof(*b)), *e, *next;

	if (b == NULL)
		return;
	for (i = 0; i < c->nbuckets; i++)
		for (e = c->buckets[i]; e; e = next) {
			uint32_t h = hash_of(c, &e->x) % n;

			next = e->next;
			e->next = b[h];
			b[h] = e;
		}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

struct exp_entry *
expcache_find(struct expcache *c, const struct ctexp *x)
{
	struct exp_entry *e;

	for (e = c->buckets[bucket_of(c, x)]; e != NULL; e = e->next)
		if (ctexp_same(&e->x, x))
			return e;
	return NULL;
}

/* Create or replace; NULL (counted) when full or out of memory. */
struct exp_entry *
expcache_upsert(struct expcache *c, const struct ctexp *x, time_t now)
{
	struct exp_entry *e = expcache_find(c, x);
	uint32_t b;

	if (e != NULL) {
		e->x = *x;
		e->touched = now;
		c->st.updated++;
		return e;
	}
	if (c->count >= c->limit) {
		c->st.create_nospace++;
		return NULL;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		c->st.create_nomem++;
		return NULL;
	}
	e->x = *x;
	e->since = e->touched = now;
	if (c->count >= c->nbuckets && c->nbuckets <= CACHE_BUCKETS_MAX / 2)
		grow(c);
	b = bucket_of(c, x);
	e->next = c->buckets[b];
	c->buckets[b] = e;
	c->count++;
	c->st.created++;
	return e;
}

/* 1 if it was there. */
int
expcache_delete(struct expcache *c, const struct ctexp *x)
{
	struct exp_entry **pp, *e;

	for (pp = &c->buckets[bucket_of(c, x)]; (e = *pp) != NULL;
	    pp = &e->next)
		if (ctexp_same(&e->x, x)) {
			*pp = e->next;
			free(e);
			c->count--;
			c->st.destroyed++;
			return 1;
		}
	c->st.destroy_notfound++;
	return 0;
}

void
expcache_flush(struct expcache *c)
{
	struct exp_entry *e, *next;
	uint32_t b;

	for (b = 0; b < c->nbuckets; b++) {
		for (e = c->buckets[b]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
		c->buckets[b] = NULL;
	}
	c->count = 0;
}

void
expcache_walk(struct expcache *c, void (*fn)(struct exp_entry *, void *),
    void *arg)
{
	struct exp_entry *e, *next;
	uint32_t b;

	for (b = 0; b < c->nbuckets; b++)
		for (e = c->buckets[b]; e != NULL; e = next) {
			next = e->next;
			fn(e, arg);
		}
}
