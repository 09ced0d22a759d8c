// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: common life cycle, "netdev" ports (an existing Ethernet device
 * attached with an rx_handler, flowbr_handle_frame() in datapath.c) and
 * the netdev notifier that removes a port whose device goes away.
 */
#include "flowbr.h"

struct flowbr_port *flowbr_port_alloc(struct flowbr_bridge *br, u8 type,
				      struct flowbr_vlan_cfg *vlan)
{
	struct flowbr_port *port;
	int cpu;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return NULL;
	port->stats = netdev_alloc_pcpu_stats(struct flowbr_pcpu_port_stats);
	port->rl = alloc_percpu(struct flowbr_ratelimit);
	if (!port->stats || !port->rl) {
		free_percpu(port->stats);
		free_percpu(port->rl);
		kfree(port);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		per_cpu_ptr(port->rl, cpu)->stamp = jiffies;
	port->br = br;
	port->type = type;
	RCU_INIT_POINTER(port->vlan, vlan);
	INIT_LIST_HEAD(&port->node);
	return port;
}

static void flowbr_port_free(struct rcu_head *head)
{
	struct flowbr_port *port = container_of(head, struct flowbr_port, rcu);

	kfree(rcu_dereference_raw(port->vlan));
	free_percpu(port->stats);
	free_percpu(port->rl);
	kfree(port);
}

void flowbr_port_free_rcu(struct flowbr_port *port)
{
	call_rcu(&port->rcu, flowbr_port_free);
}

static bool flowbr_port_no_recent(const struct flowbr_bridge *br, u32 no)
{
	unsigned int i;

	for (i = 0; i < FLOWBR_RECENT_PORTS; i++)
		if (br->recent[i].freed && br->recent[i].port_no == no &&
		    time_before(jiffies, br->recent[i].freed +
					 FLOWBR_PORT_REUSE_DELAY))
			return true;
	return false;
}

/*
 * The lowest free port number, skipping those freed lately unless there is
 * no other; 0 if the bridge is full.
 */
static u32 flowbr_port_no_alloc(struct flowbr_bridge *br)
{
	u32 no, first = 0;

	for (no = 1; no < FLOWBR_MAX_PORTS; no++) {
		if (rtnl_dereference(br->ports[no]))
			continue;
		if (!flowbr_port_no_recent(br, no))
			return no;
		if (!first)
			first = no;
	}
	return first;
}

/*
 * Give @port a number: @port_no, or with U32_MAX the lowest free one that
 * was not freed in the last FLOWBR_PORT_REUSE_DELAY.
 */
int flowbr_port_link(struct flowbr_bridge *br, struct flowbr_port *port,
		     u32 port_no, struct netlink_ext_ack *extack)
{
	ASSERT_RTNL();
	if (port_no == U32_MAX) {
		port_no = flowbr_port_no_alloc(br);
		if (!port_no) {
			NL_SET_ERR_MSG_MOD(extack,
					   "Bridge has no free port number (4096 ports)");
			return -ENOSPC;
		}
	} else if (port_no >= FLOWBR_MAX_PORTS) {
		NL_SET_ERR_MSG_MOD(extack, "Port number out of range (0-4095)");
		return -ERANGE;
	} else if (rtnl_dereference(br->ports[port_no])) {
		NL_SET_ERR_MSG_MOD(extack, "Port number already in use");
		return -EEXIST;
	}
	port->port_no = port_no;
	list_add_tail_rcu(&port->node, &br->port_list);
	rcu_assign_pointer(br->ports[port_no], port);
	br->n_ports++;
	return 0;
}

static void flowbr_port_unlink(struct flowbr_port *port)
{
	struct flowbr_bridge *br = port->br;

	list_del_rcu(&port->node);
	RCU_INIT_POINTER(br->ports[port->port_no], NULL);
	br->n_ports--;
	if (port->port_no) {
		br->recent[br->recent_next].port_no = port->port_no;
		br->recent[br->recent_next].freed = jiffies ?: 1;
		br->recent_next = (br->recent_next + 1) % FLOWBR_RECENT_PORTS;
	}
}

struct flowbr_port *flowbr_port_from_dev(const struct net_device *dev)
{
	if (rcu_access_pointer(dev->rx_handler) == flowbr_handle_frame)
		return rcu_dereference_rtnl(dev->rx_handler_data);
	if (flowbr_is_internal_dev(dev))
		return flowbr_internal_port(dev);
	return NULL;
}

struct flowbr_port *flowbr_port_add_netdev(struct flowbr_bridge *br,
					   struct net_device *dev, u32 port_no,
					   struct flowbr_vlan_cfg *vlan,
					   struct netlink_ext_ack *extack)
{
	struct flowbr_port *port;
	int err;

	ASSERT_RTNL();
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_MOD(extack, "A loopback device cannot be a port");
		return ERR_PTR(-EINVAL);
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Only Ethernet devices can be ports");
		return ERR_PTR(-EINVAL);
	}
	if (flowbr_is_internal_dev(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Device is an internal port of a flowbr bridge");
		return ERR_PTR(-EBUSY);
	}
	if (netdev_master_upper_dev_get(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Device is already enslaved (bridge, bond or another flowbr bridge): release it first");
		return ERR_PTR(-EBUSY);
	}
	if (netdev_is_rx_handler_busy(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Device is already used by another rx handler (macvlan, ipvlan, bridge...)");
		return ERR_PTR(-EBUSY);
	}

	port = flowbr_port_alloc(br, FLOWBR_PORT_NETDEV, vlan);
	if (!port)
		return ERR_PTR(-ENOMEM);
	port->dev = dev;
	netdev_hold(dev, &port->dev_tracker, GFP_KERNEL);

	err = netdev_rx_handler_register(dev, flowbr_handle_frame, port);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Cannot register the rx handler");
		goto err_put;
	}
	err = netdev_master_upper_dev_link(dev, br->local->dev, NULL, NULL,
					   extack);
	if (err)
		goto err_unreg;
	err = dev_set_promiscuity(dev, 1);
	if (err)
		goto err_unlink;
	err = flowbr_port_link(br, port, port_no, extack);
	if (err)
		goto err_promisc;
	return port;

err_promisc:
	dev_set_promiscuity(dev, -1);
err_unlink:
	netdev_upper_dev_unlink(dev, br->local->dev);
err_unreg:
	netdev_rx_handler_unregister(dev);
err_put:
	netdev_put(dev, &port->dev_tracker);
	RCU_INIT_POINTER(port->vlan, NULL);	/* owned by the caller */
	flowbr_port_free_rcu(port);
	return ERR_PTR(err);
}

/*
 * Remove a port: no new packet can reach it once this returns; its memory
 * goes after a grace period. Internal netdevs are queued on @unreg_list
 * for the caller's unregister_netdevice_many() (or unregistered here if
 * @unreg_list is NULL).
 */
void flowbr_port_del(struct flowbr_port *port, struct list_head *unreg_list)
{
	struct flowbr_bridge *br = port->br;
	struct net_device *dev = port->dev;
	struct flowbr_flush_filter f = {
		.by_port = true,
		.port_no = port->port_no,
	};
	unsigned int n;

	ASSERT_RTNL();
	flowbr_port_unlink(port);

	if (port->type == FLOWBR_PORT_NETDEV) {
		dev_set_promiscuity(dev, -1);
		netdev_upper_dev_unlink(dev, br->local->dev);
		netdev_rx_handler_unregister(dev);
		netdev_put(dev, &port->dev_tracker);
	} else {
		flowbr_internal_detach(dev);
		if (unreg_list)
			unregister_netdevice_queue(dev, unreg_list);
		else
			unregister_netdevice(dev);
	}

	/* Flows that use the port go with it (its number may be reused). */
	if (!br->dead) {
		n = flowbr_flow_flush(br, &f);
		flowbr_flush_notify(br, &f, n);
		flowbr_flow_port_gone(br, port->port_no);
	}
	flowbr_port_free_rcu(port);
}

struct flowbr_port *flowbr_port_find(struct flowbr_bridge *br,
				     const char *name, u32 port_no, bool by_no)
{
	struct flowbr_port *port;

	if (by_no)
		return port_no < FLOWBR_MAX_PORTS ?
		       rtnl_dereference(br->ports[port_no]) : NULL;
	list_for_each_entry(port, &br->port_list, node)
		if (!strcmp(port->dev->name, name))
			return port;
	return NULL;
}

/* New VLAN settings; the flows that use the port are flushed. */
void flowbr_port_set_vlan(struct flowbr_port *port,
			  struct flowbr_vlan_cfg *cfg)
{
	struct flowbr_vlan_cfg *old;
	struct flowbr_flush_filter f = {
		.by_port = true,
		.port_no = port->port_no,
	};
	unsigned int n;

	old = rcu_replace_pointer(port->vlan, cfg, lockdep_rtnl_is_held());
	kfree_rcu(old, rcu);
	n = flowbr_flow_flush(port->br, &f);
	flowbr_flush_notify(port->br, &f, n);
}

static int flowbr_netdev_event(struct notifier_block *nb,
			       unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct flowbr_port *port;

	port = flowbr_port_from_dev(dev);
	if (!port)
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_UNREGISTER:
		/* Internal ports are only unregistered by flowbr itself. */
		if (port->type == FLOWBR_PORT_NETDEV) {
			flowbr_port_notify(port, FLOWBR_CMD_PORT_DEL);
			flowbr_port_del(port, NULL);
		}
		break;
	case NETDEV_CHANGENAME:
		if (port == port->br->local)
			strscpy(port->br->name, dev->name,
				sizeof(port->br->name));
		flowbr_port_notify(port, FLOWBR_CMD_PORT_SET);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block flowbr_netdev_notifier = {
	.notifier_call = flowbr_netdev_event,
};

int flowbr_notifier_register(void)
{
	return register_netdevice_notifier(&flowbr_netdev_notifier);
}

void flowbr_notifier_unregister(void)
{
	unregister_netdevice_notifier(&flowbr_netdev_notifier);
}
