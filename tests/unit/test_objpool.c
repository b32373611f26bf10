/*
 * The caches' object memory (sync-worker/objpool.c): objects of every
 * size keep what was written into them however many regions they take,
 * a freed object serves the next one of its size, regions are 64 KiB
 * then 2 MiB, and sizes beyond the pool come from malloc.
 * Run under AddressSanitizer by tools/test.sh (the pool poisons what is
 * free, so the caches' use-after-free checks still hold).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "objpool.h"
#include "tap.h"

#define MANY	60000

static size_t
size_of(uint32_t i)
{
	return 8 + (i * 37) % (OBJPOOL_MAX - 8);	/* 8 .. MAX - 1 */
}

static void
fill(uint8_t *o, size_t n, uint32_t i)
{
	size_t k;

	for (k = 0; k < n; k++)
		o[k] = (uint8_t)(i * 131 + k);
}

static int
holds(const uint8_t *o, size_t n, uint32_t i)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (o[k] != (uint8_t)(i * 131 + k))
			return 0;
	return 1;
}

/* Many objects of many sizes: none overlaps another (each keeps its
 * pattern), each 8-byte aligned, over regions that grow. */
static void
test_many(void)
{
	struct objpool p;
	uint8_t **o = calloc(MANY, sizeof(*o));
	uint32_t i, bad = 0, misaligned = 0;

	objpool_init(&p);
	for (i = 0; i < MANY; i++) {
		if ((o[i] = objpool_alloc(&p, size_of(i))) == NULL)
			break;
		if ((uintptr_t)o[i] % 8 != 0)
			misaligned++;
		fill(o[i], size_of(i), i);
	}
	ok(i == MANY, "%u objects allocated", i);
	ok(misaligned == 0, "every object 8-byte aligned (%u not)",
	    misaligned);
	for (i = 0; i < MANY; i++)
		if (!holds(o[i], size_of(i), i))
			bad++;
	ok(bad == 0, "no object overwrote another (%u did)", bad);
	ok(p.regions_count > 6, "regions grew: %u, %zu bytes mapped",
	    p.regions_count, p.mapped);
	ok((p.mapped - 64 * 1024) % (2u << 20) == 0,
	    "a region of 64 KiB, then regions of 2 MiB");
	ok(p.ready >= p.next && p.ready <= p.end,
	    "what was carved is populated, not beyond the region");
	/* every other one freed and taken again: still no overlap */
	for (i = 0; i < MANY; i += 2)
		objpool_free(&p, o[i], size_of(i));
	for (i = 0; i < MANY; i += 2) {
		o[i] = objpool_alloc(&p, size_of(i));
		fill(o[i], size_of(i), i);
	}
	for (i = 0, bad = 0; i < MANY; i++)
		if (!holds(o[i], size_of(i), i))
			bad++;
	ok(bad == 0, "after frees and new objects, none overlaps (%u do)",
	    bad);
	objpool_destroy(&p);
	ok(p.regions == NULL && p.mapped == 0, "destroy gives back every region");
	free(o);
}

/* A freed object is the next one of its size class, not of another. */
static void
test_reuse(void)
{
	struct objpool p;
	void *a, *b, *c;

	objpool_init(&p);
	a = objpool_alloc(&p, 100);
	b = objpool_alloc(&p, 200);
	objpool_free(&p, a, 100);
	c = objpool_alloc(&p, 200);
	ok(c != a && c != b, "a freed 104-byte slot does not serve 200 bytes");
	ok(objpool_alloc(&p, 97) == a, "it serves the next object of its size "
	    "class (97 - 104 bytes)");
	ok(p.regions_count == 1, "one region for a few objects");
	ok(p.mapped == 64 * 1024, "the first region is 64 KiB (%zu)",
	    p.mapped);
	objpool_destroy(&p);
}

/* Beyond OBJPOOL_MAX: malloc's, freed by free(). */
static void
test_large(void)
{
	struct objpool p;
	uint8_t *big;

	objpool_init(&p);
	big = objpool_alloc(&p, OBJPOOL_MAX + 1);
	ok(big != NULL, "an object beyond the pool's sizes");
	fill(big, OBJPOOL_MAX + 1, 7);
	ok(holds(big, OBJPOOL_MAX + 1, 7) && p.regions_count == 0,
	    "it holds its bytes, and took no region");
	objpool_free(&p, big, OBJPOOL_MAX + 1);
	objpool_free(&p, NULL, 64);
	ok(1, "freeing it, and NULL");
	objpool_destroy(&p);
}

int
main(void)
{
	test_many();
	test_reuse();
	test_large();
	return done_testing();
}
