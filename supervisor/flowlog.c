/*
 * Stats mode, the flow statistics collector: what it needs from the
 * system and where its lines go.  The sync worker prints each destroyed
 * flow; the supervisor, which owns the log files, writes it to the
 * Stats LogFile (the time as ctime() gives it, a TAB, the flow) and
 * sends it to syslog at LOG_INFO when Stats sets Syslog.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "supervisor.h"

#define ACCT_SYSCTL	"/proc/sys/net/netfilter/nf_conntrack_acct"

/*
 * The kernel counts packets and bytes per flow only with accounting on
 * (and only for flows created after it was turned on): a collector
 * without it logs flows without their traffic.  Turned on, and said so.
 */
static void
enable_accounting(void)
{
	char v = 0;
	int fd;

	if ((fd = open(ACCT_SYSCTL, O_RDWR | O_CLOEXEC)) == -1) {
		log_warn("cannot read %s: flows are logged without their "
		    "packet and byte counters", ACCT_SYSCTL);
		return;
	}
	if (read(fd, &v, 1) == 1 && v == '0') {
		if (pwrite(fd, "1\n", 2, 0) == 2)
			log_notice("flow accounting was off: turned "
			    "net.netfilter.nf_conntrack_acct on, so that "
			    "destroyed flows carry their counters");
		else
			log_warn("cannot turn net.netfilter.nf_conntrack_acct "
			    "on: flows are logged without their counters");
	}
	close(fd);
}

void
flowlog_open(struct sup *s)
{
	const struct conf *c = s->conf;

	if (c->sync.mode != MODE_STATS)
		return;
	enable_accounting();
	if (c->stats_logfile[0] == '\0')
		return;
	if ((s->flowlog = fopen(c->stats_logfile, "ae")) == NULL)
		log_warn("cannot open the Stats LogFile %s", c->stats_logfile);
}

/* SIGHUP: the Stats LogFile anew; if it cannot be, the old one stays. */
void
flowlog_reopen(struct sup *s)
{
	const struct conf *c = s->conf;
	FILE *fp;

	if (s->flowlog == NULL)
		return;
	if ((fp = fopen(c->stats_logfile, "ae")) == NULL) {
		log_warn("SIGHUP: cannot reopen the Stats LogFile %s, keeping "
		    "the old one", c->stats_logfile);
		return;
	}
	fclose(s->flowlog);
	s->flowlog = fp;
}

void
flowlog_close(struct sup *s)
{
	if (s->flowlog != NULL)
		fclose(s->flowlog);
	s->flowlog = NULL;
}

/* One line, made safe to write: anything unprintable becomes '?'. */
static void
write_line(struct sup *s, char *line, const char *when)
{
	char *p;

	for (p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	if (s->flowlog != NULL)
		fprintf(s->flowlog, "%s\t%s\n", when, line);
	if (s->conf->stats_syslog_facility >= 0)
		syslog(s->conf->stats_syslog_facility | LOG_INFO, "%s", line);
}

/* A FLOW_LOG from the sync worker: lines, each ending in '\n'. */
void
flowlog_write(struct sup *s, const char *lines, size_t len)
{
	char buf[CHAN_MSG_MAX + 1], when[32];
	char *line, *nl;
	time_t now = time(NULL);

	if (len > CHAN_MSG_MAX)
		fatalx("FLOW_LOG longer than a message");
	memcpy(buf, lines, len);
	buf[len] = '\0';
	ctime_r(&now, when);
	when[strcspn(when, "\n")] = '\0';
	for (line = buf; (nl = memchr(line, '\n', (size_t)(buf + len -
	    line))) != NULL; line = nl + 1) {
		*nl = '\0';
		write_line(s, line, when);
	}
	if (s->flowlog != NULL)
		fflush(s->flowlog);
}
