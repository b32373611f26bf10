/*
 * The control client shared by ctsyncd (conntrackd's client flags) and
 * ctsyncctl (the same flags plus readable subcommands and --json).
 */
#ifndef CTSYNCD_CLIENT_H
#define CTSYNCD_CLIENT_H

#include <limits.h>
#include <stdio.h>

enum client_action {
	ACT_DAEMON = 0,		/* no client command: run the daemon */
	ACT_REQUEST,		/* send `req' to the daemon */
	ACT_TEST_CONFIG,	/* -T */
	ACT_EXIT,		/* done already: exit with `status' */
};

struct client_cmd {
	enum client_action action;
	int		 req;		/* enum ctl_req, -1: none yet */
	int		 daemonize;	/* -d */
	int		 verbose;
	int		 status;	/* for ACT_EXIT */
	char		 config[PATH_MAX];
	int		 config_set;
};

void	client_cmd_init(struct client_cmd *, const char *default_config);
void	client_parse_conntrackd_args(struct client_cmd *, int argc,
	    char **argv);
/* format: enum render_format (render.h) */
int	client_request(const char *unix_path, int req, int format, int compat);
int	client_exchange(int fd, int req, int format, int compat, FILE *out);
int	client_exchange_within(int fd, int req, int format, int compat,
	    FILE *out, int timeout_ms);
void	client_usage(FILE *, const char *argv0);
void	client_version(FILE *);
const char *client_req_name(int req);

#endif
