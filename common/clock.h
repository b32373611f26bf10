/*
 * The clocks.  Every timer and every age (heartbeats, restarts, PollSecs,
 * CacheTimeout, a child's timeout, -t) runs on CLOCK_MONOTONIC, so that
 * setting the wall clock (an NTP step, an operator, a backup's clock set
 * right at boot) neither fires nor stalls them.  CLOCK_REALTIME is only
 * for what people read (log lines, flow records) and for the link's
 * Authentication incarnation (link_auth.h).
 */
#ifndef CTSYNCD_CLOCK_H
#define CTSYNCD_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static inline uint64_t
mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000 + (uint64_t)t.tv_nsec;
}

static inline time_t
mono_secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

#endif
