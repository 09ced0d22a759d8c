// SPDX-License-Identifier: GPL-2.0
/*
 * vsctl.c - 'flowbr vsctl' / 'ovs-vsctl': options, the model, the
 * commands and applying the result (see vsctl.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "persist.h"
#include "vsctl.h"


int vs_err(struct vs_ctx *x, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: vsctl: %s%s", PROG, x->cmd ? x->cmd : "",
		x->cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* ---- the model ---- */

struct vs_br *vs_find_br(struct vs_db *db, const char *name)
{
	size_t i;

	for (i = 0; i < db->n_brs; i++)
		if (!db->brs[i].deleted && !strcmp(db->brs[i].name, name))
			return &db->brs[i];
	return NULL;
}

struct vs_port *vs_find_port(struct vs_db *db, const char *name)
{
	size_t i;

	for (i = 0; i < db->n_ports; i++)
		if (!db->ports[i].deleted && !strcmp(db->ports[i].name, name))
			return &db->ports[i];
	return NULL;
}

bool vs_is_local(const struct vs_port *p)
{
	return !strcmp(p->name, p->br);
}

static struct vs_port *new_port(struct vs_db *db)
{
	struct vs_port *v;

	v = realloc(db->ports, (db->n_ports + 1) * sizeof(*v));
	if (!v)
		return NULL;
	db->ports = v;
	v = &db->ports[db->n_ports++];
	memset(v, 0, sizeof(*v));
	v->mode = VS_MODE_UNSET;
	return v;
}

static struct vs_br *new_br(struct vs_db *db, const char *name)
{
	struct vs_br *v;

	v = realloc(db->brs, (db->n_brs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	db->brs = v;
	v = &db->brs[db->n_brs++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	return v;
}

uint8_t vs_eff_mode(const struct vs_port *p)
{
	if (p->mode != VS_MODE_UNSET)
		return p->mode;
	return p->tag ? FLOWBR_VLAN_ACCESS : FLOWBR_VLAN_TRUNK;
}

uint16_t vs_eff_tag(const struct vs_port *p)
{
	return vs_eff_mode(p) == FLOWBR_VLAN_TRUNK ? 0 : p->tag;
}

bool vs_eff_trunks(const struct vs_port *p, uint8_t *bitmap)
{
	memset(bitmap, 0, FLOWBR_VLAN_BITMAP_LEN);
	if (vs_eff_mode(p) == FLOWBR_VLAN_ACCESS)
		return false;
	memcpy(bitmap, p->trunks, FLOWBR_VLAN_BITMAP_LEN);
	return true;
}

/*
 * The kernel lists a native port's own VLAN among its trunks; Open
 * vSwitch's trunks column does not (the VLAN is implied). Take it out,
 * unless it is the only one (an empty set means every VLAN).
 */
static void untrunk_native(struct vs_port *p)
{
	unsigned int byte = p->tag / 8, bit = 1u << (p->tag % 8), i;

	if (!(p->trunks[byte] & bit))
		return;
	for (i = 0; i < FLOWBR_VLAN_BITMAP_LEN; i++)
		if (p->trunks[i] & (i == byte ? ~bit : 0xff))
			break;
	if (i < FLOWBR_VLAN_BITMAP_LEN)
		p->trunks[byte] &= ~bit;
}

int vs_db_load(struct vs_ctx *x)
{
	struct vs_db *db = &x->db;
	struct fb_br *brs;
	size_t nb, i, j;

	if (cli_load_bridges(x->c, NULL, &brs, &nb))
		return 1;
	for (i = 0; i < nb; i++) {
		struct fb_port *kp;
		size_t nk;
		struct vs_br *b = new_br(db, brs[i].name);

		if (!b || cli_load_ports(x->c, brs[i].name, &kp, &nk))
			goto fail;
		b->in_kernel = true;
		for (j = 0; j < nk; j++) {
			struct vs_port *p = new_port(db);

			if (!p) {
				free(kp);
				goto fail;
			}
			snprintf(p->name, sizeof(p->name), "%s", kp[j].name);
			snprintf(p->br, sizeof(p->br), "%s", brs[i].name);
			p->port_no = kp[j].port_no;
			p->internal = kp[j].type == FLOWBR_PORT_INTERNAL;
			p->tag = kp[j].tag;
			memcpy(p->trunks, kp[j].trunks, sizeof(p->trunks));
			p->mode = kp[j].vlan_mode;
			if ((p->mode == FLOWBR_VLAN_ACCESS && p->tag) ||
			    (p->mode == FLOWBR_VLAN_TRUNK && !p->tag))
				p->mode = VS_MODE_UNSET;	/* implied */
			else if (p->tag)
				untrunk_native(p);
			vs_ids_load(p->name, &p->ids);
		}
		/* Keep the kernel records (stats) for output. */
		if (nk) {
			struct fb_port *all = realloc(db->kports,
				(db->n_kports + nk) * sizeof(*all));

			if (!all) {
				free(kp);
				goto fail;
			}
			memcpy(all + db->n_kports, kp, nk * sizeof(*kp));
			db->kports = all;
			db->n_kports += nk;
		}
		free(kp);
	}
	cli_free_bridges(brs, nb);
	/* Link each port to its kernel record (bridge + number). */
	for (i = 0, j = 0; i < db->n_ports; i++, j++)
		db->ports[i].kp = &db->kports[j];
	x->orig = malloc((db->n_ports ? db->n_ports : 1) * sizeof(*x->orig));
	if (!x->orig)
		return vs_err(x, "out of memory");
	memcpy(x->orig, db->ports, db->n_ports * sizeof(*x->orig));
	x->n_orig = db->n_ports;
	for (i = 0; i < x->n_orig; i++)	/* the maps belong to db->ports */
		x->orig[i].ids = (struct vs_map){ 0 };
	return 0;
fail:
	cli_free_bridges(brs, nb);
	return vs_err(x, "out of memory");
}

void vs_db_free(struct vs_ctx *x)
{
	size_t i;

	for (i = 0; i < x->db.n_ports; i++)
		vs_map_free(&x->db.ports[i].ids);
	free(x->db.ports);
	free(x->db.brs);
	free(x->db.kports);
	free(x->orig);
}

/* ---- values ---- */

/* Remove the quotes of an OVSDB string "..." in place. */
char *vs_unquote(char *s)
{
	size_t n = strlen(s);
	char *r, *w;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return s;
	s[n - 1] = '\0';
	for (r = w = s + 1; *r; r++) {
		if (*r == '\\' && r[1])
			r++;
		*w++ = *r;
	}
	*w = '\0';
	return s + 1;
}

static bool is_empty_set(const char *v)
{
	return !strcmp(v, "[]") || !*v;
}

/* Split "col[:key]=value"; col gets '-' -> '_'. */
int vs_split_setting(char *arg, char **col, char **key, char **val)
{
	char *eq = strchr(arg, '='), *colon, *p;

	if (!eq)
		return -1;
	*eq = '\0';
	*val = vs_unquote(eq + 1);
	colon = strchr(arg, ':');
	*key = NULL;
	if (colon) {
		*colon = '\0';
		*key = vs_unquote(colon + 1);
	}
	for (p = arg; *p; p++)
		if (*p == '-')
			*p = '_';
	*col = arg;
	return 0;
}

/* ---- records ---- */

const void *vs_find_rec(struct vs_ctx *x, enum vs_table t,
			    const char *name)
{
	switch (t) {
	case VS_T_BRIDGE:
		return vs_find_br(&x->db, name);
	case VS_T_PORT:
	case VS_T_INTERFACE:
		return vs_find_port(&x->db, name);
	case VS_T_OVS:
		return x;	/* the one record */
	default:
		return NULL;
	}
}

/* Look up TABLE and RECORD; 1 = error printed, 0 = found or skipped. */
static int table_rec(struct vs_ctx *x, const char *tname, const char *rname,
		     enum vs_table *t, const void **rec)
{
	if (vs_table(tname, t))
		return vs_err(x, "unknown table '%s'; flowbr has Bridge, Port "
			    "and Interface", tname);
	*rec = vs_find_rec(x, *t, rname);
	if (!*rec && !x->if_exists)
		return vs_err(x, "no row \"%s\" in table %s", rname,
			    vs_table_name(*t));
	return 0;
}

static int set_vlan_col(struct vs_ctx *x, struct vs_port *p, const char *col,
			const char *val)
{
	struct perr e;

	if (!strcmp(col, "tag")) {
		if (is_empty_set(val)) {
			p->tag = 0;
			return 0;
		}
		if (parse_vid("tag", val, &p->tag, &e))
			return vs_err(x, "%s", e.msg);
	} else if (!strcmp(col, "trunks")) {
		unsigned int count;
		char buf[4096];

		snprintf(buf, sizeof(buf), "%s", val);
		if (parse_vlan_list("trunks", vs_unquote(buf), p->trunks, &count,
				    &e))
			return vs_err(x, "%s", e.msg);
	} else if (!strcmp(col, "vlan_mode")) {
		if (is_empty_set(val)) {
			p->mode = VS_MODE_UNSET;
			return 0;
		}
		if (parse_vlan_mode("vlan_mode", val, &p->mode, &e))
			return vs_err(x, "%s", e.msg);
	}
	return 0;
}

static bool is_new_port(const struct vs_port *p)
{
	return p->port_no == 0 && !vs_is_local(p);
}

/* One COL[:KEY]=VALUE of 'set' (or of add-port's settings). */
static int set_one(struct vs_ctx *x, enum vs_table t, void *rec, char *arg)
{
	struct vs_port *p = rec;
	char *colname, *key, *val;
	const char *col;

	if (vs_split_setting(arg, &colname, &key, &val))
		return vs_err(x, "'%s' is not COLUMN[:KEY]=VALUE; e.g. tag=100",
			    arg);
	col = vs_column(t, colname);
	if (!col)
		return vs_err(x, "%s has no column '%s' that flowbr supports",
			    vs_table_name(t), colname);
	if (!strcmp(col, "external_ids") && t != VS_T_BRIDGE &&
	    t != VS_T_OVS) {
		if (!key)
			return vs_err(x, "give a key: external_ids:KEY=VALUE");
		p->ids_dirty = true;
		return vs_map_set(&p->ids, key, val) ?
			vs_err(x, "out of memory") : 0;
	}
	if (key)
		return vs_err(x, "column %s has no keys", col);
	if (t == VS_T_PORT && (!strcmp(col, "tag") || !strcmp(col, "trunks") ||
			       !strcmp(col, "vlan_mode")))
		return set_vlan_col(x, p, col, val);
	if (t == VS_T_INTERFACE && !strcmp(col, "type")) {
		bool internal = !strcmp(val, "internal");

		if (!internal && *val && strcmp(val, "system"))
			return vs_err(x, "type=%s is not supported: flowbr has "
				    "internal and system (netdev) interfaces",
				    val);
		if (internal == p->internal)
			return 0;
		if (!is_new_port(p))
			return vs_err(x, "cannot change the type of the existing "
				    "port %s; del-port and add-port it again",
				    p->name);
		p->internal = internal;
		return 0;
	}
	if (t == VS_T_INTERFACE && !strcmp(col, "ofport_request")) {
		uint32_t v;
		struct perr e;

		if (!is_new_port(p))
			return vs_err(x, "ofport_request only applies when the "
				    "port is added");
		if (parse_u32("ofport_request", val, 1, FLOWBR_MAX_PORTS - 1,
			      "1", &v, &e))
			return vs_err(x, "%s", e.msg);
		p->port_no_req = v;
		return 0;
	}
	return vs_err(x, "column %s of %s cannot be set with flowbr", col,
		    vs_table_name(t));
}

/* ---- commands ---- */

typedef int (*vs_fn)(struct vs_ctx *x, int argc, char **argv);

static int check_name(struct vs_ctx *x, const char *what, const char *name)
{
	struct perr e;

	if (check_ifname(what, name, &e))
		return vs_err(x, "%s", e.msg);
	return 0;
}

static int vs_add_br(struct vs_ctx *x, int argc, char **argv)
{
	struct vs_port *p;
	struct vs_br *b;

	if (argc == 3)
		return vs_err(x, "fake bridges (add-br BR PARENT VLAN) are not "
			    "supported; use an internal port: add-port %s "
			    "NAME tag=%s -- set Interface NAME type=internal",
			    argv[1], argv[2]);
	if (argc != 1)
		return vs_err(x, "usage: add-br BRIDGE");
	if (check_name(x, "bridge name", argv[0]))
		return 1;
	if (vs_find_br(&x->db, argv[0]))
		return x->may_exist ? 0 :
			vs_err(x, "cannot create a bridge named %s because a "
			     "bridge named %s already exists", argv[0],
			     argv[0]);
	p = vs_find_port(&x->db, argv[0]);
	if (p)
		return vs_err(x, "cannot create a bridge named %s because a port "
			    "named %s already exists on bridge %s", argv[0],
			    argv[0], p->br);
	b = new_br(&x->db, argv[0]);
	p = b ? new_port(&x->db) : NULL;
	if (!p)
		return vs_err(x, "out of memory");
	snprintf(p->name, sizeof(p->name), "%s", argv[0]);
	snprintf(p->br, sizeof(p->br), "%s", argv[0]);
	p->internal = true;
	return 0;
}

static int vs_del_br(struct vs_ctx *x, int argc, char **argv)
{
	struct vs_br *b;
	size_t i;

	if (argc != 1)
		return vs_err(x, "usage: del-br BRIDGE");
	b = vs_find_br(&x->db, argv[0]);
	if (!b)
		return x->if_exists ? 0 :
			vs_err(x, "no bridge named %s", argv[0]);
	b->deleted = true;
	for (i = 0; i < x->db.n_ports; i++)
		if (!strcmp(x->db.ports[i].br, argv[0]))
			x->db.ports[i].deleted = true;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Print the bridges, or the non-local ports of bridge @br, sorted. */
static int print_names(struct vs_ctx *x, const char *br)
{
	const char **v = calloc(x->db.n_brs + x->db.n_ports + 1, sizeof(*v));
	size_t n = 0, i;

	if (!v)
		return vs_err(x, "out of memory");
	if (!br) {
		for (i = 0; i < x->db.n_brs; i++)
			if (!x->db.brs[i].deleted)
				v[n++] = x->db.brs[i].name;
	} else {
		for (i = 0; i < x->db.n_ports; i++) {
			const struct vs_port *p = &x->db.ports[i];

			if (!p->deleted && !strcmp(p->br, br) && !vs_is_local(p))
				v[n++] = p->name;
		}
	}
	qsort(v, n, sizeof(*v), name_cmp);
	for (i = 0; i < n; i++)
		fprintf(x->out, "%s\n", v[i]);
	free(v);
	return 0;
}

static int vs_list_br(struct vs_ctx *x, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return vs_err(x, "usage: list-br");
	return print_names(x, NULL);
}

static int vs_br_exists(struct vs_ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return vs_err(x, "usage: br-exists BRIDGE");
	if (!vs_find_br(&x->db, argv[0]))
		x->exit_code = 2;
	return 0;
}

/* br-to-vlan (0: flowbr has no fake bridges) and br-to-parent (itself). */
static int vs_br_to(struct vs_ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return vs_err(x, "usage: %s BRIDGE", x->cmd);
	if (!vs_find_br(&x->db, argv[0]))
		return vs_err(x, "no bridge named %s", argv[0]);
	fprintf(x->out, "%s\n", strcmp(x->cmd, "br-to-vlan") ? argv[0] : "0");
	return 0;
}

static int vs_add_port(struct vs_ctx *x, int argc, char **argv)
{
	struct vs_port *p;
	int i;

	if (argc < 2)
		return vs_err(x, "usage: add-port BRIDGE PORT [COLUMN=VALUE]...");
	if (!vs_find_br(&x->db, argv[0]))
		return vs_err(x, "no bridge named %s", argv[0]);
	if (check_name(x, "port name", argv[1]))
		return 1;
	p = vs_find_port(&x->db, argv[1]);
	if (p) {
		if (x->may_exist && !strcmp(p->br, argv[0]))
			return 0;
		return vs_err(x, "cannot create a port named %s because a port "
			    "named %s already exists on bridge %s", argv[1],
			    argv[1], p->br);
	}
	if (vs_find_br(&x->db, argv[1]))
		return vs_err(x, "cannot create a port named %s because a bridge "
			    "named %s already exists", argv[1], argv[1]);
	p = new_port(&x->db);
	if (!p)
		return vs_err(x, "out of memory");
	snprintf(p->name, sizeof(p->name), "%s", argv[1]);
	snprintf(p->br, sizeof(p->br), "%s", argv[0]);
	for (i = 2; i < argc; i++)
		if (set_one(x, VS_T_PORT, p, argv[i]))
			return 1;
	return 0;
}

static int vs_del_port(struct vs_ctx *x, int argc, char **argv)
{
	const char *name = argv[argc - 1];
	struct vs_port *p;

	if (argc < 1 || argc > 2)
		return vs_err(x, "usage: del-port [BRIDGE] PORT");
	if (argc == 2 && !vs_find_br(&x->db, argv[0]))
		return x->if_exists ? 0 :
			vs_err(x, "no bridge named %s", argv[0]);
	p = vs_find_port(&x->db, name);
	if (p && argc == 2 && strcmp(p->br, argv[0]))
		return vs_err(x, "bridge %s does not have a port %s (it is on "
			    "%s)", argv[0], name, p->br);
	if (!p)
		return x->if_exists ? 0 : vs_err(x, "no port named %s", name);
	if (vs_is_local(p))
		return vs_err(x, "%s is the local port of bridge %s; delete the "
			    "bridge with del-br instead", name, p->br);
	p->deleted = true;
	return 0;
}

static int vs_list_ports(struct vs_ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return vs_err(x, "usage: list-ports BRIDGE");
	if (!vs_find_br(&x->db, argv[0]))
		return vs_err(x, "no bridge named %s", argv[0]);
	return print_names(x, argv[0]);
}

static int vs_port_to_br(struct vs_ctx *x, int argc, char **argv)
{
	struct vs_port *p;

	if (argc != 1)
		return vs_err(x, "usage: %s NAME", x->cmd);
	p = vs_find_port(&x->db, argv[0]);
	if (!p)
		return vs_err(x, "no %s named %s",
			    strncmp(x->cmd, "iface", 5) ? "port" : "interface",
			    argv[0]);
	fprintf(x->out, "%s\n", p->br);
	return 0;
}

static int vs_set(struct vs_ctx *x, int argc, char **argv)
{
	const void *rec;
	enum vs_table t;
	int i;

	if (argc < 3)
		return vs_err(x, "usage: set TABLE RECORD COLUMN[:KEY]=VALUE...");
	if (table_rec(x, argv[0], argv[1], &t, &rec))
		return 1;
	if (!rec)
		return 0;
	for (i = 2; i < argc; i++)
		if (set_one(x, t, (void *)rec, argv[i]))
			return 1;
	return 0;
}

static int vs_get(struct vs_ctx *x, int argc, char **argv)
{
	const void *rec;
	enum vs_table t;
	int i;

	if (argc < 3)
		return vs_err(x, "usage: get TABLE RECORD COLUMN[:KEY]...");
	if (table_rec(x, argv[0], argv[1], &t, &rec))
		return 1;
	if (!rec)
		return 0;
	for (i = 2; i < argc; i++) {
		char *colname = argv[i], *key = strchr(colname, ':'), *p;
		const char *col;

		if (key)
			*key++ = '\0';
		for (p = colname; *p; p++)
			if (*p == '-')
				*p = '_';
		col = vs_column(t, colname);
		if (!col)
			return vs_err(x, "%s has no column '%s'",
				    vs_table_name(t), colname);
		if (vs_print_value(x->out, &x->o, &x->db, t, rec, col,
				   key ? vs_unquote(key) : NULL)) {
			if (x->if_exists)
				continue;
			return vs_err(x, "no key \"%s\" in %s record \"%s\" "
				    "column %s", key, vs_table_name(t),
				    argv[1], col);
		}
	}
	return 0;
}

static int vs_clear(struct vs_ctx *x, int argc, char **argv)
{
	struct vs_port *p;
	const void *rec;
	enum vs_table t;
	int i;

	if (argc < 3)
		return vs_err(x, "usage: clear TABLE RECORD COLUMN...");
	if (table_rec(x, argv[0], argv[1], &t, &rec))
		return 1;
	if (!rec)
		return 0;
	p = (struct vs_port *)rec;
	for (i = 2; i < argc; i++) {
		const char *col = vs_column(t, argv[i]);

		if (!col)
			return vs_err(x, "%s has no column '%s'",
				    vs_table_name(t), argv[i]);
		if (t == VS_T_PORT && !strcmp(col, "tag"))
			p->tag = 0;
		else if (t == VS_T_PORT && !strcmp(col, "trunks"))
			memset(p->trunks, 0, sizeof(p->trunks));
		else if (t == VS_T_PORT && !strcmp(col, "vlan_mode"))
			p->mode = VS_MODE_UNSET;
		else if (!strcmp(col, "qos"))
			;	/* flowbr has no QoS: nothing to clear */
		else if (!strcmp(col, "external_ids") && t != VS_T_BRIDGE &&
			 t != VS_T_OVS) {
			vs_map_free(&p->ids);
			p->ids_dirty = true;
		} else
			return vs_err(x, "column %s cannot be cleared", col);
	}
	return 0;
}

/* add/remove Port P trunks VID...; remove Interface I external_ids KEY... */
static int vs_add_remove(struct vs_ctx *x, int argc, char **argv)
{
	bool add = !strcmp(x->cmd, "add");
	struct vs_port *p;
	const char *col;
	const void *rec;
	enum vs_table t;
	int i;

	if (argc < 4)
		return vs_err(x, "usage: %s TABLE RECORD COLUMN VALUE...",
			    x->cmd);
	if (table_rec(x, argv[0], argv[1], &t, &rec))
		return 1;
	if (!rec)
		return 0;
	p = (struct vs_port *)rec;
	col = vs_column(t, argv[2]);
	if (col && t == VS_T_PORT && !strcmp(col, "trunks")) {
		for (i = 3; i < argc; i++) {
			uint8_t bm[FLOWBR_VLAN_BITMAP_LEN];
			unsigned int count, k;
			struct perr e;

			if (parse_vlan_list("trunks", vs_unquote(argv[i]), bm,
					    &count, &e))
				return vs_err(x, "%s", e.msg);
			for (k = 0; k < FLOWBR_VLAN_BITMAP_LEN; k++)
				p->trunks[k] = add ? p->trunks[k] | bm[k] :
					p->trunks[k] & ~bm[k];
		}
		return 0;
	}
	if (col && !add && !strcmp(col, "external_ids") &&
	    t == VS_T_INTERFACE) {
		for (i = 3; i < argc; i++)
			vs_map_del(&p->ids, vs_unquote(argv[i]));
		p->ids_dirty = true;
		return 0;
	}
	return vs_err(x, "flowbr supports '%s' on Port trunks%s only", x->cmd,
		    add ? "" : " and Interface external_ids");
}

static int vs_show_cmd(struct vs_ctx *x, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return vs_err(x, "usage: show");
	vs_show(x->out, &x->db);
	return 0;
}

static int vs_init(struct vs_ctx *x, int argc, char **argv)
{
	(void)x;
	(void)argc;
	(void)argv;
	return 0;
}

static const struct {
	const char *name;
	vs_fn fn;
} vs_cmds[] = {
	{ "init", vs_init },
	{ "show", vs_show_cmd },
	{ "add-br", vs_add_br },
	{ "del-br", vs_del_br },
	{ "list-br", vs_list_br },
	{ "br-exists", vs_br_exists },
	{ "br-to-vlan", vs_br_to },
	{ "br-to-parent", vs_br_to },
	{ "add-port", vs_add_port },
	{ "del-port", vs_del_port },
	{ "list-ports", vs_list_ports },
	{ "list-ifaces", vs_list_ports },
	{ "port-to-br", vs_port_to_br },
	{ "iface-to-br", vs_port_to_br },
	{ "set", vs_set },
	{ "get", vs_get },
	{ "clear", vs_clear },
	{ "add", vs_add_remove },
	{ "remove", vs_add_remove },
	{ "list", vs_list_find },
	{ "find", vs_list_find },
};


int vs_run_cmd(struct vs_ctx *x, int argc, char **argv)
{
	size_t i;

	for (i = 0; i < sizeof(vs_cmds) / sizeof(vs_cmds[0]); i++)
		if (!strcmp(vs_cmds[i].name, argv[0]))
			return vs_cmds[i].fn(x, argc - 1, argv + 1);
	return vs_err(x, "unknown command; flowbr supports: init, show, add-br, "
		    "del-br, list-br, br-exists, add-port, del-port, "
		    "list-ports, port-to-br, iface-to-br, set, get, clear, add, "
		    "remove, list, find");
}
