/*
 * What every worker does the same way before its own work: read its
 * start-up arguments, forward its log lines to the supervisor over the
 * channel on CHANNEL_FD, and turn SIGTERM into a flag.
 */
#ifndef CTSYNCD_WORKER_H
#define CTSYNCD_WORKER_H

#include <sys/types.h>

#include <signal.h>

#include "msg.h"

struct worker_args {
	uid_t		 uid;
	gid_t		 gid;
	const char	*chroot_dir;
	int		 verbose;
};

void	worker_parse_args(int argc, char **argv, struct worker_args *);
void	worker_log_setup(struct chan *, const char *procname, int verbose);
void	worker_signals(sigset_t *waitmask);
int	worker_should_stop(void);
void	worker_enter_chroot(const char *dir);

#endif
