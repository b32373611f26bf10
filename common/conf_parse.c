/*
 * Parser of conntrackd.conf (1.4.7 grammar, shared/spec/config.md) and of
 * ctsyncd's Privsep section.  Recursive descent, one function per block;
 * the first error stops parsing and is reported as `file:line: message'.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include <linux/netfilter/nf_conntrack_tcp.h>

#include "conf.h"
#include "conf_lex.h"

#define CONF_FILE_MAX	(1024 * 1024)

struct parser {
	struct lexer	 lx;
	struct token	 tok;		/* current token */
	struct conf	*conf;
	const char	*name;		/* file name for messages */
	conf_warn_fn	 warn;
	char		*err;
	size_t		 errlen;
	jmp_buf		 fail;
	int		 mode_seen[4];	/* Mode blocks seen, by enum conf_mode */
	int		 stats_syslog_line;
};

static void __attribute__((format(printf, 3, 4), noreturn))
perr(struct parser *p, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->name, line, msg);
	longjmp(p->fail, 1);
}

static void __attribute__((format(printf, 3, 4)))
pwarn(struct parser *p, int line, const char *fmt, ...)
{
	char msg[512], full[700];
	va_list ap;

	if (p->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(full, sizeof(full), "%s:%d: %s", p->name, line, msg);
	else
		snprintf(full, sizeof(full), "%s: %s", p->name, msg);
	p->warn(full);
}

static void __attribute__((noreturn))
syntax_error(struct parser *p)
{
	if (p->tok.type == T_EOF)
		perr(p, p->tok.line, "syntax error, unexpected end of file");
	perr(p, p->tok.line, "syntax error, unexpected %s '%s'",
	    tok_type_name(p->tok.type), p->tok.text);
}

static void advance(struct parser *p) { lex_next(&p->lx, &p->tok); }

/* Consume the current token if it has type `t'. */
static int
accept_tok(struct parser *p, enum tok_type t)
{
	if (p->tok.type != t)
		return 0;
	advance(p);
	return 1;
}

static int
accept_kw(struct parser *p, int kw)
{
	if (p->tok.type != T_KEYWORD || p->tok.kw != kw)
		return 0;
	p->conf->seen[kw] = p->tok.line;
	advance(p);
	return 1;
}

static void
expect(struct parser *p, enum tok_type t)
{
	if (!accept_tok(p, t))
		syntax_error(p);
}

static uint32_t
expect_uint(struct parser *p)
{
	unsigned long long v = p->tok.num;

	if (p->tok.type != T_INT)
		syntax_error(p);
	if (v > INT32_MAX)
		perr(p, p->tok.line, "number %s out of range (at most %d)",
		    p->tok.text, INT32_MAX);
	advance(p);
	return (uint32_t)v;
}

static uint8_t
expect_bool(struct parser *p)
{
	uint8_t v = (uint8_t)p->tok.num;

	expect(p, T_BOOL);
	return v;
}

static void
expect_word(struct parser *p, enum tok_type t, char *dst, size_t len,
    const char *what)
{
	if (p->tok.type != t)
		syntax_error(p);
	if (strlen(p->tok.text) >= len)
		perr(p, p->tok.line, "%s is longer than %zu characters", what,
		    len - 1);
	strcpy(dst, p->tok.text);
	advance(p);
}

/* Parse an address token; a bad one is warned about and `ok' is 0. */
static int
parse_addr(struct parser *p, int family, struct conf_addr *a)
{
	char buf[TOK_TEXT_MAX], *slash;
	int line = p->tok.line, max = family == AF_INET ? 32 : 128;
	const char *fam = family == AF_INET ? "IPv4" : "IPv6";

	if (p->tok.type != (family == AF_INET ? T_IP4 : T_IP6))
		syntax_error(p);
	strcpy(buf, p->tok.text);
	advance(p);
	memset(a, 0, sizeof(*a));
	a->family = family;
	a->prefix = -1;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		a->prefix = strlen(slash + 1) > 3 ? 999 : atoi(slash + 1);
		if (a->prefix > max) {
			pwarn(p, line, "%s/%s: prefix is larger than %d, ignoring",
			    buf, slash + 1, max);
			return 0;
		}
	}
	if (inet_pton(family, buf, &a->a) != 1) {
		pwarn(p, line, "%s is not a valid %s address", buf, fam);
		return 0;
	}
	return 1;
}

static int
facility_by_name(const char *name)
{
	static const struct { const char *n; int f; } fac[] = {
		{ "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};
	size_t i;

	for (i = 0; i < sizeof(fac) / sizeof(fac[0]); i++)
		if (strcmp(name, fac[i].n) == 0)
			return fac[i].f;
	return -1;
}

/* Syslog on | off | facility: `*fac' unchanged for an unknown name. */
static void
parse_syslog(struct parser *p, int *fac)
{
	if (p->tok.type == T_BOOL) {
		*fac = expect_bool(p) ? LOG_DAEMON : -1;
	} else if (p->tok.type == T_STRING) {
		int f = facility_by_name(p->tok.text);

		if (f < 0)
			pwarn(p, p->tok.line,
			    "'%s' is not a known syslog facility, ignoring",
			    p->tok.text);
		else
			*fac = f;
		advance(p);
	} else
		syntax_error(p);
}

/* LogFile on | off | path */
static void
parse_logfile(struct parser *p, char *dst, size_t len, const char *on)
{
	if (p->tok.type == T_BOOL)
		strcpy(dst, expect_bool(p) ? on : "");
	else
		expect_word(p, T_PATH, dst, len, "LogFile path");
}

/* ---- General ---------------------------------------------------------- */

static void
parse_unix(struct parser *p)
{
	struct conf *c = p->conf;

	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		int line = p->tok.line;

		if (accept_kw(p, KW_PATH)) {
			expect_word(p, T_PATH, c->unix_path,
			    sizeof(c->unix_path), "Path");
		} else if (accept_kw(p, KW_BACKLOG)) {
			expect_uint(p);
			pwarn(p, line, "deprecated unix backlog configuration, "
			    "ignoring.");
		} else
			syntax_error(p);
	}
}

/* Metrics { IPv4_address A | IPv6_address A; Port N }: the listener. */
static void
parse_metrics(struct parser *p, int line)
{
	struct conf *c = p->conf;
	int have_addr = 0;

	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		int l = p->tok.line;

		if (accept_kw(p, KW_IPV4_ADDRESS))
			have_addr = parse_addr(p, AF_INET, &c->metrics.addr);
		else if (accept_kw(p, KW_IPV6_ADDRESS))
			have_addr = parse_addr(p, AF_INET6, &c->metrics.addr);
		else if (accept_kw(p, KW_PORT)) {
			uint32_t port = expect_uint(p);

			if (port == 0 || port > 65535)
				perr(p, l, "Metrics: Port must be 1 to 65535");
			c->metrics.port = (uint16_t)port;
		} else
			syntax_error(p);
	}
	if (!have_addr || c->metrics.addr.prefix != -1)
		perr(p, line, "Metrics needs an IPv4_address or IPv6_address "
		    "to listen on (one address, no prefix)");
	if (c->metrics.port == 0)
		perr(p, line, "Metrics needs a Port");
	c->metrics.on = 1;
}

static void
parse_scheduler(struct parser *p)
{
	struct conf *c = p->conf;

	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		int line = p->tok.line;

		if (accept_kw(p, KW_TYPE)) {
			if (p->tok.type != T_STRING)
				syntax_error(p);
			if (!strcasecmp(p->tok.text, "RR"))
				c->sched_policy = SCHED_RR;
			else if (!strcasecmp(p->tok.text, "FIFO"))
				c->sched_policy = SCHED_FIFO;
			else
				perr(p, line, "unknown scheduler `%s'",
				    p->tok.text);
			advance(p);
		} else if (accept_kw(p, KW_PRIORITY)) {
			uint32_t v = expect_uint(p);

			if (v > 99)
				perr(p, line, "`Priority' must be [0, 99]");
			c->sched_priority = (int)v;
		} else
			syntax_error(p);
	}
}

static uint8_t
parse_policy(struct parser *p)
{
	if (accept_kw(p, KW_ACCEPT))
		return POLICY_ACCEPT;
	if (accept_kw(p, KW_IGNORE))
		return POLICY_IGNORE;
	syntax_error(p);
}

static void
parse_filter_protocols(struct parser *p, struct conf_filter *f)
{
	f->proto_policy = parse_policy(p);
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		struct protoent *pe;

		if (accept_kw(p, KW_TCP)) {
			f->protos[IPPROTO_TCP] = 1;
		} else if (accept_kw(p, KW_UDP)) {
			f->protos[IPPROTO_UDP] = 1;
		} else if (p->tok.type == T_STRING) {
			if ((pe = getprotobyname(p->tok.text)) == NULL)
				pwarn(p, p->tok.line, "getprotobyname() cannot "
				    "find protocol `%s' in /etc/protocols",
				    p->tok.text);
			else
				f->protos[pe->p_proto & 0xff] = 1;
			advance(p);
		} else
			syntax_error(p);
	}
}

static int
addr_equal(const struct conf_addr *a, const struct conf_addr *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	    memcmp(&a->a, &b->a, a->family == AF_INET ? 4 : 16) == 0;
}

static void
parse_filter_addresses(struct parser *p, struct conf_filter *f)
{
	f->addr_policy = parse_policy(p);
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		struct conf_addr a;
		char text[TOK_TEXT_MAX];
		int family, line = p->tok.line, i;

		if (accept_kw(p, KW_IPV4_ADDRESS))
			family = AF_INET;
		else if (accept_kw(p, KW_IPV6_ADDRESS))
			family = AF_INET6;
		else
			syntax_error(p);
		strcpy(text, p->tok.text);
		if (!parse_addr(p, family, &a))
			continue;
		for (i = 0; i < f->naddrs; i++)
			if (addr_equal(&f->addrs[i], &a))
				break;
		if (i < f->naddrs) {
			pwarn(p, line, "address `%s' is repeated in the filter, "
			    "ignoring", text);
			continue;
		}
		if (f->naddrs == CONF_MAX_FILTER_ADDRS)
			perr(p, line, "too many filter addresses (at most %d)",
			    CONF_MAX_FILTER_ADDRS);
		f->addrs[f->naddrs++] = a;
	}
}

static const struct { int kw; int state; } tcp_state_kws[] = {
	{ KW_SYN_SENT, TCP_CONNTRACK_SYN_SENT },
	{ KW_SYN_RECV, TCP_CONNTRACK_SYN_RECV },
	{ KW_ESTABLISHED, TCP_CONNTRACK_ESTABLISHED },
	{ KW_FIN_WAIT, TCP_CONNTRACK_FIN_WAIT },
	{ KW_CLOSE_WAIT, TCP_CONNTRACK_CLOSE_WAIT },
	{ KW_LAST_ACK, TCP_CONNTRACK_LAST_ACK },
	{ KW_TIME_WAIT, TCP_CONNTRACK_TIME_WAIT },
	{ KW_CLOSED, TCP_CONNTRACK_CLOSE },
	{ KW_CLOSE, TCP_CONNTRACK_CLOSE },
	{ KW_LISTEN, TCP_CONNTRACK_LISTEN },
};

/* State (Accept|Ignore) { STATE... for TCP [STATE... for TCP ...] } */
static void
parse_filter_states(struct parser *p, struct conf_filter *f)
{
	f->state_policy = parse_policy(p);
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		uint16_t group = 0;
		size_t i;

		for (;;) {
			for (i = 0; i < sizeof(tcp_state_kws) /
			    sizeof(tcp_state_kws[0]); i++)
				if (accept_kw(p, tcp_state_kws[i].kw))
					break;
			if (i == sizeof(tcp_state_kws) / sizeof(tcp_state_kws[0]))
				break;
			group |= 1u << tcp_state_kws[i].state;
		}
		/* an empty list before `for TCP' is accepted, as by 1.4.7 */
		if (!accept_kw(p, KW_FOR) || !accept_kw(p, KW_TCP))
			syntax_error(p);
		f->tcp_states |= group;
	}
}

static void
parse_filter(struct parser *p)
{
	struct conf_filter *f = &p->conf->filter;

	f->present = 1;
	if (accept_kw(p, KW_FROM)) {
		if (accept_kw(p, KW_USERSPACE))
			f->from_kernel = 0;
		else if (accept_kw(p, KW_KERNELSPACE))
			f->from_kernel = 1;
		else
			syntax_error(p);
	}
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		if (accept_kw(p, KW_PROTOCOL))
			parse_filter_protocols(p, f);
		else if (accept_kw(p, KW_ADDRESS))
			parse_filter_addresses(p, f);
		else if (accept_kw(p, KW_STATE))
			parse_filter_states(p, f);
		else
			syntax_error(p);
	}
}

static void
parse_general(struct parser *p)
{
	struct conf *c = p->conf;

	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		int line = p->tok.line;

		if (accept_kw(p, KW_HASHSIZE)) {
			c->sync.hashsize = expect_uint(p);
		} else if (accept_kw(p, KW_HASHLIMIT)) {
			c->sync.hashlimit = expect_uint(p);
		} else if (accept_kw(p, KW_LOGFILE)) {
			parse_logfile(p, c->logfile, sizeof(c->logfile),
			    CONF_LOGFILE_ON);
		} else if (accept_kw(p, KW_SYSLOG)) {
			parse_syslog(p, &c->syslog_facility);
		} else if (accept_kw(p, KW_LOCKFILE)) {
			expect_word(p, T_PATH, c->lockfile, sizeof(c->lockfile),
			    "LockFile path");
		} else if (accept_kw(p, KW_UNIX)) {
			parse_unix(p);
		} else if (accept_kw(p, KW_NETLINKBUFFERSIZE) ||
		    accept_kw(p, KW_SOCKETBUFFERSIZE)) {
			c->nl.bufsize = expect_uint(p);
		} else if (accept_kw(p, KW_NETLINKBUFFERSIZEMAXGROWTH) ||
		    accept_kw(p, KW_SOCKETBUFFERSIZEMAXGROWN) ||
		    accept_kw(p, KW_SOCKETBUFFERSIZEMAXGROWTH)) {
			c->nl.bufsize_max = expect_uint(p);
		} else if (accept_kw(p, KW_NETLINKOVERRUNRESYNC)) {
			if (p->tok.type == T_BOOL)
				c->nl.overrun_resync = expect_bool(p) ? 30 : 0;
			else {
				c->nl.overrun_resync = expect_uint(p);
				if (c->nl.overrun_resync == 0)
					c->nl.overrun_resync = 30;
			}
		} else if (accept_kw(p, KW_NETLINKEVENTSRELIABLE)) {
			c->nl.events_reliable = expect_bool(p);
		} else if (accept_kw(p, KW_POLLSECS)) {
			c->nl.poll_secs = expect_uint(p);
			if (c->nl.poll_secs == 0)
				perr(p, line, "`PollSecs' clause must be > 0");
		} else if (accept_kw(p, KW_EVENTITERATIONLIMIT)) {
			c->nl.event_iter_limit = expect_uint(p);
		} else if (accept_kw(p, KW_FILTER)) {
			parse_filter(p);
		} else if (accept_kw(p, KW_NICE)) {
			expect(p, T_SIGNED);
			pwarn(p, line, "deprecated nice configuration, ignoring. "
			    "The nice value can be set externally with nice(1) "
			    "and renice(1).");
		} else if (accept_kw(p, KW_SCHEDULER)) {
			parse_scheduler(p);
		} else if (accept_kw(p, KW_SYSTEMD)) {
			c->systemd = expect_bool(p);
		} else if (accept_kw(p, KW_METRICS)) {
			parse_metrics(p, line);
		} else
			syntax_error(p);
	}
}

/* ---- Sync -------------------------------------------------------------- */

/* Which clauses each Mode block accepts (config.md 4.1). */
static int
mode_allows(int mode, int kw)
{
	switch (kw) {
	case KW_COMMITTIMEOUT: case KW_PURGETIMEOUT:
		return 1;
	case KW_RESENDQUEUESIZE: case KW_ACKWINDOWSIZE:
		return mode == MODE_FTFW;
	case KW_REFRESHTIME: case KW_CACHETIMEOUT:
		return mode == MODE_ALARM;
	case KW_DISABLEEXTERNALCACHE: case KW_STARTUPRESYNC:
	case KW_ANTIENTROPY:
		return mode == MODE_FTFW || mode == MODE_NOTRACK;
	case KW_DISABLEINTERNALCACHE:
		return mode == MODE_NOTRACK;
	}
	return 0;
}

/* The timer clauses allowed both in Mode blocks and directly in Sync. */
static int
parse_sync_timer(struct parser *p, int kw)
{
	struct conf_sync *s = &p->conf->sync;

	switch (kw) {
	case KW_COMMITTIMEOUT: s->commit_timeout = expect_uint(p); return 1;
	case KW_PURGETIMEOUT: s->purge_timeout = expect_uint(p); return 1;
	case KW_REFRESHTIME: s->refresh_time = expect_uint(p); return 1;
	case KW_CACHETIMEOUT: s->cache_timeout = expect_uint(p); return 1;
	}
	return 0;
}

static int
mode_by_name(struct parser *p, const char *name)
{
	if (!strcasecmp(name, "FTFW"))
		return MODE_FTFW;
	if (!strcasecmp(name, "ALARM"))
		return MODE_ALARM;
	if (!strcasecmp(name, "NOTRACK"))
		return MODE_NOTRACK;
	/*
	 * conntrackd 1.4.7's scanner matches the legacy name with every
	 * letter in either case except the last, which must be `T'.
	 */
	if (strlen(name) == 10 && !strncasecmp(name, "persisten", 9) &&
	    name[9] == 'T') {
		pwarn(p, p->tok.line, "Now `persistent' mode is called `alarm'. "
		    "Please, update your conntrackd.conf file.");
		return MODE_ALARM;
	}
	if (!strcasecmp(name, "nack")) {
		pwarn(p, p->tok.line, "Now `nack' mode is called `ftfw'. "
		    "Please, update your conntrackd.conf file.");
		return MODE_FTFW;
	}
	return -1;
}

static void
parse_mode(struct parser *p)
{
	struct conf_sync *s = &p->conf->sync;
	int mode;

	if (p->tok.type != T_STRING ||
	    (mode = mode_by_name(p, p->tok.text)) < 0)
		syntax_error(p);
	advance(p);
	p->mode_seen[mode] = 1;
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		int kw = p->tok.kw;

		if (p->tok.type != T_KEYWORD || !mode_allows(mode, kw))
			syntax_error(p);
		accept_kw(p, kw);
		if (parse_sync_timer(p, kw))
			continue;
		switch (kw) {
		case KW_RESENDQUEUESIZE:
			s->resend_queue_size = expect_uint(p);
			break;
		case KW_ACKWINDOWSIZE:
			s->ack_window = expect_uint(p);
			break;
		case KW_DISABLEEXTERNALCACHE:
			s->disable_external_cache = expect_bool(p);
			break;
		case KW_DISABLEINTERNALCACHE:
			s->disable_internal_cache = expect_bool(p);
			break;
		case KW_STARTUPRESYNC:
			s->startup_resync = expect_bool(p);
			break;
		case KW_ANTIENTROPY: {	/* ctsyncd's own */
			int line = p->tok.line;

			s->anti_entropy = expect_uint(p);
			if (s->anti_entropy > CONF_ANTIENTROPY_MAX)
				perr(p, line, "AntiEntropy: at most %u "
				    "seconds (0: off)", CONF_ANTIENTROPY_MAX);
			break;
		}
		}
	}
}

/* Which clauses each kind of link block accepts (config.md 4.2). */
static int
link_allows(int kind, int kw)
{
	switch (kw) {
	case KW_IPV4_ADDRESS: case KW_IPV6_ADDRESS: case KW_INTERFACE:
	case KW_SNDSOCKETBUFFER: case KW_RCVSOCKETBUFFER: case KW_CHECKSUM:
		return 1;
	case KW_IPV4_DEST: case KW_IPV6_DEST: case KW_PORT:
		return kind == LINK_UDP || kind == LINK_TCP;
	case KW_IPV4_INTERFACE: case KW_IPV6_INTERFACE: case KW_GROUP:
		return kind == LINK_MCAST;
	case KW_ERRORQUEUELENGTH:
		return kind == LINK_TCP;
	}
	return 0;
}

static void
set_link_family(struct parser *p, struct conf_link *l, int family, int line)
{
	if (l->family != 0 && l->family != family && l->kind == LINK_MCAST)
		pwarn(p, line, "your multicast address is IPv%d but is binded "
		    "to an IPv%d interface?", family == AF_INET ? 4 : 6,
		    l->family == AF_INET ? 4 : 6);
	if (l->family == 0)
		l->family = (uint8_t)family;
}

static void
parse_link_clause(struct parser *p, struct conf_link *l, int kw, int line)
{
	struct conf_addr a;

	switch (kw) {
	case KW_IPV4_ADDRESS: case KW_IPV6_ADDRESS: {
		int fam = kw == KW_IPV4_ADDRESS ? AF_INET : AF_INET6;

		if (parse_addr(p, fam, &a)) {
			l->local = a;
			l->has_local = 1;
			set_link_family(p, l, fam, line);
		}
		break;
	}
	case KW_IPV4_DEST: case KW_IPV6_DEST:
		if (parse_addr(p, kw == KW_IPV4_DEST ? AF_INET : AF_INET6, &a)) {
			l->dest = a;
			l->has_dest = 1;
		}
		break;
	case KW_IPV4_INTERFACE:
		if (parse_addr(p, AF_INET, &a)) {
			l->mcast_if = a;
			l->has_mcast_if = 1;
		}
		break;
	case KW_IPV6_INTERFACE:
		parse_addr(p, AF_INET6, &a);
		pwarn(p, line, "`IPv6_interface' not required, ignoring");
		break;
	case KW_INTERFACE:
		expect_word(p, T_STRING, l->ifname, sizeof(l->ifname),
		    "Interface name");
		if (if_nametoindex(l->ifname) == 0)
			pwarn(p, line, "%s is an invalid interface", l->ifname);
		break;
	case KW_GROUP: case KW_PORT: {
		uint32_t v = expect_uint(p);

		if (v > 65535)
			perr(p, line, "%s %u: not a port number",
			    conf_keyword_name(kw), v);
		l->port = (uint16_t)v;
		break;
	}
	case KW_SNDSOCKETBUFFER: l->sndbuf = expect_uint(p); break;
	case KW_RCVSOCKETBUFFER: l->rcvbuf = expect_uint(p); break;
	case KW_CHECKSUM: l->checksum = expect_bool(p); break;
	case KW_ERRORQUEUELENGTH: l->error_queue_len = expect_uint(p); break;
	}
}

static void
parse_link(struct parser *p, int kind, int line)
{
	struct conf *c = p->conf;
	struct conf_link *l;

	if (c->nlinks > 0 && c->links[0].kind != kind)
		perr(p, line, "cannot use `%s' with other dedicated link "
		    "protocols!", conf_link_kind_name(kind));
	if (c->nlinks == CONF_MAX_LINKS)
		perr(p, line, "too many dedicated links in the configuration "
		    "file (Maximum: %d)", CONF_MAX_LINKS);
	l = &c->links[c->nlinks++];
	l->kind = (uint8_t)kind;
	l->checksum = 1;
	l->line = line;
	if (accept_kw(p, KW_DEFAULT)) {
		int i;

		for (i = 0; i < c->nlinks; i++)
			c->links[i].is_default = 0;
		l->is_default = 1;
	}
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		int kw = p->tok.kw, cl = p->tok.line;

		if (p->tok.type != T_KEYWORD || !link_allows(kind, kw))
			syntax_error(p);
		accept_kw(p, kw);
		parse_link_clause(p, l, kw, cl);
	}
}

static void
parse_expectation_sync(struct parser *p)
{
	struct conf *c = p->conf;

	if (p->tok.type == T_BOOL) {
		c->nl.expect.mode = expect_bool(p) ? EXPECT_ALL : EXPECT_OFF;
		c->nl.expect.nhelpers = 0;
		return;
	}
	expect(p, T_LBRACE);
	c->nl.expect.mode = EXPECT_LIST;
	while (!accept_tok(p, T_RBRACE)) {
		if (c->nl.expect.nhelpers == CONF_MAX_EXPECT_HELPERS)
			perr(p, p->tok.line, "too many ExpectationSync helpers "
			    "(at most %d)", CONF_MAX_EXPECT_HELPERS);
		expect_word(p, T_STRING, c->nl.expect.helpers[c->nl.expect.nhelpers++],
		    CONF_NAME_MAX, "helper name");
	}
}

static void
parse_options(struct parser *p)
{
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		if (accept_kw(p, KW_TCPWINDOWTRACKING))
			p->conf->sync.tcp_window_tracking = expect_bool(p);
		else if (accept_kw(p, KW_EXPECTATIONSYNC))
			parse_expectation_sync(p);
		else
			syntax_error(p);
	}
}

/* ctsyncd's own: Authentication { KeyFile path }, the link sealed. */
static void
parse_authentication(struct parser *p)
{
	struct conf *c = p->conf;

	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		if (accept_kw(p, KW_KEYFILE))
			expect_word(p, T_PATH, c->auth_keyfile,
			    sizeof(c->auth_keyfile), "KeyFile");
		else
			syntax_error(p);
	}
	if (c->auth_keyfile[0] == '\0')
		perr(p, p->tok.line, "Authentication without a KeyFile");
	c->sync.auth = 1;
}

static void
parse_sync(struct parser *p)
{
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		int kw = p->tok.kw, line = p->tok.line;

		if (p->tok.type != T_KEYWORD)
			syntax_error(p);
		switch (kw) {
		case KW_MODE:
			accept_kw(p, kw);
			parse_mode(p);
			break;
		case KW_COMMITTIMEOUT: case KW_PURGETIMEOUT:
		case KW_REFRESHTIME: case KW_CACHETIMEOUT:
			accept_kw(p, kw);
			parse_sync_timer(p, kw);
			break;
		case KW_MULTICAST: case KW_UDP: case KW_TCP:
			accept_kw(p, kw);
			parse_link(p, kw == KW_MULTICAST ? LINK_MCAST :
			    kw == KW_UDP ? LINK_UDP : LINK_TCP, line);
			break;
		case KW_OPTIONS:
			accept_kw(p, kw);
			parse_options(p);
			break;
		case KW_AUTHENTICATION:
			accept_kw(p, kw);
			parse_authentication(p);
			break;
		default:
			syntax_error(p);
		}
	}
}

/* ---- Stats ------------------------------------------------------------- */

static void
parse_stats(struct parser *p)
{
	struct conf *c = p->conf;

	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		int line = p->tok.line;

		if (accept_kw(p, KW_LOGFILE)) {
			parse_logfile(p, c->stats_logfile,
			    sizeof(c->stats_logfile), CONF_STATS_LOGFILE_ON);
		} else if (accept_kw(p, KW_SYSLOG)) {
			parse_syslog(p, &c->stats_syslog_facility);
			p->stats_syslog_line = line;
		} else
			syntax_error(p);
	}
}

/* ---- Helper ------------------------------------------------------------ */

/* The helpers conntrackd 1.4.7 ships, each with its one policy. */
static const char *const known_helpers[] = {
	"amanda", "dhcpv6", "ftp", "mdns", "rpc", "sane", "slp", "ssdp",
	"tftp", "tns",
};

static void
parse_helper_policy(struct parser *p, struct conf_helper *h)
{
	int line = p->tok.line, n = 0;

	if (p->tok.type != T_STRING)
		syntax_error(p);
	if (strcmp(p->tok.text, h->name) != 0)
		perr(p, line, "Unknown policy `%s' in helper configuration",
		    p->tok.text);
	strcpy(h->policy.name, p->tok.text);
	advance(p);
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		if (accept_kw(p, KW_EXPECTMAX))
			h->policy.expect_max = expect_uint(p);
		else if (accept_kw(p, KW_EXPECTTIMEOUT))
			h->policy.expect_timeout = expect_uint(p);
		else
			syntax_error(p);
		n++;
	}
	if (n == 0)
		perr(p, line, "empty policy configuration for helper `%s'",
		    h->name);
	h->has_policy = 1;
}

static void
parse_helper_type(struct parser *p)
{
	struct conf *c = p->conf;
	struct conf_helper *h;
	size_t i;
	int line = p->tok.line;

	if (c->nhelpers == CONF_MAX_HELPERS)
		perr(p, line, "too many helpers (at most %d)", CONF_MAX_HELPERS);
	h = &c->helpers[c->nhelpers];
	if (p->tok.type != T_STRING)
		syntax_error(p);
	for (i = 0; i < sizeof(known_helpers) / sizeof(known_helpers[0]); i++)
		if (strcmp(p->tok.text, known_helpers[i]) == 0)
			break;
	if (i == sizeof(known_helpers) / sizeof(known_helpers[0]))
		perr(p, line, "Unknown `%s' helper", p->tok.text);
	strcpy(h->name, p->tok.text);
	advance(p);
	if (p->tok.type == T_STRING && !strcmp(p->tok.text, "inet"))
		h->family = AF_INET;
	else if (p->tok.type == T_STRING && !strcmp(p->tok.text, "inet6"))
		h->family = AF_INET6;
	else
		syntax_error(p);
	advance(p);
	if (p->tok.type == T_STRING && !strcmp(p->tok.text, "tcp"))
		h->l4proto = IPPROTO_TCP;
	else if (p->tok.type == T_STRING && !strcmp(p->tok.text, "udp"))
		h->l4proto = IPPROTO_UDP;
	else
		syntax_error(p);
	advance(p);
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		if (accept_kw(p, KW_QUEUENUM))
			h->queue_num = expect_uint(p);
		else if (accept_kw(p, KW_QUEUELEN))
			h->queue_len = expect_uint(p);
		else if (accept_kw(p, KW_POLICY))
			parse_helper_policy(p, h);
		else
			syntax_error(p);
	}
	c->nhelpers++;
}

static void
parse_helper(struct parser *p)
{
	p->conf->has_helper = 1;
	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		if (accept_kw(p, KW_SETUP))
			p->conf->helper_setup = expect_bool(p);
		else if (accept_kw(p, KW_TYPE))
			parse_helper_type(p);
		else
			syntax_error(p);
	}
}

/* ---- Privsep (ctsyncd) ------------------------------------------------- */

static void
parse_privsep(struct parser *p)
{
	struct conf *c = p->conf;

	expect(p, T_LBRACE);
	while (!accept_tok(p, T_RBRACE)) {
		if (accept_kw(p, KW_USER)) {
			expect_word(p, T_STRING, c->user, sizeof(c->user),
			    "User name");
			c->user_set = 1;
		} else if (accept_kw(p, KW_GROUP)) {
			expect_word(p, T_STRING, c->group, sizeof(c->group),
			    "Group name");
		} else if (accept_kw(p, KW_CHROOTDIRECTORY)) {
			expect_word(p, T_PATH, c->chroot_dir,
			    sizeof(c->chroot_dir), "ChrootDirectory");
		} else if (accept_kw(p, KW_CONTROLGROUP)) {
			expect_word(p, T_STRING, c->control_group,
			    sizeof(c->control_group), "ControlGroup name");
		} else
			syntax_error(p);
	}
}

/* ---- the file ------------------------------------------------------------ */

static void
set_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->syslog_facility = -1;
	c->stats_syslog_facility = -1;
	c->sched_policy = -1;
	c->sched_priority = -1;
	c->systemd = 1;
	c->nl.overrun_resync = 30;
	c->sync.anti_entropy = CONF_ANTIENTROPY;
	strcpy(c->lockfile, CONF_DEFAULT_LOCK);
	strcpy(c->unix_path, CONF_DEFAULT_UNIX);
	strcpy(c->chroot_dir, CONF_DEFAULT_CHROOT);
	strcpy(c->user, CONF_DEFAULT_USER);
}

/* Zero means "default" for every numeric setting that has one. */
static void
fill_defaults(struct conf *c)
{
	struct conf_sync *s = &c->sync;
	int i;

#define DEFAULT(field, value) do { if ((field) == 0) (field) = (value); } while (0)
	DEFAULT(s->hashsize, 65536);
	DEFAULT(s->hashlimit, 262144);
	DEFAULT(s->resend_queue_size, 131072);
	DEFAULT(s->ack_window, 300);
	DEFAULT(s->purge_timeout, 60);
	DEFAULT(s->refresh_time, 60);
	DEFAULT(s->cache_timeout, 180);
	DEFAULT(c->nl.event_iter_limit, 100);
	for (i = 0; i < c->nlinks; i++)
		DEFAULT(c->links[i].error_queue_len, 128);
#undef DEFAULT
}

static void
post_checks(struct parser *p)
{
	struct conf *c = p->conf;
	int i, any_default = 0;

	if (c->has_sync && c->has_stats)
		perr(p, c->seen[KW_SYNC] > c->seen[KW_STATS] ?
		    c->seen[KW_SYNC] : c->seen[KW_STATS],
		    "cannot use both `Stats' and `Sync' clauses in "
		    "conntrackd.conf");
	if (c->has_sync) {
		/* FTFW beats ALARM beats NOTRACK; all clauses apply */
		if (p->mode_seen[MODE_FTFW])
			c->sync.mode = MODE_FTFW;
		else if (p->mode_seen[MODE_ALARM])
			c->sync.mode = MODE_ALARM;
		else if (p->mode_seen[MODE_NOTRACK])
			c->sync.mode = MODE_NOTRACK;
		else {
			pwarn(p, c->seen[KW_SYNC], "No synchronization mode "
			    "specified. Defaulting to FT-FW mode.");
			c->sync.mode = MODE_FTFW;
		}
	} else {
		c->sync.mode = MODE_STATS;
		if (!c->has_stats)
			pwarn(p, 0, "No running mode specified. Defaulting to "
			    "statistics mode.");
	}
	if (c->sync.commit_timeout && c->sync.disable_external_cache) {
		pwarn(p, c->seen[KW_COMMITTIMEOUT], "`CommitTimeout' can't be "
		    "combined with `DisableExternalCache', ignoring this "
		    "option. Fix your configuration file.");
		c->sync.commit_timeout = 0;
	}
	if (c->stats_syslog_facility >= 0 && c->syslog_facility >= 0 &&
	    c->stats_syslog_facility != c->syslog_facility)
		pwarn(p, p->stats_syslog_line, "conflicting Syslog facility "
		    "values, defaulting to General");
	for (i = 0; i < c->nlinks; i++)
		any_default |= c->links[i].is_default;
	if (c->nlinks > 0 && !any_default)
		c->links[0].is_default = 1;
	fill_defaults(c);
}

static void
parse_file(struct parser *p)
{
	struct conf *c = p->conf;

	advance(p);
	while (!accept_tok(p, T_EOF)) {
		if (accept_kw(p, KW_GENERAL)) {
			parse_general(p);
		} else if (accept_kw(p, KW_SYNC)) {
			c->has_sync = 1;
			parse_sync(p);
		} else if (accept_kw(p, KW_STATS)) {
			c->has_stats = 1;
			parse_stats(p);
		} else if (accept_kw(p, KW_HELPER)) {
			parse_helper(p);
		} else if (accept_kw(p, KW_PRIVSEP)) {
			parse_privsep(p);
		} else
			syntax_error(p);
	}
	post_checks(p);
}

struct conf *
conf_parse_string(const char *name, const char *text, conf_warn_fn warn,
    char *err, size_t errlen)
{
	/* static storage would not do: the parser is reentrant per call */
	struct parser *p;
	struct conf *c;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (c = malloc(sizeof(*c))) == NULL) {
		free(p);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	set_defaults(c);
	snprintf(c->file, sizeof(c->file), "%s", name);
	p->conf = c;
	p->name = name;
	p->warn = warn;
	p->err = err;
	p->errlen = errlen;
	lex_init(&p->lx, text, strlen(text));
	if (setjmp(p->fail) != 0) {
		free(p);
		free(c);
		return NULL;
	}
	parse_file(p);
	free(p);
	return c;
}

struct conf *
conf_parse(const char *path, conf_warn_fn warn, char *err, size_t errlen)
{
	struct conf *c;
	struct stat st;
	char *text;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "can't open config file `%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_FILE_MAX) {
		snprintf(err, errlen, "%s: not a regular file of at most %d "
		    "bytes", path, CONF_FILE_MAX);
		close(fd);
		return NULL;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	if (memchr(text, '\0', (size_t)n) != NULL) {
		snprintf(err, errlen, "%s: file contains a NUL byte", path);
		free(text);
		return NULL;
	}
	c = conf_parse_string(path, text, warn, err, errlen);
	free(text);
	return c;
}

void
conf_free(struct conf *c)
{
	free(c);
}
