/*
 * Tokenizer of the configuration language (config.md section 1).
 */
#ifndef CTSYNCD_CONF_LEX_H
#define CTSYNCD_CONF_LEX_H

#include <stddef.h>

enum tok_type {
	T_EOF = 0,
	T_LBRACE, T_RBRACE,
	T_KEYWORD,		/* kw set */
	T_BOOL,			/* num = 0 or 1 */
	T_INT,			/* unsigned decimal, num */
	T_SIGNED,		/* +N / -N, only for Nice */
	T_IP4, T_IP6,		/* text holds the address[/prefix] */
	T_PATH,			/* starts with '/' */
	T_STRING,		/* a name */
	T_BAD,			/* anything else: always a syntax error */
};

#define TOK_TEXT_MAX 512

struct token {
	enum tok_type	 type;
	int		 kw;
	unsigned long long num;
	int		 line;
	char		 text[TOK_TEXT_MAX];
};

struct lexer {
	const char	*p;
	const char	*end;
	int		 line;
};

void	lex_init(struct lexer *, const char *text, size_t len);
void	lex_next(struct lexer *, struct token *);
const char *tok_type_name(enum tok_type);

#endif
