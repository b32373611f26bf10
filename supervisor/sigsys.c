/*
 * Which system call killed a worker.  A seccomp kill is recorded by the
 * kernel's audit code (type=1326, with the pid and the syscall number) in
 * the kernel log.  The supervisor opens /dev/kmsg at start, positioned at
 * its end, and when a worker dies of SIGSYS reads the new records for that
 * pid.  Where the record cannot be had (no /dev/kmsg, auditd taking the
 * records), the report simply lacks the call.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisor.h"

#define KMSG_RECORD_MAX	8192
#define KMSG_SCAN_MAX	4096	/* records read at most per lookup */
#define KMSG_WAIT_TRIES	20	/* ... times KMSG_WAIT_MS for the record */
#define KMSG_WAIT_MS	50

int
sigsys_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) == -1) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The number after `key' in `rec', or -1. */
static long
field(const char *rec, const char *key)
{
	const char *p = strstr(rec, key);
	char *end;
	long v;

	if (p == NULL)
		return -1;
	p += strlen(key);
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || end == p || v < 0)
		return -1;
	return v;
}

/* The syscall number in the new records, or -1 if none names `pid'. */
static long
scan(int fd, pid_t pid)
{
	char rec[KMSG_RECORD_MAX];
	long nr = -1;
	int i;

	for (i = 0; i < KMSG_SCAN_MAX; i++) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n == -1 && errno == EPIPE)
			continue;	/* records were overwritten: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (strstr(rec, "type=1326") && field(rec, " pid=") == pid &&
		    field(rec, " sig=") == 31)
			nr = field(rec, " syscall=");
	}
	return nr;
}

/*
 * The kernel's audit records reach its log through the kauditd thread,
 * so the record may come just after we reaped the worker: wait a little
 * (the daemon is stopping anyway when a worker died).
 */
static long
find_syscall(int fd, pid_t pid)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long nr;
	int tries;

	for (tries = 0; (nr = scan(fd, pid)) < 0 && tries < KMSG_WAIT_TRIES;
	    tries++)
		poll(&pfd, 1, KMSG_WAIT_MS);
	return nr;
}

/* Append " (forbidden system call NAME, number N)" when known. */
void
sigsys_describe(int fd, pid_t pid, char *buf, size_t len)
{
	long nr;
	char *name;
	size_t used = strlen(buf);

	if (fd < 0 || (nr = find_syscall(fd, pid)) < 0 || used >= len)
		return;
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)nr);
	snprintf(buf + used, len - used, ": forbidden system call %s "
	    "(number %ld)", name ? name : "?", nr);
	free(name);
}
