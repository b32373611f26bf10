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
	/* commit child only */
	uint32_t	 commit_timeout;	/* -T, CommitTimeout */
	int		 window_tracking;	/* -W, TCPWindowTracking */
	int		 flush;			/* -F: flush the table instead */
	int		 flush_filtered;	/* -L: what the Filter accepts */
	int		 flush_exp;		/* -E: the expectations too */
	int		 flush_no_ct;		/* -N: expectations only */
};

void	worker_start(struct chan *, const char *procname, int argc,
	    char **argv, struct worker_args *, uint64_t accept,
	    uint64_t accept_fd);
void	worker_peer_start(struct chan *, const char *peer, uint64_t accept,
	    uint64_t accept_fd);
void	worker_peer_attach(struct chan *, int fd, const char *peer,
	    uint64_t accept,
	    uint64_t accept_fd);
void	worker_peer_detach(struct chan *);
int	worker_peer_socket(const struct msg *, int configured, int peer_up);
void	worker_pong(struct chan *, const struct msg *);
uint64_t worker_test_types(void);
void	worker_test_seccomp(const struct msg *);
void	worker_test_garbage(struct chan *, const struct msg *);
int	worker_common_msg(struct chan *, const struct msg *);
void	worker_signals(sigset_t *waitmask);
int	worker_should_stop(void);
void	worker_enter_chroot(const char *dir);
/* chroot, the workers' user, no capability left (common/drop.c) */
void	worker_drop_to_user(const struct worker_args *);
int	worker_read(struct chan *, const char *from,
	    void (*handle)(void *, const struct msg *), void *arg);

#endif
