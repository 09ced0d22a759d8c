/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what the flowbr subcommands share: the context, error reporting
 * (one line on stderr, exit status 1), the netlink session and lookups.
 */
#ifndef FLOWBR_CLI_H
#define FLOWBR_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "fbmsg.h"
#include "json.h"
#include "nl.h"
#include "parse.h"

#ifndef VERSION
#define VERSION "0.0.0"
#endif

#define PROG "flowbr"

struct cli {
	const char *cmd;	/* subcommand being run, for messages */
	const char *usage;	/* its synopsis, for usage errors */
	bool json;
	bool nl_open;
	struct fbnl nl;
	char *tx;		/* FBNL_TX_SIZE bytes for the main request */
	struct json jw;
};

/* Subcommands: argv[0] is the first argument after the subcommand name. */
typedef int (*cmd_fn)(struct cli *c, int argc, char **argv);

int cmd_version(struct cli *c, int argc, char **argv);
int cmd_add_br(struct cli *c, int argc, char **argv);
int cmd_del_br(struct cli *c, int argc, char **argv);
int cmd_set_br(struct cli *c, int argc, char **argv);
int cmd_list_br(struct cli *c, int argc, char **argv);
int cmd_add_port(struct cli *c, int argc, char **argv);
int cmd_del_port(struct cli *c, int argc, char **argv);
int cmd_set_port(struct cli *c, int argc, char **argv);
int cmd_list_ports(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_add_flow(struct cli *c, int argc, char **argv);
int cmd_del_flow(struct cli *c, int argc, char **argv);
int cmd_get_flow(struct cli *c, int argc, char **argv);
int cmd_dump_flows(struct cli *c, int argc, char **argv);
int cmd_flush_flows(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv);

/* "flowbr: CMD: message" on stderr; return 1 (the exit status). */
int cli_err(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_warn(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_perr(struct cli *c, const struct perr *e);
/* "flowbr: CMD: WHAT; usage: flowbr SYNOPSIS"; return 1. */
int cli_usage(struct cli *c, const char *what);

/* Check a bridge name argument; prints the error and returns 1 if bad. */
int cli_check_br(struct cli *c, const char *br);
/*
 * ARGV starts with a valid bridge name and has at most @max arguments;
 * else prints what is wrong (with the usage) and returns 1.
 */
int cli_br_args(struct cli *c, int argc, char **argv, int max);

/* Open the netlink session if not yet; prints why not and returns 1. */
int cli_open(struct cli *c);
void cli_close(struct cli *c);

/*
 * Start the command's request in c->tx. It can be built before the session
 * is open (so that arguments are checked first): cli_talk() opens it.
 */
struct nlmsghdr *cli_req(struct cli *c, uint8_t cmd, uint16_t flags);

/*
 * Open the session if needed and run a request; on failure print the
 * kernel's extended ack and errno string and return 1. A warning in a
 * successful ack is printed too.
 */
int cli_talk(struct cli *c, struct nlmsghdr *req, fbnl_cb cb, void *data);

/*
 * Run a dump. When the kernel flags it NLM_F_DUMP_INTR, call @reset and
 * redo it, a few times at most, with a warning.
 */
int cli_dump(struct cli *c, struct nlmsghdr *req, fbnl_cb cb,
	     void (*reset)(void *data), void *data);

/*
 * Bridges (all, or just @only), sorted by name. Free with
 * cli_free_bridges().
 */
int cli_load_bridges(struct cli *c, const char *only, struct fb_br **brs,
		     size_t *n);
void cli_free_bridges(struct fb_br *brs, size_t n);

/* Ports of a bridge, sorted by number. Free with free(). */
int cli_load_ports(struct cli *c, const char *br, struct fb_port **ports,
		   size_t *n);
/* Resolve port names to numbers (one dump for all); prints errors. */
int cli_resolve_ports(struct cli *c, const char *br, struct port_ref **refs,
		      size_t n);

#endif /* FLOWBR_CLI_H */
