/* Memory for a cache's objects: see objpool.h. */
#include "config.h"

#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "objpool.h"

/* Under AddressSanitizer a freed or not yet carved object stays
 * poisoned, as malloc's would be: a use after free is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)	((void)(p), (void)(n))
#define UNPOISON(p, n)	((void)(p), (void)(n))
#endif

#define REGION_FIRST	(64 * 1024)
#define REGION_SIZE	(2 * 1024 * 1024)
#define REGION_LEAST	4096	/* a page: room for the largest object */
#define POPULATE_STEP	(64 * 1024)

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23	/* Linux 5.14 */
#endif

/* At the start of each region, for objpool_destroy(). */
struct objpool_region {
	struct objpool_region *next;
	size_t		 size;
};

void
objpool_init(struct objpool *p)
{
	memset(p, 0, sizeof(*p));
	p->region_size = REGION_FIRST;
}

/* The next region to carve from: a small one first (a cache that
 * stays small, such as a backup's own states, keeps a small
 * footprint), REGION_SIZE ones from then on. */
static int
new_region(struct objpool *p)
{
	struct objpool_region *r;
	size_t size = p->region_size;

	/* near a memory limit (RLIMIT_AS), what still fits */
	while ((r = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED &&
	    size > REGION_LEAST)
		size /= 2;
	if (r == MAP_FAILED)
		return -1;
	r->size = size;
	r->next = p->regions;
	p->regions = r;
	p->next = (uint8_t *)(r + 1);
	p->end = (uint8_t *)r + r->size;
	p->ready = (uint8_t *)r;
	POISON(p->next, (size_t)(p->end - p->next));
	p->mapped += r->size;
	p->regions_count++;
	p->region_size = REGION_SIZE;
	return 0;
}

/*
 * The pages up to `upto' (and the rest of their step) in memory, asked
 * for together: cheaper than a fault per page.  A kernel before 5.14
 * says no (EINVAL), and out of memory says ENOMEM: either way the pages
 * come one fault at a time, as without this.
 */
static void
populate(struct objpool *p, const uint8_t *upto)
{
	while (p->ready < upto && p->ready < p->end) {
		size_t n = (size_t)(p->end - p->ready);

		if (n > POPULATE_STEP)
			n = POPULATE_STEP;
		(void)madvise(p->ready, n, MADV_POPULATE_WRITE);
		p->ready += n;
	}
}

static size_t
class_of(size_t size)
{
	return (size + OBJPOOL_STEP - 1) / OBJPOOL_STEP - 1;
}

void *
objpool_alloc(struct objpool *p, size_t size)
{
	size_t c, n;
	void *o;

	if (size == 0 || size > OBJPOOL_MAX)
		return malloc(size ? size : 1);
	c = class_of(size);
	n = (c + 1) * OBJPOOL_STEP;
	if ((o = p->free[c]) != NULL) {
		UNPOISON(o, sizeof(void *));
		p->free[c] = *(void **)o;
		UNPOISON(o, n);
		return o;
	}
	if ((size_t)(p->end - p->next) < n && new_region(p) == -1)
		return NULL;
	o = p->next;
	p->next += n;
	if (p->next > p->ready)
		populate(p, p->next);
	UNPOISON(o, n);
	return o;
}

void
objpool_free(struct objpool *p, void *o, size_t size)
{
	size_t c;

	if (o == NULL)
		return;
	if (size == 0 || size > OBJPOOL_MAX) {
		free(o);
		return;
	}
	c = class_of(size);
	*(void **)o = p->free[c];
	p->free[c] = o;
	POISON(o, (c + 1) * OBJPOOL_STEP);
}

void
objpool_destroy(struct objpool *p)
{
	struct objpool_region *r, *next;

	for (r = p->regions; r != NULL; r = next) {
		next = r->next;
		UNPOISON(r, r->size);
		munmap(r, r->size);
	}
	objpool_init(p);
}
