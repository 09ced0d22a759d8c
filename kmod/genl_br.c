// SPDX-License-Identifier: GPL-2.0
/*
 * Bridge commands: BR_NEW, BR_DEL, BR_GET (and dump), BR_SET.
 */
#include "flowbr.h"

static int flowbr_br_put_stats(struct sk_buff *skb, struct flowbr_bridge *br)
{
	struct flowbr_pcpu_br_stats sum = {};
	struct nlattr *nest;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct flowbr_pcpu_br_stats *s = per_cpu_ptr(br->stats, cpu);
		struct flowbr_pcpu_br_stats v;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v.hit = s->hit;
			v.missed = s->missed;
			v.upcalls = s->upcalls;
			v.lost = s->lost;
			v.fallback = s->fallback;
			v.dedup = s->dedup;
			v.executed = s->executed;
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum.hit += v.hit;
		sum.missed += v.missed;
		sum.upcalls += v.upcalls;
		sum.lost += v.lost;
		sum.fallback += v.fallback;
		sum.dedup += v.dedup;
		sum.executed += v.executed;
	}

	nest = nla_nest_start(skb, FLOWBR_A_BR_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, FLOWBR_BR_STATS_HIT, sum.hit,
			      FLOWBR_BR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_BR_STATS_MISSED, sum.missed,
			      FLOWBR_BR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_BR_STATS_UPCALLS, sum.upcalls,
			      FLOWBR_BR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_BR_STATS_LOST, sum.lost,
			      FLOWBR_BR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_BR_STATS_FALLBACK, sum.fallback,
			      FLOWBR_BR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_BR_STATS_DEDUP, sum.dedup,
			      FLOWBR_BR_STATS_PAD) ||
	    nla_put_u64_64bit(skb, FLOWBR_BR_STATS_EXECUTED, sum.executed,
			      FLOWBR_BR_STATS_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Payload size of a bridge message at its largest: with FLOWBR_MAX_HANDLERS
 * upcall pids it does not fit in NLMSG_DEFAULT_SIZE.
 */
static size_t flowbr_br_msg_size(void)
{
	return nla_total_size(IFNAMSIZ) +			/* BR_NAME */
	       6 * nla_total_size(sizeof(u32)) +	/* IFINDEX ... FLOW_EXTERNAL */
	       nla_total_size(sizeof(u8)) +		/* MISS_POLICY */
	       nla_total_size(0) +			/* BR_STATS */
	       FLOWBR_BR_STATS_MAX * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(FLOWBR_MAX_HANDLERS * sizeof(u32));
}

int flowbr_br_fill(struct sk_buff *skb, struct flowbr_bridge *br, u32 portid,
		   u32 seq, int flags, u8 cmd)
{
	struct flowbr_handlers *h;
	void *hdr;
	int err;

	hdr = flowbr_genl_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, FLOWBR_A_BR_NAME, flowbr_br_name(br)) ||
	    nla_put_u32(skb, FLOWBR_A_BR_IFINDEX, br->ifindex))
		goto cancel;
	if (cmd != FLOWBR_CMD_BR_DEL) {
		if (nla_put_u32(skb, FLOWBR_A_BR_FLOW_LIMIT, br->flow_limit) ||
		    nla_put_u8(skb, FLOWBR_A_BR_MISS_POLICY, br->miss_policy) ||
		    nla_put_u32(skb, FLOWBR_A_BR_UPCALL_QUEUE,
				br->upcall_queue) ||
		    nla_put_u32(skb, FLOWBR_A_BR_UPCALL_RATE,
				br->upcall_rate) ||
		    nla_put_u32(skb, FLOWBR_A_BR_FLOW_COUNT,
				atomic_read(&br->flow_count)) ||
		    nla_put_u32(skb, FLOWBR_A_BR_FLOW_EXTERNAL,
				atomic_read(&br->flow_external)) ||
		    flowbr_br_put_stats(skb, br))
			goto cancel;
		rcu_read_lock();
		h = rcu_dereference(br->handlers);
		err = h ? nla_put(skb, FLOWBR_A_BR_UPCALL_PIDS,
				  h->n * sizeof(u32), h->pids) : 0;
		rcu_read_unlock();
		if (err)
			goto cancel;
	}
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

void flowbr_br_notify(struct flowbr_bridge *br, u8 cmd)
{
	struct sk_buff *msg = genlmsg_new(flowbr_br_msg_size(), GFP_KERNEL);

	if (!msg)
		return;
	if (flowbr_br_fill(msg, br, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	flowbr_notify(br->net, msg);
}

/* Apply the optional settings of BR_NEW / BR_SET. */
static int flowbr_br_apply(struct flowbr_bridge *br, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct nlattr *pids = a[FLOWBR_A_BR_UPCALL_PIDS];
	int err;

	if (pids && nla_len(pids) % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(info->extack, pids,
				    "Upcall pids must be an array of u32");
		return -EINVAL;
	}
	if (a[FLOWBR_A_BR_FLOW_LIMIT] &&
	    nla_get_u32(a[FLOWBR_A_BR_FLOW_LIMIT]) <
	    atomic_read(&br->flow_count)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[FLOWBR_A_BR_FLOW_LIMIT],
				    "Flow limit below the number of installed flows: flush flows first");
		return -EINVAL;
	}
	/* Validated above: only the allocation below can fail. */
	if (pids) {
		err = flowbr_handlers_set(br, nla_data(pids),
					  nla_len(pids) / sizeof(u32));
		if (err)
			return err;
	}
	if (a[FLOWBR_A_BR_FLOW_LIMIT])
		WRITE_ONCE(br->flow_limit,
			   nla_get_u32(a[FLOWBR_A_BR_FLOW_LIMIT]));
	if (a[FLOWBR_A_BR_MISS_POLICY])
		WRITE_ONCE(br->miss_policy,
			   nla_get_u8(a[FLOWBR_A_BR_MISS_POLICY]));
	if (a[FLOWBR_A_BR_UPCALL_QUEUE])
		WRITE_ONCE(br->upcall_queue,
			   nla_get_u32(a[FLOWBR_A_BR_UPCALL_QUEUE]));
	if (a[FLOWBR_A_BR_UPCALL_RATE])
		WRITE_ONCE(br->upcall_rate,
			   nla_get_u32(a[FLOWBR_A_BR_UPCALL_RATE]));
	return 0;
}

int flowbr_cmd_br_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct flowbr_bridge *br;
	LIST_HEAD(unreg);
	const char *name;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, FLOWBR_A_BR_NAME)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "Missing bridge name (FLOWBR_A_BR_NAME)");
		return -EINVAL;
	}
	name = nla_data(info->attrs[FLOWBR_A_BR_NAME]);
	if (flowbr_bridge_find(net, name, 0)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[FLOWBR_A_BR_NAME],
				    "A flowbr bridge with this name exists");
		return -EEXIST;
	}
	br = flowbr_bridge_create(net, name, info->extack);
	if (IS_ERR(br))
		return PTR_ERR(br);
	err = flowbr_br_apply(br, info);
	if (err) {
		flowbr_bridge_destroy(br, &unreg);
		unregister_netdevice_many(&unreg);
		return err;
	}
	flowbr_br_notify(br, FLOWBR_CMD_BR_NEW);
	return 0;
}

int flowbr_cmd_br_del(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	LIST_HEAD(unreg);

	flowbr_br_notify(br, FLOWBR_CMD_BR_DEL);
	flowbr_bridge_destroy(br, &unreg);
	unregister_netdevice_many(&unreg);
	return 0;
}

int flowbr_cmd_br_get(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(flowbr_br_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = flowbr_br_fill(msg, br, info->snd_portid, info->snd_seq, 0,
			     FLOWBR_CMD_BR_GET);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Every dump skb must hold the largest bridge message. */
int flowbr_cmd_br_dump_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = genlmsg_total_size(flowbr_br_msg_size());
	return 0;
}

int flowbr_cmd_br_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct flowbr_net *fn = flowbr_pernet(sock_net(skb->sk));
	struct flowbr_bridge *br;
	long skip = cb->args[0], i = 0;
	int err = 0;

	rtnl_lock();
	list_for_each_entry(br, &fn->bridges, node) {
		if (i++ < skip)
			continue;
		err = flowbr_br_fill(skb, br, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI,
				     FLOWBR_CMD_BR_GET);
		if (err) {
			i--;
			break;
		}
	}
	rtnl_unlock();
	cb->args[0] = i;
	/* Not even one bridge fitted: fail rather than end the dump early. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

int flowbr_cmd_br_set(struct sk_buff *skb, struct genl_info *info)
{
	struct flowbr_bridge *br = info->user_ptr[0];
	int err;

	err = flowbr_br_apply(br, info);
	if (err)
		return err;
	flowbr_br_notify(br, FLOWBR_CMD_BR_SET);
	return 0;
}
