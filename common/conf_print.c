/*
 * Print a parsed configuration back in canonical form (ctsyncd -T).
 * Every effective value is written, defaults included, and the output is
 * itself a valid configuration that parses to the same printout.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <linux/netfilter/nf_conntrack_tcp.h>

#include "conf.h"

const char *
conf_mode_name(int mode)
{
	switch (mode) {
	case MODE_FTFW: return "FTFW";
	case MODE_ALARM: return "ALARM";
	case MODE_NOTRACK: return "NOTRACK";
	}
	return "STATS";
}

const char *
conf_link_kind_name(int kind)
{
	switch (kind) {
	case LINK_MCAST: return "Multicast";
	case LINK_UDP: return "UDP";
	case LINK_TCP: return "TCP";
	}
	return "?";
}

const char *
conf_tcp_state_name(int state)
{
	static const char *const names[] = {
		[TCP_CONNTRACK_NONE] = "NONE",
		[TCP_CONNTRACK_SYN_SENT] = "SYN_SENT",
		[TCP_CONNTRACK_SYN_RECV] = "SYN_RECV",
		[TCP_CONNTRACK_ESTABLISHED] = "ESTABLISHED",
		[TCP_CONNTRACK_FIN_WAIT] = "FIN_WAIT",
		[TCP_CONNTRACK_CLOSE_WAIT] = "CLOSE_WAIT",
		[TCP_CONNTRACK_LAST_ACK] = "LAST_ACK",
		[TCP_CONNTRACK_TIME_WAIT] = "TIME_WAIT",
		[TCP_CONNTRACK_CLOSE] = "CLOSE",
		[TCP_CONNTRACK_LISTEN] = "LISTEN",
	};
	if (state < 0 || state >= (int)(sizeof(names) / sizeof(names[0])) ||
	    names[state] == NULL)
		return "?";
	return names[state];
}

static const char *
onoff(int v)
{
	return v ? "on" : "off";
}

static const char *
facility_name(int fac)
{
	static const struct { int f; const char *n; } fac_names[] = {
		{ LOG_DAEMON, "daemon" }, { LOG_LOCAL0, "local0" },
		{ LOG_LOCAL1, "local1" }, { LOG_LOCAL2, "local2" },
		{ LOG_LOCAL3, "local3" }, { LOG_LOCAL4, "local4" },
		{ LOG_LOCAL5, "local5" }, { LOG_LOCAL6, "local6" },
		{ LOG_LOCAL7, "local7" },
	};
	size_t i;

	if (fac < 0)
		return "off";
	for (i = 0; i < sizeof(fac_names) / sizeof(fac_names[0]); i++)
		if (fac_names[i].f == fac)
			return fac_names[i].n;
	return "off";
}

static void
print_addr(FILE *fp, const struct conf_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(a->family, &a->a, buf, sizeof(buf));
	if (a->prefix >= 0)
		fprintf(fp, "%s/%d", buf, a->prefix);
	else
		fputs(buf, fp);
}

static const char *
policy_name(int policy)
{
	return policy == POLICY_IGNORE ? "Ignore" : "Accept";
}

static void
print_filter(FILE *fp, const struct conf_filter *f)
{
	int i;

	if (!f->present)
		return;
	fprintf(fp, "\tFilter From %s {\n",
	    f->from_kernel ? "Kernelspace" : "Userspace");
	if (f->proto_policy) {
		fprintf(fp, "\t\tProtocol %s {", policy_name(f->proto_policy));
		for (i = 0; i < 256; i++) {
			struct protoent *pe;

			if (!f->protos[i])
				continue;
			if (i == IPPROTO_TCP || i == IPPROTO_UDP)
				fprintf(fp, " %s", i == IPPROTO_TCP ? "TCP" : "UDP");
			else if ((pe = getprotobynumber(i)) != NULL)
				fprintf(fp, " %s", pe->p_name);
		}
		fprintf(fp, " }\n");
	}
	if (f->addr_policy) {
		fprintf(fp, "\t\tAddress %s {\n", policy_name(f->addr_policy));
		for (i = 0; i < f->naddrs; i++) {
			fprintf(fp, "\t\t\t%s ", f->addrs[i].family == AF_INET ?
			    "IPv4_address" : "IPv6_address");
			print_addr(fp, &f->addrs[i]);
			fputc('\n', fp);
		}
		fprintf(fp, "\t\t}\n");
	}
	if (f->state_policy) {
		fprintf(fp, "\t\tState %s {", policy_name(f->state_policy));
		for (i = 0; i < 16; i++)
			if (f->tcp_states & (1u << i))
				fprintf(fp, " %s", conf_tcp_state_name(i));
		fprintf(fp, " for TCP }\n");
	}
	fprintf(fp, "\t}\n");
}

static void
print_general(FILE *fp, const struct conf *c)
{
	fprintf(fp, "General {\n");
	fprintf(fp, "\tHashSize %u\n", c->sync.hashsize);
	fprintf(fp, "\tHashLimit %u\n", c->sync.hashlimit);
	fprintf(fp, "\tLogFile %s\n", c->logfile[0] ? c->logfile : "off");
	fprintf(fp, "\tSyslog %s\n", facility_name(c->syslog_facility));
	fprintf(fp, "\tLockFile %s\n", c->lockfile);
	fprintf(fp, "\tUNIX {\n\t\tPath %s\n\t}\n", c->unix_path);
	fprintf(fp, "\tNetlinkBufferSize %u\n", c->nl.bufsize);
	fprintf(fp, "\tNetlinkBufferSizeMaxGrowth %u\n", c->nl.bufsize_max);
	if (c->nl.overrun_resync)
		fprintf(fp, "\tNetlinkOverrunResync %u\n", c->nl.overrun_resync);
	else
		fprintf(fp, "\tNetlinkOverrunResync off\n");
	fprintf(fp, "\tNetlinkEventsReliable %s\n", onoff(c->nl.events_reliable));
	if (c->nl.poll_secs)
		fprintf(fp, "\tPollSecs %u\n", c->nl.poll_secs);
	fprintf(fp, "\tEventIterationLimit %u\n", c->nl.event_iter_limit);
	if (c->sched_policy >= 0 || c->sched_priority >= 0) {
		fprintf(fp, "\tScheduler {\n");
		if (c->sched_policy >= 0)
			fprintf(fp, "\t\tType %s\n",
			    c->sched_policy == SCHED_FIFO ? "FIFO" : "RR");
		if (c->sched_priority >= 0)
			fprintf(fp, "\t\tPriority %d\n", c->sched_priority);
		fprintf(fp, "\t}\n");
	}
	fprintf(fp, "\tSystemd %s\n", onoff(c->systemd));
	if (c->metrics.on) {
		fprintf(fp, "\tMetrics {\n\t\t%s ", c->metrics.addr.family ==
		    AF_INET6 ? "IPv6_address" : "IPv4_address");
		print_addr(fp, &c->metrics.addr);
		fprintf(fp, "\n\t\tPort %u\n\t}\n", c->metrics.port);
	}
	print_filter(fp, &c->filter);
	fprintf(fp, "}\n");
}

static void
print_link(FILE *fp, const struct conf_link *l)
{
	int v6 = l->family == AF_INET6;

	fprintf(fp, "\t%s%s {\n", conf_link_kind_name(l->kind),
	    l->is_default ? " Default" : "");
	if (l->has_local) {
		fprintf(fp, "\t\t%s ", v6 ? "IPv6_address" : "IPv4_address");
		print_addr(fp, &l->local);
		fputc('\n', fp);
	}
	if (l->has_dest) {
		fprintf(fp, "\t\t%s ", l->dest.family == AF_INET6 ?
		    "IPv6_Destination_Address" : "IPv4_Destination_Address");
		print_addr(fp, &l->dest);
		fputc('\n', fp);
	}
	if (l->has_mcast_if) {
		fprintf(fp, "\t\tIPv4_interface ");
		print_addr(fp, &l->mcast_if);
		fputc('\n', fp);
	}
	if (l->ifname[0])
		fprintf(fp, "\t\tInterface %s\n", l->ifname);
	fprintf(fp, "\t\t%s %u\n", l->kind == LINK_MCAST ? "Group" : "Port",
	    l->port);
	fprintf(fp, "\t\tSndSocketBuffer %u\n", l->sndbuf);
	fprintf(fp, "\t\tRcvSocketBuffer %u\n", l->rcvbuf);
	fprintf(fp, "\t\tChecksum %s\n", onoff(l->checksum));
	if (l->kind == LINK_TCP)
		fprintf(fp, "\t\tErrorQueueLength %u\n", l->error_queue_len);
	fprintf(fp, "\t}\n");
}

static void
print_sync(FILE *fp, const struct conf *c)
{
	const struct conf_sync *s = &c->sync;
	int i;

	fprintf(fp, "Sync {\n");
	fprintf(fp, "\tMode %s {\n", conf_mode_name(s->mode));
	if (s->mode == MODE_FTFW) {
		fprintf(fp, "\t\tResendQueueSize %u\n", s->resend_queue_size);
		fprintf(fp, "\t\tACKWindowSize %u\n", s->ack_window);
	}
	if (s->mode == MODE_ALARM) {
		fprintf(fp, "\t\tRefreshTime %u\n", s->refresh_time);
		fprintf(fp, "\t\tCacheTimeout %u\n", s->cache_timeout);
	}
	if (s->mode == MODE_NOTRACK)
		fprintf(fp, "\t\tDisableInternalCache %s\n",
		    onoff(s->disable_internal_cache));
	if (s->mode != MODE_ALARM) {
		fprintf(fp, "\t\tDisableExternalCache %s\n",
		    onoff(s->disable_external_cache));
		fprintf(fp, "\t\tStartupResync %s\n", onoff(s->startup_resync));
		fprintf(fp, "\t\tAntiEntropy %u\n", s->anti_entropy);
	}
	if (s->commit_timeout)
		fprintf(fp, "\t\tCommitTimeout %u\n", s->commit_timeout);
	fprintf(fp, "\t\tPurgeTimeout %u\n", s->purge_timeout);
	fprintf(fp, "\t}\n");
	for (i = 0; i < c->nlinks; i++)
		print_link(fp, &c->links[i]);
	fprintf(fp, "\tOptions {\n");
	fprintf(fp, "\t\tTCPWindowTracking %s\n", onoff(s->tcp_window_tracking));
	if (c->nl.expect.mode == EXPECT_LIST) {
		fprintf(fp, "\t\tExpectationSync {");
		for (i = 0; i < c->nl.expect.nhelpers; i++)
			fprintf(fp, " %s", c->nl.expect.helpers[i]);
		fprintf(fp, " }\n");
	} else
		fprintf(fp, "\t\tExpectationSync %s\n",
		    onoff(c->nl.expect.mode == EXPECT_ALL));
	fprintf(fp, "\t}\n");
	if (s->auth)
		fprintf(fp, "\tAuthentication {\n\t\tKeyFile %s\n\t}\n",
		    c->auth_keyfile);
	fprintf(fp, "}\n");
}

static void
print_helper(FILE *fp, const struct conf *c)
{
	int i;

	fprintf(fp, "Helper {\n\tSetup %s\n", onoff(c->helper_setup));
	for (i = 0; i < c->nhelpers; i++) {
		const struct conf_helper *h = &c->helpers[i];

		fprintf(fp, "\tType %s %s %s {\n", h->name,
		    h->family == AF_INET6 ? "inet6" : "inet",
		    h->l4proto == IPPROTO_UDP ? "udp" : "tcp");
		fprintf(fp, "\t\tQueueNum %u\n\t\tQueueLen %u\n", h->queue_num,
		    h->queue_len);
		if (h->has_policy)
			fprintf(fp, "\t\tPolicy %s {\n\t\t\tExpectMax %u\n"
			    "\t\t\tExpectTimeout %u\n\t\t}\n", h->policy.name,
			    h->policy.expect_max, h->policy.expect_timeout);
		fprintf(fp, "\t}\n");
	}
	fprintf(fp, "}\n");
}

void
conf_print(const struct conf *c, FILE *fp)
{
	print_general(fp, c);
	if (c->has_sync)
		print_sync(fp, c);
	else
		fprintf(fp, "Stats {\n\tLogFile %s\n\tSyslog %s\n}\n",
		    c->stats_logfile[0] ? c->stats_logfile : "off",
		    facility_name(c->stats_syslog_facility));
	if (c->has_helper)
		print_helper(fp, c);
	fprintf(fp, "Privsep {\n");
	if (c->user_set)
		fprintf(fp, "\tUser %s\n", c->user);
	else
		fprintf(fp, "\t# User: default, %s if it exists, else nobody\n",
		    CONF_DEFAULT_USER);
	if (c->group[0])
		fprintf(fp, "\tGroup %s\n", c->group);
	fprintf(fp, "\tChrootDirectory %s\n", c->chroot_dir);
	if (c->control_group[0])
		fprintf(fp, "\tControlGroup %s\n", c->control_group);
	fprintf(fp, "}\n");
}
