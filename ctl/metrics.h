/*
 * Statistics as OpenMetrics text: a metric family per counter of each
 * stats block (ctl/metrics.c holds the table).
 */
#ifndef CTSYNCD_METRICS_H
#define CTSYNCD_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "stats.h"

enum metric_type { METRIC_COUNTER, METRIC_GAUGE };

struct metric_def {
	int		 kind;		/* SB_* */
	int		 key;		/* ST_* index in that block */
	int		 type;		/* enum metric_type */
	const char	*name;		/* after "ctsyncd_", before "_total" */
	const char	*unit;		/* OpenMetrics UNIT, or NULL */
	unsigned int	 div;		/* shown divided by this (ms to s) */
	const char	*only;		/* only for blocks with this label */
	const char	*help;
};

/* The whole table, for tests. */
const struct metric_def *metrics_defs(size_t *n);
/* Why a block kind is not shown, or NULL if it is. */
const char *metrics_left_out(int kind);
/* Every family with its samples from these blocks, then "# EOF". */
void	 metrics_print(FILE *, const struct stats_block *, size_t n);

/* The most blocks one answer holds (links, caches, queues, ...). */
#define METRICS_MAX_BLOCKS	64

#endif
