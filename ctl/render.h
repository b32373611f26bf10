/*
 * One output layer for the answers of the daemon: conntrackd's text
 * layout (cli.md section 6), JSON or OpenMetrics, from the same stats
 * blocks.
 */
#ifndef CTSYNCD_RENDER_H
#define CTSYNCD_RENDER_H

#include <stdio.h>

#include "metrics.h"
#include "stats.h"

enum render_format { RENDER_TEXT, RENDER_JSON, RENDER_METRICS };

struct render {
	FILE		*out;
	int		 json;
	int		 metrics;	/* blocks held, printed at the end */
	int		 nitems;	/* JSON: items written so far */
	int		 entries;	/* JSON: text lines are cache entries */
	char		 carry[4096];	/* ... the part of a line not ended */
	size_t		 ncarry;
	struct stats_block held[METRICS_MAX_BLOCKS];
	size_t		 nheld;
};

void	render_begin(struct render *, FILE *, int format,
	    const char *request);
void	render_block(struct render *, const struct stats_block *);
void	render_text(struct render *, const char *text);
void	render_end(struct render *, int status, const char *message);
void	render_uptime(char *buf, size_t len, unsigned long long secs);
void	render_json_string(FILE *, const char *);
/* render_entry.c: one line of a cache dump as a JSON object */
void	render_entry_json(FILE *, const char *line);

#endif
