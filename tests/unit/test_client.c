/*
 * conntrackd's client argument rules (cli.md section 2) as implemented
 * once in ctl/client.c: which request each command line sends, and which
 * ones exit at once, with what status.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "msgs.h"
#include "render.h"
#include "tap.h"

/* Parse a command line given as one string of words. */
static struct client_cmd
parse(const char *line)
{
	static char buf[512];
	char *argv[32], *w;
	struct client_cmd cmd;
	int argc = 0;

	snprintf(buf, sizeof(buf), "conntrackd %s", line);
	for (w = strtok(buf, " "); w && argc < 31; w = strtok(NULL, " "))
		argv[argc++] = strcmp(w, "''") == 0 ? "" : w;
	argv[argc] = NULL;
	client_cmd_init(&cmd, "/etc/default.conf");
	client_parse_conntrackd_args(&cmd, argc, argv);
	return cmd;
}

static void
request(const char *line, int req)
{
	struct client_cmd c = parse(line);

	ok(c.action == ACT_REQUEST && c.req == req, "`%s' sends request %d "
	    "(got action %d, request %d)", line, req, c.action, c.req);
}

static void
exits(const char *line, int status)
{
	struct client_cmd c = parse(line);

	ok(c.action == ACT_EXIT && c.status == status, "`%s' exits %d at once",
	    line, status);
}

/* One dump line as the JSON object render_entry_json() makes of it. */
static int
entry_is(const char *line, const char *want)
{
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);
	int same;

	render_entry_json(f, line);
	fclose(f);
	same = strcmp(got, want) == 0;
	if (!same)
		fprintf(TAP_OUT, "# got  %s\n# want %s\n", got, want);
	free(got);
	return same;
}

static void
test_entry_json(void)
{
	ok(entry_is("tcp      6 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 "
	    "sport=1000 dport=80 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 "
	    "sport=80 dport=1000 [ASSURED] mark=7 [active since 1s]",
	    "{\"line\":\"tcp      6 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 "
	    "sport=1000 dport=80 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 "
	    "sport=80 dport=1000 [ASSURED] mark=7 [active since 1s]\","
	    "\"l4proto\":\"tcp\",\"l4protonum\":6,\"state\":\"ESTABLISHED\","
	    "\"original\":{\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\","
	    "\"sport\":1000,\"dport\":80},\"reply\":{\"src\":\"10.0.0.2\","
	    "\"dst\":\"10.0.0.1\",\"sport\":80,\"dport\":1000},\"mark\":7,"
	    "\"active_since\":\"1s\",\"flags\":[\"UNREPLIED\",\"ASSURED\"]}"),
	    "a cache entry: protocols, state, both tuples, flags, fields");
	ok(entry_is("300 proto=6 src=1.1.1.1 dst=2.2.2.2 sport=0 dport=21 "
	    "mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 "
	    "dport=65535 master-src=1.1.1.1 master-dst=2.2.2.2 sport=1024 "
	    "dport=21 class=0 helper=ftp",
	    "{\"line\":\"300 proto=6 src=1.1.1.1 dst=2.2.2.2 sport=0 dport=21 "
	    "mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 "
	    "dport=65535 master-src=1.1.1.1 master-dst=2.2.2.2 sport=1024 "
	    "dport=21 class=0 helper=ftp\",\"timeout\":300,\"proto\":6,"
	    "\"expected\":{\"src\":\"1.1.1.1\",\"dst\":\"2.2.2.2\","
	    "\"sport\":0,\"dport\":21},\"mask\":{\"src\":\"255.255.255.255\","
	    "\"dst\":\"255.255.255.255\",\"sport\":0,\"dport\":65535},"
	    "\"master\":{\"src\":\"1.1.1.1\",\"dst\":\"2.2.2.2\","
	    "\"sport\":1024,\"dport\":21},\"class\":0,\"helper\":\"ftp\"}"),
	    "an expectation: expected tuple, mask, master");
	ok(entry_is("ipv4     2 udp      17 29 src=1.1.1.1 dst=2.2.2.2 "
	    "sport=1 dport=2 mark=0",
	    "{\"line\":\"ipv4     2 udp      17 29 src=1.1.1.1 dst=2.2.2.2 "
	    "sport=1 dport=2 mark=0\",\"l3proto\":\"ipv4\",\"l3protonum\":2,"
	    "\"l4proto\":\"udp\",\"l4protonum\":17,\"timeout\":29,"
	    "\"original\":{\"src\":\"1.1.1.1\",\"dst\":\"2.2.2.2\","
	    "\"sport\":1,\"dport\":2},\"mark\":0}"),
	    "a kernel dump's line (DisableInternalCache): both protocols, "
	    "the timeout");
	ok(entry_is("= \"x [un", "{\"line\":\"= \\\"x [un\","
	    "\"state\":\"\\\"x\",\"flags\":[\"un\"]}"),
	    "junk: still one object, quotes escaped, nothing without a name");
	ok(entry_is("", "{\"line\":\"\"}"), "an empty line: its line only");
}

int
main(void)
{
	struct client_cmd c;
	char up[64];

	/* usage and log lines would mix with TAP on stdout: send them away */
	tap_out = fdopen(dup(1), "w");
	if (tap_out == NULL || freopen("/dev/null", "w", stdout) == NULL ||
	    freopen("/dev/null", "w", stderr) == NULL)
		return 1;
	log_init(NULL, 1);

	request("-c", REQ_ALL_COMMIT);
	request("-c ct", REQ_CT_COMMIT);
	request("-c e", REQ_EXP_COMMIT);
	request("-i", REQ_CT_DUMP_INTERNAL);
	request("-i expect -x", REQ_EXP_DUMP_INT_XML);
	request("-e -x", REQ_CT_DUMP_EXT_XML);
	request("-e ct -x", REQ_CT_DUMP_EXT_XML);
	request("-f", REQ_ALL_FLUSH_CACHE);
	request("-f i", REQ_CT_FLUSH_INT_CACHE);
	request("-f external", REQ_CT_FLUSH_EXT_CACHE);
	request("-F", REQ_ALL_FLUSH_MASTER);
	request("-F expect", REQ_EXP_FLUSH_MASTER);
	request("-R ct", REQ_CT_RESYNC_MASTER);
	request("-R", REQ_ALL_RESYNC_MASTER);
	request("-B", REQ_SEND_BULK);
	request("-n", REQ_REQUEST_DUMP);
	request("-k", REQ_KILL);
	request("-t", REQ_RESET_TIMERS);
	request("-s", REQ_STATS);
	request("-s network", REQ_STATS_NETWORK);
	request("-s c", REQ_STATS_CACHE);
	request("-s r", REQ_STATS_RUNTIME);
	request("-s multicast", REQ_STATS_LINK);
	request("-s l", REQ_STATS_LINK);
	request("-s rs", REQ_STATS_RSQUEUE);
	request("-s p", REQ_STATS_PROCESS);
	request("-s q", REQ_STATS_QUEUE);
	request("-s ct", REQ_STATS);
	request("-s e", REQ_EXP_STATS);
	request("-s ''", REQ_STATS_NETWORK);	/* empty matches the first */
	request("-stats", REQ_STATS);		/* only argv[i][1] counts */
	request("-s -c", REQ_ALL_COMMIT);	/* the last request wins */
	request("-C /x.conf -s", REQ_STATS);

	exits("-s bogus", 1);
	exits("-f bogus", 1);
	exits("-x", 1);
	exits("-x -i", 1);
	exits("-d -s", 1);
	exits("-s -d", 1);
	exits("-z", 0);			/* 1.4.7: unknown option exits 0 */
	exits("--help", 0);		/* `-' is an unknown option */
	exits("-h", 0);
	exits("-v", 0);
	exits("-s -v", 0);		/* -v acts as soon as it is seen */
	exits("-c foo", 0);		/* not consumed, then unknown option */

	c = parse("-C /tmp/a.conf");
	ok(c.action == ACT_DAEMON && strcmp(c.config, "/tmp/a.conf") == 0,
	    "-C names the configuration, no command runs the daemon");
	c = parse("-d");
	ok(c.action == ACT_DAEMON && c.daemonize, "-d daemonises");
	c = parse("-C");
	ok(c.action == ACT_DAEMON && strcmp(c.config, "/etc/default.conf") == 0,
	    "-C without a file keeps the default and goes on");
	c = parse("-T");
	ok(c.action == ACT_TEST_CONFIG, "-T tests the configuration");
	c = parse("");
	ok(c.action == ACT_DAEMON && !c.daemonize, "no argument: foreground "
	    "daemon");

	render_uptime(up, sizeof(up), 59);
	ok(strcmp(up, "0 min") == 0, "uptime 59 s: `%s'", up);
	render_uptime(up, sizeof(up), 3 * 3600 + 7 * 60);
	ok(strcmp(up, "3 h 7 min") == 0, "uptime 3h07: `%s'", up);
	render_uptime(up, sizeof(up), 86400 + 60);
	ok(strcmp(up, "1 day 1 min") == 0, "uptime 1 day: `%s'", up);
	render_uptime(up, sizeof(up), 2 * 86400 + 3600);
	ok(strcmp(up, "2 days 1 h 0 min") == 0, "uptime 2 days: `%s'", up);
	test_entry_json();
	return done_testing();
}
