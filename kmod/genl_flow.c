// SPDX-License-Identifier: GPL-2.0
/*
 * Flow commands: FLOW_NEW, FLOW_DEL, FLOW_GET (and dump), FLOW_FLUSH, and
 * PACKET_EXECUTE.
 */
#include "flowbr.h"

extern const struct nla_policy flowbr_key_policy[FLOWBR_KEY_MAX + 1];
extern const struct nla_policy flowbr_output_policy[FLOWBR_OUT_MAX + 1];

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

/* Parse FLOWBR_A_ACTIONS (already validated against the policy). */
static struct flowbr_actions *flowbr_actions_parse(struct flowbr_bridge *br,
						   struct genl_info *info)
{
	struct nlattr *tb[FLOWBR_OUT_MAX + 1];
	struct nlattr *acts_attr = info->attrs[FLOWBR_A_ACTIONS];
	struct flowbr_actions *acts;
	struct flowbr_output *out;
	struct nlattr *nla;
	unsigned int n = 0;
	int rem, err;

	nla_for_each_nested(nla, acts_attr, rem)
		n++;
	if (n > FLOWBR_MAX_ACTIONS) {
		NL_SET_ERR_MSG_ATTR(info->extack, acts_attr, "Too many actions");
		return ERR_PTR(-E2BIG);
	}
	acts = kmalloc(struct_size(acts, out, n), GFP_KERNEL);
	if (!acts)
		return ERR_PTR(-ENOMEM);
	acts->n = n;
	out = acts->out;
	nla_for_each_nested(nla, acts_attr, rem) {
		err = nla_parse_nested(tb, FLOWBR_OUT_MAX, nla,
				       flowbr_output_policy, info->extack);
		if (err)
			goto err;
		err = -EINVAL;
		if (!tb[FLOWBR_OUT_PORT]) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "Output action needs a port");
			goto err;
		}
		out->port_no = nla_get_u32(tb[FLOWBR_OUT_PORT]);
		out->op = tb[FLOWBR_OUT_TAG_OP] ?
			  nla_get_u8(tb[FLOWBR_OUT_TAG_OP]) : FLOWBR_TAG_UNTAGGED;
		out->vid = tb[FLOWBR_OUT_VID] ? nla_get_u16(tb[FLOWBR_OUT_VID]) : 0;
		if (out->op == FLOWBR_TAG_PUSH && !out->vid) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "A tagged output needs a VID (1-4094)");
			goto err;
		}
		if (out->op == FLOWBR_TAG_UNTAGGED && out->vid) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[FLOWBR_OUT_VID],
					    "An untagged output takes no VID");
			goto err;
		}
		if (!flowbr_port_exists(br, out->port_no)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[FLOWBR_OUT_PORT],
					    "Output to a port that does not exist on this bridge");
			err = -ENOENT;
			goto err;
		}
		out++;
	}
	return acts;
err:
	kfree(acts);
	return ERR_PTR(err);
}

static int flowbr_flow_fill(struct sk_buff *skb, struct flowbr_bridge *br,
			    struct flowbr_flow *flow, u32 portid, u32 seq,
			    int flags, u8 cmd)
{
	const struct flowbr_actions *acts;
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
	rcu_read_lock();
	acts = rcu_dereference(flow->acts);
	for (i = 0; i < acts->n; i++) {
		out = nla_nest_start(skb, FLOWBR_ACT_OUTPUT);
		if (!out ||
		    nla_put_u32(skb, FLOWBR_OUT_PORT, acts->out[i].port_no) ||
		    nla_put_u8(skb, FLOWBR_OUT_TAG_OP, acts->out[i].op) ||
		    (acts->out[i].vid &&
		     nla_put_u16(skb, FLOWBR_OUT_VID, acts->out[i].vid))) {
			rcu_read_unlock();
			goto cancel;
		}
		nla_nest_end(skb, out);
	}
	rcu_read_unlock();
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

static int flowbr_flow_reply(struct genl_info *info, struct flowbr_bridge *br,
			     struct flowbr_flow *flow, u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = flowbr_flow_fill(msg, br, flow, info->snd_portid, info->snd_seq,
			       0, cmd);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
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
	return 0;
}

int flowbr_cmd_flow_del(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	struct flowbr_flow *flow;
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
	/* The reply carries the final counters; a failed reply is not fatal. */
	err = flowbr_flow_reply(info, br, flow, FLOWBR_CMD_FLOW_DEL);
	flowbr_flow_release(flow);
	return err == -ENOMEM || err == -EMSGSIZE ? 0 : err;
}

int flowbr_cmd_flow_get(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	struct flowbr_flow *flow;
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
	/* The reply is filled under RCU: allocate before. */
	{
		struct sk_buff *msg = nlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);

		if (!msg) {
			rcu_read_unlock();
			return -ENOMEM;
		}
		err = flowbr_flow_fill(msg, br, flow, info->snd_portid,
				       info->snd_seq, 0, FLOWBR_CMD_FLOW_GET);
		rcu_read_unlock();
		if (err) {
			nlmsg_free(msg);
			return err;
		}
		return genlmsg_reply(msg, info);
	}
}

struct flowbr_dump_ctx {
	struct flowbr_bridge *br;
	struct rhashtable_iter iter;
	bool pending;			/* re-send @key first */
	struct flowbr_key key;
};

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
	int err = 0;

	cb->seq = atomic_read(&br->flow_seq);
	rhashtable_walk_start(&ctx->iter);
	if (ctx->pending) {
		flow = flowbr_flow_lookup(br, &ctx->key);
		if (flow) {
			err = flowbr_flow_fill(skb, br, flow, portid, seq,
					       NLM_F_MULTI, FLOWBR_CMD_FLOW_GET);
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
		err = flowbr_flow_fill(skb, br, flow, portid, seq,
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
	    (f && f->by_mac && nla_put(msg, FLOWBR_A_MAC, ETH_ALEN, f->mac))) {
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
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	n = flowbr_flow_flush(br, &f);
	flowbr_flush_notify(br, &f, n);

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
			flowbr_dp_execute(br, p, acts->out, acts->n,
					  key.in_port, ing.prio);
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
