/*
 * One output layer for the answers of the daemon: conntrackd's text
 * layout (cli.md section 6) or JSON, from the same stats blocks.
 */
#ifndef CTSYNCD_RENDER_H
#define CTSYNCD_RENDER_H

#include <stdio.h>

#include "stats.h"

struct render {
	FILE		*out;
	int		 json;
	int		 nitems;	/* JSON: items written so far */
};

void	render_begin(struct render *, FILE *, int json, const char *request);
void	render_block(struct render *, const struct stats_block *);
void	render_text(struct render *, const char *text);
void	render_end(struct render *, int status, const char *message);
void	render_uptime(char *buf, size_t len, unsigned long long secs);

#endif
