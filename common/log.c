/*
 * Logging: one module-private state, set once by each process at start-up.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 1024

static struct {
	const char	*procname;
	int		 console;
	int		 journal;	/* stderr is systemd's journal stream */
	int		 verbose;
	FILE		*file;
	int		 syslog_on;
	log_forward_fn	 forward;
	void		*forward_arg;
	void		(*fatal_hook)(void);
} logst = { .procname = "ctsyncd" };

/*
 * Whether stderr is the journal stream systemd gave us (JOURNAL_STREAM
 * names its device and inode): then a line carries its priority as
 * "<N>", which journald reads, and no time stamp (journald adds one).
 */
static int
stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return e != NULL && sscanf(e, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(2, &st) == 0 && (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *procname, int to_console)
{
	logst.procname = procname;
	logst.console = to_console;
	logst.journal = to_console && stderr_is_journal();
}

void log_set_procname(const char *procname) { logst.procname = procname; }
void log_set_file(FILE *fp) { logst.file = fp; }

/*
 * The LogFile (re)opened at `path', line-buffered: after a rotation the
 * next line goes to the new file.  If it cannot be opened, the old one
 * stays; -1.
 */
int
log_open_file(const char *path)
{
	FILE *fp = fopen(path, "ae");

	if (fp == NULL)
		return -1;
	setvbuf(fp, NULL, _IOLBF, 0);
	if (logst.file != NULL)
		fclose(logst.file);
	logst.file = fp;
	return 0;
}
void log_set_console(int on) { logst.console = on; }
void log_set_verbose(int on) { logst.verbose = on; }
void log_set_fatal_hook(void (*hook)(void)) { logst.fatal_hook = hook; }

void
log_set_syslog(int facility)
{
	if (logst.syslog_on)
		closelog();
	logst.syslog_on = facility >= 0;
	if (logst.syslog_on)
		openlog("ctsyncd", LOG_PID, facility);
}

void
log_set_forward(log_forward_fn fn, void *arg)
{
	logst.forward = fn;
	logst.forward_arg = arg;
}

const char *
log_level_name(int level)
{
	switch (level) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR:
		return "ERROR";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void
log_emit(int level, int pid, const char *procname, const char *msg)
{
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;

	if (level == LOG_DEBUG && !logst.verbose)
		return;
	/* ctime() format without its newline, as conntrackd prints it */
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		strcpy(stamp, "?");
	if (logst.console && logst.journal) {
		fprintf(stderr, "<%d>%s%s%s\n", level, procname ? procname : "",
		    procname ? ": " : "", msg);
		fflush(stderr);
	} else if (logst.console) {
		FILE *out = level <= LOG_WARNING ? stderr : stdout;
		fprintf(out, "[%s] (pid=%d) [%s] %s%s%s\n", stamp, pid,
		    log_level_name(level), procname ? procname : "",
		    procname ? ": " : "", msg);
		fflush(out);
	}
	if (logst.file) {
		fprintf(logst.file, "[%s] (pid=%d) [%s] %s%s%s\n", stamp, pid,
		    log_level_name(level), procname ? procname : "",
		    procname ? ": " : "", msg);
		fflush(logst.file);
	}
	if (logst.syslog_on)
		syslog(level, "%s%s%s", procname ? procname : "",
		    procname ? ": " : "", msg);
}

static void
vlog(int level, const char *fmt, va_list ap, int with_errno)
{
	char msg[LOG_LINE_MAX];
	int saved = errno;
	int n;

	if (level == LOG_DEBUG && !logst.verbose)
		return;		/* not even forwarded */
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	if (logst.forward) {
		logst.forward(level, msg, logst.forward_arg);
	} else {
		/* the supervisor's own lines carry no process prefix */
		log_emit(level, getpid(), NULL, msg);
	}
	errno = saved;
}

#define LOG_FN(name, level, with_errno)				\
void								\
name(const char *fmt, ...)					\
{								\
	va_list ap;						\
	va_start(ap, fmt);					\
	vlog(level, fmt, ap, with_errno);			\
	va_end(ap);						\
}
LOG_FN(log_errx, LOG_ERR, 0)
LOG_FN(log_warn, LOG_WARNING, 1)
LOG_FN(log_warnx, LOG_WARNING, 0)
LOG_FN(log_notice, LOG_NOTICE, 0)
LOG_FN(log_info, LOG_INFO, 0)
LOG_FN(log_debug, LOG_DEBUG, 0)

static void __attribute__((noreturn))
vfatal(const char *fmt, va_list ap, int with_errno)
{
	vlog(LOG_ERR, fmt, ap, with_errno);
	if (logst.fatal_hook)
		logst.fatal_hook();
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfatal(fmt, ap, 1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfatal(fmt, ap, 0);
}
