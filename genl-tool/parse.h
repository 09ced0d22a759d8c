/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - command-line argument parsing for the flowbr tools. Pure code:
 * no netlink, no output. Every parser returns 0, or -1 with a one-line
 * message in struct perr saying what was wrong and what to type instead.
 */
#ifndef FLOWBR_PARSE_H
#define FLOWBR_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/flowbr.h>

struct perr {
	char msg[320];
};

/* A port given by number or by its netdev name. */
struct port_ref {
	bool is_name;
	uint32_t no;
	char name[IFNAMSIZ];
};

/* FLOW of add-flow/del-flow/get-flow. */
struct flow_spec {
	struct port_ref in_port;
	uint16_t vlan;
	uint8_t src[ETH_ALEN];
	uint8_t dst[ETH_ALEN];
};

struct action_spec {
	struct port_ref port;
	uint16_t vid;		/* 0: output untagged; a flood's VLAN */
	bool flood;		/* "flood[:VLAN]" (FLOWBR_ACT_FLOOD), no port */
	bool flood_vlan;	/* the VLAN was given (else the flow's) */
};

struct action_list {
	struct action_spec *v;	/* malloc'ed; free with action_list_free() */
	size_t n;		/* 0: drop; a flood is the last */
};

/* Outputs parse_actions() takes (the kernel takes FLOWBR_MAX_OUTPUTS). */
#define ACTIONS_PARSE_MAX	FLOWBR_MAX_PORTS

/* Split "key=value" in place-free fashion: returns false without '='. */
bool split_kv(const char *arg, char *key, size_t keysize, const char **val);

/*
 * Decimal number min..max (leading zeros allowed, no sign, no spaces, no
 * hex). @key names it in messages; @example is a valid value to suggest.
 */
int parse_u32(const char *key, const char *val, uint32_t min, uint32_t max,
	      const char *example, uint32_t *out, struct perr *e);

/*
 * A time in milliseconds, min_ms..max_ms: a number of seconds, or a number
 * followed by ms, s, m or h ("10", "10s", "500ms", "5m", "1h").
 */
int parse_ms(const char *key, const char *val, uint64_t min_ms,
	     uint64_t max_ms, uint64_t *out, struct perr *e);

/* A VLAN id 1..4094 ("tag", "vid"). */
int parse_vid(const char *key, const char *val, uint16_t *out,
	      struct perr *e);

/*
 * A VLAN list: "6,100,200-210", "[6,100]", "[6, 100]", "" or "[]" (all
 * VLANs: bitmap all clear). Fills a FLOWBR_VLAN_BITMAP_LEN bitmap, LSB
 * first. @count gets the number of VIDs set (0 = all).
 */
int parse_vlan_list(const char *key, const char *val, uint8_t *bitmap,
		    unsigned int *count, struct perr *e);

/*
 * Format a VLAN bitmap as "6, 100, 200-210" (runs of 3 or more as ranges).
 * Returns a malloc'ed string ("" for none), NULL on allocation failure.
 */
char *format_vlan_list(const uint8_t *bitmap);

static inline bool vlan_bit(const uint8_t *bitmap, unsigned int vid)
{
	return bitmap[vid / 8] & (1u << (vid % 8));
}

/* xx:xx:xx:xx:xx:xx (one or two hex digits per byte). */
int parse_mac(const char *key, const char *val, uint8_t *mac,
	      struct perr *e);
/* "02:00:00:00:00:01" into buf of at least 18 bytes. */
void format_mac(const uint8_t *mac, char *buf);

/* A netdev name: 1..15 bytes, no '/', ':' or white space, not "." "..". */
int check_ifname(const char *what, const char *name, struct perr *e);

/*
 * A port: all digits is a port number (0 .. FLOWBR_MAX_PORTS - 1),
 * anything else a netdev name.
 */
int parse_port_ref(const char *key, const char *val, struct port_ref *ref,
		   struct perr *e);

/* A positional PORT argument: a number or a netdev name. */
int parse_port_arg(const char *val, struct port_ref *ref, struct perr *e);

/* access|trunk|native-tagged|native-untagged (also with '_'). */
int parse_vlan_mode(const char *key, const char *val, uint8_t *mode,
		    struct perr *e);
const char *vlan_mode_name(unsigned int mode);

/* flood|drop */
int parse_miss_policy(const char *key, const char *val, uint8_t *policy,
		      struct perr *e);
const char *miss_policy_name(unsigned int policy);

/* internal|netdev (also "system", Open vSwitch's name for it). */
int parse_port_type(const char *key, const char *val, uint8_t *type,
		    struct perr *e);
const char *port_type_name(unsigned int type);

/*
 * FLOW: "in_port=P,vlan=V,dl_src=MAC,dl_dst=MAC" in any order, all four
 * required (aliases: src=, dst=, dl_vlan=).
 */
int parse_flow(const char *s, struct flow_spec *flow, struct perr *e);

/*
 * ACTIONS (the text after "actions="): "drop", or a comma list of "P"
 * (output untagged) and "P:VID" (output tagged VID), optionally ending
 * with "flood" (every port of the flow's VLAN) or "flood:VLAN"
 * (FLOWBR_ACT_FLOOD; a port named "flood" is given by its number). At
 * most ACTIONS_PARSE_MAX outputs: the kernel's own limit is left to it.
 */
int parse_actions(const char *s, struct action_list *acts, struct perr *e);
void action_list_free(struct action_list *acts);

/*
 * ovs-ofctl style "in_port=1,...,actions=2,3": if @arg contains an
 * "actions=" key, split it: *flow gets a malloc'ed copy of the part before,
 * *actions points into @arg after "actions=". Returns false if none.
 */
bool split_flow_actions(const char *arg, char **flow, const char **actions);

#endif /* FLOWBR_PARSE_H */
