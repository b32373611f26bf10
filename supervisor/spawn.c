/*
 * Starting workers: fork, then exec the worker binary by absolute path so
 * that it gets a fresh address space and none of our fds but its channel.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"
#include "supervisor.h"

static void
reset_signals(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

#ifdef TEST_HOOKS
/*
 * Test builds: CTSYNCD_TEST_RLIMIT_AS=<binary>:<bytes> caps the address
 * space of the first process started from that binary
 * (tests/faults/memory-limit.sh: a worker at its memory limit; lowering
 * one's own limit needs no privilege, another process's would need
 * CAP_SYS_RESOURCE).  Its successors, after a death, run without.
 * Returns the cap for the child to set, or 0.
 */
static rlim_t
test_rlimit_as(struct sup *s, const char *binary)
{
	const char *v = getenv("CTSYNCD_TEST_RLIMIT_AS"), *colon;

	if (v == NULL || s->test_rlimit_used ||
	    (colon = strchr(v, ':')) == NULL ||
	    strncmp(v, binary, (size_t)(colon - v)) != 0 ||
	    binary[colon - v] != '\0')
		return 0;
	s->test_rlimit_used = 1;
	log_warnx("test hook: %s limited to %s bytes of address space",
	    binary, colon + 1);
	return (rlim_t)strtoull(colon + 1, NULL, 10);
}

static void
test_rlimit_set(rlim_t cap)
{
	struct rlimit r = { cap, cap };

	if (cap != 0 && setrlimit(RLIMIT_AS, &r) == -1)
		_exit(126);
}
#else
static rlim_t test_rlimit_as(struct sup *s, const char *b) { (void)s; (void)b; return 0; }
static void test_rlimit_set(rlim_t cap) { (void)cap; }
#endif

/*
 * Start `binary' from libexecdir with its channel on fd 3, the other
 * channel on fd 4, and the workers' ids and chroot as arguments, then
 * `extra' ones.
 */
pid_t
spawn(struct sup *s, const char *binary, int chanfd, int peerfd,
    const char *const *extra)
{
	char path[PATH_MAX], uid[16], gid[16];
	char *argv[16];
	int argc = 0;
	rlim_t cap = test_rlimit_as(s, binary);
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", s->libexecdir, binary);
	snprintf(uid, sizeof(uid), "%u", (unsigned)s->uid);
	snprintf(gid, sizeof(gid), "%u", (unsigned)s->gid);
	argv[argc++] = path;
	argv[argc++] = "-u";
	argv[argc++] = uid;
	argv[argc++] = "-g";
	argv[argc++] = gid;
	argv[argc++] = "-r";
	argv[argc++] = s->conf->chroot_dir;
	if (s->verbose)
		argv[argc++] = "-v";
	while (extra && *extra && argc < 15)
		argv[argc++] = (char *)*extra++;
	argv[argc] = NULL;

	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		reset_signals();
		test_rlimit_set(cap);
		/* dup2 clears close-on-exec: the channels are all it inherits */
		if (peerfd == CHANNEL_FD && (peerfd = dup(peerfd)) == -1)
			_exit(126);
		if (dup2(chanfd, CHANNEL_FD) == -1 ||
		    dup2(peerfd, PEER_FD) == -1)
			_exit(126);
		execv(path, argv);
		fprintf(stderr, "ctsyncd: cannot execute %s: %s\n", path,
		    strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Say how a child ended, for the log. */
void
describe_exit(int status, char *buf, size_t len)
{
	if (WIFEXITED(status)) {
		int code = WEXITSTATUS(status);

		snprintf(buf, len, "exited with status %d%s", code,
		    code == 127 ? " (could not be executed)" : "");
	} else if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		snprintf(buf, len, "was killed by signal %d (SIG%s)%s", sig,
		    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
		    sig == SIGSYS ? ": seccomp violation, a system call "
		    "outside its allow-list" : "");
	} else
		snprintf(buf, len, "ended with status 0x%x", status);
}
