/*
 * conntrackd's client, implemented once: the argument rules of cli.md
 * section 2 and the exchange with the daemon over the control socket.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "msgs.h"
#include "render.h"

#define CLIENT_TIMEOUT_MS	(10 * 60 * 1000)	/* a commit may be long */

void
client_cmd_init(struct client_cmd *cmd, const char *default_config)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->action = ACT_DAEMON;
	cmd->req = -1;
	snprintf(cmd->config, sizeof(cmd->config), "%s", default_config);
}

void
client_version(FILE *fp)
{
	fprintf(fp, "ctsyncd v%s, privilege-separated connection tracking "
	    "sync daemon (conntrackd 1.4.7 compatible).\n", PACKAGE_VERSION);
	fprintf(fp, "Each process holds only the privilege it needs; see "
	    "ctsyncd(8).\n");
}

void
client_usage(FILE *fp, const char *argv0)
{
	fprintf(fp, "ctsyncd v%s, conntrackd 1.4.7 compatible\n"
	    "Usage: %s [commands] [options]\n\n"
	    "General commands:\n"
	    "  -d, run in daemon mode\n"
	    "  -C [configfile], configuration file path\n"
	    "  -T, test the configuration file and print it normalised\n"
	    "  -v, display version information\n"
	    "  -h, display this help information\n\n"
	    "Client mode commands:\n"
	    "  -c [ct|expect], commit external cache to conntrack table\n"
	    "  -f [|internal|external], flush internal and external cache\n"
	    "  -F [ct|expect], flush kernel conntrack table\n"
	    "  -i [ct|expect], display content of the internal cache\n"
	    "  -e [ct|expect], display the content of the external cache\n"
	    "  -k, kill conntrack daemon\n"
	    "  -s  [|network|cache|runtime|link|rsqueue|process|queue|ct|"
	    "expect], dump statistics\n"
	    "  -R [ct|expect], resync with kernel conntrack table\n"
	    "  -n, request resync with other node (only FT-FW and NOTRACK "
	    "modes)\n"
	    "  -B, force a bulk send to other replica firewalls\n"
	    "  -x, dump cache in XML format (requires -i or -e)\n"
	    "  -t, reset the kernel timeout (see PurgeTimeout clause)\n",
	    PACKAGE_VERSION, argv0);
}

/*
 * The next argument, if it does not start with '-', is matched by prefix
 * against `cands'.  Returns the index matched, -1 if there is no candidate
 * argument, -2 if it matched nothing (it is then not consumed).
 */
static int
sub_arg(int argc, char **argv, int *i, const char *const *cands, int n)
{
	const char *a;
	int k;

	if (*i + 1 >= argc || argv[*i + 1][0] == '-')
		return -1;
	a = argv[*i + 1];
	for (k = 0; k < n; k++)
		if (strncmp(a, cands[k], strlen(a)) == 0) {
			(*i)++;
			return k;
		}
	return -2;
}

static void
set_exit(struct client_cmd *cmd, int status)
{
	cmd->action = ACT_EXIT;
	cmd->status = status;
}

static void
invalid(struct client_cmd *cmd, const char *argv0, const char *msg)
{
	client_usage(stdout, argv0);
	log_errx("%s", msg);
	set_exit(cmd, 1);
}

/* -c -i -e -F -R: optional `ct' or `expect'. */
static int
ct_or_expect(int argc, char **argv, int *i, int ct_req, int exp_req,
    int none_req)
{
	static const char *const cands[] = { "ct", "expect" };

	switch (sub_arg(argc, argv, i, cands, 2)) {
	case 0: return ct_req;
	case 1: return exp_req;
	}
	return none_req;
}

static int
stats_arg(struct client_cmd *cmd, int argc, char **argv, int *i)
{
	static const char *const cands[] = { "network", "cache", "runtime",
	    "multicast", "link", "rsqueue", "process", "queue", "ct",
	    "expect" };
	static const int reqs[] = { REQ_STATS_NETWORK, REQ_STATS_CACHE,
	    REQ_STATS_RUNTIME, REQ_STATS_LINK, REQ_STATS_LINK,
	    REQ_STATS_RSQUEUE, REQ_STATS_PROCESS, REQ_STATS_QUEUE, REQ_STATS,
	    REQ_EXP_STATS };
	int k = sub_arg(argc, argv, i, cands, 10);

	if (k == -1)
		return REQ_STATS;
	if (k == -2) {
		log_errx("unknown parameter `%s' for option `-s'",
		    argv[*i + 1]);
		set_exit(cmd, 1);
		return -1;
	}
	if (k == 3)
		log_warnx("use `link' instead of `multicast' as parameter.");
	return reqs[k];
}

static int
flush_arg(struct client_cmd *cmd, int argc, char **argv, int *i)
{
	static const char *const cands[] = { "internal", "external" };
	int k = sub_arg(argc, argv, i, cands, 2);

	if (k == -1)
		return REQ_ALL_FLUSH_CACHE;
	if (k == -2) {
		log_errx("unknown parameter `%s' for option `-f'",
		    argv[*i + 1]);
		set_exit(cmd, 1);
		return -1;
	}
	return k == 0 ? REQ_CT_FLUSH_INT_CACHE : REQ_CT_FLUSH_EXT_CACHE;
}

static int
xml_of(int req)
{
	switch (req) {
	case REQ_CT_DUMP_INTERNAL: return REQ_CT_DUMP_INT_XML;
	case REQ_CT_DUMP_EXTERNAL: return REQ_CT_DUMP_EXT_XML;
	case REQ_EXP_DUMP_INTERNAL: return REQ_EXP_DUMP_INT_XML;
	case REQ_EXP_DUMP_EXTERNAL: return REQ_EXP_DUMP_EXT_XML;
	}
	return -1;
}

/* One option; returns the request it asks for, or -1 for none. */
static int
parse_one(struct client_cmd *cmd, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];

	/* like conntrackd, only the second character is looked at */
	switch (arg[0] ? arg[1] : '\0') {
	case 'd':
		cmd->daemonize = 1;
		return -1;
	case 'c':
		return ct_or_expect(argc, argv, i, REQ_CT_COMMIT, REQ_EXP_COMMIT,
		    REQ_ALL_COMMIT);
	case 'i':
		return ct_or_expect(argc, argv, i, REQ_CT_DUMP_INTERNAL,
		    REQ_EXP_DUMP_INTERNAL, REQ_CT_DUMP_INTERNAL);
	case 'e':
		return ct_or_expect(argc, argv, i, REQ_CT_DUMP_EXTERNAL,
		    REQ_EXP_DUMP_EXTERNAL, REQ_CT_DUMP_EXTERNAL);
	case 'F':
		return ct_or_expect(argc, argv, i, REQ_CT_FLUSH_MASTER,
		    REQ_EXP_FLUSH_MASTER, REQ_ALL_FLUSH_MASTER);
	case 'R':
		return ct_or_expect(argc, argv, i, REQ_CT_RESYNC_MASTER,
		    REQ_EXP_RESYNC_MASTER, REQ_ALL_RESYNC_MASTER);
	case 'x':
		if (xml_of(cmd->req) < 0) {
			invalid(cmd, argv[0], "Invalid parameters");
			return -1;
		}
		return xml_of(cmd->req);
	case 'f': return flush_arg(cmd, argc, argv, i);
	case 's': return stats_arg(cmd, argc, argv, i);
	case 'B': return REQ_SEND_BULK;
	case 'n': return REQ_REQUEST_DUMP;
	case 'k': return REQ_KILL;
	case 't': return REQ_RESET_TIMERS;
	case 'C':
		if (*i + 1 >= argc) {
			client_usage(stdout, argv[0]);
			log_errx("Missing config filename");
			return -1;
		}
		if (strlen(argv[*i + 1]) >= sizeof(cmd->config))
			log_warnx("Path to config file too long. Cutting it "
			    "down to %zu characters", sizeof(cmd->config) - 1);
		snprintf(cmd->config, sizeof(cmd->config), "%s", argv[++*i]);
		cmd->config_set = 1;
		return -1;
	case 'T':
		cmd->action = ACT_TEST_CONFIG;
		return -1;
	case 'v':
		client_version(stdout);
		set_exit(cmd, 0);
		return -1;
	case 'h':
		client_usage(stdout, argv[0]);
		set_exit(cmd, 0);
		return -1;
	}
	client_usage(stdout, argv[0]);
	log_errx("Unknown option: %s", arg);
	set_exit(cmd, 0);	/* conntrackd 1.4.7 exits 0 here */
	return -1;
}

void
client_parse_conntrackd_args(struct client_cmd *cmd, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && cmd->action != ACT_EXIT; i++) {
		int req = parse_one(cmd, argc, argv, &i);

		if (req >= 0)
			cmd->req = req;
	}
	if (cmd->action == ACT_EXIT)
		return;
	if (cmd->req >= 0 && (cmd->daemonize || cmd->action == ACT_TEST_CONFIG)) {
		invalid(cmd, argv[0], "Invalid parameters");
		return;
	}
	if (cmd->req >= 0)
		cmd->action = ACT_REQUEST;
}

const char *
client_req_name(int req)
{
	switch (req) {
	case REQ_STATS: return "stats";
	case REQ_STATS_NETWORK: return "stats network";
	case REQ_STATS_CACHE: return "stats cache";
	case REQ_STATS_RUNTIME: return "stats runtime";
	case REQ_STATS_LINK: return "stats link";
	case REQ_STATS_RSQUEUE: return "stats rsqueue";
	case REQ_STATS_PROCESS: return "stats process";
	case REQ_STATS_QUEUE: return "stats queue";
	case REQ_EXP_STATS: return "stats expect";
	case REQ_KILL: return "kill";
	case REQ_HEALTH: return "health";
	case REQ_METRICS: return "metrics";
	case REQ_DEBUG_ON: return "debug on";
	case REQ_DEBUG_OFF: return "debug off";
	case REQ_ALL_COMMIT: case REQ_CT_COMMIT: return "commit";
	case REQ_EXP_COMMIT: return "commit expect";
	case REQ_CT_DUMP_INTERNAL: case REQ_CT_DUMP_INT_XML:
		return "show internal";
	case REQ_CT_DUMP_EXTERNAL: case REQ_CT_DUMP_EXT_XML:
		return "show external";
	case REQ_EXP_DUMP_INTERNAL: case REQ_EXP_DUMP_INT_XML:
		return "show internal expect";
	case REQ_EXP_DUMP_EXTERNAL: case REQ_EXP_DUMP_EXT_XML:
		return "show external expect";
	case REQ_ALL_FLUSH_CACHE: case REQ_CT_FLUSH_CACHE: return "flush";
	case REQ_CT_FLUSH_INT_CACHE: return "flush internal";
	case REQ_CT_FLUSH_EXT_CACHE: return "flush external";
	case REQ_ALL_FLUSH_MASTER: case REQ_CT_FLUSH_MASTER:
		return "flush kernel";
	case REQ_EXP_FLUSH_MASTER: return "flush kernel expect";
	case REQ_ALL_RESYNC_MASTER: case REQ_CT_RESYNC_MASTER:
		return "resync kernel";
	case REQ_EXP_RESYNC_MASTER: return "resync kernel expect";
	case REQ_SEND_BULK: return "bulk send";
	case REQ_REQUEST_DUMP: return "request resync";
	case REQ_RESET_TIMERS: return "reset timers";
	case REQ_TEST_SECCOMP_NETLINK: return "test seccomp netlink";
	case REQ_TEST_SECCOMP_SYNC: return "test seccomp sync";
	case REQ_TEST_GARBAGE_NETLINK: return "test garbage netlink";
	case REQ_TEST_GARBAGE_SYNC: return "test garbage sync";
	case REQ_TEST_EVENT_WRITE: return "test event write";
	}
	return "unknown";
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Handle one answer message; returns 1 once the request is done. */
static int
client_handle(struct render *r, const struct msg *m, int *status)
{
	struct stats_block b;
	char text[CTL_MSG_MAX];
	uint32_t st, id;

	switch (m->type) {
	case MSG_STATS_BLOCK:
		if (msg_recv_stats_block(m, &id, &b) == -1)
			return *status = -1, 1;
		render_block(r, &b);
		return 0;
	case MSG_CTL_TEXT:
		if (msg_recv_ctl_text(m, &id, text, sizeof(text)) == -1)
			return *status = -1, 1;
		render_text(r, text);
		return 0;
	case MSG_CTL_DONE:
		if (msg_recv_ctl_done(m, &st, text, sizeof(text)) == -1)
			return *status = -1, 1;
		render_end(r, (int)st, text);
		if (st != CTL_OK && !r->json && text[0])
			log_errx("%s", text);
		*status = (int)st;
		return 1;
	}
	return *status = -1, 1;
}

/*
 * Send `req' on a connection to the daemon and print the answer on
 * `out'.  Returns the exit status: conntrackd's rules in `compat' mode (a
 * delivered request exits 0 even if the daemon failed it), else non-zero
 * for any failure.  A request the daemon does not support yet exits 1 in
 * both modes.  What the daemon answers is checked as any input is
 * (tests/fuzz/fuzz_control.c feeds it).
 */
int
client_exchange(int fd, int req, int format, int compat, FILE *out)
{
	return client_exchange_within(fd, req, format, compat, out,
	    CLIENT_TIMEOUT_MS);
}

/* The same, giving up when the daemon is silent for `timeout_ms'. */
int
client_exchange_within(int fd, int req, int format, int compat, FILE *out,
    int timeout_ms)
{
	struct render r;
	struct chan c;
	struct msg m;
	const char *why;
	int status = -2, done = 0;

	chan_init(&c, fd, "daemon", CTL_MSG_MAX, MSG_BIT(MSG_STATS_BLOCK) |
	    MSG_BIT(MSG_CTL_TEXT) | MSG_BIT(MSG_CTL_DONE), 0);
	msg_send_ctl_request(&c, (uint32_t)req, 0);
	chan_flush_all(&c);
	render_begin(&r, out, format, client_req_name(req));
	/* the plain dumps' lines become objects in JSON */
	r.entries = req == REQ_CT_DUMP_INTERNAL || req == REQ_CT_DUMP_EXTERNAL ||
	    req == REQ_EXP_DUMP_INTERNAL || req == REQ_EXP_DUMP_EXTERNAL;
	while (!done) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;
		if ((n = chan_read(&c)) == 0)
			break;
		while (!done && (n = chan_get(&c, &m, &why)) == 1)
			done = client_handle(&r, &m, &status);
		if (n == -1 && !done) {
			log_errx("malformed answer from the daemon: %s", why);
			break;
		}
	}
	chan_free(&c);
	if (status == -2 && req == REQ_KILL) {
		status = CTL_OK;	/* the daemon may close as it exits */
		render_end(&r, CTL_OK, "");
	}
	if (status < 0) {
		const char *what = status == -1 ?
		    "malformed answer from the daemon" :
		    "the daemon closed the connection before answering";

		log_errx("%s", what);
		render_end(&r, CTL_ERR, what);	/* JSON stays whole */
		return 1;
	}
	if (status == CTL_NOTSUP)
		return 1;
	return compat ? 0 : status != CTL_OK;
}

/* `req' to the daemon listening on `unix_path', its answer on stdout. */
int
client_request(const char *unix_path, int req, int format, int compat)
{
	int fd, status;

	if ((fd = ctl_connect(unix_path)) == -1) {
		const char *why = "can't connect: is ctsyncd running? "
		    "appropriate permissions?";

		log_errx("%s", why);
		if (format == RENDER_JSON) {	/* the answer a script parses */
			struct render r;

			render_begin(&r, stdout, format, client_req_name(req));
			render_end(&r, CTL_ERR, why);
		}
		return 1;
	}
	status = client_exchange(fd, req, format, compat, stdout);
	close(fd);
	return status;
}
