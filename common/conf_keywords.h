/*
 * Every keyword of the configuration language: conntrackd 1.4.7's list
 * (config.md section 1) and, last, ctsyncd's Privsep keywords.
 * Keywords are case-sensitive; a word spelled otherwise is a name.
 */
#ifndef CTSYNCD_CONF_KEYWORDS_H
#define CTSYNCD_CONF_KEYWORDS_H

#define CONF_KEYWORDS(X)						\
	X(KW_UNIX, "UNIX") X(KW_IPV4_ADDRESS, "IPv4_address")		\
	X(KW_IPV6_ADDRESS, "IPv6_address")				\
	X(KW_IPV4_DEST, "IPv4_Destination_Address")			\
	X(KW_IPV6_DEST, "IPv6_Destination_Address")			\
	X(KW_IPV4_INTERFACE, "IPv4_interface")				\
	X(KW_IPV6_INTERFACE, "IPv6_interface")				\
	X(KW_INTERFACE, "Interface") X(KW_MULTICAST, "Multicast")	\
	X(KW_UDP, "UDP") X(KW_TCP, "TCP") X(KW_HASHSIZE, "HashSize")	\
	X(KW_REFRESHTIME, "RefreshTime")				\
	X(KW_CACHETIMEOUT, "CacheTimeout")				\
	X(KW_COMMITTIMEOUT, "CommitTimeout")				\
	X(KW_HASHLIMIT, "HashLimit") X(KW_PATH, "Path")			\
	X(KW_BACKLOG, "Backlog") X(KW_GROUP, "Group") X(KW_PORT, "Port") \
	X(KW_LOGFILE, "LogFile") X(KW_SYSLOG, "Syslog")			\
	X(KW_LOCKFILE, "LockFile") X(KW_GENERAL, "General")		\
	X(KW_SYNC, "Sync") X(KW_STATS, "Stats")				\
	X(KW_SOCKETBUFFERSIZE, "SocketBufferSize")			\
	X(KW_SOCKETBUFFERSIZEMAXGROWN, "SocketBufferSizeMaxGrown")	\
	X(KW_SOCKETBUFFERSIZEMAXGROWTH, "SocketBufferSizeMaxGrowth")	\
	X(KW_NETLINKBUFFERSIZE, "NetlinkBufferSize")			\
	X(KW_NETLINKBUFFERSIZEMAXGROWTH, "NetlinkBufferSizeMaxGrowth")	\
	X(KW_MODE, "Mode") X(KW_RESENDQUEUESIZE, "ResendQueueSize")	\
	X(KW_CHECKSUM, "Checksum") X(KW_ACKWINDOWSIZE, "ACKWindowSize")	\
	X(KW_FOR, "for") X(KW_SYN_SENT, "SYN_SENT")			\
	X(KW_SYN_RECV, "SYN_RECV") X(KW_ESTABLISHED, "ESTABLISHED")	\
	X(KW_FIN_WAIT, "FIN_WAIT") X(KW_CLOSE_WAIT, "CLOSE_WAIT")	\
	X(KW_LAST_ACK, "LAST_ACK") X(KW_TIME_WAIT, "TIME_WAIT")		\
	X(KW_CLOSE, "CLOSE") X(KW_CLOSED, "CLOSED") X(KW_LISTEN, "LISTEN") \
	X(KW_SNDSOCKETBUFFER, "SndSocketBuffer")			\
	X(KW_RCVSOCKETBUFFER, "RcvSocketBuffer")			\
	X(KW_FILTER, "Filter") X(KW_PROTOCOL, "Protocol")		\
	X(KW_ADDRESS, "Address") X(KW_STATE, "State")			\
	X(KW_ACCEPT, "Accept") X(KW_IGNORE, "Ignore")			\
	X(KW_PURGETIMEOUT, "PurgeTimeout") X(KW_FROM, "From")		\
	X(KW_USERSPACE, "Userspace") X(KW_KERNELSPACE, "Kernelspace")	\
	X(KW_EVENTITERATIONLIMIT, "EventIterationLimit")		\
	X(KW_DEFAULT, "Default") X(KW_POLLSECS, "PollSecs")		\
	X(KW_NETLINKOVERRUNRESYNC, "NetlinkOverrunResync")		\
	X(KW_NICE, "Nice") X(KW_SCHEDULER, "Scheduler")			\
	X(KW_TYPE, "Type") X(KW_PRIORITY, "Priority")			\
	X(KW_NETLINKEVENTSRELIABLE, "NetlinkEventsReliable")		\
	X(KW_DISABLEINTERNALCACHE, "DisableInternalCache")		\
	X(KW_DISABLEEXTERNALCACHE, "DisableExternalCache")		\
	X(KW_OPTIONS, "Options")					\
	X(KW_TCPWINDOWTRACKING, "TCPWindowTracking")			\
	X(KW_EXPECTATIONSYNC, "ExpectationSync")			\
	X(KW_ERRORQUEUELENGTH, "ErrorQueueLength")			\
	X(KW_HELPER, "Helper") X(KW_QUEUENUM, "QueueNum")		\
	X(KW_QUEUELEN, "QueueLen") X(KW_POLICY, "Policy")		\
	X(KW_EXPECTMAX, "ExpectMax") X(KW_EXPECTTIMEOUT, "ExpectTimeout") \
	X(KW_SYSTEMD, "Systemd") X(KW_STARTUPRESYNC, "StartupResync")	\
	X(KW_SETUP, "Setup")						\
	/* ctsyncd's own section */					\
	X(KW_PRIVSEP, "Privsep") X(KW_USER, "User")			\
	X(KW_CHROOTDIRECTORY, "ChrootDirectory")			\
	X(KW_CONTROLGROUP, "ControlGroup")				\
	X(KW_AUTHENTICATION, "Authentication") X(KW_KEYFILE, "KeyFile")	\
	X(KW_ANTIENTROPY, "AntiEntropy") X(KW_METRICS, "Metrics")

enum conf_keyword {
	KW_NONE = 0,
#define KW_ENUM(e, s) e,
	CONF_KEYWORDS(KW_ENUM)
#undef KW_ENUM
	KW_MAX
};

const char *conf_keyword_name(int kw);

#endif
