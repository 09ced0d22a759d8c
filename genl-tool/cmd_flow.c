// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_flow.c - add-flow, del-flow, get-flow, dump-flows, flush-flows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define FLOW_EXAMPLE "in_port=1,vlan=100,dl_src=02:00:00:00:00:01," \
		     "dl_dst=02:00:00:00:00:02"

/* ---- output ---- */

static void print_key(const struct fb_key *k)
{
	char src[18], dst[18];

	format_mac(k->src, src);
	format_mac(k->dst, dst);
	printf("in_port=%u,vlan=%u,dl_src=%s,dl_dst=%s", k->in_port, k->vlan,
	       src, dst);
}

static void print_ms(const char *name, uint64_t ms)
{
	printf(" %s=%" PRIu64 ".%03us", name, ms / 1000,
	       (unsigned int)(ms % 1000));
}

static void print_flow_text(const struct fb_flow *f)
{
	size_t i;

	print_key(&f->key);
	if (f->has_stats) {
		printf(" packets=%" PRIu64 " bytes=%" PRIu64, f->packets,
		       f->bytes);
		print_ms("idle", f->idle_ms);
		print_ms("age", f->age_ms);
	}
	printf(" actions=");
	if (!f->n_acts)
		printf("drop");
	for (i = 0; i < f->n_acts; i++) {
		if (f->acts[i].flood) {
			printf("%sflood:%u", i ? "," : "", f->acts[i].vid);
			continue;
		}
		printf("%s%u", i ? "," : "", f->acts[i].port);
		if (f->acts[i].tag_op == FLOWBR_TAG_PUSH)
			printf(":%u", f->acts[i].vid);
	}
	printf("\n");
}

static void json_flow(struct json *j, const struct fb_flow *f)
{
	char mac[18];
	size_t i;

	json_obj_open(j, NULL);
	json_u64(j, "in_port", f->key.in_port);
	json_u64(j, "vlan", f->key.vlan);
	format_mac(f->key.src, mac);
	json_str(j, "dl_src", mac);
	format_mac(f->key.dst, mac);
	json_str(j, "dl_dst", mac);
	json_u64(j, "packets", f->packets);
	json_u64(j, "bytes", f->bytes);
	json_u64(j, "idle_ms", f->idle_ms);
	json_u64(j, "age_ms", f->age_ms);
	json_arr_open(j, "actions");
	for (i = 0; i < f->n_acts; i++) {
		json_obj_open(j, NULL);
		if (f->acts[i].flood)
			json_u64(j, "flood", f->acts[i].vid);
		else
			json_u64(j, "port", f->acts[i].port);
		if (!f->acts[i].flood && f->acts[i].tag_op == FLOWBR_TAG_PUSH)
			json_u64(j, "vid", f->acts[i].vid);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

static void print_flow(struct cli *c, const struct fb_flow *f)
{
	if (c->json) {
		json_flow(&c->jw, f);
		json_end(&c->jw);
	} else {
		print_flow_text(f);
	}
}

/* ---- arguments ---- */

struct flow_args {
	const char *br;
	char *flow;		/* malloc'ed */
	const char *actions;	/* NULL unless wanted */
	bool strict;
};

/*
 * BR FLOW [actions=ACTIONS] with options anywhere; also BR
 * "FLOW,actions=ACTIONS" as ovs-ofctl writes it.
 */
static int flow_args(struct cli *c, int argc, char **argv, bool want_actions,
		     struct flow_args *fa)
{
	const char *pos[3];
	int i, npos = 0;

	memset(fa, 0, sizeof(*fa));
	for (i = 0; i < argc; i++) {
		if (want_actions && !strcmp(argv[i], "--strict")) {
			fa->strict = true;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] == '-')
			return cli_err(c, "unknown option '%s'%s", argv[i],
				       want_actions ? "; the only option is "
				       "--strict" : "");
		if (npos == 3)
			return cli_usage(c, "too many arguments");
		pos[npos++] = argv[i];
	}
	if (npos < 1)
		return cli_usage(c, "missing the bridge name");
	if (npos < 2)
		return cli_usage(c, "missing the flow, e.g. " FLOW_EXAMPLE);
	fa->br = pos[0];
	if (cli_check_br(c, fa->br))
		return 1;

	if (!want_actions) {
		if (npos > 2)
			return cli_usage(c, "too many arguments");
		fa->flow = strdup(pos[1]);
		return fa->flow ? 0 : cli_err(c, "out of memory");
	}
	if (npos == 3) {
		if (strncmp(pos[2], "actions=", 8))
			return cli_err(c, "'%s' is not actions=...; e.g. "
				       "actions=2,3:100 or actions=drop",
				       pos[2]);
		fa->flow = strdup(pos[1]);
		if (!fa->flow)
			return cli_err(c, "out of memory");
		fa->actions = pos[2] + 8;
		return 0;
	}
	if (!split_flow_actions(pos[1], &fa->flow, &fa->actions))
		return cli_usage(c, "missing actions=; e.g. actions=2,3:100 "
				 "or actions=drop");
	return 0;
}

/* Parse and resolve FLOW into a key. */
static int flow_key(struct cli *c, const char *br, const char *s,
		    struct fb_key *key)
{
	struct flow_spec fs;
	struct port_ref *ref = &fs.in_port;
	struct perr e;

	if (parse_flow(s, &fs, &e))
		return cli_perr(c, &e);
	if (cli_resolve_ports(c, br, &ref, 1))
		return 1;
	memset(key, 0, sizeof(*key));
	key->in_port = fs.in_port.no;
	key->vlan = fs.vlan;
	memcpy(key->src, fs.src, ETH_ALEN);
	memcpy(key->dst, fs.dst, ETH_ALEN);
	return 0;
}

/* One reply carrying a flow (FLOW_GET, FLOW_DEL). */
struct one_flow {
	bool have;
	struct fb_flow f;
};

static int one_flow_cb(const struct nlmsghdr *nlh, void *data)
{
	struct one_flow *of = data;
	int err;

	if (of->have)
		return MNL_CB_OK;
	err = fb_parse_flow(nlh, &of->f);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	of->have = true;
	return MNL_CB_OK;
}

/* ---- commands ---- */

int cmd_add_flow(struct cli *c, int argc, char **argv)
{
	struct action_list al = { 0 };
	struct fb_output *outs = NULL;
	struct port_ref **refs = NULL;
	struct flow_spec fs;
	struct flow_args fa;
	struct nlmsghdr *req;
	struct fb_key key;
	struct perr e;
	int ret = 1;
	size_t i;

	if (flow_args(c, argc, argv, true, &fa))
		goto out;
	if (parse_flow(fa.flow, &fs, &e) || parse_actions(fa.actions, &al, &e)) {
		cli_perr(c, &e);
		goto out;
	}
	refs = calloc(al.n + 1, sizeof(*refs));
	outs = calloc(al.n ? al.n : 1, sizeof(*outs));
	if (!refs || !outs) {
		cli_err(c, "out of memory");
		goto out;
	}
	refs[0] = &fs.in_port;
	for (i = 0; i < al.n; i++)
		refs[i + 1] = &al.v[i].port;
	if (cli_resolve_ports(c, fa.br, refs, al.n + 1))
		goto out;

	memset(&key, 0, sizeof(key));
	key.in_port = fs.in_port.no;
	key.vlan = fs.vlan;
	memcpy(key.src, fs.src, ETH_ALEN);
	memcpy(key.dst, fs.dst, ETH_ALEN);
	for (i = 0; i < al.n; i++) {
		if (al.v[i].flood) {
			outs[i].flood = true;
			outs[i].vid = al.v[i].flood_vlan ? al.v[i].vid : fs.vlan;
			continue;
		}
		outs[i].port = al.v[i].port.no;
		outs[i].tag_op = al.v[i].vid ? FLOWBR_TAG_PUSH
					     : FLOWBR_TAG_UNTAGGED;
		outs[i].vid = al.v[i].vid;
	}

	/*
	 * Only NLM_F_EXCL carries meaning here (the uapi's "fail if it
	 * exists"); the genetlink core refuses other legacy flags such as
	 * NLM_F_CREATE for families that validate their headers.
	 */
	req = cli_req(c, FLOWBR_CMD_FLOW_NEW, fa.strict ? NLM_F_EXCL : 0);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, fa.br);
	if (!fb_put_key(req, FBNL_TX_SIZE, &key) ||
	    !fb_put_actions(req, FBNL_TX_SIZE, outs, al.n)) {
		cli_err(c, "too many actions for one message");
		goto out;
	}
	ret = cli_talk(c, req, NULL, NULL);
out:
	action_list_free(&al);
	free(outs);
	free(refs);
	free(fa.flow);
	return ret;
}

/* del-flow and get-flow: send the key, print the flow in the reply. */
static int flow_by_key(struct cli *c, int argc, char **argv, uint8_t cmd)
{
	struct one_flow of = { 0 };
	struct flow_args fa;
	struct nlmsghdr *req;
	struct fb_key key;
	int ret = 1;

	if (flow_args(c, argc, argv, false, &fa) ||
	    flow_key(c, fa.br, fa.flow, &key))
		goto out;
	req = cli_req(c, cmd, 0);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, fa.br);
	fb_put_key(req, FBNL_TX_SIZE, &key);
	ret = cli_talk(c, req, one_flow_cb, &of);
	if (!ret && of.have)
		print_flow(c, &of.f);
	else if (!ret && cmd == FLOWBR_CMD_FLOW_GET)
		ret = cli_err(c, "the kernel sent no flow in its reply");
out:
	fb_flow_free(&of.f);
	free(fa.flow);
	return ret;
}

int cmd_del_flow(struct cli *c, int argc, char **argv)
{
	return flow_by_key(c, argc, argv, FLOWBR_CMD_FLOW_DEL);
}

int cmd_get_flow(struct cli *c, int argc, char **argv)
{
	return flow_by_key(c, argc, argv, FLOWBR_CMD_FLOW_GET);
}

/* ---- dump-flows ---- */

struct flow_vec {
	struct fb_flow *v;
	size_t n, cap;
};

static int flow_vec_cb(const struct nlmsghdr *nlh, void *data)
{
	struct flow_vec *fv = data;
	struct fb_flow f;
	int err = fb_parse_flow(nlh, &f);

	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	if (fv->n == fv->cap) {
		size_t ncap = fv->cap ? fv->cap * 2 : 64;
		struct fb_flow *v = realloc(fv->v, ncap * sizeof(*v));

		if (!v) {
			fb_flow_free(&f);
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		fv->v = v;
		fv->cap = ncap;
	}
	fv->v[fv->n++] = f;
	return MNL_CB_OK;
}

static void flow_vec_reset(void *data)
{
	struct flow_vec *fv = data;
	size_t i;

	for (i = 0; i < fv->n; i++)
		fb_flow_free(&fv->v[i]);
	fv->n = 0;
}

static int flow_cmp(const void *a, const void *b)
{
	const struct fb_key *x = &((const struct fb_flow *)a)->key;
	const struct fb_key *y = &((const struct fb_flow *)b)->key;
	int r;

	if (x->in_port != y->in_port)
		return x->in_port < y->in_port ? -1 : 1;
	if (x->vlan != y->vlan)
		return x->vlan < y->vlan ? -1 : 1;
	r = memcmp(x->src, y->src, ETH_ALEN);
	return r ? r : memcmp(x->dst, y->dst, ETH_ALEN);
}

int cmd_dump_flows(struct cli *c, int argc, char **argv)
{
	struct flow_vec fv = { 0 };
	struct nlmsghdr *req;
	uint64_t idle = 0;
	const char *val;
	struct perr e;
	char key[16];
	int ret;
	size_t i;

	if (cli_br_args(c, argc, argv, 2))
		return 1;
	if (argc == 2) {
		if (!split_kv(argv[1], key, sizeof(key), &val) ||
		    strcmp(key, "idle"))
			return cli_err(c, "'%s' is not a filter; use idle=TIME "
				       "(flows not hit for TIME, e.g. idle=10s)",
				       argv[1]);
		if (parse_ms(key, val, 1, FLOWBR_MAX_FLOW_IDLE_MIN, &idle, &e))
			return cli_perr(c, &e);
	}
	req = cli_req(c, FLOWBR_CMD_FLOW_GET, NLM_F_DUMP);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, argv[0]);
	if (idle)
		mnl_attr_put_u32(req, FLOWBR_A_FLOW_IDLE_MIN, (uint32_t)idle);
	ret = cli_dump(c, req, flow_vec_cb, flow_vec_reset, &fv);
	if (!ret) {
		if (fv.n > 1)
			qsort(fv.v, fv.n, sizeof(*fv.v), flow_cmp);
		if (c->json)
			json_arr_open(&c->jw, NULL);
		for (i = 0; i < fv.n; i++) {
			if (c->json)
				json_flow(&c->jw, &fv.v[i]);
			else
				print_flow_text(&fv.v[i]);
		}
		if (c->json) {
			json_arr_close(&c->jw);
			json_end(&c->jw);
		}
	}
	flow_vec_reset(&fv);
	free(fv.v);
	return ret;
}

/* ---- flush-flows ---- */

struct flush_reply {
	bool have;
	uint32_t count;
};

static int flush_cb(const struct nlmsghdr *nlh, void *data)
{
	struct flush_reply *fr = data;
	const struct nlattr *tb[FLOWBR_A_MAX + 1];

	if (fbnl_parse(nlh, tb, FLOWBR_A_MAX) == 0 &&
	    fbnl_get_u32(tb[FLOWBR_A_BR_FLOW_COUNT], &fr->count))
		fr->have = true;
	return MNL_CB_OK;
}

int cmd_flush_flows(struct cli *c, int argc, char **argv)
{
	struct flush_reply fr = { 0 };
	struct port_ref port, *ref = &port;
	bool have_port = false, have_vlan = false, have_mac[3] = { false };
	/* mac=, dl_src=, dl_dst= and their attributes */
	static const char *const mac_keys[3] = { "mac", "dl_src", "dl_dst" };
	static const uint16_t mac_attrs[3] = {
		FLOWBR_A_MAC, FLOWBR_A_MAC_SRC, FLOWBR_A_MAC_DST
	};
	uint8_t mac[3][ETH_ALEN];
	struct nlmsghdr *req;
	uint32_t vlan = 0;
	struct perr e;
	int i, m;

	if (argc < 1)
		return cli_usage(c, "missing the bridge name");
	if (cli_check_br(c, argv[0]))
		return 1;
	for (i = 1; i < argc; i++) {
		const char *val;
		char key[16];
		bool *have;

		if (!split_kv(argv[i], key, sizeof(key), &val))
			return cli_err(c, "'%s' is not a filter; use port=P, "
				       "vlan=V, mac=MAC, dl_src=MAC or "
				       "dl_dst=MAC", argv[i]);
		for (m = 0; m < 3 && strcmp(key, mac_keys[m]); m++)
			;
		if (!strcmp(key, "port") || !strcmp(key, "in_port")) {
			have = &have_port;
			if (parse_port_ref(key, val, &port, &e))
				return cli_perr(c, &e);
		} else if (!strcmp(key, "vlan")) {
			have = &have_vlan;
			if (parse_u32(key, val, 0, FLOWBR_VID_MAX, "100",
				      &vlan, &e))
				return cli_perr(c, &e);
		} else if (m < 3) {
			have = &have_mac[m];
			if (parse_mac(key, val, mac[m], &e))
				return cli_perr(c, &e);
		} else {
			return cli_err(c, "unknown filter '%s'; use port=P, "
				       "vlan=V, mac=MAC, dl_src=MAC or "
				       "dl_dst=MAC", key);
		}
		if (*have)
			return cli_err(c, "%s= is given twice; give it once",
				       key);
		*have = true;
	}
	if (have_port && cli_resolve_ports(c, argv[0], &ref, 1))
		return 1;

	req = cli_req(c, FLOWBR_CMD_FLOW_FLUSH, 0);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, argv[0]);
	if (have_port)
		mnl_attr_put_u32(req, FLOWBR_A_PORT_NO, port.no);
	if (have_vlan)
		mnl_attr_put_u16(req, FLOWBR_A_VLAN, (uint16_t)vlan);
	for (m = 0; m < 3; m++)
		if (have_mac[m])
			mnl_attr_put(req, mac_attrs[m], ETH_ALEN, mac[m]);
	if (cli_talk(c, req, flush_cb, &fr))
		return 1;
	if (c->json) {
		json_obj_open(&c->jw, NULL);
		if (fr.have)
			json_u64(&c->jw, "deleted", fr.count);
		else
			json_null(&c->jw, "deleted");
		json_obj_close(&c->jw);
		json_end(&c->jw);
	} else if (fr.have) {
		printf("%u flows deleted\n", fr.count);
	} else {
		printf("flows deleted (the kernel did not say how many)\n");
	}
	return 0;
}
