/*
 * ctl/metrics.c: every counter of every stats block is a metric family
 * (or its block is left out with a reason), names are valid OpenMetrics
 * names used once, units end the name, and the text has its samples.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "tap.h"

static int
valid_name(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '_')
			return 0;
	return 1;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a > b && strcmp(s + a - b, tail) == 0 && s[a - b - 1] == '_';
}

static void
every_counter_named(void)
{
	size_t n, i, j;
	const struct metric_def *d = metrics_defs(&n);
	int kind, missing = 0, dup = 0, bad = 0;

	for (kind = 1; kind < SB_KIND_MAX; kind++) {
		const struct stats_kind_info *ki = stats_kind_info(kind);
		int key;

		if (metrics_left_out(kind) != NULL)
			continue;
		for (key = 0; key < ki->nkeys; key++) {
			int found = 0;

			for (i = 0; i < n; i++)
				found += d[i].kind == kind && d[i].key == key;
			if (found != 1) {
				printf("# %s.%s: %d families\n", ki->name,
				    ki->keys[key], found);
				missing++;
			}
		}
	}
	ok(missing == 0, "every counter of every block shown is one family");
	for (i = 0; i < n; i++) {
		if (!valid_name(d[i].name) || ends_with(d[i].name, "total") ||
		    (d[i].unit && !ends_with(d[i].name, d[i].unit)) ||
		    d[i].help == NULL || d[i].help[0] == '\0') {
			printf("# bad family %s\n", d[i].name);
			bad++;
		}
		for (j = 0; j < i; j++)
			if (strcmp(d[i].name, d[j].name) == 0) {
				printf("# %s twice\n", d[i].name);
				dup++;
			}
	}
	ok(bad == 0, "names valid, no _total in a family name, units last");
	ok(dup == 0, "no family named twice");
	ok(metrics_left_out(SB_LINK_ACTIVE) != NULL &&
	    metrics_left_out(SB_LINK) == NULL, "left-out blocks say why");
}

static char *
print_blocks(const struct stats_block *b, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	metrics_print(f, b, n);
	fclose(f);
	return text;
}

static void
samples(void)
{
	struct stats_block b[4];
	char *t;

	stats_block_init(&b[0], SB_LINK, "eth\"1");
	b[0].v[ST_LINK_BYTES_SENT] = 1234;
	stats_block_init(&b[1], SB_LINK, "eth2");
	stats_block_init(&b[2], SB_INSYNC, "10.0.0.2");
	b[2].v[ST_INSYNC_LAST_MATCH_AGO_MS] = 1500;
	b[2].v[ST_INSYNC_PEER_AGO_MS] = UINT64_MAX;
	stats_block_init(&b[3], SB_HEALTH, "supervisor");
	b[3].v[ST_HEALTH_KERNEL_ENTRIES] = 7;
	t = print_blocks(b, 4);
	ok(strstr(t, "# TYPE ctsyncd_link_sent_bytes counter\n"
	    "# UNIT ctsyncd_link_sent_bytes bytes\n") != NULL,
	    "a counter's TYPE and UNIT lines");
	ok(strstr(t, "ctsyncd_link_sent_bytes_total{link=\"eth\\\"1\"} 1234\n"
	    "ctsyncd_link_sent_bytes_total{link=\"eth2\"} 0\n") != NULL,
	    "its samples: _total, one per link, the label escaped");
	ok(strstr(t, "ctsyncd_antientropy_last_match_age_seconds"
	    "{peer=\"10.0.0.2\"} 1.500\n") != NULL,
	    "milliseconds shown in seconds, the peer as a label");
	ok(strstr(t, "ctsyncd_antientropy_peer_age_seconds{peer=\"10.0.0.2\"} "
	    "NaN\n") != NULL, "never: NaN");
	ok(strstr(t, "ctsyncd_kernel_entries") == NULL,
	    "a family bound to another process's block is not shown");
	ok(strstr(t, "ctsyncd_cache_objects") == NULL,
	    "no family without a block");
	ok(strlen(t) > 6 && strcmp(t + strlen(t) - 6, "# EOF\n") == 0,
	    "ends with # EOF");
	free(t);
	t = print_blocks(NULL, 0);
	ok(strcmp(t, "# EOF\n") == 0, "no blocks: only # EOF");
	free(t);
}

int
main(void)
{
	every_counter_named();
	samples();
	return done_testing();
}
