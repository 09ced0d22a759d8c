/* SPDX-License-Identifier: GPL-2.0 */
/*
 * terminal.h - colour escapes, only when writing to a terminal that can
 * show them (not when piped, not with TERM=dumb, not with NO_COLOR set).
 */
#ifndef FLOWBR_TERMINAL_H
#define FLOWBR_TERMINAL_H

enum term_color {
	TC_RESET,
	TC_BOLD,
	TC_RED,
	TC_GREEN,
	TC_YELLOW,
	TC_BLUE,
	TC_MAGENTA,
	TC_CYAN,
};

/* Decide once, for stdout and stderr. */
void term_init(void);
/* The escape for @c on stdout / stderr, or "" when colour is off. */
const char *term_out(enum term_color c);
const char *term_err(enum term_color c);

#endif /* FLOWBR_TERMINAL_H */
