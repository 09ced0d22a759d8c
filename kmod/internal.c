// SPDX-License-Identifier: GPL-2.0
/*
 * Internal ports: netdevs created by flowbr (the bridge's local port, and
 * ports like vnet100 that carry the host's own addresses). What the host
 * transmits on one enters the bridge on that port; what the bridge outputs
 * to one is received by the host stack.
 */
#include <linux/ethtool.h>

#include "flowbr.h"

struct flowbr_internal {
	struct flowbr_port __rcu *port;
};

static netdev_tx_t flowbr_internal_xmit(struct sk_buff *skb,
					struct net_device *dev)
{
	struct flowbr_internal *priv = netdev_priv(dev);
	struct flowbr_port *port;
	unsigned int len = skb->len;

	/* ndo_start_xmit runs under rcu_read_lock_bh(). */
	port = rcu_dereference_bh(priv->port);
	if (unlikely(!port)) {
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	skb_reset_mac_header(skb);
	dev_sw_netstats_tx_add(dev, 1, len);
	rcu_read_lock();
	flowbr_dp_receive(port, skb);
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

/* The bridge outputs @skb (data at its Ethernet header) to the host. */
void flowbr_internal_receive(struct flowbr_port *port, struct sk_buff *skb)
{
	struct net_device *dev = port->dev;

	skb->pkt_type = PACKET_HOST;
	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	dev_sw_netstats_rx_add(dev, skb->len);
	netif_rx(skb);
}

static int flowbr_internal_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void flowbr_internal_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static int flowbr_internal_open(struct net_device *dev)
{
	netif_carrier_on(dev);
	return 0;
}

static const struct net_device_ops flowbr_internal_ops = {
	.ndo_init		= flowbr_internal_init,
	.ndo_uninit		= flowbr_internal_uninit,
	.ndo_open		= flowbr_internal_open,
	.ndo_start_xmit		= flowbr_internal_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void flowbr_internal_drvinfo(struct net_device *dev,
				    struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "flowbr", sizeof(info->driver));
	strscpy(info->version, FLOWBR_VERSION, sizeof(info->version));
}

static const struct ethtool_ops flowbr_internal_ethtool_ops = {
	.get_drvinfo	= flowbr_internal_drvinfo,
	.get_link	= ethtool_op_get_link,
};

static void flowbr_internal_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &flowbr_internal_ops;
	dev->ethtool_ops = &flowbr_internal_ethtool_ops;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	dev->needs_free_netdev = true;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;

	dev->features = NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA |
			NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE;
	dev->vlan_features = dev->features;
	dev->hw_enc_features = dev->features;
	dev->hw_features = dev->features;
	dev->features |= NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX;
	flowbr_compat_set_lltx_netns_local(dev);
	eth_hw_addr_random(dev);
}

bool flowbr_is_internal_dev(const struct net_device *dev)
{
	return dev->netdev_ops == &flowbr_internal_ops;
}

struct flowbr_port *flowbr_internal_port(const struct net_device *dev)
{
	struct flowbr_internal *priv = netdev_priv(dev);

	return rcu_dereference_rtnl(priv->port);
}

/* Stop feeding the bridge; the caller unregisters the netdev. */
void flowbr_internal_detach(struct net_device *dev)
{
	struct flowbr_internal *priv = netdev_priv(dev);

	RCU_INIT_POINTER(priv->port, NULL);
}

/*
 * Create an internal port. For a bridge's local port (@br->local is NULL
 * then) the port is not linked: the bridge does it.
 */
struct flowbr_port *flowbr_internal_create(struct flowbr_bridge *br,
					   const char *name, u32 port_no,
					   struct flowbr_vlan_cfg *vlan,
					   struct netlink_ext_ack *extack)
{
	struct flowbr_internal *priv;
	struct flowbr_port *port;
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	if (!dev_valid_name(name)) {
		NL_SET_ERR_MSG_MOD(extack, "Invalid interface name");
		return ERR_PTR(-EINVAL);
	}
	/*
	 * register_netdevice() would expand a "%d" template: the port (or
	 * bridge) would get another name than the one asked for, and each
	 * request a new one.
	 */
	if (strchr(name, '%')) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Invalid interface name: '%' is not allowed (no name templates)");
		return ERR_PTR(-EINVAL);
	}
	if (__dev_get_by_name(br->net, name)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "A network device with this name exists: pick another name, or add it as a netdev port (without type=internal)");
		return ERR_PTR(-EEXIST);
	}

	port = flowbr_port_alloc(br, FLOWBR_PORT_INTERNAL, vlan);
	if (!port)
		return ERR_PTR(-ENOMEM);

	dev = alloc_netdev(sizeof(*priv), name, NET_NAME_USER,
			   flowbr_internal_setup);
	if (!dev) {
		err = -ENOMEM;
		goto err_port;
	}
	dev_net_set(dev, br->net);
	priv = netdev_priv(dev);
	port->dev = dev;

	err = register_netdevice(dev);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Cannot register the internal netdev");
		free_netdev(dev);
		goto err_port;
	}
	if (br->local) {
		err = flowbr_port_link(br, port, port_no, extack);
		if (err)
			goto err_unreg;
	}
	rcu_assign_pointer(priv->port, port);
	return port;

err_unreg:
	unregister_netdevice(dev);
err_port:
	RCU_INIT_POINTER(port->vlan, NULL);	/* owned by the caller */
	flowbr_port_free_rcu(port);
	return ERR_PTR(err);
}
