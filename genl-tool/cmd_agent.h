/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd_agent.h - the subcommands that talk to flowbrd's control socket.
 */
#ifndef FLOWBR_CMD_AGENT_H
#define FLOWBR_CMD_AGENT_H

struct cli;

int cmd_fdb_show(struct cli *c, int argc, char **argv);
int cmd_fdb_flush(struct cli *c, int argc, char **argv);
int cmd_agent_stats(struct cli *c, int argc, char **argv);

#endif /* FLOWBR_CMD_AGENT_H */
