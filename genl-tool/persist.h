/* SPDX-License-Identifier: GPL-2.0 */
/*
 * persist.h - the saved configuration: bridges and ports written to
 * /etc/flowbr/flowbr.conf after every change, re-created at boot by
 * 'flowbr restore' (flowbr.service). Flows are not saved: flowbrd
 * relearns them.
 */
#ifndef FLOWBR_PERSIST_H
#define FLOWBR_PERSIST_H

#include <stdio.h>

#include "cli.h"

#define FLOWBR_CONF_DEFAULT "/etc/flowbr/flowbr.conf"

/* $FLOWBR_CONF, or FLOWBR_CONF_DEFAULT. */
const char *persist_path(void);

/*
 * Save the bridges and ports of this network namespace to persist_path()
 * (atomically, under a lock), unless saving is off: $FLOWBR_NO_SAVE set,
 * or a network namespace other than init's (containers and tests own
 * their bridges). A failure is a warning: the change itself is live.
 */
void persist_save(struct cli *c);

/* Write the configuration as flowbr commands to @f. 0, or 1 (printed). */
int persist_write(struct cli *c, FILE *f);

/*
 * A VLAN bitmap as a trunks= value without spaces ("6,100,200-210"),
 * malloc'ed ("" for none); NULL on allocation failure.
 */
char *persist_vlan_list(const uint8_t *bitmap);

int cmd_save(struct cli *c, int argc, char **argv);
int cmd_restore(struct cli *c, int argc, char **argv);

#endif /* FLOWBR_PERSIST_H */
