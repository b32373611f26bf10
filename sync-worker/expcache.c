/*
 * The expectation caches of expcache.h: a fixed array of hash chains
 * (expectations are few next to conntrack entries: one per FTP or SIP
 * exchange being set up), keyed by the expected tuple.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "expcache.h"
#include "log.h"

void
expcache_init(struct expcache *c, const char *name, uint32_t limit)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->limit = limit;
}

static uint32_t
bucket_of(const struct ctexp *x)
{
	const uint8_t *p = (const uint8_t *)&x->tuple;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(x->tuple); i++)
		h = (h ^ p[i]) * 16777619u;
	return h % EXPCACHE_BUCKETS;
}

struct exp_entry *
expcache_find(struct expcache *c, const struct ctexp *x)
{
	struct exp_entry *e;

	for (e = c->buckets[bucket_of(x)]; e != NULL; e = e->next)
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
	b = bucket_of(x);
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

	for (pp = &c->buckets[bucket_of(x)]; (e = *pp) != NULL;
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
	int b;

	for (b = 0; b < EXPCACHE_BUCKETS; b++) {
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
	int b;

	for (b = 0; b < EXPCACHE_BUCKETS; b++)
		for (e = c->buckets[b]; e != NULL; e = next) {
			next = e->next;
			fn(e, arg);
		}
}
