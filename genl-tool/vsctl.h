/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsctl.h - 'flowbr vsctl' (also run as 'ovs-vsctl'): the ovs-vsctl
 * commands that hypervisor setups and libvirt use, on flowbr.
 *
 * The bridges and ports are read into a model of Open vSwitch's Bridge,
 * Port and Interface records; the commands of one invocation change the
 * model in order (each sees what the ones before it did) and are checked
 * as they go; then the difference between the model and the kernel is
 * applied, and undone if a step fails. Nothing is applied when a command
 * is wrong. external_ids are kept in /run/flowbr/external-ids.
 */
#ifndef FLOWBR_VSCTL_H
#define FLOWBR_VSCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

#define VS_MODE_UNSET 0xff	/* vlan_mode column empty: implied by tag */

struct vs_kv {
	char *key;
	char *val;
};

struct vs_map {
	struct vs_kv *v;
	size_t n;
};

struct vs_port {
	char name[IFNAMSIZ];
	char br[IFNAMSIZ];
	uint32_t port_no;	/* 0: not in the kernel yet (or the local port) */
	uint32_t port_no_req;	/* ofport_request of a new port, 0: any */
	bool internal;
	bool deleted;
	uint16_t tag;		/* 0: none */
	uint8_t mode;		/* enum flowbr_vlan_mode or VS_MODE_UNSET */
	uint8_t trunks[FLOWBR_VLAN_BITMAP_LEN];
	const struct fb_port *kp;	/* kernel state (stats), or NULL */
	struct vs_map ids;	/* Interface external_ids */
	bool ids_dirty;
};

struct vs_br {
	char name[IFNAMSIZ];
	bool deleted;
	bool in_kernel;
};

struct vs_db {
	struct vs_br *brs;
	size_t n_brs;
	struct vs_port *ports;
	size_t n_ports;
	/* kernel state as loaded */
	struct fb_port *kports;
	size_t n_kports;
};

enum vs_format { VS_FMT_LIST, VS_FMT_TABLE, VS_FMT_CSV };
enum vs_data { VS_DATA_STRING, VS_DATA_BARE, VS_DATA_JSON };

struct vs_opts {
	enum vs_format format;
	enum vs_data data;
	bool headings;
	bool oneline;
	const char *columns;	/* NULL: all */
};

/* vsctl_out.c: record output (get, list, find, show). */
enum vs_table { VS_T_BRIDGE, VS_T_PORT, VS_T_INTERFACE, VS_T_OVS,
		VS_T_EMPTY /* qos, queue...: no records */ };

int vs_table(const char *name, enum vs_table *t);
const char *vs_table_name(enum vs_table t);
/* Canonical column name for @name (prefixes allowed), or NULL. */
const char *vs_column(enum vs_table t, const char *name);
/* Print column @col (with map @key, or NULL) of a record. */
int vs_print_value(FILE *f, const struct vs_opts *o, struct vs_db *db,
		   enum vs_table t, const void *rec, const char *col,
		   const char *key);
int vs_list(FILE *f, const struct vs_opts *o, struct vs_db *db,
	    enum vs_table t, const void **recs, size_t n);
void vs_show(FILE *f, struct vs_db *db);

/* external_ids store. */
int vs_ids_load(const char *iface, struct vs_map *m);
int vs_ids_store(const char *iface, const struct vs_map *m);
void vs_ids_remove(const char *iface);
const char *vs_map_get(const struct vs_map *m, const char *key);
int vs_map_set(struct vs_map *m, const char *key, const char *val);
void vs_map_del(struct vs_map *m, const char *key);
void vs_map_free(struct vs_map *m);

/* Effective kernel VLAN settings of a model port. */
uint8_t vs_eff_mode(const struct vs_port *p);

struct vs_ctx {
	struct cli *c;
	struct vs_db db;
	struct vs_port *orig;	/* the ports as loaded */
	size_t n_orig;
	struct vs_opts o;
	FILE *out;		/* output, printed when all went well */
	int exit_code;		/* br-exists: 2 */
	/* per command */
	const char *cmd;
	bool may_exist, if_exists;
};

/* vsctl.c: the model and the commands. */
int vs_err(struct vs_ctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vs_db_load(struct vs_ctx *x);
void vs_db_free(struct vs_ctx *x);
struct vs_br *vs_find_br(struct vs_db *db, const char *name);
struct vs_port *vs_find_port(struct vs_db *db, const char *name);
bool vs_is_local(const struct vs_port *p);
uint16_t vs_eff_tag(const struct vs_port *p);
/* Fill @bitmap; false when the mode carries no trunks (access). */
bool vs_eff_trunks(const struct vs_port *p, uint8_t *bitmap);
const void *vs_find_rec(struct vs_ctx *x, enum vs_table t, const char *name);
/* Remove the quotes of an OVSDB string "..." in place. */
char *vs_unquote(char *s);
/* Split "col[:key]=value" in place; col gets '-' -> '_'. -1 without '='. */
int vs_split_setting(char *arg, char **col, char **key, char **val);
/* vsctl_out.c: the list and find commands. */
int vs_list_find(struct vs_ctx *x, int argc, char **argv);
/* Run argv[0] on the model. */
int vs_run_cmd(struct vs_ctx *x, int argc, char **argv);

/* vsctl_main.c */
int cmd_vsctl(struct cli *c, int argc, char **argv);

#endif /* FLOWBR_VSCTL_H */
