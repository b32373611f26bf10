/*
 * ctsyncctl: control ctsyncd.  Readable subcommands from one token table,
 * or conntrackd's client flags; --json for any of them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "conf.h"
#include "keyfile.h"
#include "log.h"
#include "msgs.h"
#include "render.h"

struct subarg {
	const char	*word;
	int		 req;
};

struct command {
	const char	*name;
	int		 req;		/* without an argument */
	struct subarg	 args[10];	/* optional argument, exact words */
	const char	*help;
};

static const struct command commands[] = {
	{ "stats", REQ_STATS, { { "network", REQ_STATS_NETWORK },
	    { "cache", REQ_STATS_CACHE }, { "runtime", REQ_STATS_RUNTIME },
	    { "link", REQ_STATS_LINK }, { "rsqueue", REQ_STATS_RSQUEUE },
	    { "process", REQ_STATS_PROCESS }, { "queue", REQ_STATS_QUEUE },
	    { "expect", REQ_EXP_STATS } },
	    "[network|cache|runtime|link|rsqueue|process|queue|expect]" },
	{ "show", -1, { { "internal", REQ_CT_DUMP_INTERNAL },
	    { "external", REQ_CT_DUMP_EXTERNAL },
	    { "internal-xml", REQ_CT_DUMP_INT_XML },
	    { "external-xml", REQ_CT_DUMP_EXT_XML },
	    { "internal-expect", REQ_EXP_DUMP_INTERNAL },
	    { "external-expect", REQ_EXP_DUMP_EXTERNAL } },
	    "internal|external|internal-xml|external-xml|internal-expect|"
	    "external-expect" },
	{ "commit", REQ_ALL_COMMIT, { { "ct", REQ_CT_COMMIT },
	    { "expect", REQ_EXP_COMMIT } }, "[ct|expect]" },
	{ "flush", REQ_ALL_FLUSH_CACHE, { { "internal", REQ_CT_FLUSH_INT_CACHE },
	    { "external", REQ_CT_FLUSH_EXT_CACHE } }, "[internal|external]" },
	{ "flush-kernel", REQ_ALL_FLUSH_MASTER, { { "ct", REQ_CT_FLUSH_MASTER },
	    { "expect", REQ_EXP_FLUSH_MASTER } }, "[ct|expect]" },
	{ "resync-kernel", REQ_ALL_RESYNC_MASTER, { { "ct",
	    REQ_CT_RESYNC_MASTER }, { "expect", REQ_EXP_RESYNC_MASTER } },
	    "[ct|expect]" },
	{ "bulk-send", REQ_SEND_BULK, { { NULL, 0 } }, "" },
	{ "request-resync", REQ_REQUEST_DUMP, { { NULL, 0 } }, "" },
	{ "reset-timers", REQ_RESET_TIMERS, { { NULL, 0 } }, "" },
	{ "health", REQ_HEALTH, { { NULL, 0 } }, "" },
	{ "metrics", REQ_METRICS, { { NULL, 0 } }, "(OpenMetrics text)" },
	{ "debug", -1, { { "on", REQ_DEBUG_ON }, { "off", REQ_DEBUG_OFF } },
	    "on|off" },
	{ "kill", REQ_KILL, { { NULL, 0 } }, "" },
#ifdef TEST_HOOKS
	{ "test-seccomp", -1, { { "netlink", REQ_TEST_SECCOMP_NETLINK },
	    { "sync", REQ_TEST_SECCOMP_SYNC } }, "netlink|sync (test builds)" },
	{ "test-garbage", -1, { { "netlink", REQ_TEST_GARBAGE_NETLINK },
	    { "sync", REQ_TEST_GARBAGE_SYNC } }, "netlink|sync (test builds)" },
	{ "test-event-write", REQ_TEST_EVENT_WRITE, { { NULL, 0 } },
	    "(test builds)" },
#endif
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: ctsyncctl [-C file] [--json] command [argument]\n"
	    "       ctsyncctl [-C file] [--json] conntrackd-client-flags...\n"
	    "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %s %s\n", commands[i].name, commands[i].help);
	fprintf(fp, "  genkey (prints a new Authentication key line)\n");
}

/* A key line for Sync { Authentication { KeyFile } }; no daemon needed. */
static int
genkey(void)
{
	char line[LINK_KEY_LEN * 2 + 2];

	if (keyfile_new_line(line) == -1) {
		log_warn("genkey: no random bytes");
		return 1;
	}
	fputs(line, stdout);
	explicit_bzero(line, sizeof(line));
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Returns the request, or -1 (after a message) for a bad command line. */
static int
parse_command(int argc, char **argv)
{
	const struct command *c = NULL;
	size_t i;
	int k;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			c = &commands[i];
	if (c == NULL) {
		fprintf(stderr, "ctsyncctl: unknown command `%s'\n", argv[0]);
		return -1;
	}
	if (argc == 1) {
		if (c->req < 0)
			fprintf(stderr, "ctsyncctl: %s needs an argument: %s\n",
			    c->name, c->help);
		return c->req;
	}
	for (k = 0; argc == 2 && k < 10 && c->args[k].word; k++)
		if (strcmp(argv[1], c->args[k].word) == 0)
			return c->args[k].req;
	fprintf(stderr, "ctsyncctl: usage: %s %s\n", c->name, c->help);
	return -1;
}

int
main(int argc, char **argv)
{
	struct client_cmd cmd;
	struct conf *conf;
	char err[1024];
	char *rest[argc + 1];
	int i, nrest = 0, json = 0, req, status;

	log_init(NULL, 1);
	client_cmd_init(&cmd, CONF_DEFAULT_PATH);
	rest[nrest++] = argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "help")) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			client_version(stdout);
			return 0;
		} else if (strcmp(argv[i], "-C") == 0 && i + 1 < argc) {
			snprintf(cmd.config, sizeof(cmd.config), "%s", argv[++i]);
		} else
			rest[nrest++] = argv[i];
	}
	if (nrest == 1) {
		usage(stderr);
		return 1;
	}
	if (nrest == 2 && strcmp(rest[1], "genkey") == 0)
		return genkey();
	if (rest[1][0] == '-') {
		client_parse_conntrackd_args(&cmd, nrest, rest);
		if (cmd.action == ACT_EXIT)
			return cmd.status;
		if (cmd.action != ACT_REQUEST) {
			usage(stderr);
			return 1;
		}
		req = cmd.req;
	} else if ((req = parse_command(nrest - 1, rest + 1)) < 0)
		return 1;
	if ((conf = conf_parse(cmd.config, NULL, err, sizeof(err))) == NULL) {
		log_errx("%s", err);
		return 1;
	}
	status = client_request(conf->unix_path, req, req == REQ_METRICS &&
	    !json ? RENDER_METRICS : json ? RENDER_JSON : RENDER_TEXT, 0);
	conf_free(conf);
	return status;
}
