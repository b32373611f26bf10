/*
 * Memory for a cache's objects: one free list per size (in steps of
 * OBJPOOL_STEP bytes), carved from a region of 64 KiB, then from regions
 * of 2 MiB, whose pages are asked of the kernel 64 KiB ahead of use
 * (MADV_POPULATE_WRITE) instead of one fault at a time.  Why: a new
 * state's object lands on a page never touched, and on a VM each such
 * fault cost the backup about 10 us, a third of its time per state
 * (bench/; 5.6 us a page when asked for 64 KiB at once).  Freed objects
 * go back on their list for the next object of their size; a region is
 * never given back.
 */
#ifndef CTSYNCD_OBJPOOL_H
#define CTSYNCD_OBJPOOL_H

#include <stddef.h>
#include <stdint.h>

#define OBJPOOL_STEP	8
#define OBJPOOL_MAX	512	/* bytes; larger objects come from malloc */
#define OBJPOOL_CLASSES	(OBJPOOL_MAX / OBJPOOL_STEP)

struct objpool_region;

struct objpool {
	void		*free[OBJPOOL_CLASSES];	/* class i: (i + 1) * STEP */
	uint8_t		*next, *end;		/* the region being carved */
	uint8_t		*ready;			/* populated up to here */
	struct objpool_region *regions;		/* every region, newest first */
	size_t		 region_size;		/* of the next region */
	size_t		 mapped;		/* bytes in all regions */
	uint32_t	 regions_count;
};

void	 objpool_init(struct objpool *);
/* NULL when out of memory; `size' must be given again to free it. */
void	*objpool_alloc(struct objpool *, size_t size);
void	 objpool_free(struct objpool *, void *, size_t size);
/* Every region back to the system: whatever was allocated is gone. */
void	 objpool_destroy(struct objpool *);

#endif
