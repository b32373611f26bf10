/*
 * ctsyncd: conntrackd's command line.  With -d or no command it is the
 * daemon (the supervisor); with -T it checks the configuration; with a
 * client flag it is conntrackd's client (ctl/client.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "conf.h"
#include "log.h"
#include "supervisor.h"

static void
warn_to_log(const char *msg)
{
	log_warnx("%s", msg);
}

/* -T prints diagnostics plainly, `file:line: message', one per line. */
static void
warn_plain(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

static void
open_log_targets(const struct conf *c)
{
	if (c->logfile[0] && log_open_file(c->logfile) == -1)
		log_warn("cannot open LogFile %s", c->logfile);
	if (c->syslog_facility >= 0)
		log_set_syslog(c->syslog_facility);
}

/* -T: the KeyFile is part of the configuration, checked as at start. */
static int
test_key_file(const struct conf *c)
{
	struct link_keys k;
	char err[PATH_MAX + 256];

	if (!c->sync.auth)
		return 0;
	if (keyfile_load(c->auth_keyfile, &k, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	link_keys_wipe(&k);
	return 0;
}

int
main(int argc, char **argv)
{
	struct client_cmd cmd;
	struct conf *conf;
	char err[1024];
	int test = 0, status;

	log_init(NULL, 1);
	log_set_procname(NULL);
	client_cmd_init(&cmd, CONF_DEFAULT_PATH);
	client_parse_conntrackd_args(&cmd, argc, argv);
	if (cmd.action == ACT_EXIT)
		return cmd.status;
	test = cmd.action == ACT_TEST_CONFIG;
	conf = conf_parse(cmd.config, test ? warn_plain :
	    cmd.action == ACT_DAEMON ? warn_to_log : NULL, err, sizeof(err));
	if (conf == NULL) {
		if (test)
			fprintf(stderr, "%s\n", err);
		else
			log_errx("%s", err);
		return 1;
	}
	switch (cmd.action) {
	case ACT_TEST_CONFIG:
		status = test_key_file(conf);
		if (status == 0)
			conf_print(conf, stdout);
		break;
	case ACT_REQUEST:
		status = client_request(conf->unix_path, cmd.req, 0, 1);
		break;
	default:
		if (geteuid() != 0) {
			log_errx("ctsyncd must be started as root: it drops "
			    "privileges itself");
			status = 1;
			break;
		}
		open_log_targets(conf);
		status = supervisor_run(conf, cmd.daemonize, cmd.verbose);
	}
	conf_free(conf);
	return status;
}
