/*
 * What the netlink worker keeps, written once:
 *   - uid/gid: the unprivileged ctsyncd user, no supplementary groups;
 *   - capabilities: CAP_NET_ADMIN effective+permitted, bounding set empty;
 *   - root directory: the empty chroot; no_new_privs; the allow-list below.
 * See doc/PRIVSEP.md.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/socket.h>

#include <cap-ng.h>
#include <linux/netlink.h>
#include <unistd.h>

#include "log.h"
#include "nlworker.h"
#include "sandbox.h"

void
nl_drop_privileges(const struct worker_args *a)
{
	uid_t ru, eu, su;
	int cap;

	worker_enter_chroot(a->chroot_dir);
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
	    CAP_NET_ADMIN) == -1)
		fatalx("capng_update");
	if (capng_change_id((int)a->uid, (int)a->gid,
	    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) != 0)
		fatalx("capng_change_id to uid %u failed", (unsigned)a->uid);

	/* verify: the ids changed for good and exactly one capability is left */
	if (getresuid(&ru, &eu, &su) == -1 || ru != a->uid || eu != a->uid ||
	    su != a->uid)
		fatalx("uid change did not take");
	capng_get_caps_process();
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		int want = cap == CAP_NET_ADMIN;

		if (capng_have_capability(CAPNG_EFFECTIVE, cap) != want ||
		    capng_have_capability(CAPNG_PERMITTED, cap) != want ||
		    capng_have_capability(CAPNG_BOUNDING_SET, cap))
			fatalx("capability %d not as expected after the drop",
			    cap);
	}
}

/* Arguments pinned where it matters; one group per purpose. */
static const struct sc_rule nl_allow[] = {
	/* the channel to the supervisor */
	SC_ALLOW(recvmsg, "read the channel and netlink"),
	SC_ALLOW(sendmsg, "write the channel"),
	SC_ALLOW(ppoll, "main loop"),
	SC_ALLOW(poll, "flush the channel on exit paths"),
	/* ctnetlink sockets, and only those */
	SC_ALLOW2(socket, "open ctnetlink sockets",
	    SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
	    SCMP_A2(SCMP_CMP_EQ, NETLINK_NETFILTER)),
	SC_ALLOW(bind, "bind netlink sockets"),
	SC_ALLOW(getsockname, "learn the netlink port id"),
	SC_ALLOW1(setsockopt, "netlink buffer size and options",
	    SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET)),
	SC_ALLOW1(setsockopt, "NetlinkEventsReliable; the new-entry group "
	    "left and joined around a commit",
	    SCMP_A1(SCMP_CMP_EQ, SOL_NETLINK)),
	SC_ALLOW1(getsockopt, "read the netlink buffer size",
	    SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET)),
	SC_ALLOW(sendto, "netlink requests"),
	SC_ALLOW(recvfrom, "netlink answers"),
	SC_ALLOW(recvmmsg, "conntrack events, many per call"),
	SC_ALLOW(close, "close sockets"),
	/* memory; no executable mappings */
	SC_ALLOW(brk, "malloc"),
	SC_ALLOW1(mmap, "malloc", SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
	SC_ALLOW(munmap, "free"),
	SC_ALLOW(mremap, "realloc"),
	SC_ALLOW(madvise, "free"),
	/* time, identity, signals, exit */
	SC_ALLOW(clock_gettime, "timestamps"),
	SC_ALLOW(getpid, "own pid in the health answer"),
	SC_ALLOW(rt_sigreturn, "return from the SIGTERM handler"),
	SC_ALLOW(restart_syscall, "restart after a signal"),
	SC_ALLOW(exit_group, "exit"),
	SC_ALLOW(exit, "exit"),
};

void
nl_sandbox(void)
{
	sandbox_load(nl_allow, sizeof(nl_allow) / sizeof(nl_allow[0]));
}
