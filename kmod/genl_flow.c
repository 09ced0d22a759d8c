// SPDX-License-Identifier: GPL-2.0
/*
 * Flow commands: FLOW_NEW, FLOW_DEL, FLOW_GET (and dump), FLOW_FLUSH, and
 * PACKET_EXECUTE.
 */
#include "flowbr.h"
#include "vlan.h"

/* Parse FLOWBR_A_KEY; all four fields are required unless @in_port_only. */
static int flowbr_key_parse(struct genl_info *info, struct flowbr_key *key,
			    bool in_port_only)
{
	struct nlattr *tb[FLOWBR_KEY_MAX + 1];
	struct nlattr *nla = info->attrs[FLOWBR_A_KEY];
	int err;

	if (!nla) {
		NL_SET_ERR_MSG_MOD(info->extack, "Missing flow key (FLOWBR_A_KEY)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, FLOWBR_KEY_MAX, nla, flowbr_key_policy,
			       info->extack);
	if (err)
		return err;
	memset(key, 0, sizeof(*key));
	if (!tb[FLOWBR_KEY_IN_PORT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "Flow key needs in_port");
		return -EINVAL;
	}
	key->in_port = nla_get_u32(tb[FLOWBR_KEY_IN_PORT]);
	if (in_port_only)
		return 0;
	if (!tb[FLOWBR_KEY_VLAN] || !tb[FLOWBR_KEY_ETH_SRC] ||
	    !tb[FLOWBR_KEY_ETH_DST]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "Flow key needs in_port, vlan, eth_src and eth_dst");
		return -EINVAL;
	}
	key->vlan = nla_get_u16(tb[FLOWBR_KEY_VLAN]);
	nla_memcpy(key->eth_src, tb[FLOWBR_KEY_ETH_SRC], ETH_ALEN);
	nla_memcpy(key->eth_dst, tb[FLOWBR_KEY_ETH_DST], ETH_ALEN);
	return 0;
}

static bool flowbr_port_exists(struct flowbr_bridge *br, u32 port_no)
{
	bool ret;

	rcu_read_lock();
	ret = rcu_access_pointer(br->ports[port_no]) != NULL;
	rcu_read_unlock();
	return ret;
}

/* Parse one FLOWBR_ACT_OUTPUT (validated against the policy) into @out. */
static int flowbr_output_parse(struct flowbr_bridge *br, struct nlattr *nla,
			       struct flowbr_output *out,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FLOWBR_OUT_MAX + 1];
	int err;

	err = nla_parse_nested(tb, FLOWBR_OUT_MAX, nla, flowbr_output_policy,
			       extack);
	if (err)
		return err;
	if (!tb[FLOWBR_OUT_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "Output action needs a port");
		return -EINVAL;
	}
	out->port_no = nla_get_u32(tb[FLOWBR_OUT_PORT]);
	out->op = tb[FLOWBR_OUT_TAG_OP] ?
		  nla_get_u8(tb[FLOWBR_OUT_TAG_OP]) : FLOWBR_TAG_UNTAGGED;
	out->vid = tb[FLOWBR_OUT_VID] ? nla_get_u16(tb[FLOWBR_OUT_VID]) : 0;
	if (out->op == FLOWBR_TAG_PUSH && !out->vid) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "A tagged output needs a VID (1-4094)");
		return -EINVAL;
	}
	if (out->op == FLOWBR_TAG_UNTAGGED && out->vid) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWBR_OUT_VID],
				    "An untagged output takes no VID");
		return -EINVAL;
	}
	if (!flowbr_port_exists(br, out->port_no)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWBR_OUT_PORT],
				    "Output to a port that does not exist on this bridge");
		return -ENOENT;
	}
	return 0;
}

/*
 * Parse FLOWBR_A_ACTIONS (validated against the policy): outputs, then at
 * most one flood, last.
 */
static struct flowbr_actions *flowbr_actions_parse(struct flowbr_bridge *br,
						   struct genl_info *info)
{
	struct nlattr *acts_attr = info->attrs[FLOWBR_A_ACTIONS];
	struct nlattr *nla, *flood = NULL;
	struct flowbr_actions *acts;
	unsigned int n = 0;
	int rem, err;

	nla_for_each_nested(nla, acts_attr, rem) {
		switch (nla_type(nla)) {
		case FLOWBR_ACT_OUTPUT:
			if (flood) {
				NL_SET_ERR_MSG_ATTR(info->extack, nla,
						    "FLOWBR_ACT_FLOOD must be the last action (it runs after the outputs)");
				return ERR_PTR(-EINVAL);
			}
			n++;
			break;
		case FLOWBR_ACT_FLOOD:
			if (flood) {
				NL_SET_ERR_MSG_ATTR(info->extack, nla,
						    "Only one FLOWBR_ACT_FLOOD per flow");
				return ERR_PTR(-EINVAL);
			}
			flood = nla;
			break;
		default:
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "Unknown action");
			return ERR_PTR(-EINVAL);
		}
	}
	if (n > FLOWBR_MAX_OUTPUTS) {
		NL_SET_ERR_MSG_ATTR(info->extack, acts_attr,
				    "Too many outputs (at most " __stringify(FLOWBR_MAX_OUTPUTS) ", so that a flow fits one message): to reach every port of a VLAN use FLOWBR_ACT_FLOOD");
		return ERR_PTR(-E2BIG);
	}
	acts = kzalloc(struct_size(acts, out, n), GFP_KERNEL);
	if (!acts)
		return ERR_PTR(-ENOMEM);
	acts->n = n;
	if (flood) {
		acts->flood = true;
		acts->flood_vlan = nla_get_u16(flood);
	}
	n = 0;
	nla_for_each_nested(nla, acts_attr, rem) {
		if (nla_type(nla) != FLOWBR_ACT_OUTPUT)
			continue;
		err = flowbr_output_parse(br, nla, &acts->out[n++],
					  info->extack);
		if (err) {
			kfree(acts);
			return ERR_PTR(err);
		}
	}
	return acts;
}

/* Payload size of a flow message with @n_out outputs and maybe a flood. */
static size_t flowbr_flow_msg_size(u32 n_out, bool flood)
{
	return nla_total_size(IFNAMSIZ) +		/* FLOWBR_A_BR_NAME */
	       nla_total_size(0) +			/* FLOWBR_A_KEY */
	       nla_total_size(sizeof(u32)) +		/* KEY_IN_PORT */
	       nla_total_size(sizeof(u16)) +		/* KEY_VLAN */
	       2 * nla_total_size(ETH_ALEN) +		/* KEY_ETH_SRC, DST */
	       nla_total_size(0) +			/* FLOWBR_A_ACTIONS */
	       n_out * (nla_total_size(0) +		/* ACT_OUTPUT */
			nla_total_size(sizeof(u32)) +	/* OUT_PORT */
			nla_total_size(sizeof(u8)) +	/* OUT_TAG_OP */
			nla_total_size(sizeof(u16))) +	/* OUT_VID */
	       (flood ? nla_total_size(sizeof(u16)) : 0) + /* ACT_FLOOD */
	       nla_total_size(0) +			/* FLOWBR_A_FLOW_STATS */
	       4 * nla_total_size_64bit(sizeof(u64));	/* its counters */
}

/* @acts: @flow's actions, read once by the caller (under RCU or owning it). */
static int flowbr_flow_fill(struct sk_buff *skb, struct flowbr_bridge *br,
			    struct flowbr_flow *flow,
			    const struct flowbr_actions *acts, u32 portid,
			    u32 seq, int flags, u8 cmd)
{
	struct nlattr *nest, *out;
	unsigned long used;
	u64 packets, bytes;
	void *hdr;
	u32 i;

	hdr = flowbr_genl_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, FLOWBR_A_BR_NAME, flowbr_br_name(br)))
		goto cancel;
	nest = nla_nest_start(skb, FLOWBR_A_KEY);
	if (!nest ||
	    nla_put_u32(skb, FLOWBR_KEY_IN_PORT, flow->key.in_port) ||
	    nla_put_u16(skb, FLOWBR_KEY_VLAN, flow->key.vlan) ||
	    nla_put(skb, FLOWBR_KEY_ETH_SRC, ETH_ALEN, flow->key.eth_src) ||
	    nla_put(skb, FLOWBR_KEY_ETH_DST, ETH_ALEN, flow->key.eth_dst))
		goto cancel;
	nla_nest_end(skb, nest);

	nest = nla_nest_start(skb, FLOWBR_A_ACTIONS);
	if (!nest)
		goto cancel;
	for (i = 0; i < acts->n; i++) {
		out = nla_nest_start(skb, FLOWBR_ACT_OUTPUT);
		if (!out ||
		    nla_put_u32(skb, FLOWBR_OUT_PORT, acts->out[i].port_no) ||
		    nla_put_u8(skb, FLOWBR_OUT_TAG_OP, acts->out[i].op) ||
		    (acts->out[i].vid &&
		     nla_put_u16(skb, FLOWBR_OUT_VID, acts->out[i].vid)))
			goto cancel;
		nla_nest_end(skb, out);
	}
	if (acts->flood &&
	    nla_put_u16(skb, FLOWBR_ACT_FLOOD, acts->flood_vlan))
		goto cancel;
	nla_nest_end(skb, nest);

	flowbr_flow_get_stats(flow, &packets, &bytes, &used);
	nest = nla_nest_start(skb, FLOWBR_A_FLOW_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, FLOWBR_FLOW_STATS_PACKETS, packets,
			      FLOWBR_FLOW_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_FLOW_STATS_BYTES, bytes,
			      FLOWBR_FLOW_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_FLOW_STATS_IDLE_MS,
			      jiffies_to_msecs(jiffies - used),
			      FLOWBR_FLOW_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_FLOW_STATS_AGE_MS,
			      jiffies_to_msecs(jiffies - flow->created),
			      FLOWBR_FLOW_STATS_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* A message with @flow and its @acts, sized for them. */
static struct sk_buff *flowbr_flow_msg(struct genl_info *info,
				       struct flowbr_bridge *br,
				       struct flowbr_flow *flow,
				       const struct flowbr_actions *acts,
				       u8 cmd, gfp_t gfp)
{
	struct sk_buff *msg;
	int err;

	/* Any flow fits a message of the size a dump uses. */
	BUILD_BUG_ON(genlmsg_total_size(flowbr_flow_msg_size(FLOWBR_MAX_OUTPUTS,
							     true)) >
		     NLMSG_GOODSIZE);
	msg = genlmsg_new(flowbr_flow_msg_size(acts->n, acts->flood), gfp);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	err = flowbr_flow_fill(msg, br, flow, acts, info->snd_portid,
			       info->snd_seq, 0, cmd);
	if (err) {
		nlmsg_free(msg);
		return ERR_PTR(err);
	}
	return msg;
}

int flowbr_cmd_flow_new(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	struct flowbr_actions *acts, *old;
	struct flowbr_flow *flow;
	struct flowbr_key key;
	int err;

	err = flowbr_key_parse(info, &key, false);
	if (err)
		return err;
	if (!flowbr_port_exists(br, key.in_port)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Flow in_port does not exist on this bridge");
		return -ENOENT;
	}
	if (!info->attrs[FLOWBR_A_ACTIONS]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Missing actions (FLOWBR_A_ACTIONS; empty means drop)");
		return -EINVAL;
	}
	acts = flowbr_actions_parse(br, info);
	if (IS_ERR(acts))
		return PTR_ERR(acts);
	flow = flowbr_flow_alloc(&key, acts);
	if (!flow) {
		kfree(acts);
		return -ENOMEM;
	}
	err = flowbr_flow_insert(br, flow,
				 info->nlhdr->nlmsg_flags & NLM_F_EXCL, &old,
				 info->extack);
	if (err) {
		flowbr_flow_free(flow);
		return err;
	}
	if (old)
		kfree_rcu(old, rcu);
	flowbr_flow_cmd_done(br, info);
	return 0;
}

int flowbr_cmd_flow_del(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	struct flowbr_flow *flow;
	struct sk_buff *msg;
	struct flowbr_key key;
	int err;

	err = flowbr_key_parse(info, &key, false);
	if (err)
		return err;
	flow = flowbr_flow_remove(br, &key);
	if (!flow) {
		NL_SET_ERR_MSG_MOD(info->extack, "No flow with this key");
		return -ENOENT;
	}
	flowbr_flow_cmd_done(br, info);
	/*
	 * The reply carries the final counters; a failed reply is not fatal.
	 * The flow is unlinked: no writer can replace its actions any more.
	 */
	msg = flowbr_flow_msg(info, br, flow,
			      rcu_dereference_protected(flow->acts, 1),
			      FLOWBR_CMD_FLOW_DEL, GFP_KERNEL);
	flowbr_flow_release(flow);
	if (IS_ERR(msg))
		return PTR_ERR(msg) == -ENOMEM ? 0 : PTR_ERR(msg);
	return genlmsg_reply(msg, info);
}

int flowbr_cmd_flow_get(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	struct flowbr_flow *flow;
	struct sk_buff *msg;
	struct flowbr_key key;
	int err;

	err = flowbr_key_parse(info, &key, false);
	if (err)
		return err;
	rcu_read_lock();
	flow = flowbr_flow_lookup(br, &key);
	if (!flow) {
		rcu_read_unlock();
		NL_SET_ERR_MSG_MOD(info->extack, "No flow with this key");
		return -ENOENT;
	}
	/* Filled under RCU, from the actions read once. */
	msg = flowbr_flow_msg(info, br, flow, rcu_dereference(flow->acts),
			      FLOWBR_CMD_FLOW_GET, GFP_ATOMIC);
	rcu_read_unlock();
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return genlmsg_reply(msg, info);
}

struct flowbr_dump_ctx {
	struct flowbr_bridge *br;
	struct rhashtable_iter iter;
	unsigned long idle_min;		/* jiffies; 0: every flow */
	bool pending;			/* re-send @key first */
	struct flowbr_key key;
};

/* Flows skipped by the idle filter between two reschedule points. */
#define FLOWBR_DUMP_SKIP_BATCH	1024

int flowbr_cmd_flow_dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *gi = genl_dumpit_info(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct nlattr **a = gi->attrs;
	struct flowbr_dump_ctx *ctx;
	struct flowbr_bridge *br;

	if (!a[FLOWBR_A_BR_NAME] && !a[FLOWBR_A_BR_IFINDEX]) {
		NL_SET_ERR_MSG_MOD(cb->extack,
				   "Missing bridge: give FLOWBR_A_BR_NAME or FLOWBR_A_BR_IFINDEX");
		return -EINVAL;
	}
	rcu_read_lock();
	br = flowbr_bridge_find(net, a[FLOWBR_A_BR_NAME] ?
				nla_data(a[FLOWBR_A_BR_NAME]) : NULL,
				a[FLOWBR_A_BR_IFINDEX] ?
				nla_get_u32(a[FLOWBR_A_BR_IFINDEX]) : 0);
	if (br)
		flowbr_bridge_hold(br);
	rcu_read_unlock();
	if (!br) {
		NL_SET_ERR_MSG_MOD(cb->extack,
				   "No such bridge in this network namespace");
		return -ENODEV;
	}
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		flowbr_bridge_put(br);
		return -ENOMEM;
	}
	ctx->br = br;
	if (a[FLOWBR_A_FLOW_IDLE_MIN])
		ctx->idle_min = msecs_to_jiffies(nla_get_u32(a[FLOWBR_A_FLOW_IDLE_MIN]));
	rhashtable_walk_enter(&br->flows, &ctx->iter);
	cb->args[0] = (long)ctx;
	return 0;
}

int flowbr_cmd_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct flowbr_dump_ctx *ctx = (struct flowbr_dump_ctx *)cb->args[0];
	struct flowbr_bridge *br = ctx->br;
	u32 portid = NETLINK_CB(cb->skb).portid;
	u32 seq = cb->nlh->nlmsg_seq;
	struct flowbr_flow *flow;
	unsigned int skipped = 0;
	int err = 0;

	cb->seq = atomic_read(&br->flow_seq);
	rhashtable_walk_start(&ctx->iter);
	if (ctx->pending) {
		flow = flowbr_flow_lookup(br, &ctx->key);
		if (flow) {
			err = flowbr_flow_fill(skb, br, flow,
					       rcu_dereference(flow->acts),
					       portid, seq, NLM_F_MULTI,
					       FLOWBR_CMD_FLOW_GET);
			if (err)
				goto out;
		}
		ctx->pending = false;
	}
	for (;;) {
		flow = rhashtable_walk_next(&ctx->iter);
		if (IS_ERR(flow)) {
			if (PTR_ERR(flow) == -EAGAIN) {
				/* Resized under us: entries may repeat. */
				cb->seq++;
				continue;
			}
			break;
		}
		if (!flow)
			break;
		if (ctx->idle_min &&
		    time_before(jiffies, flowbr_flow_used(flow) + ctx->idle_min)) {
			/* A walk over many busy flows lets the CPU go now and then. */
			if (++skipped % FLOWBR_DUMP_SKIP_BATCH == 0) {
				rhashtable_walk_stop(&ctx->iter);
				cond_resched();
				rhashtable_walk_start(&ctx->iter);
			}
			continue;
		}
		err = flowbr_flow_fill(skb, br, flow,
				       rcu_dereference(flow->acts), portid, seq,
				       NLM_F_MULTI, FLOWBR_CMD_FLOW_GET);
		if (err) {
			ctx->pending = true;
			ctx->key = flow->key;
			break;
		}
	}
out:
	rhashtable_walk_stop(&ctx->iter);
	if (skb->len) {
		/* Flag the whole batch if the table changed since last time. */
		struct nlmsghdr *nlh = (struct nlmsghdr *)skb->data;

		genl_dump_check_consistent(cb, (u8 *)nlmsg_data(nlh) +
					   GENL_HDRLEN);
	}
	if (err && !skb->len)
		return err;
	return skb->len;
}

int flowbr_cmd_flow_dump_done(struct netlink_callback *cb)
{
	struct flowbr_dump_ctx *ctx = (struct flowbr_dump_ctx *)cb->args[0];

	if (!ctx)
		return 0;
	rhashtable_walk_exit(&ctx->iter);
	flowbr_bridge_put(ctx->br);
	kfree(ctx);
	return 0;
}

void flowbr_flush_notify(struct flowbr_bridge *br,
			 const struct flowbr_flush_filter *f, unsigned int n)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = flowbr_genl_put(msg, 0, 0, 0, FLOWBR_CMD_FLOW_FLUSH);
	if (!hdr ||
	    nla_put_string(msg, FLOWBR_A_BR_NAME, flowbr_br_name(br)) ||
	    nla_put_u32(msg, FLOWBR_A_BR_IFINDEX, br->ifindex) ||
	    nla_put_u32(msg, FLOWBR_A_BR_FLOW_COUNT, n) ||
	    (f && f->by_port && nla_put_u32(msg, FLOWBR_A_PORT_NO, f->port_no)) ||
	    (f && f->by_vlan && nla_put_u16(msg, FLOWBR_A_VLAN, f->vlan)) ||
	    (f && f->by_mac && nla_put(msg, FLOWBR_A_MAC, ETH_ALEN, f->mac)) ||
	    (f && f->by_src &&
	     nla_put(msg, FLOWBR_A_MAC_SRC, ETH_ALEN, f->src)) ||
	    (f && f->by_dst &&
	     nla_put(msg, FLOWBR_A_MAC_DST, ETH_ALEN, f->dst))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	flowbr_notify(br->net, msg);
}

int flowbr_cmd_flow_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	struct nlattr **a = info->attrs;
	struct flowbr_flush_filter f = {};
	struct sk_buff *msg;
	unsigned int n;
	void *hdr;

	if (a[FLOWBR_A_PORT_NO]) {
		f.by_port = true;
		f.port_no = nla_get_u32(a[FLOWBR_A_PORT_NO]);
	}
	if (a[FLOWBR_A_VLAN]) {
		f.by_vlan = true;
		f.vlan = nla_get_u16(a[FLOWBR_A_VLAN]);
	}
	if (a[FLOWBR_A_MAC]) {
		f.by_mac = true;
		nla_memcpy(f.mac, a[FLOWBR_A_MAC], ETH_ALEN);
	}
	if (a[FLOWBR_A_MAC_SRC]) {
		f.by_src = true;
		nla_memcpy(f.src, a[FLOWBR_A_MAC_SRC], ETH_ALEN);
	}
	if (a[FLOWBR_A_MAC_DST]) {
		f.by_dst = true;
		nla_memcpy(f.dst, a[FLOWBR_A_MAC_DST], ETH_ALEN);
	}
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	n = flowbr_flow_flush(br, &f);
	flowbr_flush_notify(br, &f, n);
	if (n)
		flowbr_flow_cmd_done(br, info);

	hdr = flowbr_genl_put(msg, info->snd_portid, info->snd_seq, 0,
			      FLOWBR_CMD_FLOW_FLUSH);
	if (!hdr || nla_put_u32(msg, FLOWBR_A_BR_FLOW_COUNT, n)) {
		nlmsg_free(msg);
		return 0;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int flowbr_cmd_packet_execute(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	struct nlattr *pkt = info->attrs[FLOWBR_A_PACKET];
	struct flowbr_actions *acts = NULL;
	enum flowbr_drop_reason reason;
	struct flowbr_ingress ing;
	struct flowbr_port *in;
	struct flowbr_key key;
	struct sk_buff *p;
	int err, len;

	err = flowbr_key_parse(info, &key, true);
	if (err)
		return err;
	if (!pkt || nla_len(pkt) < ETH_HLEN) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Missing or short packet (FLOWBR_A_PACKET, an Ethernet frame)");
		return -EINVAL;
	}
	if (info->attrs[FLOWBR_A_ACTIONS]) {
		acts = flowbr_actions_parse(br, info);
		if (IS_ERR(acts))
			return PTR_ERR(acts);
	}

	len = nla_len(pkt);
	p = alloc_skb(NET_SKB_PAD + NET_IP_ALIGN + len, GFP_KERNEL);
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	skb_reserve(p, NET_SKB_PAD + NET_IP_ALIGN);
	skb_put_data(p, nla_data(pkt), len);
	skb_reset_mac_header(p);
	skb_set_network_header(p, ETH_HLEN);
	p->protocol = eth_hdr(p)->h_proto;

	local_bh_disable();
	rcu_read_lock();
	in = rcu_dereference(br->ports[key.in_port]);
	if (!in) {
		rcu_read_unlock();
		local_bh_enable();
		kfree_skb(p);
		NL_SET_ERR_MSG_MOD(info->extack,
				   "in_port does not exist on this bridge");
		err = -ENOENT;
		goto out;
	}
	reason = flowbr_vlan_ingress(rcu_dereference(in->vlan), p, &ing);
	if (reason) {
		flowbr_port_count_drop(in, reason);
		kfree_skb(p);
	} else {
		flowbr_br_stat_inc(br, executed);
		if (acts)
			flowbr_dp_execute(br, p, acts, key.in_port,
					  ing.prio);
		else
			flowbr_dp_process(in, p, &ing, true);
	}
	rcu_read_unlock();
	local_bh_enable();
	err = 0;
out:
	kfree(acts);
	return err;
}
