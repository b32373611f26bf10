/*
 * Cache dumps as JSON objects: each line the daemon prints for an entry
 * or an expectation (conntrackd's text layout) becomes one object, its
 * fields by name, and the line itself beside them:
 *   tcp 6 ESTABLISHED src=a dst=b sport=1 dport=80 [UNREPLIED]
 *       src=b dst=a sport=80 dport=1 mark=7 [active since 1s]
 * -> {"line":"...","l4proto":"tcp","l4protonum":6,"state":"ESTABLISHED",
 *     "original":{"src":"a",...},"reply":{...},"flags":["UNREPLIED"],
 *     "mark":7,"active_since":"1s"}
 * The first src= opens the original tuple ("expected" in an expectation),
 * a second one the reply tuple; mask-src= and master-src= open an
 * expectation's "mask" and "master".  A bracketed word is a flag, a
 * bracketed phrase "[words value]" a field named by its words, a bare
 * number the timeout, a bare word the state.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "render.h"

#define ENTRY_MAX_TOKENS	64

/* The fields of a tuple; anything else is the entry's own. */
static int
tuple_key(const char *k, size_t len)
{
	static const char *const keys[] = { "src", "dst", "sport", "dport",
	    "type", "code", "id", NULL };
	int i;

	for (i = 0; keys[i]; i++)
		if (strlen(keys[i]) == len && strncmp(keys[i], k, len) == 0)
			return 1;
	return 0;
}

static int
all_digits(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 19)
		return 0;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A value: a number as a number, anything else as a string. */
static void
value(FILE *o, const char *s, size_t len)
{
	char buf[256];

	if (all_digits(s, len)) {
		fprintf(o, "%.*s", (int)len, s);
		return;
	}
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	render_json_string(o, buf);
}

static void
key(FILE *o, int *first, const char *k, size_t len)
{
	char buf[64];
	size_t i;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	for (i = 0; i < len; i++)	/* "active since" -> active_since */
		buf[i] = k[i] == ' ' || k[i] == '-' ? '_' : k[i];
	buf[len] = '\0';
	fprintf(o, "%s", *first ? "" : ",");
	*first = 0;
	render_json_string(o, buf);
	fputc(':', o);
}

struct token {
	const char	*p;
	size_t		 len;
	int		 bracket;	/* [ ... ], without the brackets */
};

/* Split `line' into words and bracketed groups. */
static int
tokenize(const char *line, struct token *t, int max)
{
	int n = 0;

	while (*line && n < max) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0')
			break;
		if (*line == '[') {
			const char *end = strchr(line, ']');

			if (end == NULL)
				end = line + strlen(line);
			t[n].p = line + 1;
			t[n].len = (size_t)(end - line - 1);
			t[n++].bracket = 1;
			line = *end ? end + 1 : end;
			continue;
		}
		t[n].p = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
		t[n].len = (size_t)(line - t[n].p);
		t[n++].bracket = 0;
	}
	return n;
}


/* Emit objects as a line's fields come; a tuple's fields nest. */
struct emit {
	FILE	*o;
	int	 first;		/* no field written at this level yet */
	int	 in_group;	/* inside "original", "reply", "mask", ... */
	int	 group_first;
	int	 tuples;	/* src= groups opened so far */
};

static void
close_group(struct emit *e)
{
	if (e->in_group)
		fputc('}', e->o);
	e->in_group = 0;
}

static void
open_group(struct emit *e, const char *name)
{
	close_group(e);
	key(e->o, &e->first, name, strlen(name));
	fputc('{', e->o);
	e->in_group = 1;
	e->group_first = 1;
}

/* key=value: a tuple's field nests; mask-/master- fields open theirs. */
static void
field(struct emit *e, const char *k, size_t klen, const char *v, size_t vlen,
    int expectation)
{
	static const char *const prefixed[] = { "mask-", "master-", NULL };
	int i;

	for (i = 0; prefixed[i]; i++) {
		size_t plen = strlen(prefixed[i]);

		if (klen > plen && strncmp(k, prefixed[i], plen) == 0 &&
		    tuple_key(k + plen, klen - plen)) {
			if (strncmp(k + plen, "src", 3) == 0 || !e->in_group) {
				char name[8];

				memcpy(name, k, plen - 1);
				name[plen - 1] = '\0';
				open_group(e, name);
			}
			k += plen;
			klen -= plen;
			break;
		}
	}
	if (prefixed[i] == NULL && klen == 3 && strncmp(k, "src", 3) == 0)
		open_group(e, e->tuples++ == 0 ? (expectation ? "expected" :
		    "original") : e->tuples == 2 ? "reply" : "tuple");
	else if (prefixed[i] == NULL && !tuple_key(k, klen))
		close_group(e);
	if (e->in_group)
		key(e->o, &e->group_first, k, klen);
	else
		key(e->o, &e->first, k, klen);
	value(e->o, v, vlen);
}

/* Tokens i, i+1 are a protocol's name and number. */
static int
name_number(const struct token *t, int n, int i)
{
	return i + 1 < n && !t[i].bracket && !t[i + 1].bracket &&
	    !memchr(t[i].p, '=', t[i].len) && !all_digits(t[i].p, t[i].len) &&
	    all_digits(t[i + 1].p, t[i + 1].len);
}

static void
pair(FILE *o, int *first, const char *name, const char *number,
    const struct token *t)
{
	key(o, first, name, strlen(name));
	value(o, t[0].p, t[0].len);
	key(o, first, number, strlen(number));
	value(o, t[1].p, t[1].len);
}

void
render_entry_json(FILE *o, const char *line)
{
	struct token t[ENTRY_MAX_TOKENS] = { { NULL, 0, 0 } };
	struct emit e = { .o = o, .first = 0 };
	int flags_at[ENTRY_MAX_TOKENS], nflags = 0, i = 0, k;
	int n = tokenize(line, t, ENTRY_MAX_TOKENS);
	int expectation = strstr(line, "master-src=") != NULL;

	fputs("{\"line\":", o);
	render_json_string(o, line);
	/* "tcp 6", or "ipv4 2 tcp 6" (a kernel dump's layout): the
	 * protocols by name and number */
	if (name_number(t, n, 0) && name_number(t, n, 2)) {
		pair(o, &e.first, "l3proto", "l3protonum", t);
		i = 2;
	}
	if (name_number(t, n, i)) {
		pair(o, &e.first, "l4proto", "l4protonum", t + i);
		i += 2;
	}
	for (; i < n; i++) {
		const char *eq = t[i].bracket ? NULL :
		    memchr(t[i].p, '=', t[i].len);
		const char *sp;

		if (t[i].bracket) {
			sp = t[i].p + t[i].len;
			while (sp > t[i].p && sp[-1] != ' ')
				sp--;
			if (sp == t[i].p) {		/* [ASSURED] */
				flags_at[nflags++] = i;
				continue;
			}
			/* [active since 1s]: "active_since": "1s" */
			close_group(&e);
			key(o, &e.first, t[i].p, (size_t)(sp - 1 - t[i].p));
			value(o, sp, (size_t)(t[i].p + t[i].len - sp));
		} else if (eq == t[i].p) {
			continue;			/* "=x": no name */
		} else if (eq != NULL) {
			field(&e, t[i].p, (size_t)(eq - t[i].p), eq + 1,
			    t[i].len - (size_t)(eq - t[i].p) - 1, expectation);
		} else {
			close_group(&e);
			if (all_digits(t[i].p, t[i].len))
				key(o, &e.first, "timeout", 7);
			else
				key(o, &e.first, "state", 5);
			value(o, t[i].p, t[i].len);
		}
	}
	close_group(&e);
	if (nflags > 0) {
		key(o, &e.first, "flags", 5);
		fputc('[', o);
		for (k = 0; k < nflags; k++) {
			fputs(k ? "," : "", o);
			value(o, t[flags_at[k]].p, t[flags_at[k]].len);
		}
		fputc(']', o);
	}
	fputc('}', o);
}
