/*
 * What the sync worker keeps, written once:
 *   - uid/gid: the unprivileged ctsyncd user, no supplementary groups;
 *   - capabilities: none, bounding set empty;
 *   - root directory: the empty chroot; no_new_privs; the allow-list below.
 * See doc/PRIVSEP.md.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <unistd.h>

#include "log.h"
#include "sandbox.h"
#include "syncworker.h"

void
sync_drop_privileges(const struct worker_args *a)
{
	worker_drop_to_user(a);		/* common/drop.c */
}

/* Arguments pinned where it matters; one group per purpose. */
static const struct sc_rule sync_allow[] = {
	/* the channel to the supervisor, and the link sockets it passed */
	SC_ALLOW(recvmsg, "read the channel and link sockets"),
	SC_ALLOW(sendmsg, "write the channel"),
	SC_ALLOW(recvfrom, "receive datagrams and TCP streams"),
	SC_ALLOW(recvmmsg, "conntrack events, many per call"),
	SC_ALLOW(sendto, "send datagrams and on TCP links"),
	SC_ALLOW(accept4, "take the peer's connection to a TCP link"),
	SC_ALLOW2(getsockopt, "learn whether a TCP link connected",
	    SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET), SCMP_A2(SCMP_CMP_EQ, SO_ERROR)),
	SC_ALLOW(getsockname, "learn a multicast link's own address"),
	SC_ALLOW(ppoll, "main loop"),
	SC_ALLOW(poll, "flush the channel on exit paths"),
	SC_ALLOW(close, "close sockets"),
	SC_ALLOW1(ioctl, "read a link's interface flags",
	    SCMP_A1(SCMP_CMP_EQ, SIOCGIFFLAGS)),
	SC_ALLOW1(ioctl, "read a link's MTU",
	    SCMP_A1(SCMP_CMP_EQ, SIOCGIFMTU)),
	/* memory; no executable mappings */
	SC_ALLOW(brk, "malloc"),
	SC_ALLOW1(mmap, "malloc, the caches' regions (objpool.c)",
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
	SC_ALLOW(munmap, "free"),
	SC_ALLOW(mremap, "realloc"),
	SC_ALLOW(madvise, "free, populate a cache region ahead"),
	/* time, identity, signals, exit */
	SC_ALLOW(clock_gettime, "timestamps"),
	SC_ALLOW(getpid, "own pid in the health answer"),
	SC_ALLOW(rt_sigreturn, "return from the SIGTERM handler"),
	SC_ALLOW(restart_syscall, "restart after a signal"),
	SC_ALLOW(exit_group, "exit"),
	SC_ALLOW(exit, "exit"),
};

void
sync_sandbox(void)
{
	sandbox_load(sync_allow, sizeof(sync_allow) / sizeof(sync_allow[0]));
}
