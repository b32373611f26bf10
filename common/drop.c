/*
 * The drop to the workers' unprivileged user with no capability left,
 * shared by the sync worker and the Metrics listener (the netlink worker
 * keeps CAP_NET_ADMIN: nl_sandbox.c).  Its own object file, so that only
 * the programs that call it link libcap-ng for it.
 */
#include "config.h"

#include <cap-ng.h>
#include <unistd.h>

#include "log.h"
#include "worker.h"

void
worker_drop_to_user(const struct worker_args *a)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	worker_enter_chroot(a->chroot_dir);
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_change_id((int)a->uid, (int)a->gid,
	    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) != 0)
		fatalx("capng_change_id to uid %u failed", (unsigned)a->uid);

	/* verify: ids changed for good, no capability anywhere */
	if (getresuid(&ru, &eu, &su) == -1 || ru != a->uid || eu != a->uid ||
	    su != a->uid || getresgid(&rg, &eg, &sg) == -1 || rg != a->gid ||
	    eg != a->gid || sg != a->gid)
		fatalx("id change did not take");
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_BOTH) != CAPNG_NONE)
		fatalx("capabilities left after the drop");
}
