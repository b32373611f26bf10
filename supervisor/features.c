/*
 * What this version does with each configuration clause.  Every clause is
 * parsed and kept; those whose behaviour is not built yet are listed in
 * one warning at start, so nothing is silently ignored.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "supervisor.h"

/* Clauses accepted but without effect in this version. */
static const int unsupported[] = {
	KW_HELPER,
};

void
features_warn_unsupported(const struct conf *c)
{
	char list[2048] = "";
	size_t i, n = 0;

	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		int kw = unsupported[i], line = c->seen[kw];

		if (line == 0 || n >= sizeof(list))
			continue;
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s (line %d)",
		    n ? ", " : "", conf_keyword_name(kw), line);
	}
	if (n > 0)
		log_warnx("%s: clauses accepted but not supported yet, they "
		    "have no effect: %s", c->file, list);
}
