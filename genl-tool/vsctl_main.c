// SPDX-License-Identifier: GPL-2.0
/*
 * vsctl_main.c - 'flowbr vsctl' / 'ovs-vsctl': options, the command loop,
 * and applying the model's difference to the kernel (undone on failure).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persist.h"
#include "vsctl.h"

/* ---- options ---- */

static int opt_value(struct vs_ctx *x, int argc, char **argv, int *i,
		     const char *name, const char **val)
{
	size_t len = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, len))
		return 0;
	if (a[len] == '=') {
		*val = a + len + 1;
		return 1;
	}
	if (a[len])
		return 0;
	if (*i + 1 >= argc) {
		vs_err(x, "option %s needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

/*
 * Parse the option at argv[*i]. Returns 1 if it was one, 0 if not (a
 * command), -1 on error.
 */
static int parse_opt(struct vs_ctx *x, int argc, char **argv, int *i)
{
	static const char *const ignored[] = {
		"--no-wait", "--retry", "--pretty", "--no-syslog", "-v",
		"--verbose", "--with-iface", "--all", "--oneline",
	};
	static const char *const ignored_val[] = {
		"--timeout", "-t", "--db", "--log-file", "--verbose",
	};
	const char *a = argv[*i], *v;
	size_t k;
	int r;

	if (a[0] != '-')
		return 0;
	if (!strcmp(a, "--may-exist")) {
		x->may_exist = true;
		return 1;
	}
	if (!strcmp(a, "--if-exists")) {
		x->if_exists = true;
		return 1;
	}
	if (!strcmp(a, "--no-headings") || !strcmp(a, "--no-heading")) {
		x->o.headings = false;
		return 1;
	}
	if (!strcmp(a, "--bare")) {
		x->o.format = VS_FMT_LIST;
		x->o.data = VS_DATA_BARE;
		x->o.headings = false;
		return 1;
	}
	if ((r = opt_value(x, argc, argv, i, "--format", &v)) ||
	    (r = opt_value(x, argc, argv, i, "-f", &v))) {
		if (r < 0)
			return -1;
		if (!strcmp(v, "list"))
			x->o.format = VS_FMT_LIST;
		else if (!strcmp(v, "table"))
			x->o.format = VS_FMT_TABLE;
		else if (!strcmp(v, "csv"))
			x->o.format = VS_FMT_CSV;
		else {
			vs_err(x, "--format=%s: use list, table or csv", v);
			return -1;
		}
		return 1;
	}
	if ((r = opt_value(x, argc, argv, i, "--data", &v)) ||
	    (r = opt_value(x, argc, argv, i, "-d", &v))) {
		if (r < 0)
			return -1;
		if (!strcmp(v, "string"))
			x->o.data = VS_DATA_STRING;
		else if (!strcmp(v, "bare"))
			x->o.data = VS_DATA_BARE;
		else if (!strcmp(v, "json"))
			x->o.data = VS_DATA_JSON;
		else {
			vs_err(x, "--data=%s: use string, bare or json", v);
			return -1;
		}
		return 1;
	}
	r = opt_value(x, argc, argv, i, "--columns", &v);
	if (r)
		return r < 0 ? -1 : (x->o.columns = v, 1);
	for (k = 0; k < sizeof(ignored) / sizeof(ignored[0]); k++)
		if (!strcmp(a, ignored[k]) ||
		    (!strncmp(a, ignored[k], strlen(ignored[k])) &&
		     a[strlen(ignored[k])] == '='))
			return 1;
	for (k = 0; k < sizeof(ignored_val) / sizeof(ignored_val[0]); k++)
		if ((r = opt_value(x, argc, argv, i, ignored_val[k], &v)))
			return r;
	if (!strncmp(a, "-v", 2))	/* -vconsole:emer and the like */
		return 1;
	vs_err(x, "unknown option '%s'", a);
	return -1;
}

/* ---- validation and applying ---- */

static const struct vs_port *orig_port(struct vs_ctx *x, const char *name)
{
	size_t i;

	for (i = 0; i < x->n_orig; i++)
		if (!strcmp(x->orig[i].name, name))
			return &x->orig[i];
	return NULL;
}

static bool orig_br(struct vs_ctx *x, const char *name)
{
	size_t i;

	for (i = 0; i < x->db.n_brs; i++)
		if (x->db.brs[i].in_kernel && !strcmp(x->db.brs[i].name, name))
			return true;
	return false;
}

/* The kernel port @o is still the model's port @p (else: del + add). */
static bool same_port(const struct vs_port *o, const struct vs_port *p)
{
	return p && !strcmp(o->br, p->br) && o->internal == p->internal &&
		(!p->port_no_req || p->port_no_req == o->port_no);
}

static bool vlan_differs(const struct vs_port *a, const struct vs_port *b)
{
	uint8_t ta[FLOWBR_VLAN_BITMAP_LEN], tb[FLOWBR_VLAN_BITMAP_LEN];

	vs_eff_trunks(a, ta);
	vs_eff_trunks(b, tb);
	return vs_eff_mode(a) != vs_eff_mode(b) ||
		vs_eff_tag(a) != vs_eff_tag(b) || memcmp(ta, tb, sizeof(ta));
}

/* Check the ports to be added or changed before touching anything. */
static int validate(struct vs_ctx *x)
{
	size_t i;

	for (i = 0; i < x->db.n_ports; i++) {
		const struct vs_port *p = &x->db.ports[i], *o;
		uint8_t mode = vs_eff_mode(p);
		uint8_t tr[FLOWBR_VLAN_BITMAP_LEN];
		bool added, any = false;
		size_t k;

		if (p->deleted || vs_is_local(p))
			continue;
		o = orig_port(x, p->name);
		added = !o || !same_port(o, p);
		if (!added && !vlan_differs(o, p))
			continue;
		x->cmd = p->name;
		if (added && !p->internal && !if_nametoindex(p->name))
			return vs_err(x, "no network device named %s; for a "
				      "port that creates its own device add "
				      "'-- set Interface %s type=internal'",
				      p->name, p->name);
		if (mode != FLOWBR_VLAN_TRUNK && !p->tag)
			return vs_err(x, "vlan_mode=%s needs a tag; e.g. set "
				      "Port %s tag=100", vlan_mode_name(mode),
				      p->name);
		for (k = 0; k < sizeof(tr); k++)
			any |= p->trunks[k] != 0;
		if (mode == FLOWBR_VLAN_ACCESS && any)
			fprintf(stderr, "%s: vsctl: warning: port %s: trunks "
				"ignored in favor of the access VLAN %u (set "
				"vlan_mode=native-untagged to carry both)\n",
				PROG, p->name, p->tag);
		if (mode == FLOWBR_VLAN_TRUNK && p->tag)
			fprintf(stderr, "%s: vsctl: warning: port %s: tag "
				"ignored in vlan_mode=trunk\n", PROG, p->name);
	}
	x->cmd = NULL;
	return 0;
}

enum op_type { OP_DEL_PORT, OP_DEL_BR, OP_ADD_BR, OP_ADD_PORT, OP_SET_PORT };

struct op {
	enum op_type t;
	const struct vs_port *p;	/* model port (add/set) */
	const struct vs_port *o;	/* kernel port (del/set) */
	const char *br;
};

/* Build the flowbr add-port/set-port arguments for the VLAN of @p. */
struct args {
	char *v[8];
	int n;
	char tag[16], port_no[24], trunks[4096 + 8];
};

static int port_args(struct vs_ctx *x, struct args *a, const char *br,
		     const struct vs_port *p, bool add, uint32_t port_no)
{
	uint8_t tr[FLOWBR_VLAN_BITMAP_LEN];
	uint8_t mode = vs_eff_mode(p);
	char *list;

	a->n = 0;
	a->v[a->n++] = (char *)br;
	a->v[a->n++] = (char *)p->name;
	if (add && p->internal)
		a->v[a->n++] = "type=internal";
	if (add && port_no) {
		snprintf(a->port_no, sizeof(a->port_no), "port_no=%u",
			 port_no);
		a->v[a->n++] = a->port_no;
	}
	a->v[a->n++] = (char *)(mode == FLOWBR_VLAN_ACCESS ?
		"vlan_mode=access" : mode == FLOWBR_VLAN_TRUNK ?
		"vlan_mode=trunk" : mode == FLOWBR_VLAN_NATIVE_TAGGED ?
		"vlan_mode=native-tagged" : "vlan_mode=native-untagged");
	snprintf(a->tag, sizeof(a->tag), "tag=");
	if (vs_eff_tag(p))
		snprintf(a->tag, sizeof(a->tag), "tag=%u", vs_eff_tag(p));
	if (!add || vs_eff_tag(p))
		a->v[a->n++] = a->tag;
	vs_eff_trunks(p, tr);
	list = persist_vlan_list(tr);
	if (!list)
		return vs_err(x, "out of memory");
	snprintf(a->trunks, sizeof(a->trunks), "trunks=%s", list);
	free(list);
	if (!add || a->trunks[7])
		a->v[a->n++] = a->trunks;
	return 0;
}

static int run(struct vs_ctx *x, const char *cmd, cmd_fn fn, int argc,
	       char **argv)
{
	x->c->cmd = cmd;
	return fn(x->c, argc, argv);
}

static int do_op(struct vs_ctx *x, const struct op *op, bool undo)
{
	char *v[2];
	struct args a;

	switch (op->t) {
	case OP_ADD_BR:
	case OP_DEL_BR:
		v[0] = (char *)op->br;
		if ((op->t == OP_ADD_BR) != undo)
			return run(x, "add-br", cmd_add_br, 1, v);
		return run(x, "del-br", cmd_del_br, 1, v);
	case OP_ADD_PORT:
		if (undo) {
			v[0] = (char *)op->br;
			v[1] = (char *)op->p->name;
			return run(x, "del-port", cmd_del_port, 2, v);
		}
		return port_args(x, &a, op->br, op->p, true,
				 op->p->port_no_req) ||
			run(x, "add-port", cmd_add_port, a.n, a.v);
	case OP_DEL_PORT:
		if (undo)	/* an internal port comes back without its IPs */
			return port_args(x, &a, op->br, op->o, true,
					 op->o->port_no) ||
				run(x, "add-port", cmd_add_port, a.n, a.v);
		v[0] = (char *)op->br;
		v[1] = (char *)op->o->name;
		return run(x, "del-port", cmd_del_port, 2, v);
	case OP_SET_PORT:
		return port_args(x, &a, op->br, undo ? op->o : op->p, false,
				 0) ||
			run(x, "set-port", cmd_set_port, a.n, a.v);
	}
	return 1;
}

static size_t plan(struct vs_ctx *x, struct op *ops)
{
	struct vs_db *db = &x->db;
	size_t n = 0, i;

	for (i = 0; i < x->n_orig; i++) {
		const struct vs_port *o = &x->orig[i];

		if (vs_is_local(o) || !vs_find_br(db, o->br))
			continue;
		if (!same_port(o, vs_find_port(db, o->name)))
			ops[n++] = (struct op){ OP_DEL_PORT, NULL, o, o->br };
	}
	for (i = 0; i < db->n_brs; i++)
		if (db->brs[i].in_kernel && !vs_find_br(db, db->brs[i].name))
			ops[n++] = (struct op){ OP_DEL_BR, NULL, NULL,
						db->brs[i].name };
	for (i = 0; i < db->n_brs; i++)
		if (!db->brs[i].deleted && !orig_br(x, db->brs[i].name))
			ops[n++] = (struct op){ OP_ADD_BR, NULL, NULL,
						db->brs[i].name };
	for (i = 0; i < db->n_ports; i++) {
		const struct vs_port *p = &db->ports[i], *o;

		if (p->deleted || vs_is_local(p))
			continue;
		o = orig_port(x, p->name);
		if (o && !vs_find_br(db, o->br))
			o = NULL;	/* its bridge is deleted */
		if (!o || !same_port(o, p))
			ops[n++] = (struct op){ OP_ADD_PORT, p, NULL, p->br };
		else if (vlan_differs(o, p))
			ops[n++] = (struct op){ OP_SET_PORT, p, o, p->br };
	}
	return n;
}

/* Store the external_ids that changed; drop those of removed ports. */
static void store_ids(struct vs_ctx *x)
{
	size_t i;

	for (i = 0; i < x->n_orig; i++) {
		const struct vs_port *o = &x->orig[i];

		if (!same_port(o, vs_find_port(&x->db, o->name)))
			vs_ids_remove(o->name);
	}
	for (i = 0; i < x->db.n_ports; i++) {
		const struct vs_port *p = &x->db.ports[i];

		if (!p->deleted && p->ids_dirty &&
		    vs_ids_store(p->name, &p->ids))
			fprintf(stderr, "%s: vsctl: warning: cannot store the "
				"external_ids of %s: %s\n", PROG, p->name,
				strerror(errno));
	}
}

static int apply(struct vs_ctx *x)
{
	struct op *ops;
	size_t n, done;
	int ret = 0;

	if (validate(x))
		return 1;
	ops = calloc(x->db.n_ports + x->n_orig + 2 * x->db.n_brs + 1,
		     sizeof(*ops));
	if (!ops)
		return vs_err(x, "out of memory");
	n = plan(x, ops);
	for (done = 0; done < n; done++)
		if (do_op(x, &ops[done], false))
			break;
	if (done < n) {
		fprintf(stderr, "%s: vsctl: nothing changed: undoing the %zu "
			"step%s already applied\n", PROG, done,
			done == 1 ? "" : "s");
		while (done--)
			do_op(x, &ops[done], true);
		ret = 1;
	} else {
		store_ids(x);
		if (n)
			persist_save(x->c);
	}
	free(ops);
	return ret;
}

static void usage(void)
{
	printf("Usage: %s vsctl [OPTIONS] COMMAND [ARGS] [-- [OPTIONS] "
	       "COMMAND [ARGS]]...\n"
	       "       ovs-vsctl ... (the same, when flowbr is installed under "
	       "that name)\n\n"
	       "ovs-vsctl's commands for bridges, ports, VLANs and "
	       "external_ids, on flowbr.\nThe commands of one call apply "
	       "together, or not at all.\n\n"
	       "  add-br BR | del-br BR | list-br | br-exists BR\n"
	       "  add-port BR PORT [tag=N] [trunks=A,B] [vlan_mode=M] | "
	       "del-port [BR] PORT\n"
	       "  list-ports BR | port-to-br PORT | iface-to-br IFACE | show\n"
	       "  set|get|clear|add|remove TABLE RECORD COLUMN[:KEY][=VALUE]"
	       "  (Port: tag, trunks,\n"
	       "      vlan_mode; Interface: type=internal, ofport_request, "
	       "external_ids)\n"
	       "  list|find TABLE ...  (Bridge, Port, Interface)\n\n"
	       "Options: --may-exist, --if-exists, --format=list|table|csv, "
	       "--data=string|bare|json,\n--no-headings, --columns=A,B, "
	       "--bare, --dry-run; --timeout and the like are accepted.\n"
	       "Example: %s vsctl add-port solbr vnet100 tag=100 -- set "
	       "Interface vnet100 type=internal\n", PROG, PROG);
}

int cmd_vsctl(struct cli *c, int argc, char **argv)
{
	struct vs_ctx x = { .c = c };
	bool dry_run = false, any = false;
	char *out = NULL;
	size_t outlen = 0;
	int i = 0, ret = 1;

	x.o.headings = true;
	if (argc == 0 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		usage();
		return argc == 0;
	}
	x.out = open_memstream(&out, &outlen);
	if (!x.out)
		return vs_err(&x, "out of memory");
	if (vs_db_load(&x))
		goto done;
	while (i < argc) {
		int start, r;

		x.may_exist = x.if_exists = false;
		x.cmd = NULL;
		/* options, then the command up to the next "--" */
		for (; i < argc; i++) {
			if (!strcmp(argv[i], "--"))
				continue;
			if (!strcmp(argv[i], "--dry-run")) {
				dry_run = true;
				continue;
			}
			r = parse_opt(&x, argc, argv, &i);
			if (r < 0)
				goto done;
			if (!r)
				break;
		}
		if (i == argc)
			break;
		start = i;
		while (i < argc && strcmp(argv[i], "--"))
			i++;
		x.cmd = argv[start];
		any = true;
		if (vs_run_cmd(&x, i - start, argv + start))
			goto done;
		if (x.exit_code)
			break;
	}
	if (!any) {
		x.cmd = NULL;
		vs_err(&x, "no command given; e.g. %s vsctl show", PROG);
		goto done;
	}
	ret = dry_run ? 0 : apply(&x);
done:
	fclose(x.out);
	if (!ret) {
		fwrite(out, 1, outlen, stdout);
		ret = x.exit_code;
	}
	free(out);
	vs_db_free(&x);
	return ret;
}
