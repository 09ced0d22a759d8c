// SPDX-License-Identifier: GPL-2.0
/*
 * vsctl_out.c - 'flowbr vsctl': tables and columns, values in ovs-vsctl's
 * formats (string, bare, json; list, table, csv), show, list and find.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vsctl.h"

/* ---- tables and columns ---- */

static const char *const bridge_cols[] = {
	"name", "ports", "datapath_type", "external_ids", NULL };
static const char *const port_cols[] = {
	"name", "interfaces", "tag", "trunks", "vlan_mode", "qos", NULL };
static const char *const iface_cols[] = {
	"name", "type", "ofport", "ofport_request", "mac_in_use", "mtu",
	"admin_state", "link_state", "external_ids", "statistics", NULL };
static const char *const ovs_cols[] = { "bridges", "ovs_version", NULL };

static const struct {
	const char *name;
	enum vs_table t;
	const char *const *cols;
} tables[] = {
	{ "Bridge", VS_T_BRIDGE, bridge_cols },
	{ "Port", VS_T_PORT, port_cols },
	{ "Interface", VS_T_INTERFACE, iface_cols },
	{ "Open_vSwitch", VS_T_OVS, ovs_cols },
	/* Tables flowbr has no records in (libvirt looks for QoS). */
	{ "QoS", VS_T_EMPTY, NULL },
	{ "Queue", VS_T_EMPTY, NULL },
	{ "Mirror", VS_T_EMPTY, NULL },
	{ "Controller", VS_T_EMPTY, NULL },
	{ "Manager", VS_T_EMPTY, NULL },
	{ "NetFlow", VS_T_EMPTY, NULL },
	{ "sFlow", VS_T_EMPTY, NULL },
	{ "IPFIX", VS_T_EMPTY, NULL },
};

#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

int vs_table(const char *name, enum vs_table *t)
{
	size_t i, len = strlen(name), hits = 0;

	for (i = 0; i < N_TABLES; i++) {
		if (!strcasecmp(tables[i].name, name)) {
			*t = tables[i].t;
			return 0;
		}
		if (len && !strncasecmp(tables[i].name, name, len)) {
			*t = tables[i].t;
			hits++;
		}
	}
	return hits == 1 ? 0 : -1;
}

const char *vs_table_name(enum vs_table t)
{
	size_t i;

	for (i = 0; i < N_TABLES; i++)
		if (tables[i].t == t)
			return tables[i].name;
	return "?";
}

static const char *const *table_cols(enum vs_table t)
{
	size_t i;

	for (i = 0; i < N_TABLES; i++)
		if (tables[i].t == t)
			return tables[i].cols;
	return NULL;
}

const char *vs_column(enum vs_table t, const char *name)
{
	const char *const *cols = table_cols(t), *hit = NULL;
	size_t len = strlen(name), i, hits = 0;

	if (!cols)
		return NULL;
	for (i = 0; cols[i]; i++) {
		if (!strcmp(cols[i], name))
			return cols[i];
		if (len && !strncmp(cols[i], name, len)) {
			hit = cols[i];
			hits++;
		}
	}
	return hits == 1 ? hit : NULL;
}

/* ---- values ---- */

enum vv_type { VV_INT, VV_STR, VV_OPT_NONE, VV_INTSET, VV_STRSET, VV_MAP };

struct vv {
	enum vv_type t;
	uint64_t i;
	const char *s;
	const uint8_t *bitmap;		/* VV_INTSET */
	const char *const *strs;	/* VV_STRSET */
	size_t n;
	const struct vs_map *map;	/* VV_MAP */
	bool num_vals;			/* VV_MAP of numbers (statistics) */
	char buf[64];
};

/* Does an OVSDB string need quotes in ovs-vsctl's output? */
static bool needs_quotes(const char *s)
{
	const char *p;

	if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
		return true;
	if (!strcmp(s, "true") || !strcmp(s, "false"))
		return true;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' &&
		    *p != '.')
			return true;
	return false;
}

static void put_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void put_str(FILE *f, enum vs_data d, const char *s)
{
	if (d == VS_DATA_JSON || (d == VS_DATA_STRING && needs_quotes(s)))
		put_json_str(f, s);
	else
		fputs(s, f);
}

static void put_value(FILE *f, enum vs_data d, const struct vv *v)
{
	const char *sep = d == VS_DATA_BARE ? " " : ", ";
	size_t i, k = 0;

	switch (v->t) {
	case VV_INT:
		fprintf(f, "%" PRIu64, v->i);
		return;
	case VV_STR:
		put_str(f, d, v->s);
		return;
	case VV_OPT_NONE:
		fputs(d == VS_DATA_JSON ? "[\"set\",[]]" :
		      d == VS_DATA_BARE ? "" : "[]", f);
		return;
	case VV_INTSET:
	case VV_STRSET:
		fputs(d == VS_DATA_JSON ? "[\"set\",[" :
		      d == VS_DATA_BARE ? "" : "[", f);
		if (v->t == VV_STRSET) {
			for (i = 0; i < v->n; i++) {
				fputs(i ? (d == VS_DATA_JSON ? "," : sep) : "",
				      f);
				put_str(f, d, v->strs[i]);
			}
		} else {
			for (i = 1; i <= FLOWBR_VID_MAX; i++) {
				if (!vlan_bit(v->bitmap, i))
					continue;
				fprintf(f, "%s%zu", k++ ? (d == VS_DATA_JSON ?
					"," : sep) : "", i);
			}
		}
		fputs(d == VS_DATA_JSON ? "]]" : d == VS_DATA_BARE ? "" : "]",
		      f);
		return;
	case VV_MAP:
		fputs(d == VS_DATA_JSON ? "[\"map\",[" :
		      d == VS_DATA_BARE ? "" : "{", f);
		for (i = 0; i < v->map->n; i++) {
			const struct vs_kv *kv = &v->map->v[i];

			fputs(i ? (d == VS_DATA_JSON ? "," : sep) : "", f);
			if (d == VS_DATA_JSON)
				fputc('[', f);
			put_str(f, d, kv->key);
			fputc(d == VS_DATA_JSON ? ',' : '=', f);
			if (v->num_vals)
				fputs(kv->val, f);
			else
				put_str(f, d, kv->val);
			if (d == VS_DATA_JSON)
				fputc(']', f);
		}
		fputs(d == VS_DATA_JSON ? "]]" : d == VS_DATA_BARE ? "" : "}",
		      f);
		return;
	}
}

static int read_sys(const char *dev, const char *attr, char *buf,
		    size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", dev, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The interface statistics, as a map of decimal strings. */
static void port_stats(const struct vs_port *p, struct vs_map *m)
{
	static const struct { unsigned int attr; const char *name; } s[] = {
		{ FLOWBR_PORT_STATS_RX_BYTES, "rx_bytes" },
		{ FLOWBR_PORT_STATS_RX_PACKETS, "rx_packets" },
		{ FLOWBR_PORT_STATS_TX_BYTES, "tx_bytes" },
		{ FLOWBR_PORT_STATS_TX_PACKETS, "tx_packets" },
	};
	uint64_t drops = 0;
	char num[24];
	size_t i;

	if (!p->kp)
		return;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		snprintf(num, sizeof(num), "%" PRIu64, p->kp->stats[s[i].attr]);
		vs_map_set(m, s[i].name, num);
	}
	for (i = FLOWBR_DROP_UNSPEC + 1; i <= FLOWBR_DROP_MAX; i++)
		drops += p->kp->drops[i];
	snprintf(num, sizeof(num), "%" PRIu64, drops);
	vs_map_set(m, "rx_dropped", num);
}

/*
 * The value of @col of @rec in @v. @tmp is a map the caller frees
 * (statistics, empty maps). Returns -1 for an unknown column.
 */
static int col_value(struct vs_db *db, enum vs_table t, const void *rec,
		     const char *col, struct vv *v, struct vs_map *tmp,
		     const char ***names)
{
	const struct vs_port *p = rec;
	size_t i, n = 0;

	memset(v, 0, sizeof(*v));
	v->t = VV_STR;
	if (t == VS_T_BRIDGE || t == VS_T_OVS) {
		const struct vs_br *b = rec;

		if (!strcmp(col, "name")) {
			v->s = b->name;
		} else if (!strcmp(col, "datapath_type")) {
			v->s = "system";
		} else if (!strcmp(col, "external_ids")) {
			v->t = VV_MAP;
			v->map = tmp;
		} else if (!strcmp(col, "ovs_version")) {
			v->s = "flowbr-" VERSION;
		} else if (!strcmp(col, "ports") || !strcmp(col, "bridges")) {
			*names = calloc(db->n_ports + db->n_brs + 1,
					sizeof(**names));
			if (!*names)
				return -1;
			if (t == VS_T_OVS) {
				for (i = 0; i < db->n_brs; i++)
					if (!db->brs[i].deleted)
						(*names)[n++] = db->brs[i].name;
			} else {
				for (i = 0; i < db->n_ports; i++)
					if (!db->ports[i].deleted &&
					    !strcmp(db->ports[i].br, b->name))
						(*names)[n++] =
							db->ports[i].name;
			}
			v->t = VV_STRSET;
			v->strs = *names;
			v->n = n;
		} else {
			return -1;
		}
		return 0;
	}
	if (!strcmp(col, "name")) {
		v->s = p->name;
	} else if (!strcmp(col, "interfaces")) {
		v->t = VV_STRSET;
		v->strs = (const char *const *)&v->s;
		v->s = p->name;
		v->n = 1;
	} else if (!strcmp(col, "tag")) {
		v->t = p->tag ? VV_INT : VV_OPT_NONE;
		v->i = p->tag;
	} else if (!strcmp(col, "trunks")) {
		v->t = VV_INTSET;
		v->bitmap = p->trunks;
	} else if (!strcmp(col, "vlan_mode")) {
		v->t = p->mode == VS_MODE_UNSET ? VV_OPT_NONE : VV_STR;
		v->s = vlan_mode_name(p->mode);
	} else if (!strcmp(col, "qos")) {
		v->t = VV_OPT_NONE;
	} else if (!strcmp(col, "type")) {
		v->s = p->internal ? "internal" : "";
	} else if (!strcmp(col, "ofport")) {
		v->t = p->port_no || vs_is_local(p) ? VV_INT : VV_OPT_NONE;
		v->i = p->port_no;
	} else if (!strcmp(col, "ofport_request")) {
		v->t = p->port_no_req ? VV_INT : VV_OPT_NONE;
		v->i = p->port_no_req;
	} else if (!strcmp(col, "mac_in_use") || !strcmp(col, "mtu") ||
		   !strcmp(col, "admin_state") || !strcmp(col, "link_state")) {
		const char *attr = !strcmp(col, "mac_in_use") ? "address" :
			!strcmp(col, "mtu") ? "mtu" :
			!strcmp(col, "admin_state") ? "flags" : "operstate";

		if (read_sys(p->name, attr, v->buf, sizeof(v->buf))) {
			v->t = VV_OPT_NONE;
		} else if (!strcmp(col, "mtu")) {
			v->t = VV_INT;
			v->i = strtoull(v->buf, NULL, 10);
		} else if (!strcmp(col, "admin_state")) {
			v->s = strtoul(v->buf, NULL, 16) & 1 ? "up" : "down";
		} else if (!strcmp(col, "link_state")) {
			v->s = !strcmp(v->buf, "up") ||
				!strcmp(v->buf, "unknown") ? "up" : "down";
		} else {
			v->s = v->buf;
		}
	} else if (!strcmp(col, "external_ids")) {
		v->t = VV_MAP;
		v->map = &p->ids;
	} else if (!strcmp(col, "statistics")) {
		port_stats(p, tmp);
		v->num_vals = true;
		v->t = VV_MAP;
		v->map = tmp;
	} else {
		return -1;
	}
	return 0;
}

int vs_print_value(FILE *f, const struct vs_opts *o, struct vs_db *db,
		   enum vs_table t, const void *rec, const char *col,
		   const char *key)
{
	struct vs_map tmp = { 0 };
	const char **names = NULL;
	struct vv v;
	int ret = 0;

	if (col_value(db, t, rec, col, &v, &tmp, &names)) {
		ret = -1;
	} else if (key) {
		const char *val = v.t == VV_MAP ? vs_map_get(v.map, key) : NULL;

		if (!val) {
			ret = 1;
		} else {
			put_str(f, o->data, val);
			fputc('\n', f);
		}
	} else {
		put_value(f, o->data, &v);
		fputc('\n', f);
	}
	vs_map_free(&tmp);
	free(names);
	return ret;
}

/* The columns to print: --columns or all of the table's. */
static int pick_cols(const struct vs_opts *o, enum vs_table t,
		     const char **cols, size_t max, size_t *n)
{
	const char *const *all = table_cols(t);
	char buf[512], *save = NULL, *tok;

	*n = 0;
	if (!o->columns) {
		for (; all && all[*n] && *n < max; (*n)++)
			cols[*n] = all[*n];
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", o->columns);
	for (tok = strtok_r(buf, ",", &save); tok && *n < max;
	     tok = strtok_r(NULL, ",", &save)) {
		char *p;

		for (p = tok; *p; p++)
			if (*p == '-')
				*p = '_';
		cols[*n] = vs_column(t, tok);
		if (!cols[*n])
			return -1;
		(*n)++;
	}
	return 0;
}

static char *value_str(const struct vs_opts *o, struct vs_db *db,
		       enum vs_table t, const void *rec, const char *col)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	vs_print_value(f, o, db, t, rec, col, NULL);
	fclose(f);
	if (len && s[len - 1] == '\n')
		s[len - 1] = '\0';
	return s;
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int vs_list(FILE *f, const struct vs_opts *o, struct vs_db *db,
	    enum vs_table t, const void **recs, size_t n)
{
	const char *cols[16];
	size_t nc, r, k, width[16] = { 0 };
	char **cells;

	if (pick_cols(o, t, cols, 16, &nc))
		return -1;
	cells = calloc(n * nc + 1, sizeof(*cells));
	if (!cells)
		return -1;
	for (k = 0; k < nc; k++)
		width[k] = strlen(cols[k]);
	for (r = 0; r < n; r++)
		for (k = 0; k < nc; k++) {
			char *s = value_str(o, db, t, recs[r], cols[k]);

			cells[r * nc + k] = s ? s : strdup("");
			if (s && strlen(s) > width[k])
				width[k] = strlen(s);
		}
	if (o->format == VS_FMT_LIST) {
		for (r = 0; r < n; r++) {
			if (r)
				fputc('\n', f);
			for (k = 0; k < nc; k++) {
				if (o->headings)
					fprintf(f, "%-20s: ", cols[k]);
				fprintf(f, "%s\n", cells[r * nc + k]);
			}
		}
	} else {
		bool csv = o->format == VS_FMT_CSV;

		for (k = 0; o->headings && k < nc; k++) {
			if (csv)
				fprintf(f, "%s%s", k ? "," : "", cols[k]);
			else
				fprintf(f, "%s%-*s", k ? " " : "",
					k + 1 < nc ? (int)width[k] : 0,
					cols[k]);
		}
		if (o->headings && nc)
			fputc('\n', f);
		for (k = 0; !csv && o->headings && k < nc; k++) {
			size_t d;

			fputs(k ? " " : "", f);
			for (d = 0; d < width[k]; d++)
				fputc('-', f);
		}
		if (!csv && o->headings && nc)
			fputc('\n', f);
		for (r = 0; r < n; r++) {
			for (k = 0; k < nc; k++) {
				const char *s = cells[r * nc + k];

				if (csv) {
					fputs(k ? "," : "", f);
					csv_field(f, s);
				} else {
					fprintf(f, "%s%-*s", k ? " " : "",
						k + 1 < nc ? (int)width[k] : 0,
						s);
				}
			}
			fputc('\n', f);
		}
	}
	for (r = 0; r < n * nc; r++)
		free(cells[r]);
	free(cells);
	return 0;
}

static bool any_vid(const uint8_t *bitmap)
{
	size_t k;

	for (k = 0; k < FLOWBR_VLAN_BITMAP_LEN; k++)
		if (bitmap[k])
			return true;
	return false;
}

void vs_show(FILE *f, struct vs_db *db)
{
	size_t i, j;

	for (i = 0; i < db->n_brs; i++) {
		const struct vs_br *b = &db->brs[i];

		if (b->deleted)
			continue;
		fprintf(f, "    Bridge %s\n", b->name);
		for (j = 0; j < db->n_ports; j++) {
			const struct vs_port *p = &db->ports[j];
			uint8_t tr[FLOWBR_VLAN_BITMAP_LEN];

			if (p->deleted || strcmp(p->br, b->name))
				continue;
			fprintf(f, "        Port %s\n", p->name);
			if (p->tag)
				fprintf(f, "            tag: %u\n", p->tag);
			if (vs_eff_trunks(p, tr) && any_vid(tr)) {
				struct vv v = { .t = VV_INTSET, .bitmap = tr };

				fputs("            trunks: ", f);
				put_value(f, VS_DATA_STRING, &v);
				fputc('\n', f);
			}
			if (p->mode != VS_MODE_UNSET)
				fprintf(f, "            vlan_mode: %s\n",
					vlan_mode_name(p->mode));
			fprintf(f, "            Interface %s\n", p->name);
			if (p->internal)
				fprintf(f, "                type: internal\n");
		}
	}
	fprintf(f, "    ovs_version: \"flowbr-%s\"\n", VERSION);
}

/* ---- list and find ---- */

static bool cond_match(struct vs_ctx *x, enum vs_table t, const void *rec,
		       char *cond)
{
	char buf[256], *colname, *key, *val, *got = NULL;
	const char *col;
	size_t len = 0;
	FILE *f;
	bool ok;

	snprintf(buf, sizeof(buf), "%s", cond);
	if (vs_split_setting(buf, &colname, &key, &val))
		return false;
	col = vs_column(t, colname);
	if (!col)
		return false;
	f = open_memstream(&got, &len);
	if (!f)
		return false;
	{
		struct vs_opts bare = x->o;

		bare.data = VS_DATA_BARE;
		ok = !vs_print_value(f, &bare, &x->db, t, rec, col, key);
	}
	fclose(f);
	if (ok && len && got[len - 1] == '\n')
		got[len - 1] = '\0';
	ok = ok && !strcmp(got, val);
	free(got);
	return ok;
}

int vs_list_find(struct vs_ctx *x, int argc, char **argv)
{
	bool find = !strcmp(x->cmd, "find");
	const void **recs;
	enum vs_table t;
	size_t n = 0, i;
	int k, ret;

	if (argc < 1)
		return vs_err(x, "usage: %s TABLE [%s]...", x->cmd,
			    find ? "COLUMN[:KEY]=VALUE" : "RECORD");
	if (vs_table(argv[0], &t))
		return vs_err(x, "unknown table '%s'; flowbr has Bridge, Port "
			    "and Interface", argv[0]);
	if (t == VS_T_EMPTY)	/* QoS, Queue...: no records, no output */
		return 0;
	recs = calloc(x->db.n_brs + x->db.n_ports + 1, sizeof(*recs));
	if (!recs)
		return vs_err(x, "out of memory");
	if (!find && argc > 1) {
		for (k = 1; k < argc; k++) {
			const void *r = vs_find_rec(x, t, argv[k]);

			if (!r && !x->if_exists) {
				free(recs);
				return vs_err(x, "no row \"%s\" in table %s",
					    argv[k], vs_table_name(t));
			}
			if (r)
				recs[n++] = r;
		}
	} else if (t == VS_T_BRIDGE) {
		for (i = 0; i < x->db.n_brs; i++)
			if (!x->db.brs[i].deleted)
				recs[n++] = &x->db.brs[i];
	} else if (t == VS_T_PORT || t == VS_T_INTERFACE) {
		for (i = 0; i < x->db.n_ports; i++)
			if (!x->db.ports[i].deleted)
				recs[n++] = &x->db.ports[i];
	} else if (t == VS_T_OVS) {
		recs[n++] = x;
	}
	if (find) {
		size_t w = 0;

		for (i = 0; i < n; i++) {
			bool all = true;

			for (k = 1; k < argc && all; k++)
				all = cond_match(x, t, recs[i], argv[k]);
			if (all)
				recs[w++] = recs[i];
		}
		n = w;
	}
	ret = vs_list(x->out, &x->o, &x->db, t, recs, n);
	free(recs);
	return ret ? vs_err(x, "unknown column in --columns=%s", x->o.columns) :
		0;
}
