// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - error reporting, the netlink session and port lookups for the
 * flowbr subcommands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "terminal.h"

#define DUMP_TRIES 4

static void vmsg(struct cli *c, const char *kind, const char *fmt,
		 va_list ap)
{
	fprintf(stderr, "%s: ", PROG);
	if (c && c->cmd)
		fprintf(stderr, "%s: ", c->cmd);
	if (kind)
		fprintf(stderr, "%s%s%s", term_err(TC_YELLOW), kind,
			term_err(TC_RESET));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_err(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(c, NULL, fmt, ap);
	va_end(ap);
	return 1;
}

void cli_warn(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(c, "warning: ", fmt, ap);
	va_end(ap);
}

int cli_perr(struct cli *c, const struct perr *e)
{
	return cli_err(c, "%s", e->msg);
}

int cli_usage(struct cli *c, const char *what)
{
	return cli_err(c, "%s; usage: %s %s", what, PROG,
		       c->usage ? c->usage : c->cmd);
}

int cli_check_br(struct cli *c, const char *br)
{
	struct perr e;

	if (check_ifname("bridge name", br, &e))
		return cli_perr(c, &e);
	return 0;
}

int cli_br_args(struct cli *c, int argc, char **argv, int max)
{
	if (argc < 1)
		return cli_usage(c, "missing the bridge name");
	if (argc > max)
		return cli_usage(c, "too many arguments");
	return cli_check_br(c, argv[0]);
}

int cli_open(struct cli *c)
{
	int err;

	if (c->nl_open)
		return 0;
	err = fbnl_open(&c->nl, FLOWBR_GENL_NAME, FLOWBR_GENL_VERSION);
	if (err == -ENOENT) {
		/* Not a per-command problem: no command prefix. */
		fprintf(stderr, "%s: the flowbr kernel module is not loaded "
			"(modprobe flowbr)\n", PROG);
		return 1;
	}
	if (err)
		return cli_err(c, "cannot query generic netlink: %s",
			       strerror(-err));
	c->nl_open = true;
	return 0;
}

void cli_close(struct cli *c)
{
	if (c->nl_open)
		fbnl_close(&c->nl);
	c->nl_open = false;
}

struct nlmsghdr *cli_req(struct cli *c, uint8_t cmd, uint16_t flags)
{
	/* The family id is filled in by cli_talk(). */
	return fbnl_req_buf(c->tx, FBNL_TX_SIZE, 0, cmd, FLOWBR_GENL_VERSION,
			    flags);
}

/* What to add to a bare errno string when the kernel gave no message. */
static const char *errno_hint(const struct cli *c, int err)
{
	const char *cmd = c->cmd ? c->cmd : "";

	switch (err) {
	case EPERM:
	case EACCES:
		return "needs CAP_NET_ADMIN: run it as root";
	case EEXIST:
		if (!strcmp(cmd, "add-flow"))
			return "the flow exists; without --strict add-flow "
			       "replaces its actions";
		if (!strcmp(cmd, "add-br") || !strcmp(cmd, "add-port"))
			return "that name is taken; see 'flowbr show' and "
			       "'ip link'";
		return NULL;
	case ENODEV:
		if (!strcmp(cmd, "add-port"))
			return "no such network device";
		return "no such bridge? see 'flowbr list-br'";
	case EOPNOTSUPP:
		return "the loaded module does not support this; see "
		       "'flowbr version'";
	case EBUSY:
		if (!strcmp(cmd, "add-port"))
			return "the device is already a port of a bridge or "
			       "enslaved elsewhere";
		return NULL;
	case ENOSPC:
	case EFBIG:
		if (!strcmp(cmd, "add-flow"))
			return "the bridge's flow_limit is reached; see "
			       "'flowbr set-br BR flow_limit=N'";
		return NULL;
	default:
		return NULL;
	}
}

static bool generic_policy_msg(const char *msg)
{
	static const char *const words[] = {
		"policy", "out of range", "invalid length", "Unknown attribute",
		"Missing attribute", "not a nested", "too long", "too short",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(msg, words[i]))
			return true;
	return false;
}

/* The kernel's message, without the "flowbr: " NL_SET_ERR_MSG_MOD adds. */
static const char *ext_msg(const struct fbnl *nl)
{
	size_t n = strlen(FLOWBR_GENL_NAME);

	if (!strncmp(nl->ext_msg, FLOWBR_GENL_NAME, n) &&
	    !strncmp(nl->ext_msg + n, ": ", 2))
		return nl->ext_msg + n + 2;
	return nl->ext_msg;
}

static void print_kernel_error(struct cli *c, int err,
			       const struct nlmsghdr *req)
{
	const struct fbnl *nl = &c->nl;
	const char *msg = ext_msg(nl);
	const char *attr = fb_attr_at(req, nl->ext_off);
	const char *miss = fb_missing_name(req, nl->ext_miss_type,
					   nl->ext_miss_nest);
	const char *red = term_err(TC_RED), *reset = term_err(TC_RESET);
	const char *hint;

	if (nl->ext_msg[0]) {
		/*
		 * Our own messages are clear without the attribute; generic
		 * policy messages ("integer out of range") are not.
		 */
		if (!generic_policy_msg(msg))
			attr = miss = NULL;
		if (miss)
			cli_err(c, "%sError:%s %s (%s): %s", red, reset, msg,
				miss, strerror(err));
		else if (attr)
			cli_err(c, "%sError:%s %s (%s): %s", red, reset, msg,
				attr, strerror(err));
		else
			cli_err(c, "%sError:%s %s: %s", red, reset, msg,
				strerror(err));
		return;
	}
	if (miss) {
		cli_err(c, "%sError:%s missing attribute %s: %s", red, reset,
			miss, strerror(err));
		return;
	}
	if (attr) {
		cli_err(c, "%sError:%s invalid attribute %s: %s", red, reset,
			attr, strerror(err));
		return;
	}
	hint = errno_hint(c, err);
	if (hint)
		cli_err(c, "%s (%s)", strerror(err), hint);
	else
		cli_err(c, "%s", strerror(err));
}

int cli_talk(struct cli *c, struct nlmsghdr *req, fbnl_cb cb, void *data)
{
	int err;

	if (cli_open(c))
		return 1;
	req->nlmsg_type = c->nl.family;
	err = fbnl_talk(&c->nl, req, cb, data);
	if (err) {
		print_kernel_error(c, -err, req);
		return 1;
	}
	if (c->nl.ext_msg[0])
		cli_warn(c, "%s", ext_msg(&c->nl));
	return 0;
}

int cli_dump(struct cli *c, struct nlmsghdr *req, fbnl_cb cb,
	     void (*reset)(void *data), void *data)
{
	int try;

	for (try = 1; ; try++) {
		if (cli_talk(c, req, cb, data))
			return 1;
		if (!c->nl.dump_intr)
			return 0;
		if (try == DUMP_TRIES) {
			cli_warn(c, "the dump was interrupted by concurrent "
				 "changes %d times; the list may be "
				 "inconsistent", try);
			return 0;
		}
		cli_warn(c, "the dump was interrupted by a concurrent "
			 "change; redoing it");
		if (reset)
			reset(data);
	}
}

/* ---- bridges ---- */

struct br_vec {
	struct fb_br *v;
	size_t n, cap;
};

static int br_vec_cb(const struct nlmsghdr *nlh, void *data)
{
	struct br_vec *bv = data;
	struct fb_br br;
	int err = fb_parse_br(nlh, &br);

	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	if (bv->n == bv->cap) {
		size_t ncap = bv->cap ? bv->cap * 2 : 8;
		struct fb_br *v = realloc(bv->v, ncap * sizeof(*v));

		if (!v) {
			fb_br_free(&br);
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		bv->v = v;
		bv->cap = ncap;
	}
	bv->v[bv->n++] = br;
	return MNL_CB_OK;
}

static void br_vec_reset(void *data)
{
	struct br_vec *bv = data;

	cli_free_bridges(bv->v, bv->n);
	bv->v = NULL;
	bv->n = bv->cap = 0;
}

static int br_cmp(const void *a, const void *b)
{
	const struct fb_br *x = a, *y = b;

	return strcmp(x->name, y->name);
}

void cli_free_bridges(struct fb_br *brs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fb_br_free(&brs[i]);
	free(brs);
}

int cli_load_bridges(struct cli *c, const char *only, struct fb_br **brs,
		     size_t *n)
{
	struct br_vec bv = { 0 };
	struct nlmsghdr *req;
	int ret;

	*brs = NULL;
	*n = 0;
	if (cli_open(c))
		return 1;
	req = fbnl_req(&c->nl, FLOWBR_CMD_BR_GET, only ? 0 : NLM_F_DUMP);
	if (only) {
		mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, only);
		ret = cli_talk(c, req, br_vec_cb, &bv);
	} else {
		ret = cli_dump(c, req, br_vec_cb, br_vec_reset, &bv);
	}
	if (ret) {
		br_vec_reset(&bv);
		return 1;
	}
	if (bv.n > 1)
		qsort(bv.v, bv.n, sizeof(*bv.v), br_cmp);
	*brs = bv.v;
	*n = bv.n;
	return 0;
}

/* ---- ports ---- */

struct port_vec {
	const char *br;
	struct fb_port *v;
	size_t n, cap;
};

static int port_vec_cb(const struct nlmsghdr *nlh, void *data)
{
	struct port_vec *pv = data;
	struct fb_port p;

	if (fb_parse_port(nlh, &p) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* If the kernel tells the bridge, trust but verify the filter. */
	if (p.br_name[0] && strcmp(p.br_name, pv->br))
		return MNL_CB_OK;
	if (pv->n == pv->cap) {
		size_t ncap = pv->cap ? pv->cap * 2 : 16;
		struct fb_port *v = realloc(pv->v, ncap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		pv->v = v;
		pv->cap = ncap;
	}
	pv->v[pv->n++] = p;
	return MNL_CB_OK;
}

static void port_vec_reset(void *data)
{
	struct port_vec *pv = data;

	pv->n = 0;
}

static int port_cmp(const void *a, const void *b)
{
	const struct fb_port *x = a, *y = b;

	return (x->port_no > y->port_no) - (x->port_no < y->port_no);
}

int cli_load_ports(struct cli *c, const char *br, struct fb_port **ports,
		   size_t *n)
{
	struct port_vec pv = { .br = br };
	struct nlmsghdr *req;

	*ports = NULL;
	*n = 0;
	if (cli_open(c))
		return 1;
	/* In the session's own buffer: c->tx may hold a request. */
	req = fbnl_req(&c->nl, FLOWBR_CMD_PORT_GET, NLM_F_DUMP);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, br);
	if (cli_dump(c, req, port_vec_cb, port_vec_reset, &pv)) {
		free(pv.v);
		return 1;
	}
	if (pv.n > 1)
		qsort(pv.v, pv.n, sizeof(*pv.v), port_cmp);
	*ports = pv.v;
	*n = pv.n;
	return 0;
}

int cli_resolve_ports(struct cli *c, const char *br, struct port_ref **refs,
		      size_t n)
{
	struct fb_port *ports = NULL;
	size_t np = 0, i, j;
	bool names = false;

	for (i = 0; i < n; i++)
		if (refs[i]->is_name)
			names = true;
	if (!names)
		return 0;
	if (cli_load_ports(c, br, &ports, &np))
		return 1;
	if (!np)	/* every bridge has its local port */
		return cli_err(c, "no bridge named %s; see 'flowbr list-br'",
			       br);
	for (i = 0; i < n; i++) {
		if (!refs[i]->is_name)
			continue;
		for (j = 0; j < np; j++)
			if (!strcmp(ports[j].name, refs[i]->name))
				break;
		if (j == np) {
			cli_err(c, "bridge %s has no port named %s; see "
				"'flowbr list-ports %s'", br, refs[i]->name,
				br);
			free(ports);
			return 1;
		}
		refs[i]->no = ports[j].port_no;
		refs[i]->is_name = false;
	}
	free(ports);
	return 0;
}
