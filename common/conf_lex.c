/*
 * Tokenizer: splits the text into words and classifies each one the way
 * conntrackd 1.4.7's scanner does.  Where two classes could match, the
 * scanner's choice is kept: keywords are exact and case-sensitive, a
 * run of digits is a number, and a name of 1-4 hex digits is an IPv6
 * address (so `Interface dead' is a syntax error, as in conntrackd).
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_keywords.h"
#include "conf_lex.h"

static const char *const kw_names[KW_MAX] = {
	[KW_NONE] = "",
#define KW_NAME(e, s) [e] = s,
	CONF_KEYWORDS(KW_NAME)
#undef KW_NAME
};

const char *
conf_keyword_name(int kw)
{
	return kw > KW_NONE && kw < KW_MAX ? kw_names[kw] : "?";
}

const char *
tok_type_name(enum tok_type t)
{
	static const char *const names[] = {
		"end of file", "{", "}", "keyword", "boolean", "number",
		"signed number", "IPv4 address", "IPv6 address", "path",
		"name", "text",
	};
	return names[t];
}

void
lex_init(struct lexer *lx, const char *text, size_t len)
{
	lx->p = text;
	lx->end = text + len;
	lx->line = 1;
}

static int
all_of(const char *s, const char *set)
{
	return *s != '\0' && s[strspn(s, set)] == '\0';
}

static int
is_ipv4(const char *w)
{
	int parts = 0;
	const char *p = w;

	for (;;) {
		int digits = 0;

		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
		if (digits < 1 || digits > 3)
			return 0;
		if (++parts == 4)
			break;
		if (*p++ != '.')
			return 0;
	}
	if (*p == '/')
		return all_of(p + 1, "0123456789");
	return *p == '\0';
}

static int
is_ipv6(const char *w)
{
	const char *slash = strchr(w, '/');
	size_t n = slash ? (size_t)(slash - w) : strlen(w);
	size_t hex = strspn(w, "0123456789abcdefABCDEF");

	if (slash && !all_of(slash + 1, "0123456789"))
		return 0;
	if (n == 0)
		return 0;
	/* colon form; the dotted IPv4 tail is not accepted by 1.4.7 either */
	if (memchr(w, ':', n) != NULL)
		return strspn(w, "0123456789abcdefABCDEF:") == n;
	return hex == n && n <= 4;	/* a bare 1-4 hex digit group */
}

static int
is_name(const char *w)
{
	return isalpha((unsigned char)w[0]) &&
	    w[1 + strspn(w + 1, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] == '\0';
}

static int
is_bool(const char *w, int *val)
{
	if (!strcasecmp(w, "on") || !strcasecmp(w, "yes"))
		return *val = 1, 1;
	if (!strcasecmp(w, "off") || !strcasecmp(w, "no"))
		return *val = 0, 1;
	return 0;
}

static void
classify(struct token *t)
{
	const char *w = t->text;
	int kw, b;

	for (kw = KW_NONE + 1; kw < KW_MAX; kw++)
		if (strcmp(w, kw_names[kw]) == 0) {
			t->type = T_KEYWORD;
			t->kw = kw;
			return;
		}
	if (is_bool(w, &b)) {
		t->type = T_BOOL;
		t->num = b;
	} else if (all_of(w, "0123456789")) {
		t->type = T_INT;
		t->num = strlen(w) > 19 ? ~0ULL : strtoull(w, NULL, 10);
	} else if ((w[0] == '+' || w[0] == '-') && all_of(w + 1, "0123456789"))
		t->type = T_SIGNED;
	else if (is_ipv4(w))
		t->type = T_IP4;
	else if (is_ipv6(w))
		t->type = T_IP6;
	else if (is_name(w))
		t->type = T_STRING;
	else
		t->type = T_BAD;
}

static void
skip_space_and_comments(struct lexer *lx)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == '\n') {
			lx->line++;
			lx->p++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v') {
			lx->p++;
		} else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else
			break;
	}
}

/* Copy [s, e) into the token text, truncating very long words. */
static void
set_text(struct token *t, const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	if (n >= sizeof(t->text))
		n = sizeof(t->text) - 1;
	memcpy(t->text, s, n);
	t->text[n] = '\0';
}

void
lex_next(struct lexer *lx, struct token *t)
{
	const char *s;

	memset(t, 0, offsetof(struct token, text));
	t->text[0] = '\0';
	skip_space_and_comments(lx);
	t->line = lx->line;
	if (lx->p >= lx->end) {
		t->type = T_EOF;
		return;
	}
	s = lx->p;
	if (*s == '{' || *s == '}') {
		t->type = *s == '{' ? T_LBRACE : T_RBRACE;
		set_text(t, s, s + 1);
		lx->p++;
		return;
	}
	if (*s == '/') {
		/* a path runs to the next blank or double quote */
		while (lx->p < lx->end && !isspace((unsigned char)*lx->p) &&
		    *lx->p != '"')
			lx->p++;
		set_text(t, s, lx->p);
		t->type = lx->p - s >= (long)sizeof(t->text) ? T_BAD : T_PATH;
		return;
	}
	while (lx->p < lx->end && !isspace((unsigned char)*lx->p) &&
	    *lx->p != '{' && *lx->p != '}' && *lx->p != '#')
		lx->p++;
	set_text(t, s, lx->p);
	if (lx->p - s >= (long)sizeof(t->text))
		t->type = T_BAD;
	else
		classify(t);
}
