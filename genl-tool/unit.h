/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit.h - the few lines the unit tests (test_*.c) share: check() prints
 * one line per failure (every result with -v), unit_done() the counts as
 * "N passed, N failed" and the exit status.
 */
#ifndef FLOWBR_UNIT_H
#define FLOWBR_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int passed, failed;
static int verbose;

static void __attribute__((format(printf, 2, 3), unused))
check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		if (!verbose)
			return;
		printf("ok: ");
	} else {
		failed++;
		printf("FAIL: ");
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void __attribute__((unused)) unit_start(int argc, char **argv)
{
	verbose = argc > 1 && !strcmp(argv[1], "-v");
}

static int __attribute__((unused)) unit_done(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif /* FLOWBR_UNIT_H */
