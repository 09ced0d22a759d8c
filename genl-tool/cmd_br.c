// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_br.c - add-br, del-br, set-br, list-br.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BR_KEYS "flow_limit=, miss_policy=, upcall_queue= or upcall_rate="

/* Parse key=value bridge settings into @req. Returns the count, or -1. */
static int br_settings(struct cli *c, struct nlmsghdr *req, int argc,
		       char **argv)
{
	unsigned int seen = 0;
	int i;

	for (i = 0; i < argc; i++) {
		char key[32];
		const char *val;
		struct perr e;
		unsigned int bit;
		uint32_t v;
		uint8_t u8;

		if (!split_kv(argv[i], key, sizeof(key), &val)) {
			cli_err(c, "'%s' is not a key=value setting; use "
				BR_KEYS ", e.g. flow_limit=100000", argv[i]);
			return -1;
		}
		if (!strcmp(key, "flow_limit")) {
			bit = 1;
			if (parse_u32(key, val, 1, FLOWBR_MAX_FLOW_LIMIT,
				      "200000", &v, &e))
				goto bad;
			mnl_attr_put_u32(req, FLOWBR_A_BR_FLOW_LIMIT, v);
		} else if (!strcmp(key, "miss_policy")) {
			bit = 2;
			if (parse_miss_policy(key, val, &u8, &e))
				goto bad;
			mnl_attr_put_u8(req, FLOWBR_A_BR_MISS_POLICY, u8);
		} else if (!strcmp(key, "upcall_queue")) {
			bit = 4;
			if (parse_u32(key, val, 1, FLOWBR_MAX_UPCALL_QUEUE,
				      "1024", &v, &e))
				goto bad;
			mnl_attr_put_u32(req, FLOWBR_A_BR_UPCALL_QUEUE, v);
		} else if (!strcmp(key, "upcall_rate")) {
			bit = 8;
			if (parse_u32(key, val, 0, UINT32_MAX, "20000", &v,
				      &e))
				goto bad;
			mnl_attr_put_u32(req, FLOWBR_A_BR_UPCALL_RATE, v);
		} else {
			cli_err(c, "unknown bridge setting '%s'; use " BR_KEYS,
				key);
			return -1;
		}
		if (seen & bit) {
			cli_err(c, "%s= is given twice; give it once", key);
			return -1;
		}
		seen |= bit;
		continue;
bad:
		cli_perr(c, &e);
		return -1;
	}
	return argc;
}

int cmd_add_br(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *req;

	if (argc < 1)
		return cli_usage(c, "missing the bridge name");
	if (cli_check_br(c, argv[0]))
		return 1;
	req = cli_req(c, FLOWBR_CMD_BR_NEW, 0);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, argv[0]);
	if (br_settings(c, req, argc - 1, argv + 1) < 0)
		return 1;
	return cli_talk(c, req, NULL, NULL);
}

int cmd_del_br(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *req;

	if (cli_br_args(c, argc, argv, 1))
		return 1;
	req = cli_req(c, FLOWBR_CMD_BR_DEL, 0);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, argv[0]);
	return cli_talk(c, req, NULL, NULL);
}

int cmd_set_br(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *req;

	if (argc < 1)
		return cli_usage(c, "missing the bridge name");
	if (argc < 2)
		return cli_usage(c, "nothing to set; e.g. flowbr set-br BR "
				 "miss_policy=drop");
	if (cli_check_br(c, argv[0]))
		return 1;
	req = cli_req(c, FLOWBR_CMD_BR_SET, 0);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, argv[0]);
	if (br_settings(c, req, argc - 1, argv + 1) < 0)
		return 1;
	return cli_talk(c, req, NULL, NULL);
}

/* ---- list-br ---- */

struct names {
	char (*v)[IFNAMSIZ];
	size_t n, cap;
};

static int names_cb(const struct nlmsghdr *nlh, void *data)
{
	struct names *nm = data;
	struct fb_br br;

	if (fb_parse_br(nlh, &br) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	fb_br_free(&br);
	if (nm->n == nm->cap) {
		size_t ncap = nm->cap ? nm->cap * 2 : 16;
		void *v = realloc(nm->v, ncap * sizeof(*nm->v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		nm->v = v;
		nm->cap = ncap;
	}
	memcpy(nm->v[nm->n++], br.name, IFNAMSIZ);
	return MNL_CB_OK;
}

static void names_reset(void *data)
{
	((struct names *)data)->n = 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int cmd_list_br(struct cli *c, int argc, char **argv)
{
	struct names nm = { 0 };
	struct nlmsghdr *req;
	size_t i;

	(void)argv;
	if (argc > 0)
		return cli_usage(c, "list-br takes no arguments");
	req = cli_req(c, FLOWBR_CMD_BR_GET, NLM_F_DUMP);
	if (cli_dump(c, req, names_cb, names_reset, &nm)) {
		free(nm.v);
		return 1;
	}
	if (nm.n > 1)
		qsort(nm.v, nm.n, sizeof(*nm.v), name_cmp);
	if (c->json) {
		json_arr_open(&c->jw, NULL);
		for (i = 0; i < nm.n; i++)
			json_str(&c->jw, NULL, nm.v[i]);
		json_arr_close(&c->jw);
		json_end(&c->jw);
	} else {
		for (i = 0; i < nm.n; i++)
			printf("%s\n", nm.v[i]);
	}
	free(nm.v);
	return 0;
}
