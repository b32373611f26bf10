/*
 * The parsed configuration: conntrackd.conf (1.4.7 grammar, see
 * shared/spec/config.md) plus ctsyncd's own `Privsep' section.
 * conf_parse() returns a fresh struct with every default filled in.
 */
#ifndef CTSYNCD_CONF_H
#define CTSYNCD_CONF_H

#include <net/if.h>
#include <netinet/in.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "conf_keywords.h"

/* from configure's folders (Makefile.am): --sysconfdir=/etc,
 * --runstatedir=/run and --localstatedir=/var give conntrackd's paths */
#define CONF_DEFAULT_PATH	SYSCONFDIR "/ctsyncd/ctsyncd.conf"
#define CONF_DEFAULT_LOCK	RUNSTATEDIR "/ctsyncd/ctsyncd.lock"
#define CONF_DEFAULT_UNIX	RUNSTATEDIR "/ctsyncd/ctsyncd.ctl"
#define CONF_DEFAULT_CHROOT	RUNSTATEDIR "/ctsyncd/empty"
#define CONF_DEFAULT_USER	"ctsyncd"
#define CONF_LOGFILE_ON		LOCALSTATEDIR "/log/conntrackd.log"
#define CONF_STATS_LOGFILE_ON	LOCALSTATEDIR "/log/conntrackd-stats.log"
#define CONF_MAX_LINKS		4
#define CONF_MAX_ERRQ		65536	/* ErrorQueueLength the sync worker keeps */
#define CONF_MAX_FILTER_ADDRS	256
#define CONF_MAX_EXPECT_HELPERS	16
#define CONF_MAX_HELPERS	16
#define CONF_NAME_MAX		64
#define CONF_UNIX_PATH_MAX	108
#define CONF_ANTIENTROPY	10	/* seconds between digests */
#define CONF_ANTIENTROPY_MAX	3600

enum conf_mode { MODE_STATS = 0, MODE_FTFW, MODE_ALARM, MODE_NOTRACK };
enum conf_link_kind { LINK_MCAST = 1, LINK_UDP, LINK_TCP };
enum conf_policy { POLICY_NONE = 0, POLICY_ACCEPT, POLICY_IGNORE };
enum conf_expect { EXPECT_OFF = 0, EXPECT_ALL, EXPECT_LIST };

struct conf_addr {
	int		 family;	/* AF_INET or AF_INET6 */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} a;
	int		 prefix;	/* -1: a single address */
};

/* ExpectationSync: whose expectations are replicated. */
struct conf_expect_sync {
	uint8_t		 mode;			/* enum conf_expect */
	int		 nhelpers;		/* EXPECT_LIST */
	char		 helpers[CONF_MAX_EXPECT_HELPERS][CONF_NAME_MAX];
};

/* Values a worker needs for its kernel socket. */
struct conf_netlink {
	uint32_t	 bufsize;		/* 0: system default */
	uint32_t	 bufsize_max;		/* growth limit on overrun */
	uint32_t	 overrun_resync;	/* seconds, 0 = never */
	uint32_t	 poll_secs;		/* 0: event mode */
	uint32_t	 event_iter_limit;
	uint8_t		 events_reliable;
	struct conf_expect_sync expect;		/* ExpectationSync */
	/* from Sync, for the netlink worker */
	uint8_t		 direct_inject;		/* DisableExternalCache */
	uint8_t		 window_tracking;	/* TCPWindowTracking */
};

/* Values the sync worker needs for its caches and protocol. */
struct conf_sync {
	uint8_t		 mode;			/* enum conf_mode */
	uint32_t	 hashsize;
	uint32_t	 hashlimit;
	uint32_t	 resend_queue_size;
	uint32_t	 ack_window;
	uint32_t	 commit_timeout;	/* 0: unset */
	uint32_t	 purge_timeout;
	uint32_t	 refresh_time;
	uint32_t	 cache_timeout;
	uint8_t		 disable_internal_cache;
	uint8_t		 disable_external_cache;
	uint8_t		 startup_resync;
	uint8_t		 tcp_window_tracking;
	uint8_t		 flow_log;	/* Stats: LogFile or Syslog set */
	uint8_t		 expect_sync;	/* ExpectationSync not off */
	uint8_t		 auth;		/* Authentication: keys follow */
	uint8_t		 restarted;	/* a worker started again after a
					   death, not from the file */
	uint32_t	 event_iter_limit;	/* from General (events are
						   read by the sync worker) */
	uint32_t	 anti_entropy;	/* AntiEntropy seconds, 0: off */
	struct conf_expect_sync expect;	/* whose expectations, to check
					   the peers' */
};

struct conf_link {
	uint8_t		 kind;			/* enum conf_link_kind */
	uint8_t		 is_default;
	uint8_t		 family;		/* 0 until an address is set */
	uint8_t		 checksum;
	struct conf_addr local;			/* bind / listen / group */
	struct conf_addr dest;			/* UDP/TCP peer */
	struct conf_addr mcast_if;		/* IPv4_interface */
	int		 has_local, has_dest, has_mcast_if;
	char		 ifname[IF_NAMESIZE];
	uint16_t	 port;			/* Port, or Group */
	uint32_t	 sndbuf, rcvbuf;
	uint32_t	 error_queue_len;
	int		 line;
};

struct conf_filter {
	int		 present;
	int		 from_kernel;
	uint8_t		 proto_policy, addr_policy, state_policy;
	uint8_t		 protos[256];		/* 1 if listed */
	struct conf_addr addrs[CONF_MAX_FILTER_ADDRS];
	int		 naddrs;
	uint16_t	 tcp_states;		/* bit per enum tcp_conntrack */
};

struct conf_helper_policy {
	char		 name[CONF_NAME_MAX];
	uint32_t	 expect_max, expect_timeout;
};

struct conf_helper {
	char		 name[CONF_NAME_MAX];
	int		 family;		/* AF_INET / AF_INET6 */
	int		 l4proto;		/* IPPROTO_TCP / UDP */
	uint32_t	 queue_num, queue_len;
	struct conf_helper_policy policy;
	int		 has_policy;
};

struct conf {
	char		 file[PATH_MAX];

	/* General */
	char		 logfile[257];		/* "" = off */
	int		 syslog_facility;	/* -1 = off */
	char		 lockfile[PATH_MAX];
	char		 unix_path[CONF_UNIX_PATH_MAX];
	int		 sched_policy;		/* -1 unset, SCHED_RR/FIFO */
	int		 sched_priority;	/* -1 unset */
	uint8_t		 systemd;
	struct {			/* General { Metrics { } }: ctsyncd's */
		int		 on;
		struct conf_addr addr;
		uint16_t	 port;
	} metrics;
	struct conf_netlink nl;
	struct conf_filter filter;

	/* Sync or Stats */
	int		 has_sync, has_stats;
	struct conf_sync sync;
	struct conf_link links[CONF_MAX_LINKS];
	int		 nlinks;
	char		 auth_keyfile[PATH_MAX];	/* Sync { Authentication } */
	char		 stats_logfile[257];
	int		 stats_syslog_facility;

	/* Helper */
	int		 has_helper;
	uint8_t		 helper_setup;
	struct conf_helper helpers[CONF_MAX_HELPERS];
	int		 nhelpers;

	/* Privsep: ctsyncd's own additions */
	char		 user[CONF_NAME_MAX];
	char		 group[CONF_NAME_MAX];
	char		 chroot_dir[PATH_MAX];
	char		 control_group[CONF_NAME_MAX];
	int		 user_set;

	/* line of each keyword's last use, 0 if never written */
	int		 seen[KW_MAX];
};

/* Called with each warning ("file:line: text" already formatted). */
typedef void (*conf_warn_fn)(const char *msg);

struct conf *conf_parse(const char *path, conf_warn_fn warn,
	    char *err, size_t errlen);
struct conf *conf_parse_string(const char *name, const char *text,
	    conf_warn_fn warn, char *err, size_t errlen);
void	 conf_free(struct conf *);
void	 conf_print(const struct conf *, FILE *);
const char *conf_mode_name(int mode);
const char *conf_link_kind_name(int kind);
const char *conf_tcp_state_name(int state);

#endif
