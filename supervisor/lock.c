/*
 * The lock file: flock()ed, holding our pid.  A crash releases the lock
 * with the process, so a stale file never blocks the next start.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "supervisor.h"

static void
read_holder(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Returns the locked fd, or -1 (logged) if another daemon holds it. */
int
lock_acquire(const char *path)
{
	char pid[32];
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		log_warn("cannot open lock file `%s'", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			read_holder(fd, pid, sizeof(pid));
			log_errx("lockfile `%s' is held by pid %s, perhaps "
			    "ctsyncd is already running?", path,
			    pid[0] ? pid : "?");
		} else
			log_warn("cannot lock `%s'", path);
		close(fd);
		return -1;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, strlen(pid), 0) == -1)
		log_warn("cannot write pid to `%s'", path);
	return fd;
}

/* On clean exit: remove the file, then drop the lock. */
void
lock_release(int fd, const char *path)
{
	if (fd < 0)
		return;
	unlink(path);
	close(fd);
}
