// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_port.c - add-port, del-port, set-port.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_TAG = 1,
	OPT_TRUNKS = 2,
	OPT_MODE = 4,
	OPT_TYPE = 8,
	OPT_PORT_NO = 16,
};

#define ADD_KEYS "tag=, trunks=, vlan_mode=, type= or port_no="
#define SET_KEYS "tag=, trunks= or vlan_mode="

/*
 * Parse the port settings allowed by @allowed into @req. For set-port
 * (@set), "tag=" (empty) clears the tag; add-port always sends a type.
 */
static int port_settings(struct cli *c, struct nlmsghdr *req, int argc,
			 char **argv, unsigned int allowed, bool set)
{
	unsigned int seen = 0;
	uint8_t type = FLOWBR_PORT_NETDEV;
	int i;

	for (i = 0; i < argc; i++) {
		uint8_t bitmap[FLOWBR_VLAN_BITMAP_LEN];
		const char *val;
		unsigned int bit, count;
		char key[32];
		struct perr e;
		uint16_t vid;
		uint8_t u8;
		uint32_t v;

		if (!split_kv(argv[i], key, sizeof(key), &val))
			return cli_err(c, "'%s' is not a key=value setting; "
				       "use %s, e.g. tag=100", argv[i],
				       set ? SET_KEYS : ADD_KEYS);
		if (!strcmp(key, "tag")) {
			bit = OPT_TAG;
			if (set && !*val) {
				/* tag= removes the tag */
				mnl_attr_put_u16(req, FLOWBR_A_PORT_TAG, 0);
			} else {
				if (parse_vid(key, val, &vid, &e))
					goto bad;
				mnl_attr_put_u16(req, FLOWBR_A_PORT_TAG, vid);
			}
		} else if (!strcmp(key, "trunks") || !strcmp(key, "trunk")) {
			bit = OPT_TRUNKS;
			if (parse_vlan_list(key, val, bitmap, &count, &e))
				goto bad;
			mnl_attr_put(req, FLOWBR_A_PORT_TRUNKS,
				     FLOWBR_VLAN_BITMAP_LEN, bitmap);
		} else if (!strcmp(key, "vlan_mode")) {
			bit = OPT_MODE;
			if (parse_vlan_mode(key, val, &u8, &e))
				goto bad;
			mnl_attr_put_u8(req, FLOWBR_A_PORT_VLAN_MODE, u8);
		} else if (!strcmp(key, "type") && (allowed & OPT_TYPE)) {
			bit = OPT_TYPE;
			if (parse_port_type(key, val, &type, &e))
				goto bad;
		} else if ((!strcmp(key, "port_no") ||
			    !strcmp(key, "ofport_request")) &&
			   (allowed & OPT_PORT_NO)) {
			bit = OPT_PORT_NO;
			if (!strcmp(val, "0"))
				return cli_err(c, "%s=0 is the bridge's local "
					       "port; pick 1-%u, e.g. %s=1",
					       key, FLOWBR_MAX_PORTS - 1, key);
			if (parse_u32(key, val, 1, FLOWBR_MAX_PORTS - 1, "1",
				      &v, &e))
				goto bad;
			mnl_attr_put_u32(req, FLOWBR_A_PORT_NO, v);
		} else if (set && (!strcmp(key, "type") ||
				   !strcmp(key, "port_no") ||
				   !strcmp(key, "ofport_request"))) {
			return cli_err(c, "%s= cannot be changed on an existing "
				       "port; del-port and add-port it again",
				       key);
		} else {
			return cli_err(c, "unknown port setting '%s'; use %s",
				       key, set ? SET_KEYS : ADD_KEYS);
		}
		if (seen & bit)
			return cli_err(c, "%s= is given twice; give it once",
				       key);
		seen |= bit;
		continue;
bad:
		return cli_perr(c, &e);
	}
	if (!set)
		mnl_attr_put_u8(req, FLOWBR_A_PORT_TYPE, type);
	return 0;
}

int cmd_add_port(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *req;
	struct perr e;

	if (argc < 1)
		return cli_usage(c, "missing the bridge name");
	if (argc < 2)
		return cli_usage(c, "missing the port (interface) name");
	if (cli_check_br(c, argv[0]))
		return 1;
	if (check_ifname("port name", argv[1], &e))
		return cli_perr(c, &e);
	req = cli_req(c, FLOWBR_CMD_PORT_NEW, 0);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, argv[0]);
	mnl_attr_put_strz(req, FLOWBR_A_PORT_NAME, argv[1]);
	if (port_settings(c, req, argc - 2, argv + 2,
			  OPT_TAG | OPT_TRUNKS | OPT_MODE | OPT_TYPE |
			  OPT_PORT_NO, false))
		return 1;
	return cli_talk(c, req, NULL, NULL);
}

/* Put the port given by name or number. */
static int put_port(struct cli *c, struct nlmsghdr *req, const char *arg)
{
	struct port_ref ref;
	struct perr e;

	if (parse_port_arg(arg, &ref, &e))
		return cli_perr(c, &e);
	if (ref.is_name)
		mnl_attr_put_strz(req, FLOWBR_A_PORT_NAME, ref.name);
	else
		mnl_attr_put_u32(req, FLOWBR_A_PORT_NO, ref.no);
	return 0;
}

int cmd_del_port(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *req;

	if (argc < 1)
		return cli_usage(c, "missing the bridge name");
	if (argc < 2)
		return cli_usage(c, "missing the port (name or number)");
	if (argc > 2)
		return cli_usage(c, "too many arguments");
	if (cli_check_br(c, argv[0]))
		return 1;
	req = cli_req(c, FLOWBR_CMD_PORT_DEL, 0);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, argv[0]);
	if (put_port(c, req, argv[1]))
		return 1;
	return cli_talk(c, req, NULL, NULL);
}

int cmd_set_port(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *req;

	if (argc < 1)
		return cli_usage(c, "missing the bridge name");
	if (argc < 2)
		return cli_usage(c, "missing the port (name or number)");
	if (argc < 3)
		return cli_usage(c, "nothing to set; e.g. flowbr set-port BR "
				 "PORT tag=100");
	if (cli_check_br(c, argv[0]))
		return 1;
	req = cli_req(c, FLOWBR_CMD_PORT_SET, 0);
	mnl_attr_put_strz(req, FLOWBR_A_BR_NAME, argv[0]);
	if (put_port(c, req, argv[1]))
		return 1;
	if (port_settings(c, req, argc - 2, argv + 2,
			  OPT_TAG | OPT_TRUNKS | OPT_MODE, true))
		return 1;
	return cli_talk(c, req, NULL, NULL);
}
