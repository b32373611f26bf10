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
/* where TAP lines go: a test may point stdout elsewhere */
static FILE *tap_out;
#define TAP_OUT (tap_out ? tap_out : stdout)

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static void __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(TAP_OUT, "%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vfprintf(TAP_OUT, fmt, ap);
	va_end(ap);
	fprintf(TAP_OUT, "\n");
	if (!pass) {
		tap_failed++;
		fprintf(TAP_OUT, "#   failed at %s:%d\n", file, line);
	}
	fflush(TAP_OUT);
}

static int
done_testing(void)
{
	fprintf(TAP_OUT, "1..%d\n", tap_n);
	fflush(TAP_OUT);
	return 0;	/* failures are counted by the TAP driver */
}

#endif
