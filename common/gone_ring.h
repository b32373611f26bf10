/*
 * The sync worker's ring of destroyed entries, in memory that outlives
 * it: a memfd the supervisor creates once and passes to every sync worker
 * incarnation (CFG_GONE_RING), mapped shared.  A sync worker that dies
 * may have read an entry's DESTROY and not yet told the peers; its
 * successor announces again those it does not hold (sync_events.c
 * sync_gone_replay).  Written only by the sync worker; whatever it finds
 * there is checked like any object from another process.
 */
#ifndef CTSYNCD_GONE_RING_H
#define CTSYNCD_GONE_RING_H

#include <stdint.h>

#include "ctobj.h"

#define GONE_RING_SLOTS	16384

struct gone_ring {
	uint32_t	 next;		/* the slot written next */
	uint32_t	 count;		/* slots in use, at most SLOTS */
	struct ctobj	 slot[GONE_RING_SLOTS];
};

#endif
