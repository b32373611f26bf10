#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

static volatile sig_atomic_t trapped_nr = -1;

int
sandbox_trap_mode(void)
{
#ifdef SECCOMP_TRAP_MODE
	return 1;
#else
	return 0;
#endif
}

#ifdef SECCOMP_TRAP_MODE
/* Development mode: remember the syscall and make it fail with ENOSYS. */
static void
sigsys_handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	trapped_nr = si->si_syscall;
#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
#elif defined(__aarch64__)
	uc->uc_mcontext.regs[0] = -ENOSYS;
#else
	(void)uc;
#endif
}
#endif

/* Log a trapped violation from the main loop (never from the handler). */
void
sandbox_report_trap(void)
{
	char *name;
	int nr = trapped_nr;

	if (nr < 0)
		return;
	trapped_nr = -1;
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	log_warnx("seccomp: trapped forbidden syscall %s (%d)",
	    name ? name : "?", nr);
	free(name);
}

void
sandbox_load(const struct sc_rule *rules, size_t n)
{
	scmp_filter_ctx ctx;
	uint32_t deflt = SCMP_ACT_KILL_PROCESS;
	size_t i;
	int rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_NO_NEW_PRIVS)");
#ifdef SECCOMP_TRAP_MODE
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = sigsys_handler;
		sa.sa_flags = SA_SIGINFO;
		if (sigaction(SIGSYS, &sa, NULL) == -1)
			fatal("sigaction(SIGSYS)");
		deflt = SCMP_ACT_TRAP;
	}
#endif
	if ((ctx = seccomp_init(deflt)) == NULL)
		fatalx("seccomp_init failed");
	for (i = 0; i < n; i++) {
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, rules[i].nr,
		    rules[i].nargs, rules[i].nargs ? rules[i].args : NULL);
		if (rc < 0)
			fatalx("seccomp: cannot allow syscall %d (%s): %s",
			    rules[i].nr, rules[i].why, strerror(-rc));
	}
	if ((rc = seccomp_load(ctx)) < 0)
		fatalx("seccomp_load: %s", strerror(-rc));
	seccomp_release(ctx);
}

/*
 * A worker keeps only its two channels (fds 3 and 4): stdin, stdout and
 * stderr are closed too, so nothing can be written to a terminal or file
 * by mistake.
 */
void
sandbox_keep_only_channel(void)
{
	close(0);
	close(1);
	close(2);
	if (close_range(PEER_FD + 1, ~0U, 0) == -1)
		fatal("close_range");
}
