// SPDX-License-Identifier: GPL-2.0
/*
 * Bridges: creation (with the local port), lookup and teardown.
 */
#include "flowbr.h"

struct flowbr_bridge *flowbr_bridge_find(struct net *net, const char *name,
					 u32 ifindex)
{
	struct flowbr_net *fn = flowbr_pernet(net);
	struct flowbr_bridge *br;

	list_for_each_entry_rcu(br, &fn->bridges, node,
				lockdep_rtnl_is_held()) {
		if (name && strcmp(flowbr_br_name(br), name))
			continue;
		if (ifindex && br->ifindex != ifindex)
			continue;
		return br;
	}
	return NULL;
}

static void flowbr_bridge_free(struct flowbr_bridge *br)
{
	flowbr_upcall_free(br);
	free_percpu(br->stats);
	kvfree(br);
}

struct flowbr_bridge *flowbr_bridge_create(struct net *net, const char *name,
					   struct netlink_ext_ack *extack)
{
	struct flowbr_vlan_cfg *vlan;
	struct flowbr_bridge *br;
	struct flowbr_port *local;
	int err;

	ASSERT_RTNL();
	br = kvzalloc(sizeof(*br), GFP_KERNEL);
	if (!br)
		return ERR_PTR(-ENOMEM);
	refcount_set(&br->ref, 1);
	br->net = net;
	INIT_LIST_HEAD(&br->port_list);
	spin_lock_init(&br->handlers_lock);
	br->flow_limit = FLOWBR_DEFAULT_FLOW_LIMIT;
	br->miss_policy = FLOWBR_MISS_FLOOD;
	br->upcall_queue = FLOWBR_DEFAULT_UPCALL_QUEUE;
	br->upcall_rate = FLOWBR_DEFAULT_UPCALL_RATE;

	br->stats = netdev_alloc_pcpu_stats(struct flowbr_pcpu_br_stats);
	if (!br->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	err = flowbr_upcall_init(br);
	if (err)
		goto err_free;
	err = flowbr_flows_init(br);
	if (err)
		goto err_free;

	vlan = flowbr_vlan_cfg_new(FLOWBR_VLAN_TRUNK, 0, NULL, true,
				   GFP_KERNEL);
	if (!vlan) {
		err = -ENOMEM;
		goto err_flows;
	}
	local = flowbr_internal_create(br, name, FLOWBR_PORT_LOCAL, vlan,
				       extack);
	if (IS_ERR(local)) {
		kfree(vlan);
		err = PTR_ERR(local);
		goto err_flows;
	}
	br->local = local;
	strscpy(br->name, local->dev->name, sizeof(br->name));
	br->ifindex = local->dev->ifindex;
	err = flowbr_port_link(br, local, FLOWBR_PORT_LOCAL, extack);
	if (WARN_ON(err))
		goto err_local;

	list_add_tail_rcu(&br->node, &flowbr_pernet(net)->bridges);
	return br;

err_local:
	flowbr_internal_detach(local->dev);
	unregister_netdevice(local->dev);
	flowbr_port_free_rcu(local);
err_flows:
	flowbr_flows_destroy(br);
err_free:
	flowbr_bridge_free(br);
	return ERR_PTR(err);
}

void flowbr_bridge_put(struct flowbr_bridge *br)
{
	if (!refcount_dec_and_test(&br->ref))
		return;
	/* Every reader left during flowbr_bridge_destroy()'s grace period. */
	flowbr_flows_destroy(br);
	flowbr_bridge_free(br);
}

/*
 * Remove every port and unlink the bridge. Internal netdevs are queued on
 * @unreg_list, which the caller must unregister_netdevice_many(); the
 * bridge's memory goes with its last reference.
 */
void flowbr_bridge_destroy(struct flowbr_bridge *br,
			   struct list_head *unreg_list)
{
	struct flowbr_port *port, *tmp;

	ASSERT_RTNL();
	br->dead = true;
	list_del_rcu(&br->node);
	flowbr_handlers_set(br, NULL, 0);

	/* Ports first, the local port last: the others link to its netdev. */
	list_for_each_entry_safe(port, tmp, &br->port_list, node)
		if (port != br->local)
			flowbr_port_del(port, unreg_list);
	flowbr_port_del(br->local, unreg_list);

	/* No packet path can reach the bridge any more after this. */
	synchronize_net();
	flowbr_upcall_stop(br);
	flowbr_flow_flush(br, NULL);
	flowbr_bridge_put(br);
}
