// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_info.c - version: the tool's and the module's versions, the generic
 * netlink family id and the module's features.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct info {
	char version[64];
	uint32_t features;
	uint32_t max_flow_limit;	/* 0 if not reported */
	uint32_t max_upcall_queue;
};

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FLOWBR_A_MAX + 1];
	struct info *info = data;

	if (fbnl_parse(nlh, tb, FLOWBR_A_MAX) < 0)
		return MNL_CB_OK;
	if (!fbnl_get_str(tb[FLOWBR_A_VERSION], info->version,
			  sizeof(info->version)))
		strcpy(info->version, "unknown");
	fbnl_get_u32(tb[FLOWBR_A_FEATURES], &info->features);
	/* The limits ride in the attributes they bound. */
	fbnl_get_u32(tb[FLOWBR_A_BR_FLOW_LIMIT], &info->max_flow_limit);
	fbnl_get_u32(tb[FLOWBR_A_BR_UPCALL_QUEUE], &info->max_upcall_queue);
	return MNL_CB_OK;
}

int cmd_version(struct cli *c, int argc, char **argv)
{
	struct info info = { .version = "unknown" };
	struct nlmsghdr *req;
	unsigned int bit;
	bool first = true;

	(void)argv;
	if (argc > 0)
		return cli_usage(c, "version takes no arguments");
	if (!c->json) {
		/* The tool's version is worth printing even without module. */
		printf("tool version: %s\n", VERSION);
		fflush(stdout);
	}
	req = cli_req(c, FLOWBR_CMD_GET_INFO, 0);
	if (cli_talk(c, req, info_cb, &info))
		return 1;

	if (c->json) {
		json_obj_open(&c->jw, NULL);
		json_str(&c->jw, "tool_version", VERSION);
		json_str(&c->jw, "module_version", info.version);
		json_u64(&c->jw, "family_id", c->nl.family);
		json_arr_open(&c->jw, "features");
	} else {
		printf("module version: %s\n", info.version);
		printf("family id: %u\n", c->nl.family);
		printf("features:");
	}
	for (bit = 0; bit < 32; bit++) {
		const char *name = fb_feature_name(bit);
		char other[16];

		if (!(info.features & (1u << bit)))
			continue;
		if (!name) {
			snprintf(other, sizeof(other), "bit%u", bit);
			name = other;
		}
		if (c->json)
			json_str(&c->jw, NULL, name);
		else
			printf("%s%s", first ? " " : ", ", name);
		first = false;
	}
	if (c->json) {
		json_arr_close(&c->jw);
		json_obj_open(&c->jw, "limits");
		if (info.max_flow_limit)
			json_u64(&c->jw, "flow_limit", info.max_flow_limit);
		if (info.max_upcall_queue)
			json_u64(&c->jw, "upcall_queue",
				 info.max_upcall_queue);
		json_obj_close(&c->jw);
		json_obj_close(&c->jw);
		json_end(&c->jw);
		return 0;
	}
	printf("%s\n", first ? " none" : "");
	if (info.max_flow_limit || info.max_upcall_queue) {
		printf("limits:");
		if (info.max_flow_limit)
			printf(" flow_limit<=%u", info.max_flow_limit);
		if (info.max_upcall_queue)
			printf(" upcall_queue<=%u", info.max_upcall_queue);
		printf("\n");
	}
	return 0;
}
