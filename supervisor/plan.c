/*
 * What each control request does: its steps, in one table, and where the
 * mode or the options change them, in a second table read first.  The
 * workers carry out what they are asked; they decide only what depends on
 * their state at the time (a link up, say).
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "supervisor.h"

static int
no_internal_cache(const struct conf *c)
{
	return c->sync.mode == MODE_NOTRACK && c->sync.disable_internal_cache;
}

static int
no_expectations(const struct conf *c)
{
	return !c->sync.expect_sync;
}

static int
stats_mode(const struct conf *c)
{
	return c->sync.mode == MODE_STATS;
}

static int
no_external_cache(const struct conf *c)
{
	return c->sync.mode == MODE_STATS || c->sync.disable_external_cache;
}

/* ALARM sends every state again and again: -B and -n have nothing to do. */
static int
no_bulk(const struct conf *c)
{
	return c->sync.mode == MODE_STATS || c->sync.mode == MODE_ALARM;
}

/* Only FT-FW keeps a resend queue to print. */
static int
no_rsqueue(const struct conf *c)
{
	return c->sync.mode != MODE_FTFW;
}

#define NOTHING	{ STEP_END }

static const struct {
	int		(*applies)(const struct conf *);
	uint32_t	 req;
	uint8_t		 steps[MAX_OP_STEPS];
	const char	*note;		/* logged when it applies */
} mode_plans[] = {
	/* DisableInternalCache: the kernel's table stands in for the cache
	 * (cli.md 4.2, 4.7): flushing it flushes the kernel's entries, and
	 * there is nothing to resynchronise */
	{ no_internal_cache, REQ_CT_FLUSH_INT_CACHE,
	    { STEP_FLUSH, STEP_ASK_NETLINK }, NULL },
	{ no_internal_cache, REQ_ALL_FLUSH_CACHE,
	    { STEP_FLUSH, STEP_ASK_NETLINK, STEP_ASK_SYNC }, NULL },
	{ no_internal_cache, REQ_CT_RESYNC_MASTER, NOTHING,
	    "resync is unsupported in this mode" },
	{ no_internal_cache, REQ_ALL_RESYNC_MASTER, NOTHING,
	    "resync is unsupported in this mode" },
	/* the expectation requests do nothing without ExpectationSync; the
	 * plain dumps print nothing (the XML ones their frame), as 1.4.7 */
	{ no_expectations, REQ_EXP_COMMIT, NOTHING, NULL },
	{ no_expectations, REQ_EXP_FLUSH_MASTER, NOTHING, NULL },
	{ no_expectations, REQ_EXP_RESYNC_MASTER, NOTHING, NULL },
	{ no_expectations, REQ_EXP_DUMP_INTERNAL, NOTHING, NULL },
	{ no_expectations, REQ_EXP_DUMP_EXTERNAL, NOTHING, NULL },
	{ no_expectations, REQ_EXP_STATS, NOTHING, NULL },
	/* no external cache to commit: Stats mode has none, and with
	 * DisableExternalCache the states are in the kernel already */
	{ no_external_cache, REQ_ALL_COMMIT, NOTHING, NULL },
	{ no_external_cache, REQ_CT_COMMIT, NOTHING, NULL },
	/* Stats mode has one cache and no peers (cli.md 4.2, 4.5) */
	{ stats_mode, REQ_RESET_TIMERS, NOTHING, NULL },
	{ stats_mode, REQ_ALL_FLUSH_CACHE, NOTHING, NULL },
	{ stats_mode, REQ_CT_FLUSH_EXT_CACHE, NOTHING, NULL },
	{ stats_mode, REQ_CT_DUMP_EXTERNAL, NOTHING, NULL },
	{ stats_mode, REQ_CT_DUMP_EXT_XML, NOTHING, NULL },
	{ stats_mode, REQ_STATS_NETWORK, NOTHING, NULL },
	{ stats_mode, REQ_STATS_QUEUE, NOTHING, NULL },
	{ no_bulk, REQ_SEND_BULK, NOTHING, NULL },
	{ no_bulk, REQ_REQUEST_DUMP, NOTHING, NULL },
	{ no_rsqueue, REQ_STATS_RSQUEUE, NOTHING, NULL },
};

/* The steps of each request; anything not listed is not supported yet. */
static const struct {
	uint32_t	 req;
	uint8_t		 steps[MAX_OP_STEPS];
} plans[] = {
	{ REQ_STATS, { STEP_ASK_SYNC } },
	{ REQ_STATS_NETWORK, { STEP_ASK_SYNC } },
	{ REQ_STATS_CACHE, { STEP_ASK_SYNC } },
	{ REQ_STATS_LINK, { STEP_ASK_SYNC } },
	{ REQ_STATS_QUEUE, { STEP_ASK_SYNC } },
	/* netlink stats: the sync worker counts the events it reads */
	{ REQ_STATS_RUNTIME, { STEP_UPTIME, STEP_ASK_SYNC, STEP_ASK_NETLINK,
	    STEP_RUNTIME } },
	{ REQ_STATS_PROCESS, { STEP_PROCESSES } },
	{ REQ_HEALTH, { STEP_SELF_HEALTH, STEP_ASK_NETLINK, STEP_ASK_SYNC } },
	/* every block of every process; the sync worker's netlink counts
	 * first, so that the netlink worker's are added to them */
	{ REQ_METRICS, { STEP_UPTIME, STEP_SELF_HEALTH, STEP_RUNTIME,
	    STEP_ASK_SYNC, STEP_ASK_NETLINK } },
	{ REQ_EXP_STATS, { STEP_ASK_SYNC } },
	{ REQ_EXP_DUMP_INTERNAL, { STEP_ASK_SYNC } },
	{ REQ_EXP_DUMP_INT_XML, { STEP_ASK_SYNC } },
	{ REQ_EXP_DUMP_EXTERNAL, { STEP_ASK_SYNC } },
	{ REQ_EXP_DUMP_EXT_XML, { STEP_ASK_SYNC } },
	{ REQ_EXP_RESYNC_MASTER, { STEP_ASK_NETLINK } },
	{ REQ_EXP_COMMIT, { STEP_COMMIT, STEP_ASK_NETLINK, STEP_ASK_SYNC } },
	{ REQ_EXP_FLUSH_MASTER, { STEP_FLUSH, STEP_ASK_NETLINK } },
	{ REQ_CT_DUMP_INTERNAL, { STEP_ASK_SYNC } },
	{ REQ_CT_DUMP_INT_XML, { STEP_ASK_SYNC } },
	{ REQ_CT_FLUSH_INT_CACHE, { STEP_ASK_SYNC } },
	{ REQ_ALL_FLUSH_CACHE, { STEP_ASK_SYNC } },
	{ REQ_CT_DUMP_EXTERNAL, { STEP_ASK_SYNC } },
	{ REQ_CT_DUMP_EXT_XML, { STEP_ASK_SYNC } },
	{ REQ_CT_FLUSH_EXT_CACHE, { STEP_ASK_SYNC } },
	{ REQ_SEND_BULK, { STEP_ASK_SYNC } },
	{ REQ_REQUEST_DUMP, { STEP_ASK_SYNC } },
	{ REQ_STATS_RSQUEUE, { STEP_ASK_SYNC } },
	/* the commit child, then the netlink worker's barrier, then the
	 * sync worker once the barrier reached it (the entries are in its
	 * internal cache) */
	{ REQ_ALL_COMMIT, { STEP_COMMIT, STEP_ASK_NETLINK, STEP_ASK_SYNC } },
	{ REQ_CT_COMMIT, { STEP_COMMIT, STEP_ASK_NETLINK, STEP_ASK_SYNC } },
	/* the flush child, then the netlink worker's barrier */
	{ REQ_ALL_FLUSH_MASTER, { STEP_FLUSH, STEP_ASK_NETLINK } },
	{ REQ_CT_FLUSH_MASTER, { STEP_FLUSH, STEP_ASK_NETLINK } },
	{ REQ_RESET_TIMERS, { STEP_PURGE_TIMER } },
	{ REQ_CT_RESYNC_MASTER, { STEP_ASK_NETLINK } },
	{ REQ_ALL_RESYNC_MASTER, { STEP_ASK_NETLINK } },
	/* ctsyncctl debug on|off: the supervisor tells the workers */
	{ REQ_DEBUG_ON, { STEP_DEBUG_ON } },
	{ REQ_DEBUG_OFF, { STEP_DEBUG_OFF } },
	/* the supervisor's own (children.c) */
	{ REQ_CHILD_END, { STEP_ASK_NETLINK } },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* The steps of `req' under this configuration; 0 if not supported. */
int
plan_request(const struct conf *c, uint32_t req,
    uint8_t steps[MAX_OP_STEPS + 1])
{
	size_t i;

	memset(steps, STEP_END, MAX_OP_STEPS + 1);
	for (i = 0; i < NITEMS(mode_plans); i++)
		if (mode_plans[i].req == req && mode_plans[i].applies(c)) {
			if (mode_plans[i].note)
				log_info("%s", mode_plans[i].note);
			memcpy(steps, mode_plans[i].steps, MAX_OP_STEPS);
			return 1;
		}
	for (i = 0; i < NITEMS(plans); i++)
		if (plans[i].req == req) {
			memcpy(steps, plans[i].steps, MAX_OP_STEPS);
			return 1;
		}
	return 0;
}
