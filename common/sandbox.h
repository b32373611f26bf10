/*
 * Loading a process's seccomp allow-list.  The lists themselves live next
 * to each process (netlink-worker/nl_sandbox.c, sync-worker/sync_sandbox.c)
 * so that what a process may do is read in one place.
 *
 * Default action: kill the process (SIGSYS).  Built with
 * --enable-seccomp-trap, a violation is trapped instead: the syscall fails
 * with ENOSYS and sandbox_report_trap() logs it by name.
 */
#ifndef CTSYNCD_SANDBOX_H
#define CTSYNCD_SANDBOX_H

#include <seccomp.h>
#include <stddef.h>

struct sc_rule {
	int		 nr;		/* syscall number, SCMP_SYS(name) */
	const char	*why;		/* shown when loading fails */
	unsigned int	 nargs;		/* 0: any arguments */
	struct scmp_arg_cmp args[3];
};

#define SC_ALLOW(name, why)	{ SCMP_SYS(name), why, 0, { { 0 } } }
#define SC_ALLOW1(name, why, a)	{ SCMP_SYS(name), why, 1, { a } }
#define SC_ALLOW2(name, why, a, b) { SCMP_SYS(name), why, 2, { a, b } }
#define SC_ALLOW3(name, why, a, b, c) { SCMP_SYS(name), why, 3, { a, b, c } }

void	sandbox_load(const struct sc_rule *, size_t);
void	sandbox_report_trap(void);
int	sandbox_trap_mode(void);
void	sandbox_keep_only_channel(void);

/* Every worker finds its channel to the supervisor on fd 3, and its
 * channel to the other worker on fd 4. */
#define CHANNEL_FD	3
#define PEER_FD		4

#endif
