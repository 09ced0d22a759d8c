// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_stats.c - stats: bridge and port counters.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
	unsigned int attr;
	const char *name;
} port_counters[] = {
	{ FLOWBR_PORT_STATS_RX_PACKETS, "rx_packets" },
	{ FLOWBR_PORT_STATS_RX_BYTES, "rx_bytes" },
	{ FLOWBR_PORT_STATS_TX_PACKETS, "tx_packets" },
	{ FLOWBR_PORT_STATS_TX_BYTES, "tx_bytes" },
};

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static void text_bridge(const struct fb_br *br)
{
	unsigned int i;

	printf("bridge %s: flow_count=%u flow_external=%u", br->name,
	       br->flow_count, br->flow_external);
	for (i = FLOWBR_BR_STATS_HIT; i <= FLOWBR_BR_STATS_MAX; i++)
		printf(" %s=%" PRIu64, fb_br_stat_name(i), br->stats[i]);
	printf("\n");
}

static void text_port(const struct fb_port *p)
{
	unsigned int i;

	printf("port %u (%s):", p->port_no, p->name);
	for (i = 0; i < N_ELEM(port_counters); i++)
		printf(" %s=%" PRIu64, port_counters[i].name,
		       p->stats[port_counters[i].attr]);
	printf(" upcalls=%" PRIu64 " upcalls_lost=%" PRIu64 "\n",
	       p->upcalls, p->upcalls_lost);
	printf("    drops:");
	for (i = FLOWBR_DROP_UNSPEC + 1; i <= FLOWBR_DROP_MAX; i++)
		printf(" %s=%" PRIu64, fb_drop_name(i), p->drops[i]);
	printf("\n");
}

static void json_stats(struct cli *c, const struct fb_br *br,
		       const struct fb_port *ports, size_t n)
{
	struct json *j = &c->jw;
	unsigned int i;
	size_t k;

	json_obj_open(j, NULL);
	json_str(j, "bridge", br->name);
	json_obj_open(j, "stats");
	for (i = FLOWBR_BR_STATS_HIT; i <= FLOWBR_BR_STATS_MAX; i++)
		json_u64(j, fb_br_stat_name(i), br->stats[i]);
	json_u64(j, "flow_count", br->flow_count);
	json_u64(j, "flow_external", br->flow_external);
	json_obj_close(j);
	json_arr_open(j, "ports");
	for (k = 0; k < n; k++) {
		const struct fb_port *p = &ports[k];

		json_obj_open(j, NULL);
		json_u64(j, "port_no", p->port_no);
		json_str(j, "name", p->name);
		json_obj_open(j, "stats");
		for (i = 0; i < N_ELEM(port_counters); i++)
			json_u64(j, port_counters[i].name,
				 p->stats[port_counters[i].attr]);
		json_u64(j, "upcalls", p->upcalls);
		json_u64(j, "upcalls_lost", p->upcalls_lost);
		json_obj_open(j, "drops");
		for (i = FLOWBR_DROP_UNSPEC + 1; i <= FLOWBR_DROP_MAX; i++)
			json_u64(j, fb_drop_name(i), p->drops[i]);
		json_obj_close(j);
		json_obj_close(j);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
	json_end(j);
}

int cmd_stats(struct cli *c, int argc, char **argv)
{
	struct fb_port *ports = NULL, *sel;
	struct port_ref ref;
	struct fb_br *brs = NULL;
	size_t nb = 0, np = 0, nsel, i;
	struct perr e;
	int ret = 1;

	if (cli_br_args(c, argc, argv, 2))
		return 1;
	if (argc == 2 && parse_port_arg(argv[1], &ref, &e))
		return cli_perr(c, &e);

	if (cli_load_bridges(c, argv[0], &brs, &nb))
		return 1;
	if (nb != 1) {
		cli_err(c, "no bridge %s; see 'flowbr list-br'", argv[0]);
		goto out;
	}
	if (cli_load_ports(c, argv[0], &ports, &np))
		goto out;

	sel = ports;
	nsel = np;
	if (argc == 2) {
		for (i = 0; i < np; i++)
			if (ref.is_name ? !strcmp(ports[i].name, ref.name)
					: ports[i].port_no == ref.no)
				break;
		if (i == np) {
			cli_err(c, "bridge %s has no port %s; see "
				"'flowbr list-ports %s'", argv[0], argv[1],
				argv[0]);
			goto out;
		}
		sel = &ports[i];
		nsel = 1;
	}

	if (c->json) {
		json_stats(c, &brs[0], sel, nsel);
	} else {
		if (argc == 1)
			text_bridge(&brs[0]);
		for (i = 0; i < nsel; i++)
			text_port(&sel[i]);
	}
	ret = 0;
out:
	free(ports);
	cli_free_bridges(brs, nb);
	return ret;
}
