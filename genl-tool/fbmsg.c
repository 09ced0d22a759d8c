// SPDX-License-Identifier: GPL-2.0
/*
 * fbmsg.c - flowbr message decoding and encoding.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "fbmsg.h"
#include "nl.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- names ---- */

static const char *const br_stat_names[] = {
	[FLOWBR_BR_STATS_HIT] = "hit",
	[FLOWBR_BR_STATS_MISSED] = "missed",
	[FLOWBR_BR_STATS_UPCALLS] = "upcalls",
	[FLOWBR_BR_STATS_LOST] = "lost",
	[FLOWBR_BR_STATS_FALLBACK] = "fallback",
	[FLOWBR_BR_STATS_DEDUP] = "dedup",
	[FLOWBR_BR_STATS_EXECUTED] = "executed",
};

static const char *const drop_names[] = {
	[FLOWBR_DROP_MALFORMED] = "malformed",
	[FLOWBR_DROP_VLAN_TAGGED] = "vlan_tagged",
	[FLOWBR_DROP_VLAN_NOT_TRUNKED] = "vlan_not_trunked",
	[FLOWBR_DROP_VLAN_INVALID] = "vlan_invalid",
	[FLOWBR_DROP_MISS] = "miss",
	[FLOWBR_DROP_MTU] = "mtu",
	[FLOWBR_DROP_DOWN] = "down",
	[FLOWBR_DROP_NOMEM] = "nomem",
	[FLOWBR_DROP_TX_ERROR] = "tx_error",
	[FLOWBR_DROP_LOOP] = "loop",
};

static const char *const feature_names[] = {
	"upcall_batch",		/* FLOWBR_F_UPCALL_BATCH */
	"miss_flood",		/* FLOWBR_F_MISS_FLOOD */
	"events",		/* FLOWBR_F_EVENTS */
	"dump_idle",		/* FLOWBR_F_DUMP_IDLE */
	"flow_external",	/* FLOWBR_F_FLOW_EXTERNAL */
	"flush_src_dst",	/* FLOWBR_F_FLUSH_SRC_DST */
};

const char *fb_br_stat_name(unsigned int stat)
{
	return stat < N_ELEM(br_stat_names) ? br_stat_names[stat] : NULL;
}

const char *fb_drop_name(unsigned int reason)
{
	return reason < N_ELEM(drop_names) ? drop_names[reason] : NULL;
}

const char *fb_feature_name(unsigned int bit)
{
	return bit < N_ELEM(feature_names) ? feature_names[bit] : NULL;
}

/* ---- decoding ---- */

int fb_parse_key(const struct nlattr *nest, struct fb_key *key)
{
	const struct nlattr *tb[FLOWBR_KEY_MAX + 1];
	const void *p;

	memset(key, 0, sizeof(*key));
	if (fbnl_parse_nested(nest, tb, FLOWBR_KEY_MAX) < 0)
		return -EBADMSG;
	if (!fbnl_get_u32(tb[FLOWBR_KEY_IN_PORT], &key->in_port))
		return -EBADMSG;
	fbnl_get_u16(tb[FLOWBR_KEY_VLAN], &key->vlan);
	p = fbnl_get_bin(tb[FLOWBR_KEY_ETH_SRC], ETH_ALEN);
	if (p)
		memcpy(key->src, p, ETH_ALEN);
	p = fbnl_get_bin(tb[FLOWBR_KEY_ETH_DST], ETH_ALEN);
	if (p)
		memcpy(key->dst, p, ETH_ALEN);
	return 0;
}

int fb_parse_actions(const struct nlattr *nest, struct fb_output **acts,
		     size_t *n)
{
	const struct nlattr *a;
	struct fb_output *v = NULL;
	size_t count = 0, i = 0;

	*acts = NULL;
	*n = 0;
	if (!nest)
		return 0;
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == FLOWBR_ACT_OUTPUT ||
		    mnl_attr_get_type(a) == FLOWBR_ACT_FLOOD)
			count++;
	if (!count)
		return 0;
	v = calloc(count, sizeof(*v));
	if (!v)
		return -ENOMEM;
	mnl_attr_for_each_nested(a, nest) {
		const struct nlattr *tb[FLOWBR_OUT_MAX + 1];

		if (mnl_attr_get_type(a) == FLOWBR_ACT_FLOOD) {
			if (!fbnl_get_u16(a, &v[i].vid)) {
				free(v);
				return -EBADMSG;
			}
			v[i++].flood = true;
			continue;
		}
		if (mnl_attr_get_type(a) != FLOWBR_ACT_OUTPUT)
			continue;
		if (fbnl_parse_nested(a, tb, FLOWBR_OUT_MAX) < 0 ||
		    !fbnl_get_u32(tb[FLOWBR_OUT_PORT], &v[i].port)) {
			free(v);
			return -EBADMSG;
		}
		fbnl_get_u8(tb[FLOWBR_OUT_TAG_OP], &v[i].tag_op);
		fbnl_get_u16(tb[FLOWBR_OUT_VID], &v[i].vid);
		i++;
	}
	*acts = v;
	*n = i;
	return 0;
}

int fb_parse_br(const struct nlmsghdr *nlh, struct fb_br *br)
{
	const struct nlattr *tb[FLOWBR_A_MAX + 1];
	const struct nlattr *a;

	memset(br, 0, sizeof(*br));
	if (fbnl_parse(nlh, tb, FLOWBR_A_MAX) < 0 ||
	    !fbnl_get_str(tb[FLOWBR_A_BR_NAME], br->name, sizeof(br->name)))
		return -EBADMSG;
	fbnl_get_u32(tb[FLOWBR_A_BR_IFINDEX], &br->ifindex);
	fbnl_get_u32(tb[FLOWBR_A_BR_FLOW_LIMIT], &br->flow_limit);
	fbnl_get_u8(tb[FLOWBR_A_BR_MISS_POLICY], &br->miss_policy);
	fbnl_get_u32(tb[FLOWBR_A_BR_UPCALL_QUEUE], &br->upcall_queue);
	fbnl_get_u32(tb[FLOWBR_A_BR_UPCALL_RATE], &br->upcall_rate);
	fbnl_get_u32(tb[FLOWBR_A_BR_FLOW_COUNT], &br->flow_count);
	fbnl_get_u32(tb[FLOWBR_A_BR_FLOW_EXTERNAL], &br->flow_external);

	a = tb[FLOWBR_A_BR_UPCALL_PIDS];
	if (a && mnl_attr_get_payload_len(a) >= sizeof(uint32_t)) {
		size_t n = mnl_attr_get_payload_len(a) / sizeof(uint32_t);

		br->pids = malloc(n * sizeof(uint32_t));
		if (!br->pids)
			return -ENOMEM;
		memcpy(br->pids, mnl_attr_get_payload(a),
		       n * sizeof(uint32_t));
		br->n_pids = n;
	}

	if (tb[FLOWBR_A_BR_STATS]) {
		const struct nlattr *st[FLOWBR_BR_STATS_MAX + 1];
		unsigned int i;

		if (fbnl_parse_nested(tb[FLOWBR_A_BR_STATS], st,
				      FLOWBR_BR_STATS_MAX) == 0) {
			br->has_stats = true;
			for (i = FLOWBR_BR_STATS_HIT; i <= FLOWBR_BR_STATS_MAX;
			     i++)
				fbnl_get_u64(st[i], &br->stats[i]);
		}
	}
	return 0;
}

void fb_br_free(struct fb_br *br)
{
	free(br->pids);
	br->pids = NULL;
	br->n_pids = 0;
}

static void parse_port_stats(const struct nlattr *nest, struct fb_port *port)
{
	const struct nlattr *st[FLOWBR_PORT_STATS_MAX + 1];
	const struct nlattr *a;
	unsigned int i;

	if (fbnl_parse_nested(nest, st, FLOWBR_PORT_STATS_MAX) < 0)
		return;
	port->has_stats = true;
	for (i = FLOWBR_PORT_STATS_RX_PACKETS; i <= FLOWBR_PORT_STATS_TX_BYTES;
	     i++)
		fbnl_get_u64(st[i], &port->stats[i]);
	if (!st[FLOWBR_PORT_STATS_DROPS])
		return;
	/* One u64 per reason, the type being the reason; 0 may be padding. */
	mnl_attr_for_each_nested(a, st[FLOWBR_PORT_STATS_DROPS]) {
		unsigned int reason = mnl_attr_get_type(a);

		if (reason > FLOWBR_DROP_UNSPEC && reason <= FLOWBR_DROP_MAX)
			fbnl_get_u64(a, &port->drops[reason]);
	}
}

int fb_parse_port(const struct nlmsghdr *nlh, struct fb_port *port)
{
	const struct nlattr *tb[FLOWBR_A_MAX + 1];
	const void *trunks;

	memset(port, 0, sizeof(*port));
	if (fbnl_parse(nlh, tb, FLOWBR_A_MAX) < 0 ||
	    !fbnl_get_u32(tb[FLOWBR_A_PORT_NO], &port->port_no))
		return -EBADMSG;
	fbnl_get_str(tb[FLOWBR_A_PORT_NAME], port->name, sizeof(port->name));
	fbnl_get_u32(tb[FLOWBR_A_PORT_IFINDEX], &port->ifindex);
	fbnl_get_str(tb[FLOWBR_A_BR_NAME], port->br_name,
		     sizeof(port->br_name));
	fbnl_get_u32(tb[FLOWBR_A_BR_IFINDEX], &port->br_ifindex);
	fbnl_get_u8(tb[FLOWBR_A_PORT_TYPE], &port->type);
	fbnl_get_u8(tb[FLOWBR_A_PORT_VLAN_MODE], &port->vlan_mode);
	fbnl_get_u16(tb[FLOWBR_A_PORT_TAG], &port->tag);
	trunks = fbnl_get_bin(tb[FLOWBR_A_PORT_TRUNKS], FLOWBR_VLAN_BITMAP_LEN);
	if (trunks)
		memcpy(port->trunks, trunks, FLOWBR_VLAN_BITMAP_LEN);
	fbnl_get_u64(tb[FLOWBR_A_PORT_UPCALLS], &port->upcalls);
	fbnl_get_u64(tb[FLOWBR_A_PORT_UPCALLS_LOST], &port->upcalls_lost);
	if (tb[FLOWBR_A_PORT_STATS])
		parse_port_stats(tb[FLOWBR_A_PORT_STATS], port);
	return 0;
}

int fb_parse_flow(const struct nlmsghdr *nlh, struct fb_flow *flow)
{
	const struct nlattr *tb[FLOWBR_A_MAX + 1];
	int err;

	memset(flow, 0, sizeof(*flow));
	if (fbnl_parse(nlh, tb, FLOWBR_A_MAX) < 0 || !tb[FLOWBR_A_KEY])
		return -EBADMSG;
	err = fb_parse_key(tb[FLOWBR_A_KEY], &flow->key);
	if (err)
		return err;
	err = fb_parse_actions(tb[FLOWBR_A_ACTIONS], &flow->acts,
			       &flow->n_acts);
	if (err)
		return err;
	if (tb[FLOWBR_A_FLOW_STATS]) {
		const struct nlattr *st[FLOWBR_FLOW_STATS_MAX + 1];

		if (fbnl_parse_nested(tb[FLOWBR_A_FLOW_STATS], st,
				      FLOWBR_FLOW_STATS_MAX) == 0) {
			flow->has_stats = true;
			fbnl_get_u64(st[FLOWBR_FLOW_STATS_PACKETS],
				     &flow->packets);
			fbnl_get_u64(st[FLOWBR_FLOW_STATS_BYTES], &flow->bytes);
			fbnl_get_u64(st[FLOWBR_FLOW_STATS_IDLE_MS],
				     &flow->idle_ms);
			fbnl_get_u64(st[FLOWBR_FLOW_STATS_AGE_MS],
				     &flow->age_ms);
		}
	}
	return 0;
}

void fb_flow_free(struct fb_flow *flow)
{
	free(flow->acts);
	flow->acts = NULL;
	flow->n_acts = 0;
}

/* ---- encoding ---- */

bool fb_put_key(struct nlmsghdr *nlh, size_t buflen, const struct fb_key *key)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen,
							 FLOWBR_A_KEY);

	if (!nest ||
	    !mnl_attr_put_u32_check(nlh, buflen, FLOWBR_KEY_IN_PORT,
				    key->in_port) ||
	    !mnl_attr_put_u16_check(nlh, buflen, FLOWBR_KEY_VLAN, key->vlan) ||
	    !mnl_attr_put_check(nlh, buflen, FLOWBR_KEY_ETH_SRC, ETH_ALEN,
				key->src) ||
	    !mnl_attr_put_check(nlh, buflen, FLOWBR_KEY_ETH_DST, ETH_ALEN,
				key->dst))
		return false;
	mnl_attr_nest_end(nlh, nest);
	return true;
}

bool fb_put_actions(struct nlmsghdr *nlh, size_t buflen,
		    const struct fb_output *acts, size_t n)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, buflen,
							 FLOWBR_A_ACTIONS);
	size_t i;

	if (!nest)
		return false;
	for (i = 0; i < n; i++) {
		struct nlattr *out;

		if (acts[i].flood) {
			if (!mnl_attr_put_u16_check(nlh, buflen,
						    FLOWBR_ACT_FLOOD,
						    acts[i].vid))
				return false;
			continue;
		}
		out = mnl_attr_nest_start_check(nlh, buflen, FLOWBR_ACT_OUTPUT);
		if (!out ||
		    !mnl_attr_put_u32_check(nlh, buflen, FLOWBR_OUT_PORT,
					    acts[i].port) ||
		    !mnl_attr_put_u8_check(nlh, buflen, FLOWBR_OUT_TAG_OP,
					   acts[i].tag_op))
			return false;
		if (acts[i].tag_op == FLOWBR_TAG_PUSH &&
		    !mnl_attr_put_u16_check(nlh, buflen, FLOWBR_OUT_VID,
					    acts[i].vid))
			return false;
		mnl_attr_nest_end(nlh, out);
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/* ---- attribute names for error messages ---- */

#define NAME(x) [x] = #x
static const char *const top_names[] = {
	NAME(FLOWBR_A_VERSION), NAME(FLOWBR_A_FEATURES),
	NAME(FLOWBR_A_BR_NAME), NAME(FLOWBR_A_BR_IFINDEX),
	NAME(FLOWBR_A_BR_FLOW_LIMIT), NAME(FLOWBR_A_BR_MISS_POLICY),
	NAME(FLOWBR_A_BR_UPCALL_QUEUE), NAME(FLOWBR_A_BR_UPCALL_RATE),
	NAME(FLOWBR_A_BR_UPCALL_PIDS), NAME(FLOWBR_A_BR_STATS),
	NAME(FLOWBR_A_BR_FLOW_COUNT), NAME(FLOWBR_A_PORT_NO),
	NAME(FLOWBR_A_PORT_NAME), NAME(FLOWBR_A_PORT_IFINDEX),
	NAME(FLOWBR_A_PORT_TYPE), NAME(FLOWBR_A_PORT_VLAN_MODE),
	NAME(FLOWBR_A_PORT_TAG), NAME(FLOWBR_A_PORT_TRUNKS),
	NAME(FLOWBR_A_PORT_STATS), NAME(FLOWBR_A_KEY),
	NAME(FLOWBR_A_ACTIONS), NAME(FLOWBR_A_FLOW_STATS),
	NAME(FLOWBR_A_PACKET), NAME(FLOWBR_A_VLAN), NAME(FLOWBR_A_MAC),
	NAME(FLOWBR_A_PORT_UPCALLS), NAME(FLOWBR_A_PORT_UPCALLS_LOST),
	NAME(FLOWBR_A_FLOW_IDLE_MIN), NAME(FLOWBR_A_AGENT),
	NAME(FLOWBR_A_BR_FLOW_EXTERNAL), NAME(FLOWBR_A_MAC_SRC),
	NAME(FLOWBR_A_MAC_DST),
};
static const char *const key_names[] = {
	NAME(FLOWBR_KEY_IN_PORT), NAME(FLOWBR_KEY_VLAN),
	NAME(FLOWBR_KEY_ETH_SRC), NAME(FLOWBR_KEY_ETH_DST),
};
static const char *const act_names[] = {
	NAME(FLOWBR_ACT_OUTPUT), NAME(FLOWBR_ACT_FLOOD),
};
static const char *const out_names[] = {
	NAME(FLOWBR_OUT_PORT), NAME(FLOWBR_OUT_TAG_OP), NAME(FLOWBR_OUT_VID),
};
#undef NAME

struct name_table {
	const char *const *names;
	size_t n;
};

enum { T_TOP, T_KEY, T_ACT, T_OUT, T_NONE };

static const struct name_table tables[] = {
	[T_TOP] = { top_names, N_ELEM(top_names) },
	[T_KEY] = { key_names, N_ELEM(key_names) },
	[T_ACT] = { act_names, N_ELEM(act_names) },
	[T_OUT] = { out_names, N_ELEM(out_names) },
};

static const char *table_name(int t, unsigned int type)
{
	if (t >= T_NONE || type >= tables[t].n)
		return NULL;
	return tables[t].names[type];
}

/* Which table describes the attributes nested in attribute @type of @t. */
static int inner_table(int t, unsigned int type)
{
	if (t == T_TOP && type == FLOWBR_A_KEY)
		return T_KEY;
	if (t == T_TOP && type == FLOWBR_A_ACTIONS)
		return T_ACT;
	if (t == T_ACT && type == FLOWBR_ACT_OUTPUT)
		return T_OUT;
	return T_NONE;
}

/*
 * Walk the attributes in [start, start+len) of @req looking for @off: the
 * attribute starting there (want_nest: the nest it opens) gives the name.
 */
static const char *walk(const struct nlmsghdr *req, const void *start,
			size_t len, int t, uint32_t off, bool want_nest,
			uint32_t miss_type)
{
	const char *base = (const char *)req;
	const struct nlattr *attr;

	mnl_attr_for_each_payload(start, len) {
		uint32_t aoff = (uint32_t)((const char *)attr - base);
		unsigned int type = mnl_attr_get_type(attr);
		int inner = inner_table(t, type);

		if (aoff == off) {
			if (!want_nest)
				return table_name(t, type);
			return table_name(inner, miss_type);
		}
		if (off > aoff && off < aoff + attr->nla_len && inner != T_NONE)
			return walk(req, mnl_attr_get_payload(attr),
				    mnl_attr_get_payload_len(attr), inner, off,
				    want_nest, miss_type);
	}
	return NULL;
}

static bool top_span(const struct nlmsghdr *req, const char **start,
		     size_t *len)
{
	size_t plen = mnl_nlmsg_get_payload_len(req);

	if (plen < GENL_HDRLEN)
		return false;
	*start = (const char *)mnl_nlmsg_get_payload(req) + GENL_HDRLEN;
	*len = plen - GENL_HDRLEN;
	return true;
}

const char *fb_attr_at(const struct nlmsghdr *req, uint32_t off)
{
	const char *start;
	size_t len;

	if (!req || !off || !top_span(req, &start, &len))
		return NULL;
	return walk(req, start, len, T_TOP, off, false, 0);
}

const char *fb_missing_name(const struct nlmsghdr *req, uint32_t type,
			    uint32_t nest_off)
{
	const char *start;
	size_t len;

	if (!type)
		return NULL;
	if (!nest_off)
		return table_name(T_TOP, type);
	if (!req || !top_span(req, &start, &len))
		return NULL;
	return walk(req, start, len, T_TOP, nest_off, true, type);
}
