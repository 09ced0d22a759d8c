// SPDX-License-Identifier: GPL-2.0
/*
 * The per-packet path: classify -> flow lookup -> actions, or a miss.
 *
 * Runs in softirq (rx_handler) or with BH disabled (internal port xmit,
 * upcall fallback, PACKET_EXECUTE), always under RCU. skb->data points at
 * the Ethernet header throughout. No allocation beyond skb clones when a
 * frame goes to more than one port.
 */
#include "flowbr.h"
#include "vlan.h"

void flowbr_port_count_drop(struct flowbr_port *port,
			    enum flowbr_drop_reason reason)
{
	struct flowbr_pcpu_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	s->drops[reason]++;
	u64_stats_update_end(&s->syncp);
}

static void flowbr_port_count_rx(struct flowbr_port *port, unsigned int len)
{
	struct flowbr_pcpu_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	s->rx_packets++;
	s->rx_bytes += len;
	u64_stats_update_end(&s->syncp);
}

static void flowbr_port_count_tx(struct flowbr_port *port, unsigned int len)
{
	struct flowbr_pcpu_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += len;
	u64_stats_update_end(&s->syncp);
}

static void flowbr_flow_hit(struct flowbr_flow *flow, unsigned int len)
{
	struct flowbr_pcpu_flow_stats *s = this_cpu_ptr(flow->stats);

	u64_stats_update_begin(&s->syncp);
	s->packets++;
	s->bytes += len;
	u64_stats_update_end(&s->syncp);
	/*
	 * Avoid dirtying the cache line again within a jiffy. Bit 0 is set so
	 * that 0 means "never hit on this CPU" (jiffies itself passes 0).
	 */
	if (READ_ONCE(s->used) != (jiffies | 1))
		WRITE_ONCE(s->used, jiffies | 1);
}

/* Would this frame fit the port's MTU (a tag in the payload is allowed)? */
static bool flowbr_fits_mtu(const struct net_device *dev,
			    const struct sk_buff *skb)
{
	unsigned int len = dev->mtu + dev->hard_header_len;

	if (eth_type_vlan(eth_hdr(skb)->h_proto))
		len += VLAN_HLEN;
	if (skb->len <= len)
		return true;
	if (skb_is_gso(skb))
		return skb_gso_validate_mac_len(skb, len);
	return false;
}

static __always_inline bool flowbr_port_up(const struct flowbr_port *port)
{
	const struct net_device *dev = port->dev;

	return (dev->flags & IFF_UP) && netif_carrier_ok(dev);
}

/*
 * Can @port transmit at all? Checked before an output gets its skb (or a
 * clone of it), so that a port that is down or without carrier (the
 * bridge's own local port, a VM that is shut off) costs no clone.
 */
static bool flowbr_port_usable(struct flowbr_port *port)
{
	if (likely(flowbr_port_up(port)))
		return true;
	flowbr_port_count_drop(port, FLOWBR_DROP_DOWN);
	return false;
}

/* Transmit (netdev port) or deliver to the host (internal port). */
static int flowbr_port_output(struct flowbr_port *port, struct sk_buff *skb)
{
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	skb->dev = port->dev;
	if (port->type == FLOWBR_PORT_INTERNAL) {
		flowbr_internal_receive(port, skb);
		return 0;
	}
	skb_forward_csum(skb);
	return dev_queue_xmit(skb) == NET_XMIT_SUCCESS ? 0 : -ENOBUFS;
}

/* Send one skb out of @port (usable); consumes it. */
static __always_inline void __flowbr_send(struct flowbr_port *port,
					  struct sk_buff *skb,
					  const struct flowbr_output *out,
					  u16 prio)
{
	struct net_device *dev = port->dev;
	unsigned int len;

	if (unlikely(!flowbr_fits_mtu(dev, skb))) {
		flowbr_port_count_drop(port, FLOWBR_DROP_MTU);
		kfree_skb(skb);
		return;
	}
	if (out->op == FLOWBR_TAG_PUSH)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q),
				       prio | out->vid);
	len = skb->len;
	if (flowbr_port_output(port, skb))
		flowbr_port_count_drop(port, FLOWBR_DROP_TX_ERROR);
	else
		flowbr_port_count_tx(port, len);
}

static void flowbr_send(struct flowbr_port *port, struct sk_buff *skb,
			const struct flowbr_output *out, u16 prio)
{
	__flowbr_send(port, skb, out, prio);
}

/*
 * A frame on its way out of several ports: each new destination sends a
 * clone to the previous one, and the last gets @skb itself, so no copy is
 * made for a single output and none for ports that cannot transmit.
 */
struct flowbr_tx {
	struct sk_buff *skb;
	struct flowbr_port *prev;
	struct flowbr_output prev_out;
	u16 prio;
};

static void flowbr_tx_add(struct flowbr_tx *tx, struct flowbr_port *port,
			  const struct flowbr_output *out)
{
	struct sk_buff *clone;

	if (tx->prev) {
		clone = skb_clone(tx->skb, GFP_ATOMIC);
		if (likely(clone))
			flowbr_send(tx->prev, clone, &tx->prev_out, tx->prio);
		else
			flowbr_port_count_drop(tx->prev, FLOWBR_DROP_NOMEM);
	}
	tx->prev = port;
	tx->prev_out = *out;
}

static void flowbr_tx_finish(struct flowbr_tx *tx)
{
	if (tx->prev)
		flowbr_send(tx->prev, tx->skb, &tx->prev_out, tx->prio);
	else
		consume_skb(tx->skb);
}

/*
 * Add every usable port that carries @vlan, except @in_port, with its own
 * egress tagging: the miss policy's flood and FLOWBR_ACT_FLOOD.
 */
static void flowbr_tx_flood(struct flowbr_bridge *br, struct flowbr_tx *tx,
			    u16 in_port, u16 vlan)
{
	struct flowbr_output out;
	struct flowbr_port *port;

	list_for_each_entry_rcu(port, &br->port_list, node) {
		if (port->port_no == in_port)
			continue;
		if (!flowbr_vlan_egress(rcu_dereference(port->vlan), vlan,
					&out))
			continue;
		if (!flowbr_port_usable(port))
			continue;
		flowbr_tx_add(tx, port, &out);
	}
}

/* Run a flow's actions: its outputs in order, then its flood if any. */
void flowbr_dp_execute(struct flowbr_bridge *br, struct sk_buff *skb,
		       const struct flowbr_actions *acts, u16 in_port,
		       u16 prio)
{
	struct flowbr_tx tx = { .skb = skb, .prio = prio };
	const struct flowbr_output *out = acts->out;
	struct flowbr_port *port;
	unsigned int i;

	for (i = 0; i < acts->n; i++, out++) {
		port = rcu_dereference(br->ports[out->port_no]);
		if (unlikely(!port))
			continue;
		if (unlikely(out->port_no == in_port)) {
			flowbr_port_count_drop(port, FLOWBR_DROP_LOOP);
			continue;
		}
		if (unlikely(!flowbr_port_usable(port)))
			continue;
		flowbr_tx_add(&tx, port, out);
	}
	if (acts->flood)
		flowbr_tx_flood(br, &tx, in_port, acts->flood_vlan);
	flowbr_tx_finish(&tx);
}

/*
 * flowbr_dp_execute() for a flow hit, inlined into the receive path: the
 * common flow, one output to a usable port other than the input and no
 * flood, goes straight out without flowbr_dp_execute()'s clone
 * bookkeeping (one function call instead of four). Anything else, or a
 * drop to count, takes the general path.
 */
static __always_inline void
flowbr_dp_execute_hit(struct flowbr_bridge *br, struct sk_buff *skb,
		      const struct flowbr_actions *acts, u16 in_port, u16 prio)
{
	const struct flowbr_output *out = acts->out;
	struct flowbr_port *port;

	if (likely(acts->n == 1 && !acts->flood)) {
		port = rcu_dereference(br->ports[out->port_no]);
		if (likely(port && out->port_no != in_port &&
			   flowbr_port_up(port))) {
			__flowbr_send(port, skb, out, prio);
			return;
		}
	}
	flowbr_dp_execute(br, skb, acts, in_port, prio);
}

/* Flood (or drop) a miss in the kernel, without the agent. */
void flowbr_dp_miss_policy(struct flowbr_bridge *br, struct flowbr_port *in,
			   struct sk_buff *skb, u16 vlan, u16 prio)
{
	struct flowbr_tx tx = { .skb = skb, .prio = prio };

	flowbr_br_stat_inc(br, fallback);
	if (READ_ONCE(br->miss_policy) == FLOWBR_MISS_DROP) {
		flowbr_port_count_drop(in, FLOWBR_DROP_MISS);
		kfree_skb(skb);
		return;
	}
	flowbr_tx_flood(br, &tx, in->port_no, vlan);
	flowbr_tx_finish(&tx);
}

/*
 * A classified frame: look it up and act on it. @from_agent frames
 * (PACKET_EXECUTE without actions) are never upcalled again.
 */
static __always_inline void
__flowbr_dp_process(struct flowbr_port *in, struct sk_buff *skb,
		    const struct flowbr_ingress *ing, bool from_agent)
{
	struct flowbr_bridge *br = in->br;
	struct flowbr_actions *acts;
	struct flowbr_flow *flow;
	struct flowbr_key key;
	const struct ethhdr *eth = eth_hdr(skb);

	ether_addr_copy(key.eth_dst, eth->h_dest);
	ether_addr_copy(key.eth_src, eth->h_source);
	key.vlan = ing->vlan;
	key.pad = 0;
	key.in_port = in->port_no;

	flow = flowbr_flow_lookup(br, &key);
	if (likely(flow)) {
		flowbr_br_stat_inc(br, hit);
		flowbr_flow_hit(flow, skb->len);
		acts = rcu_dereference(flow->acts);
		flowbr_dp_execute_hit(br, skb, acts, in->port_no, ing->prio);
		return;
	}
	flowbr_br_stat_inc(br, missed);
	if (from_agent) {
		flowbr_port_count_drop(in, FLOWBR_DROP_MISS);
		kfree_skb(skb);
		return;
	}
	flowbr_upcall(br, in, skb, &key, ing);
}

void flowbr_dp_process(struct flowbr_port *in, struct sk_buff *skb,
		       const struct flowbr_ingress *ing, bool from_agent)
{
	__flowbr_dp_process(in, skb, ing, from_agent);
}

/* Entry point of every frame a port receives. */
static __always_inline void __flowbr_dp_receive(struct flowbr_port *in,
						struct sk_buff *skb)
{
	struct flowbr_ingress ing;
	enum flowbr_drop_reason reason;

	if (unlikely(skb->len < ETH_HLEN)) {
		flowbr_port_count_drop(in, FLOWBR_DROP_MALFORMED);
		kfree_skb(skb);
		return;
	}
	flowbr_port_count_rx(in, skb->len);

	reason = flowbr_vlan_ingress(rcu_dereference(in->vlan), skb, &ing);
	if (unlikely(reason)) {
		flowbr_port_count_drop(in, reason);
		kfree_skb(skb);
		return;
	}
	__flowbr_dp_process(in, skb, &ing, false);
}

/* A frame an internal port's host side transmitted. */
void flowbr_dp_receive(struct flowbr_port *in, struct sk_buff *skb)
{
	__flowbr_dp_receive(in, skb);
}

/* The rx_handler of netdev ports: a frame a port received. */
rx_handler_result_t flowbr_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct flowbr_port *port;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	/* Link-local control frames (STP, LACP, LLDP) belong to the host. */
	if (unlikely(is_link_local_ether_addr(eth_hdr(skb)->h_dest)))
		return RX_HANDLER_PASS;

	port = rcu_dereference(skb->dev->rx_handler_data);
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb))
		return RX_HANDLER_CONSUMED;
	/* eth_type_trans() pulled the header just before: it is there. */
	__skb_push(skb, ETH_HLEN);
	skb_postpush_rcsum(skb, skb->data, ETH_HLEN);
	__flowbr_dp_receive(port, skb);
	return RX_HANDLER_CONSUMED;
}
