// SPDX-License-Identifier: GPL-2.0
/*
 * flowbr.c - the flowbr command: global options, the subcommand table and
 * help.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_agent.h"
#include "persist.h"
#include "vsctl.h"
#include "terminal.h"

struct subcmd {
	const char *name;
	cmd_fn fn;
	const char *synopsis;
	const char *summary;
	const char *details;
};

static const struct subcmd cmds[] = {
	{ "show", cmd_show, "show [BR]",
	  "show bridges and their ports as a tree",
	  "Ports are listed as 'Port NAME (NUMBER)' with their VLAN settings;\n"
	  "bridge settings are shown when they differ from the defaults.\n"
	  "With -j: a list of bridges with all settings and ports.\n" },
	{ "add-br", cmd_add_br,
	  "add-br BR [flow_limit=N] [miss_policy=flood|drop] "
	  "[upcall_queue=N] [upcall_rate=N]",
	  "create a bridge and its local port (an internal device BR, port 0)",
	  "  flow_limit=N     maximum flows (1-4000000, default 200000)\n"
	  "  miss_policy=P    what to do with a miss no agent takes: flood "
	  "(default) or drop\n"
	  "  upcall_queue=N   upcalls that may wait per CPU (1-65536, default "
	  "4096)\n"
	  "  upcall_rate=N    upcalls per second per port (0 = unlimited, "
	  "default 20000)\n"
	  "Example: flowbr add-br solbr miss_policy=flood\n" },
	{ "del-br", cmd_del_br, "del-br BR",
	  "delete a bridge with all its ports and flows", NULL },
	{ "set-br", cmd_set_br, "set-br BR key=value...",
	  "change bridge settings (keys as for add-br)",
	  "Example: flowbr set-br solbr flow_limit=100000 miss_policy=drop\n" },
	{ "list-br", cmd_list_br, "list-br",
	  "list bridge names, one per line", NULL },
	{ "add-port", cmd_add_port,
	  "add-port BR PORT [tag=N] [trunks=LIST] [vlan_mode=MODE] "
	  "[type=internal] [port_no=N]",
	  "attach a device to a bridge (or create an internal port)",
	  "  tag=N            access (or native) VLAN, 1-4094\n"
	  "  trunks=LIST      trunked VLANs: 6,100,200-210 or [6,100]; empty "
	  "or [] = all\n"
	  "  vlan_mode=MODE   access, trunk, native-tagged or native-untagged\n"
	  "                   (default: access with a tag, otherwise trunk)\n"
	  "  type=internal    create PORT as a new internal device\n"
	  "  port_no=N        the port number (1-4095; default lowest free)\n"
	  "Open vSwitch spellings trunk= and ofport_request= are accepted.\n"
	  "Example: flowbr add-port solbr vnet100 tag=100\n"
	  "         flowbr add-port solbr eth0 trunks=6,100\n" },
	{ "del-port", cmd_del_port, "del-port BR PORT",
	  "detach a port (by name or number) and delete its flows", NULL },
	{ "set-port", cmd_set_port,
	  "set-port BR PORT [tag=N|tag=] [trunks=LIST] [vlan_mode=MODE]",
	  "change a port's VLAN settings (its flows are flushed)",
	  "Only the settings given are sent; 'tag=' removes the tag and\n"
	  "'trunks=' trunks every VLAN.\n"
	  "Example: flowbr set-port solbr vnet100 tag=200\n" },
	{ "list-ports", cmd_list_ports, "list-ports BR",
	  "show one bridge's ports (same tree as show BR)", NULL },
	{ "add-flow", cmd_add_flow,
	  "add-flow [--strict] BR FLOW actions=ACTIONS",
	  "install a flow, or replace the actions of an existing one",
	  "FLOW is in_port=P,vlan=V,dl_src=MAC,dl_dst=MAC (all four; vlan=0 is\n"
	  "the untagged domain). ACTIONS is a comma list of P (output untagged),\n"
	  "P:VID (output tagged VID, keeping the priority), at most 128 of\n"
	  "them, optionally ending with flood (every other port of the flow's\n"
	  "VLAN, each with its own tagging, whatever ports the VLAN has when a\n"
	  "packet comes) or flood:VLAN; or just drop.\n"
	  "Ports are numbers or names (a port named flood by its number).\n"
	  "--strict fails if the flow exists.\n"
	  "Example: flowbr add-flow solbr in_port=1,vlan=100,"
	  "dl_src=02:00:00:00:00:01,\n"
	  "         dl_dst=ff:ff:ff:ff:ff:ff actions=2,3:100\n" },
	{ "del-flow", cmd_del_flow, "del-flow BR FLOW",
	  "delete a flow and print its final counters", NULL },
	{ "get-flow", cmd_get_flow, "get-flow BR FLOW",
	  "print one flow", NULL },
	{ "dump-flows", cmd_dump_flows, "dump-flows BR [idle=TIME]",
	  "print all flows of a bridge, one per line",
	  "Each line: FLOW packets=N bytes=N idle=S age=S actions=ACTIONS\n"
	  "idle=TIME prints only the flows not hit for TIME or longer\n"
	  "(10s, 500ms, 5m; at most 24h).\n" },
	{ "flush-flows", cmd_flush_flows,
	  "flush-flows BR [port=P] [vlan=V] [mac=MAC] [dl_src=MAC] [dl_dst=MAC]",
	  "delete the flows of a bridge (matching all filters given)",
	  "port=P matches flows in from or out to P (a flood names no port);\n"
	  "mac= matches the source or destination, dl_src= the source only,\n"
	  "dl_dst= the destination only.\n" },
	{ "stats", cmd_stats, "stats BR [PORT]",
	  "print bridge and port counters, drops by reason", NULL },
	{ "fdb-show", cmd_fdb_show, "fdb-show BR [-j]",
	  "show the MACs flowbrd learned on a bridge (VLAN, MAC, port, age)",
	  "Asks the agent over its control socket (/run/flowbr/flowbrd.ctl,\n"
	  "or $FLOWBRD_CTL). Age is seconds since the MAC was last seen.\n" },
	{ "fdb-flush", cmd_fdb_flush, "fdb-flush BR",
	  "forget the MACs flowbrd learned on a bridge and flush its flows",
	  NULL },
	{ "agent-stats", cmd_agent_stats, "agent-stats [-j]",
	  "show flowbrd's counters: upcalls, flows installed, batch sizes, "
	  "errors",
	  "Per bridge also the kernel's counters: lost = misses the agent did\n"
	  "not get (queue or socket full, rate limit), handled by the miss\n"
	  "policy.\n" },
	{ "save", cmd_save, "save [FILE|-]",
	  "write the bridges and ports as flowbr commands (done after every "
	  "change)",
	  "Without FILE: to /etc/flowbr/flowbr.conf ($FLOWBR_CONF), which the\n"
	  "CLI rewrites after each bridge or port change made in the initial\n"
	  "network namespace (not when $FLOWBR_NO_SAVE is set). '-' prints it.\n"
	  "Flows are not saved: flowbrd relearns them.\n" },
	{ "restore", cmd_restore, "restore [FILE|-]",
	  "create the saved bridges and ports (at boot: flowbr.service)",
	  "Bridges and ports that exist get the saved settings; a saved port\n"
	  "whose device does not exist (a VM's tap) is skipped with a note.\n"
	  "Nothing saved yet is not an error.\n" },
	{ "vsctl", cmd_vsctl, "vsctl [OPTIONS] COMMAND [ARGS] [-- COMMAND ...]",
	  "ovs-vsctl's bridge, port and VLAN commands (also run as ovs-vsctl)",
	  "See 'flowbr vsctl --help'. Installed as ovs-vsctl (make\n"
	  "install-ovs-compat), libvirt's <virtualport type='openvswitch'/>\n"
	  "interfaces and portgroups with VLAN tags work on flowbr bridges.\n" },
	{ "version", cmd_version, "version",
	  "print the tool and module versions and the module's features", NULL },
	{ "help", NULL, "help [COMMAND]", "print help", NULL },
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct subcmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
		"Manage flowbr bridges, ports and flows.\n\n"
		"Options:\n"
		"  -j, --json     JSON output\n"
		"  -h, --help     this help\n"
		"  -V, --version  same as the version command\n\n"
		"Commands:\n", PROG);
	for (i = 0; i < N_CMDS; i++)
		fprintf(f, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nPorts are given by name or number. "
		"See '%s help COMMAND' for its arguments.\n", PROG);
}

static void cmd_help(const struct subcmd *sc)
{
	printf("Usage: %s %s\n%s.\n", PROG, sc->synopsis, sc->summary);
	if (sc->details)
		printf("\n%s", sc->details);
}

/* Edit distance, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[32], prev, tmp;

	if (lb >= sizeof(row) / sizeof(row[0]) || la > 64)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static int unknown_cmd(const char *name)
{
	const struct subcmd *best = NULL;
	size_t best_d = 3, i;

	for (i = 0; i < N_CMDS; i++) {
		size_t d = distance(name, cmds[i].name);

		/* "add-bridge" for add-br, "stat" for stats */
		if (!strncmp(name, cmds[i].name, 3) &&
		    (!strncmp(name, cmds[i].name, strlen(cmds[i].name)) ||
		     !strncmp(name, cmds[i].name, strlen(name))))
			d = 1;

		if (d < best_d) {
			best_d = d;
			best = &cmds[i];
		}
	}
	if (best)
		fprintf(stderr, "%s: unknown command '%s'; did you mean '%s'? "
			"(see '%s help')\n", PROG, name, best->name, PROG);
	else
		fprintf(stderr, "%s: unknown command '%s'; see '%s help'\n",
			PROG, name, PROG);
	return 1;
}

static int help(int argc, char **argv)
{
	const struct subcmd *sc;

	if (argc == 0) {
		usage(stdout);
		return 0;
	}
	sc = find_cmd(argv[0]);
	if (!sc)
		return unknown_cmd(argv[0]);
	cmd_help(sc);
	return 0;
}

/* Commands after which the configuration is saved (persist.c). */
static bool saves(const char *name)
{
	static const char *const changes[] = {
		"add-br", "del-br", "set-br", "add-port", "del-port", "set-port",
	};
	size_t i;

	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		if (!strcmp(name, changes[i]))
			return true;
	return false;
}

/* Run as ovs-vsctl: 'flowbr vsctl ARGS'. */
static bool called_as_vsctl(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	return !strcmp(base ? base + 1 : argv0, "ovs-vsctl");
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int main(int argc, char **argv)
{
	const struct subcmd *sc;
	struct cli c = { 0 };
	bool version = false;
	int i, ret;

	term_init();
	json_init(&c.jw, stdout);
	if (called_as_vsctl(argv[0])) {
		c.cmd = "vsctl";
		c.tx = malloc(FBNL_TX_SIZE);
		if (!c.tx) {
			fprintf(stderr, "%s: out of memory\n", PROG);
			return 1;
		}
		ret = cmd_vsctl(&c, argc - 1, argv + 1);
		cli_close(&c);
		free(c.tx);
		return ret;
	}

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "-j") || !strcmp(opt, "--json")) {
			c.json = true;
		} else if (is_help(opt)) {
			usage(stdout);
			return 0;
		} else if (!strcmp(opt, "-V") || !strcmp(opt, "--version")) {
			version = true;
		} else if (!strcmp(opt, "--")) {
			i++;
			break;
		} else {
			fprintf(stderr, "%s: unknown option '%s'; options are "
				"-j, -h and -V, before the command (see '%s "
				"help')\n", PROG, opt, PROG);
			return 1;
		}
	}

	if (version) {
		sc = find_cmd("version");
	} else if (i == argc) {
		fprintf(stderr, "%s: no command given; e.g. '%s show', or see "
			"'%s help'\n", PROG, PROG, PROG);
		return 1;
	} else {
		sc = find_cmd(argv[i]);
		if (!sc)
			return unknown_cmd(argv[i]);
		i++;
	}
	if (!sc->fn)
		return help(argc - i, argv + i);
	if (i < argc && is_help(argv[i])) {
		cmd_help(sc);
		return 0;
	}

	c.cmd = sc->name;
	c.usage = sc->synopsis;
	c.tx = malloc(FBNL_TX_SIZE);
	if (!c.tx) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return 1;
	}
	ret = sc->fn(&c, version ? 0 : argc - i, argv + i);
	if (!ret && saves(sc->name))
		persist_save(&c);
	cli_close(&c);
	free(c.tx);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "%s: cannot write output: %s\n", PROG,
				strerror(errno));
		return 1;
	}
	return ret;
}
