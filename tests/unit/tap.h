/*
 * A minimal TAP producer for the unit tests: ok()/is_int()/is_str(), and
 * done() prints the plan and returns the exit status.
 */
#ifndef CTSYNCD_TAP_H
#define CTSYNCD_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static void __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
}

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return 0;	/* failures are counted by the TAP driver */
}

#endif
