// SPDX-License-Identifier: GPL-2.0
/*
 * The flowbr generic netlink family: policies, the operations table, and
 * the pre_doit/post_doit lookups of the bridge and port a command names.
 */
#include "flowbr.h"

const struct nla_policy flowbr_key_policy[FLOWBR_KEY_MAX + 1] = {
	[FLOWBR_KEY_IN_PORT]	= NLA_POLICY_MAX(NLA_U32, FLOWBR_MAX_PORTS - 1),
	[FLOWBR_KEY_VLAN]	= NLA_POLICY_MAX(NLA_U16, FLOWBR_VID_MAX),
	[FLOWBR_KEY_ETH_SRC]	= NLA_POLICY_ETH_ADDR,
	[FLOWBR_KEY_ETH_DST]	= NLA_POLICY_ETH_ADDR,
};

const struct nla_policy flowbr_output_policy[FLOWBR_OUT_MAX + 1] = {
	[FLOWBR_OUT_PORT]	= NLA_POLICY_MAX(NLA_U32, FLOWBR_MAX_PORTS - 1),
	[FLOWBR_OUT_TAG_OP]	= NLA_POLICY_MAX(NLA_U8, FLOWBR_TAG_PUSH),
	[FLOWBR_OUT_VID]	= NLA_POLICY_RANGE(NLA_U16, 1, FLOWBR_VID_MAX),
};

static const struct nla_policy flowbr_action_policy[FLOWBR_ACT_MAX + 1] = {
	[FLOWBR_ACT_OUTPUT]	= NLA_POLICY_NESTED(flowbr_output_policy),
	[FLOWBR_ACT_FLOOD]	= NLA_POLICY_MAX(NLA_U16, FLOWBR_VID_MAX),
};

static struct netlink_range_validation flowbr_flow_limit_range = {
	.min = 1,
	.max = FLOWBR_MAX_FLOW_LIMIT,
};

static struct netlink_range_validation flowbr_upcall_queue_range = {
	.min = 1,
	.max = FLOWBR_MAX_UPCALL_QUEUE,
};

static struct netlink_range_validation flowbr_idle_min_range = {
	.min = 1,
	.max = FLOWBR_MAX_FLOW_IDLE_MIN,
};

static const struct nla_policy flowbr_policy[FLOWBR_A_MAX + 1] = {
	[FLOWBR_A_BR_NAME]	 = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[FLOWBR_A_BR_IFINDEX]	 = NLA_POLICY_MIN(NLA_U32, 1),
	[FLOWBR_A_BR_FLOW_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &flowbr_flow_limit_range),
	[FLOWBR_A_BR_MISS_POLICY] = NLA_POLICY_MAX(NLA_U8, FLOWBR_MISS_DROP),
	[FLOWBR_A_BR_UPCALL_QUEUE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &flowbr_upcall_queue_range),
	[FLOWBR_A_BR_UPCALL_RATE] = { .type = NLA_U32 },
	[FLOWBR_A_BR_UPCALL_PIDS] = { .type = NLA_BINARY,
				      .len = FLOWBR_MAX_HANDLERS * sizeof(u32) },
	[FLOWBR_A_PORT_NO]	 = NLA_POLICY_MAX(NLA_U32, FLOWBR_MAX_PORTS - 1),
	[FLOWBR_A_PORT_NAME]	 = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[FLOWBR_A_PORT_IFINDEX]	 = NLA_POLICY_MIN(NLA_U32, 1),
	[FLOWBR_A_PORT_TYPE]	 = NLA_POLICY_MAX(NLA_U8, FLOWBR_PORT_INTERNAL),
	[FLOWBR_A_PORT_VLAN_MODE] = NLA_POLICY_MAX(NLA_U8,
						   FLOWBR_VLAN_NATIVE_UNTAGGED),
	[FLOWBR_A_PORT_TAG]	 = { .type = NLA_U16 },
	[FLOWBR_A_PORT_TRUNKS]	 = NLA_POLICY_EXACT_LEN(FLOWBR_VLAN_BITMAP_LEN),
	[FLOWBR_A_KEY]		 = NLA_POLICY_NESTED(flowbr_key_policy),
	[FLOWBR_A_ACTIONS]	 = NLA_POLICY_NESTED(flowbr_action_policy),
	[FLOWBR_A_PACKET]	 = { .type = NLA_BINARY, .len = 65535 },
	[FLOWBR_A_VLAN]		 = NLA_POLICY_MAX(NLA_U16, FLOWBR_VID_MAX),
	[FLOWBR_A_MAC]		 = NLA_POLICY_ETH_ADDR,
	[FLOWBR_A_FLOW_IDLE_MIN] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &flowbr_idle_min_range),
	[FLOWBR_A_AGENT]	 = { .type = NLA_FLAG },
	[FLOWBR_A_MAC_SRC]	 = NLA_POLICY_ETH_ADDR,
	[FLOWBR_A_MAC_DST]	 = NLA_POLICY_ETH_ADDR,
};

void *flowbr_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		      u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &flowbr_genl_family, flags, cmd);
}

static int flowbr_cmd_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = flowbr_genl_put(msg, info->snd_portid, info->snd_seq, 0,
			      FLOWBR_CMD_GET_INFO);
	if (!hdr ||
	    nla_put_string(msg, FLOWBR_A_VERSION, FLOWBR_VERSION) ||
	    nla_put_u32(msg, FLOWBR_A_FEATURES, FLOWBR_F_UPCALL_BATCH |
			FLOWBR_F_MISS_FLOOD | FLOWBR_F_EVENTS |
			FLOWBR_F_DUMP_IDLE | FLOWBR_F_FLOW_EXTERNAL |
			FLOWBR_F_FLUSH_SRC_DST) ||
	    nla_put_u32(msg, FLOWBR_A_BR_FLOW_LIMIT, FLOWBR_MAX_FLOW_LIMIT) ||
	    nla_put_u32(msg, FLOWBR_A_BR_UPCALL_QUEUE,
			FLOWBR_MAX_UPCALL_QUEUE)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Resolve the bridge (and port) a command names, taking RTNL if asked. */
static int flowbr_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr **a = info->attrs;
	struct flowbr_bridge *br;
	struct flowbr_port *port;
	const char *name = NULL;
	u32 ifindex = 0;

	info->user_ptr[0] = NULL;
	info->user_ptr[1] = NULL;

	/*
	 * The core checks the header only from resv_start_op on, which lies
	 * past FLOW_NEW so that NLM_F_EXCL reaches it: check the rest here.
	 */
	if (info->genlhdr->reserved) {
		NL_SET_ERR_MSG_MOD(info->extack, "genlmsghdr.reserved must be 0");
		return -EINVAL;
	}
	if (info->nlhdr->nlmsg_flags & ~(NLM_F_REQUEST | NLM_F_ACK |
					 NLM_F_ECHO |
					 (ops->cmd == FLOWBR_CMD_FLOW_NEW ?
					  NLM_F_EXCL : 0))) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Unsupported nlmsg_flags for this command");
		return -EINVAL;
	}

	if (ops->internal_flags & FLOWBR_NEED_RTNL)
		rtnl_lock();
	if (!(ops->internal_flags & (FLOWBR_NEED_BR | FLOWBR_NEED_PORT)))
		return 0;

	if (a[FLOWBR_A_BR_NAME])
		name = nla_data(a[FLOWBR_A_BR_NAME]);
	if (a[FLOWBR_A_BR_IFINDEX])
		ifindex = nla_get_u32(a[FLOWBR_A_BR_IFINDEX]);
	if (!name && !ifindex) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Missing bridge: give FLOWBR_A_BR_NAME or FLOWBR_A_BR_IFINDEX");
		goto err;
	}
	rcu_read_lock();
	br = flowbr_bridge_find(net, name, ifindex);
	if (br)
		flowbr_bridge_hold(br);
	rcu_read_unlock();
	if (!br) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    a[FLOWBR_A_BR_NAME] ?: a[FLOWBR_A_BR_IFINDEX],
				    "No such bridge in this network namespace");
		if (ops->internal_flags & FLOWBR_NEED_RTNL)
			rtnl_unlock();
		return -ENODEV;
	}
	info->user_ptr[0] = br;

	if (!(ops->internal_flags & FLOWBR_NEED_PORT))
		return 0;
	if (!a[FLOWBR_A_PORT_NAME] && !a[FLOWBR_A_PORT_NO]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Missing port: give FLOWBR_A_PORT_NAME or FLOWBR_A_PORT_NO");
		goto err_put;
	}
	port = flowbr_port_find(br, a[FLOWBR_A_PORT_NAME] ?
				nla_data(a[FLOWBR_A_PORT_NAME]) : NULL,
				a[FLOWBR_A_PORT_NO] ?
				nla_get_u32(a[FLOWBR_A_PORT_NO]) : 0,
				!a[FLOWBR_A_PORT_NAME]);
	if (!port) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    a[FLOWBR_A_PORT_NAME] ?: a[FLOWBR_A_PORT_NO],
				    "No such port on this bridge");
		flowbr_bridge_put(br);
		if (ops->internal_flags & FLOWBR_NEED_RTNL)
			rtnl_unlock();
		return -ENOENT;
	}
	info->user_ptr[1] = port;
	return 0;

err_put:
	flowbr_bridge_put(br);
err:
	if (ops->internal_flags & FLOWBR_NEED_RTNL)
		rtnl_unlock();
	return -EINVAL;
}

static void flowbr_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	if (info->user_ptr[0])
		flowbr_bridge_put(info->user_ptr[0]);
	if (ops->internal_flags & FLOWBR_NEED_RTNL)
		rtnl_unlock();
}

static const struct genl_ops flowbr_genl_ops[] = {
	{
		.cmd = FLOWBR_CMD_GET_INFO,
		.doit = flowbr_cmd_get_info,
	},
	{
		.cmd = FLOWBR_CMD_BR_NEW,
		.doit = flowbr_cmd_br_new,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_RTNL,
	},
	{
		.cmd = FLOWBR_CMD_BR_DEL,
		.doit = flowbr_cmd_br_del,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_RTNL | FLOWBR_NEED_BR,
	},
	{
		.cmd = FLOWBR_CMD_BR_GET,
		.doit = flowbr_cmd_br_get,
		.start = flowbr_cmd_br_dump_start,
		.dumpit = flowbr_cmd_br_dump,
		.internal_flags = FLOWBR_NEED_RTNL | FLOWBR_NEED_BR,
	},
	{
		.cmd = FLOWBR_CMD_BR_SET,
		.doit = flowbr_cmd_br_set,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_RTNL | FLOWBR_NEED_BR,
	},
	{
		.cmd = FLOWBR_CMD_PORT_NEW,
		.doit = flowbr_cmd_port_new,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_RTNL | FLOWBR_NEED_BR,
	},
	{
		.cmd = FLOWBR_CMD_PORT_DEL,
		.doit = flowbr_cmd_port_del,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_RTNL | FLOWBR_NEED_PORT,
	},
	{
		.cmd = FLOWBR_CMD_PORT_GET,
		.doit = flowbr_cmd_port_get,
		.start = flowbr_cmd_port_dump_start,
		.dumpit = flowbr_cmd_port_dump,
		.internal_flags = FLOWBR_NEED_RTNL | FLOWBR_NEED_PORT,
	},
	{
		.cmd = FLOWBR_CMD_PORT_SET,
		.doit = flowbr_cmd_port_set,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_RTNL | FLOWBR_NEED_PORT,
	},
	{
		.cmd = FLOWBR_CMD_FLOW_NEW,
		.doit = flowbr_cmd_flow_new,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_BR,
	},
	{
		.cmd = FLOWBR_CMD_FLOW_DEL,
		.doit = flowbr_cmd_flow_del,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_BR,
	},
	{
		.cmd = FLOWBR_CMD_FLOW_GET,
		.doit = flowbr_cmd_flow_get,
		.start = flowbr_cmd_flow_dump_start,
		.dumpit = flowbr_cmd_flow_dump,
		.done = flowbr_cmd_flow_dump_done,
		.internal_flags = FLOWBR_NEED_BR,
	},
	{
		.cmd = FLOWBR_CMD_FLOW_FLUSH,
		.doit = flowbr_cmd_flow_flush,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_BR,
	},
	{
		.cmd = FLOWBR_CMD_PACKET_EXECUTE,
		.doit = flowbr_cmd_packet_execute,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = FLOWBR_NEED_BR,
	},
};

enum flowbr_mcgrp {
	FLOWBR_MCGRP_EVENTS_ID,
};

static const struct genl_multicast_group flowbr_mcgrps[] = {
	[FLOWBR_MCGRP_EVENTS_ID] = { .name = FLOWBR_MCGRP_EVENTS },
};

struct genl_family flowbr_genl_family __ro_after_init = {
	.name		= FLOWBR_GENL_NAME,
	.version	= FLOWBR_GENL_VERSION,
	.maxattr	= FLOWBR_A_MAX,
	.policy		= flowbr_policy,
	.netnsok	= true,
	/* FLOW_NEW takes NLM_F_EXCL; pre_doit checks the older commands. */
	.resv_start_op	= FLOWBR_CMD_FLOW_NEW + 1,
	.pre_doit	= flowbr_pre_doit,
	.post_doit	= flowbr_post_doit,
	.module		= THIS_MODULE,
	.ops		= flowbr_genl_ops,
	.n_ops		= ARRAY_SIZE(flowbr_genl_ops),
	.mcgrps		= flowbr_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(flowbr_mcgrps),
};

/* Multicast @msg to the events group of @net (consumes it). */
void flowbr_notify(struct net *net, struct sk_buff *msg)
{
	genlmsg_multicast_netns(&flowbr_genl_family, net, msg, 0,
				FLOWBR_MCGRP_EVENTS_ID, GFP_KERNEL);
}

int flowbr_genl_register(void)
{
	return genl_register_family(&flowbr_genl_family);
}

void flowbr_genl_unregister(void)
{
	genl_unregister_family(&flowbr_genl_family);
}
