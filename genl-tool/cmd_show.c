// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_show.c - show and list-ports: bridges and their ports as an
 * ovs-vsctl-show-like tree, or as JSON.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "terminal.h"

static void json_trunks(struct json *j, const uint8_t *bitmap)
{
	unsigned int v;

	json_arr_open(j, "trunks");
	for (v = 0; v < 4096; v++)
		if (vlan_bit(bitmap, v))
			json_u64(j, NULL, v);
	json_arr_close(j);
}

static void json_bridge(struct cli *c, const struct fb_br *br,
			const struct fb_port *ports, size_t n)
{
	struct json *j = &c->jw;
	size_t i;

	json_obj_open(j, NULL);
	json_str(j, "name", br->name);
	json_u64(j, "ifindex", br->ifindex);
	json_u64(j, "flow_limit", br->flow_limit);
	json_str(j, "miss_policy", miss_policy_name(br->miss_policy));
	json_u64(j, "upcall_queue", br->upcall_queue);
	json_u64(j, "upcall_rate", br->upcall_rate);
	json_u64(j, "flow_count", br->flow_count);
	json_u64(j, "flow_external", br->flow_external);
	json_arr_open(j, "upcall_pids");
	for (i = 0; i < br->n_pids; i++)
		json_u64(j, NULL, br->pids[i]);
	json_arr_close(j);
	json_arr_open(j, "ports");
	for (i = 0; i < n; i++) {
		const struct fb_port *p = &ports[i];

		json_obj_open(j, NULL);
		json_u64(j, "port_no", p->port_no);
		json_str(j, "name", p->name);
		json_u64(j, "ifindex", p->ifindex);
		json_str(j, "type", port_type_name(p->type));
		json_str(j, "vlan_mode", vlan_mode_name(p->vlan_mode));
		json_u64(j, "tag", p->tag);
		json_trunks(j, p->trunks);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

static int text_bridge(struct cli *c, const struct fb_br *br,
		       const struct fb_port *ports, size_t n)
{
	const char *bold = term_out(TC_BOLD), *reset = term_out(TC_RESET);
	size_t i;

	(void)c;
	printf("%sBridge %s%s\n", bold, br->name, reset);
	/* Like ovs-vsctl show: settings only when not the default. */
	if (br->miss_policy != FLOWBR_MISS_FLOOD)
		printf("    miss_policy: %s\n",
		       miss_policy_name(br->miss_policy));
	if (br->flow_limit && br->flow_limit != FLOWBR_DEFAULT_FLOW_LIMIT)
		printf("    flow_limit: %u\n", br->flow_limit);
	if (br->upcall_queue &&
	    br->upcall_queue != FLOWBR_DEFAULT_UPCALL_QUEUE)
		printf("    upcall_queue: %u\n", br->upcall_queue);
	if (br->upcall_rate != FLOWBR_DEFAULT_UPCALL_RATE)
		printf("    upcall_rate: %u\n", br->upcall_rate);
	if (br->n_pids) {
		printf("    upcall_pids: [");
		for (i = 0; i < br->n_pids; i++)
			printf("%s%u", i ? ", " : "", br->pids[i]);
		printf("]\n");
	}
	for (i = 0; i < n; i++) {
		const struct fb_port *p = &ports[i];
		bool any_trunk = false;
		unsigned int b;

		printf("    %sPort %s%s (%u)\n", bold, p->name, reset,
		       p->port_no);
		printf("        vlan_mode: %s\n", vlan_mode_name(p->vlan_mode));
		if (p->tag)
			printf("        tag: %u\n", p->tag);
		for (b = 0; b < FLOWBR_VLAN_BITMAP_LEN; b++)
			if (p->trunks[b])
				any_trunk = true;
		if (any_trunk) {
			char *list = format_vlan_list(p->trunks);

			if (!list)
				return cli_err(c, "out of memory");
			printf("        trunks: [%s]\n", list);
			free(list);
		}
		printf("        Interface %s\n", p->name);
		if (p->type != FLOWBR_PORT_NETDEV)
			printf("            type: %s\n",
			       port_type_name(p->type));
	}
	return 0;
}

/* Print every bridge of @brs with its ports, all fetched first. */
static int show_bridges(struct cli *c, struct fb_br *brs, size_t n)
{
	struct fb_port **ports = calloc(n ? n : 1, sizeof(*ports));
	size_t *np = calloc(n ? n : 1, sizeof(*np));
	int ret = 0;
	size_t i;

	if (!ports || !np) {
		ret = cli_err(c, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (cli_load_ports(c, brs[i].name, &ports[i], &np[i])) {
			ret = 1;
			goto out;
		}

	if (c->json)
		json_arr_open(&c->jw, NULL);
	for (i = 0; i < n && !ret; i++) {
		if (c->json)
			json_bridge(c, &brs[i], ports[i], np[i]);
		else
			ret = text_bridge(c, &brs[i], ports[i], np[i]);
	}
	if (c->json) {
		json_arr_close(&c->jw);
		json_end(&c->jw);
	}
out:
	if (ports)
		for (i = 0; i < n; i++)
			free(ports[i]);
	free(ports);
	free(np);
	return ret;
}

int cmd_show(struct cli *c, int argc, char **argv)
{
	const char *only = argc > 0 ? argv[0] : NULL;
	struct fb_br *brs;
	size_t n;
	int ret;

	if (argc > 1)
		return cli_usage(c, "too many arguments");
	if (only && cli_check_br(c, only))
		return 1;
	if (cli_load_bridges(c, only, &brs, &n))
		return 1;
	ret = show_bridges(c, brs, n);
	cli_free_bridges(brs, n);
	return ret;
}

int cmd_list_ports(struct cli *c, int argc, char **argv)
{
	if (argc < 1)
		return cli_usage(c, "missing the bridge name");
	return cmd_show(c, argc, argv);
}
