/*
 * Logging shared by every ctsyncd process.
 *
 * The supervisor writes lines in conntrackd's shape
 *   [<ctime>] (pid=N) [<level>] <message>
 * to the console, the LogFile and syslog.  Sandboxed workers cannot open
 * files, so they hand each line to a forwarder (their channel to the
 * supervisor), which logs it on their behalf.
 */
#ifndef CTSYNCD_LOG_H
#define CTSYNCD_LOG_H

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

/* Where a process's log lines go; set once at start-up. */
typedef void (*log_forward_fn)(int level, const char *line, void *arg);

void log_init(const char *procname, int to_console);
void log_set_procname(const char *procname);
void log_set_file(FILE *fp);            /* NULL: no log file */
int log_open_file(const char *path);    /* (re)open; -1: old one kept */
void log_set_syslog(int facility);      /* -1: no syslog */
void log_set_console(int on);
void log_set_verbose(int on);
void log_set_forward(log_forward_fn fn, void *arg);

/* Write one already formatted message as if it came from process `pid'. */
void log_emit(int level, int pid, const char *procname, const char *msg);
const char *log_level_name(int level);

void log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Hook run by fatal() before exit (flush a channel, remove a lock...). */
void log_set_fatal_hook(void (*hook)(void));

#endif
