// SPDX-License-Identifier: GPL-2.0
/*
 * terminal.c - colour only on a terminal.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "terminal.h"

static bool color_out, color_err;

static const char *const escapes[] = {
	[TC_RESET] = "\033[0m",
	[TC_BOLD] = "\033[1m",
	[TC_RED] = "\033[1;31m",
	[TC_GREEN] = "\033[32m",
	[TC_YELLOW] = "\033[33m",
	[TC_BLUE] = "\033[34m",
	[TC_MAGENTA] = "\033[35m",
	[TC_CYAN] = "\033[36m",
};

static bool fd_wants_color(int fd)
{
	const char *term = getenv("TERM");
	const char *no_color = getenv("NO_COLOR");

	if (no_color && *no_color)
		return false;
	if (!term || !*term || !strcmp(term, "dumb"))
		return false;
	return isatty(fd) == 1;
}

void term_init(void)
{
	color_out = fd_wants_color(STDOUT_FILENO);
	color_err = fd_wants_color(STDERR_FILENO);
}

const char *term_out(enum term_color c)
{
	return color_out ? escapes[c] : "";
}

const char *term_err(enum term_color c)
{
	return color_err ? escapes[c] : "";
}
