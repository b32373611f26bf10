/*
 * The user-space Filter (common/filter.c), clause by clause, with filters
 * parsed from configuration text as a user writes them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>

#include "filter.h"
#include "tap.h"

static struct conf *
parse(const char *filter)
{
	char text[2048], err[512];
	struct conf *c;

	snprintf(text, sizeof(text), "General { Filter { %s } }", filter);
	c = conf_parse_string("test.conf", text, NULL, err, sizeof(err));
	if (c == NULL) {
		printf("# %s\n", err);
		abort();
	}
	return c;
}

static struct ctobj
entry(int l4, const char *src, const char *dst, int state)
{
	struct ctobj o;

	memset(&o, 0, sizeof(o));
	o.family = strchr(src, ':') ? AF_INET6 : AF_INET;
	o.l4proto = (uint8_t)l4;
	inet_pton(o.family, src, &o.orig.src);
	inet_pton(o.family, dst, &o.orig.dst);
	o.reply.src = o.orig.dst;
	o.reply.dst = o.orig.src;
	o.attrs = CT_BIT(o.family == AF_INET ? CT_A_IPV4 : CT_A_IPV6) |
	    CT_BIT(CT_A_L4PROTO) | CT_BIT(CT_A_REPLY);
	if (state >= 0) {
		o.state = (uint8_t)state;
		o.attrs |= CT_BIT(CT_A_TCP_STATE);
	}
	return o;
}

#define PASS(f, o, d) do { struct conf *c = parse(f); struct ctobj e = o; \
	ok(filter_accepts(&c->filter, &e), "passes: %s", d); free(c); } while (0)
#define DROP(f, o, d) do { struct conf *c = parse(f); struct ctobj e = o; \
	ok(!filter_accepts(&c->filter, &e), "filtered: %s", d); free(c); } while (0)

int
main(void)
{
	struct conf none;

	memset(&none, 0, sizeof(none));
	ok(filter_accepts(&none.filter, &(struct ctobj){ .attrs = 0 }) == 1,
	    "no Filter: everything passes");

	PASS("Protocol Accept { TCP }", entry(6, "1.1.1.1", "2.2.2.2", 3), "TCP with Accept { TCP }");
	DROP("Protocol Accept { TCP }", entry(17, "1.1.1.1", "2.2.2.2", -1), "UDP with Accept { TCP }");
	DROP("Protocol Ignore { UDP }", entry(17, "1.1.1.1", "2.2.2.2", -1), "UDP with Ignore { UDP }");
	PASS("Protocol Ignore { UDP }", entry(1, "1.1.1.1", "2.2.2.2", -1), "ICMP with Ignore { UDP }");
	PASS("Protocol Accept { sctp }", entry(132, "1.1.1.1", "2.2.2.2", -1), "SCTP by /etc/protocols name");

	DROP("Address Ignore { IPv4_address 127.0.0.1 }", entry(6, "127.0.0.1", "127.0.0.1", 3), "loopback ignored");
	DROP("Address Ignore { IPv4_address 2.2.2.2 }", entry(6, "1.1.1.1", "2.2.2.2", 3), "ignored as the reply source");
	PASS("Address Ignore { IPv4_address 9.9.9.9 }", entry(6, "1.1.1.1", "2.2.2.2", 3), "unlisted addresses pass Ignore");
	PASS("Address Accept { IPv4_address 1.1.1.1 }", entry(6, "1.1.1.1", "2.2.2.2", 3), "listed source passes Accept");
	DROP("Address Accept { IPv4_address 9.9.9.9 }", entry(6, "1.1.1.1", "2.2.2.2", 3), "unlisted fails Accept");
	PASS("Address Accept { IPv4_address 10.0.0.0/8 }", entry(6, "10.4.5.6", "2.2.2.2", 3), "in an accepted network");
	DROP("Address Ignore { IPv4_address 10.0.0.0/8 }", entry(6, "1.1.1.1", "10.4.5.6", 3), "in an ignored network");
	PASS("Address Ignore { IPv4_address 10.0.0.0/9 }", entry(6, "10.200.0.1", "1.1.1.1", 3), "outside a /9");
	DROP("Address Ignore { IPv6_address 2001:db8::/32 }", entry(6, "2001:db8::1", "2001:dead::2", 3), "IPv6 network");
	PASS("Address Ignore { IPv4_address 1.1.1.1 }", entry(6, "2001:db8::1", "2001:dead::2", 3), "IPv4 entries do not match IPv6 ones");

	PASS("State Accept { ESTABLISHED for TCP }", entry(6, "1.1.1.1", "2.2.2.2", 3), "ESTABLISHED accepted");
	DROP("State Accept { ESTABLISHED for TCP }", entry(6, "1.1.1.1", "2.2.2.2", 1), "SYN_SENT not accepted");
	PASS("State Accept { ESTABLISHED for TCP }", entry(17, "1.1.1.1", "2.2.2.2", -1), "UDP unaffected by State");
	DROP("State Ignore { SYN_SENT SYN_RECV for TCP }", entry(6, "1.1.1.1", "2.2.2.2", 2), "SYN_RECV ignored");

	DROP("Protocol Accept { TCP } Address Ignore { IPv4_address 1.1.1.1 }", entry(6, "1.1.1.1", "2.2.2.2", 3), "every set must pass");
	DROP("Protocol Accept { TCP }", ((struct ctobj){ .l4proto = 6 }), "no addresses: never passes");
	return done_testing();
}
