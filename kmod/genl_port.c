// SPDX-License-Identifier: GPL-2.0
/*
 * Port commands: PORT_NEW, PORT_DEL, PORT_GET (and dump), PORT_SET.
 */
#include "flowbr.h"

static void flowbr_trunks_to_bytes(const struct flowbr_vlan_cfg *cfg, u8 *b)
{
	unsigned int vid;

	memset(b, 0, FLOWBR_VLAN_BITMAP_LEN);
	if (cfg->all)
		return;
	for_each_set_bit(vid, cfg->trunks, VLAN_N_VID)
		b[vid / 8] |= 1 << (vid % 8);
}

static void flowbr_trunks_from_bytes(const u8 *b, unsigned long *trunks)
{
	unsigned int vid;

	bitmap_zero(trunks, VLAN_N_VID);
	for (vid = 0; vid < VLAN_N_VID; vid++)
		if (b[vid / 8] & (1 << (vid % 8)))
			set_bit(vid, trunks);
}

static int flowbr_port_put_stats(struct sk_buff *skb, struct flowbr_port *port)
{
	struct flowbr_pcpu_port_stats sum = {};
	struct nlattr *nest, *drops;
	int cpu, r;

	for_each_possible_cpu(cpu) {
		const struct flowbr_pcpu_port_stats *s = per_cpu_ptr(port->stats, cpu);
		struct flowbr_pcpu_port_stats v;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(&v, s, offsetof(struct flowbr_pcpu_port_stats, syncp));
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum.rx_packets += v.rx_packets;
		sum.rx_bytes += v.rx_bytes;
		sum.tx_packets += v.tx_packets;
		sum.tx_bytes += v.tx_bytes;
		sum.upcalls += v.upcalls;
		sum.upcalls_lost += v.upcalls_lost;
		for (r = 0; r < __FLOWBR_DROP_MAX; r++)
			sum.drops[r] += v.drops[r];
	}

	if (nla_put_u64_64bit(skb, FLOWBR_A_PORT_UPCALLS, sum.upcalls,
			      FLOWBR_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_A_PORT_UPCALLS_LOST,
			      sum.upcalls_lost, FLOWBR_A_PAD))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, FLOWBR_A_PORT_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, FLOWBR_PORT_STATS_RX_PACKETS,
			      sum.rx_packets, FLOWBR_PORT_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_PORT_STATS_RX_BYTES,
			      sum.rx_bytes, FLOWBR_PORT_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_PORT_STATS_TX_PACKETS,
			      sum.tx_packets, FLOWBR_PORT_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_PORT_STATS_TX_BYTES,
			      sum.tx_bytes, FLOWBR_PORT_STATS_PAD))
		return -EMSGSIZE;
	drops = nla_nest_start(skb, FLOWBR_PORT_STATS_DROPS);
	if (!drops)
		return -EMSGSIZE;
	for (r = 1; r < __FLOWBR_DROP_MAX; r++)
		if (nla_put_u64_64bit(skb, r, sum.drops[r], FLOWBR_DROP_UNSPEC))
			return -EMSGSIZE;
	nla_nest_end(skb, drops);
	nla_nest_end(skb, nest);
	return 0;
}

static int flowbr_port_fill(struct sk_buff *skb, struct flowbr_port *port,
			    u32 portid, u32 seq, int flags, u8 cmd)
{
	struct flowbr_bridge *br = port->br;
	const struct flowbr_vlan_cfg *cfg;
	struct nlattr *nla;
	void *hdr;

	hdr = flowbr_genl_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	cfg = rcu_dereference_rtnl(port->vlan);
	if (nla_put_string(skb, FLOWBR_A_BR_NAME, flowbr_br_name(br)) ||
	    nla_put_u32(skb, FLOWBR_A_BR_IFINDEX, br->ifindex) ||
	    nla_put_u32(skb, FLOWBR_A_PORT_NO, port->port_no) ||
	    nla_put_string(skb, FLOWBR_A_PORT_NAME, port->dev->name) ||
	    nla_put_u32(skb, FLOWBR_A_PORT_IFINDEX, port->dev->ifindex) ||
	    nla_put_u8(skb, FLOWBR_A_PORT_TYPE, port->type) ||
	    nla_put_u8(skb, FLOWBR_A_PORT_VLAN_MODE, cfg->mode) ||
	    nla_put_u16(skb, FLOWBR_A_PORT_TAG, cfg->tag))
		goto cancel;
	nla = nla_reserve(skb, FLOWBR_A_PORT_TRUNKS, FLOWBR_VLAN_BITMAP_LEN);
	if (!nla)
		goto cancel;
	flowbr_trunks_to_bytes(cfg, nla_data(nla));
	if (cmd != FLOWBR_CMD_PORT_DEL && flowbr_port_put_stats(skb, port))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

void flowbr_port_notify(struct flowbr_port *port, u8 cmd)
{
	struct sk_buff *msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return;
	if (flowbr_port_fill(msg, port, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	flowbr_notify(port->br->net, msg);
}

/*
 * Build VLAN settings from the request, starting from @cur (PORT_SET) or
 * from nothing (PORT_NEW). Without an explicit mode, a port with a tag is
 * access and one without is trunk; native modes are kept.
 */
static struct flowbr_vlan_cfg *
flowbr_port_vlan_parse(struct genl_info *info,
		       const struct flowbr_vlan_cfg *cur)
{
	struct nlattr **a = info->attrs;
	struct flowbr_vlan_cfg *cfg;
	bool all = cur ? cur->all : true;
	u16 tag = cur ? cur->tag : 0;
	u8 mode;
	int err;

	if (a[FLOWBR_A_PORT_TAG]) {
		tag = nla_get_u16(a[FLOWBR_A_PORT_TAG]);
		if (tag > FLOWBR_VID_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[FLOWBR_A_PORT_TAG],
					    "VLAN tag out of range: use 1-4094 (4095 is reserved)");
			return ERR_PTR(-ERANGE);
		}
		if (!tag && !cur) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[FLOWBR_A_PORT_TAG],
					    "VLAN tag 0 is the untagged domain, not a VLAN: use 1-4094, or no tag for a trunk");
			return ERR_PTR(-ERANGE);
		}
	}
	if (a[FLOWBR_A_PORT_VLAN_MODE])
		mode = nla_get_u8(a[FLOWBR_A_PORT_VLAN_MODE]);
	else if (cur && (cur->mode == FLOWBR_VLAN_NATIVE_TAGGED ||
			 cur->mode == FLOWBR_VLAN_NATIVE_UNTAGGED))
		mode = cur->mode;
	else
		mode = tag ? FLOWBR_VLAN_ACCESS : FLOWBR_VLAN_TRUNK;

	cfg = flowbr_vlan_cfg_new(mode, tag, cur ? cur->trunks : NULL, all,
				  GFP_KERNEL);
	if (!cfg)
		return ERR_PTR(-ENOMEM);

	if (a[FLOWBR_A_PORT_TRUNKS]) {
		flowbr_trunks_from_bytes(nla_data(a[FLOWBR_A_PORT_TRUNKS]),
					 cfg->trunks);
		if (test_bit(0, cfg->trunks) ||
		    test_bit(VLAN_N_VID - 1, cfg->trunks)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    a[FLOWBR_A_PORT_TRUNKS],
					    "Trunks must be VIDs 1-4094 (0 is the untagged domain, 4095 reserved)");
			kfree(cfg);
			return ERR_PTR(-ERANGE);
		}
		cfg->all = bitmap_empty(cfg->trunks, VLAN_N_VID);
	}
	if (cfg->mode == FLOWBR_VLAN_ACCESS && !a[FLOWBR_A_PORT_TRUNKS] &&
	    !a[FLOWBR_A_PORT_VLAN_MODE] && cur) {
		/* Becoming access implicitly (a tag was set): drop trunks. */
		cfg->all = true;
		bitmap_zero(cfg->trunks, VLAN_N_VID);
	}
	if ((cfg->mode == FLOWBR_VLAN_NATIVE_TAGGED ||
	     cfg->mode == FLOWBR_VLAN_NATIVE_UNTAGGED) &&
	    !cfg->all && cfg->tag)
		set_bit(cfg->tag, cfg->trunks);

	err = flowbr_vlan_cfg_check(cfg, info->extack);
	if (err) {
		kfree(cfg);
		return ERR_PTR(err);
	}
	return cfg;
}

int flowbr_cmd_port_new(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	struct nlattr **a = info->attrs;
	struct flowbr_vlan_cfg *cfg;
	struct flowbr_port *port, *other;
	struct net_device *dev;
	u32 port_no = U32_MAX;
	u8 type = FLOWBR_PORT_NETDEV;

	if (!a[FLOWBR_A_PORT_NAME] &&
	    !(a[FLOWBR_A_PORT_IFINDEX] && !a[FLOWBR_A_PORT_TYPE])) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Missing port name (FLOWBR_A_PORT_NAME)");
		return -EINVAL;
	}
	if (a[FLOWBR_A_PORT_TYPE])
		type = nla_get_u8(a[FLOWBR_A_PORT_TYPE]);
	if (a[FLOWBR_A_PORT_NO]) {
		port_no = nla_get_u32(a[FLOWBR_A_PORT_NO]);
		if (port_no == FLOWBR_PORT_LOCAL) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[FLOWBR_A_PORT_NO],
					    "Port number 0 is the bridge's local port");
			return -EINVAL;
		}
		if (rtnl_dereference(br->ports[port_no])) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[FLOWBR_A_PORT_NO],
					    "Port number already in use on this bridge");
			return -EEXIST;
		}
	}

	cfg = flowbr_port_vlan_parse(info, NULL);
	if (IS_ERR(cfg))
		return PTR_ERR(cfg);

	if (type == FLOWBR_PORT_INTERNAL) {
		port = flowbr_internal_create(br, nla_data(a[FLOWBR_A_PORT_NAME]),
					      port_no, cfg, info->extack);
	} else {
		if (a[FLOWBR_A_PORT_NAME])
			dev = __dev_get_by_name(br->net,
						nla_data(a[FLOWBR_A_PORT_NAME]));
		else
			dev = __dev_get_by_index(br->net,
						 nla_get_u32(a[FLOWBR_A_PORT_IFINDEX]));
		other = dev ? flowbr_port_from_dev(dev) : NULL;
		if (!dev) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "No such network device in this namespace: create it first, or add type=internal");
			port = ERR_PTR(-ENODEV);
		} else if (other && other->br == br) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "Device is already a port of this bridge");
			port = ERR_PTR(-EEXIST);
		} else if (other) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "Device is already a port of another flowbr bridge");
			port = ERR_PTR(-EBUSY);
		} else {
			port = flowbr_port_add_netdev(br, dev, port_no, cfg,
						      info->extack);
		}
	}
	if (IS_ERR(port)) {
		kfree(cfg);
		return PTR_ERR(port);
	}
	flowbr_port_notify(port, FLOWBR_CMD_PORT_NEW);
	return 0;
}

int flowbr_cmd_port_del(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_port *port = info->user_ptr[1];

	if (port->port_no == FLOWBR_PORT_LOCAL) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "The local port cannot be removed: delete the bridge instead");
		return -EINVAL;
	}
	flowbr_port_notify(port, FLOWBR_CMD_PORT_DEL);
	flowbr_port_del(port, NULL);
	return 0;
}

int flowbr_cmd_port_get(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_port *port = info->user_ptr[1];
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = flowbr_port_fill(msg, port, info->snd_portid, info->snd_seq, 0,
			       FLOWBR_CMD_PORT_GET);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* A dump restricted to one bridge fails if that bridge does not exist. */
int flowbr_cmd_port_dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *gi = genl_dumpit_info(cb);
	struct nlattr *name_attr = gi->attrs[FLOWBR_A_BR_NAME];
	bool found;

	if (!name_attr)
		return 0;
	rcu_read_lock();
	found = flowbr_bridge_find(sock_net(cb->skb->sk), nla_data(name_attr),
				   0);
	rcu_read_unlock();
	if (!found) {
		NL_SET_ERR_MSG_ATTR(cb->extack, name_attr,
				    "No such bridge in this network namespace");
		return -ENODEV;
	}
	return 0;
}

/* cb->args[0]: bridges done, cb->args[1]: ports done in the current one. */
int flowbr_cmd_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *gi = genl_dumpit_info(cb);
	struct flowbr_net *fn = flowbr_pernet(sock_net(skb->sk));
	struct nlattr *name_attr = gi->attrs[FLOWBR_A_BR_NAME];
	struct flowbr_bridge *br;
	struct flowbr_port *port;
	long b = 0, p;
	int err = 0;

	rtnl_lock();
	list_for_each_entry(br, &fn->bridges, node) {
		if (name_attr && strcmp(flowbr_br_name(br), nla_data(name_attr)))
			continue;
		if (b++ < cb->args[0])
			continue;
		p = 0;
		list_for_each_entry(port, &br->port_list, node) {
			if (p++ < cb->args[1])
				continue;
			err = flowbr_port_fill(skb, port,
					       NETLINK_CB(cb->skb).portid,
					       cb->nlh->nlmsg_seq, NLM_F_MULTI,
					       FLOWBR_CMD_PORT_GET);
			if (err)
				goto out;
			cb->args[1] = p;
		}
		cb->args[0] = b;
		cb->args[1] = 0;
	}
out:
	rtnl_unlock();
	if (err && !skb->len)
		return err;
	return skb->len;
}

int flowbr_cmd_port_set(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_port *port = info->user_ptr[1];
	struct nlattr **a = info->attrs;
	struct flowbr_vlan_cfg *cfg;

	if (!a[FLOWBR_A_PORT_TAG] && !a[FLOWBR_A_PORT_TRUNKS] &&
	    !a[FLOWBR_A_PORT_VLAN_MODE]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Nothing to change: give a tag, trunks or a VLAN mode");
		return -EINVAL;
	}
	cfg = flowbr_port_vlan_parse(info, rtnl_dereference(port->vlan));
	if (IS_ERR(cfg))
		return PTR_ERR(cfg);
	if (flowbr_vlan_cfg_equal(cfg, rtnl_dereference(port->vlan))) {
		kfree(cfg);
		return 0;
	}
	flowbr_port_set_vlan(port, cfg);
	flowbr_port_notify(port, FLOWBR_CMD_PORT_SET);
	return 0;
}
