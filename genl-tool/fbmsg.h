/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fbmsg.h - flowbr messages: decoding replies into structs and encoding
 * flow keys and actions. Shared by the CLI and the agent.
 */
#ifndef FLOWBR_FBMSG_H
#define FLOWBR_FBMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/flowbr.h>

struct fb_key {
	uint32_t in_port;
	uint16_t vlan;
	uint8_t src[ETH_ALEN];
	uint8_t dst[ETH_ALEN];
};

/*
 * One action: an output (FLOWBR_ACT_OUTPUT), or with @flood set a
 * FLOWBR_ACT_FLOOD of VLAN @vid (@port and @tag_op unused), which the
 * kernel takes only as the last action of a list.
 */
struct fb_output {
	uint32_t port;
	uint8_t tag_op;		/* enum flowbr_tag_op */
	uint16_t vid;		/* for FLOWBR_TAG_PUSH; a flood's VLAN */
	bool flood;
};

struct fb_br {
	char name[IFNAMSIZ];
	uint32_t ifindex;
	uint32_t flow_limit;
	uint8_t miss_policy;
	uint32_t upcall_queue;
	uint32_t upcall_rate;
	uint32_t flow_count;
	uint32_t flow_external;	/* flow changes not made by an agent */
	uint32_t *pids;		/* malloc'ed, n_pids entries */
	size_t n_pids;
	bool has_stats;
	uint64_t stats[FLOWBR_BR_STATS_MAX + 1];
};

struct fb_port {
	uint32_t port_no;
	char name[IFNAMSIZ];
	uint32_t ifindex;
	char br_name[IFNAMSIZ];	/* "" unless the kernel sends it */
	uint32_t br_ifindex;	/* 0 unless the kernel sends it */
	uint8_t type;
	uint8_t vlan_mode;
	uint16_t tag;
	uint8_t trunks[FLOWBR_VLAN_BITMAP_LEN];	/* all clear: every VLAN */
	uint64_t upcalls;
	uint64_t upcalls_lost;	/* misses not upcalled: the miss policy took them */
	bool has_stats;
	uint64_t stats[FLOWBR_PORT_STATS_MAX + 1];
	uint64_t drops[FLOWBR_DROP_MAX + 1];
};

struct fb_flow {
	struct fb_key key;
	struct fb_output *acts;	/* malloc'ed, n_acts entries (0: drop) */
	size_t n_acts;
	bool has_stats;
	uint64_t packets;
	uint64_t bytes;
	uint64_t idle_ms;
	uint64_t age_ms;
};

/* Decoders: 0, -EBADMSG (malformed or lacking a required field), -ENOMEM. */
int fb_parse_br(const struct nlmsghdr *nlh, struct fb_br *br);
void fb_br_free(struct fb_br *br);
int fb_parse_port(const struct nlmsghdr *nlh, struct fb_port *port);
int fb_parse_flow(const struct nlmsghdr *nlh, struct fb_flow *flow);
void fb_flow_free(struct fb_flow *flow);
int fb_parse_key(const struct nlattr *nest, struct fb_key *key);
int fb_parse_actions(const struct nlattr *nest, struct fb_output **acts,
		     size_t *n);

/* Encoders: false when the buffer of @buflen bytes is too small. */
bool fb_put_key(struct nlmsghdr *nlh, size_t buflen, const struct fb_key *key);
bool fb_put_actions(struct nlmsghdr *nlh, size_t buflen,
		    const struct fb_output *acts, size_t n);

/* Names for output. NULL for values unknown to this version. */
const char *fb_br_stat_name(unsigned int stat);
const char *fb_drop_name(unsigned int reason);
const char *fb_feature_name(unsigned int bit);

/*
 * Describe for an error message the attribute of request @req at byte
 * offset @off (NLMSGERR_ATTR_OFFS), e.g. "FLOWBR_A_PORT_TAG"; or, with
 * fb_missing_name(), the missing attribute of type @type in the nest at
 * @nest_off (0: top level). Returns NULL when it cannot tell.
 */
const char *fb_attr_at(const struct nlmsghdr *req, uint32_t off);
const char *fb_missing_name(const struct nlmsghdr *req, uint32_t type,
			    uint32_t nest_off);

#endif /* FLOWBR_FBMSG_H */
