// SPDX-License-Identifier: GPL-2.0
/*
 * Upcalls: misses handed to the userspace agent.
 *
 * A miss is queued on a per-bridge, per-CPU queue (bounded by the bridge's
 * upcall_queue) and a work item on that CPU drains it in process context,
 * packing up to FLOWBR_UPCALL_BATCH upcalls into one netlink datagram for
 * the handler socket of that CPU. A key already in flight on this CPU is
 * not upcalled again for a short while, and each port's upcall rate is
 * bounded so that one noisy VM cannot starve the others. Whatever cannot
 * be upcalled takes the bridge's miss policy, so traffic keeps flowing
 * without an agent.
 */
#include <linux/jhash.h>
#include <net/netlink.h>

#include "flowbr.h"

/* How long a key counts as in flight after its upcall was queued. */
#define FLOWBR_DEDUP_TIME	(HZ / 10)
/*
 * Room for an upcall's attributes besides the packet: headers 20, ifindex
 * 8, name 20, key 44. Datagrams are charged to the agent's receive buffer
 * by their allocated size, so this is kept close to what is used.
 */
#define FLOWBR_UPCALL_OVERHEAD	128

static void flowbr_upcall_work(struct work_struct *work);

int flowbr_upcall_init(struct flowbr_bridge *br)
{
	int cpu;

	br->upq = alloc_percpu(struct flowbr_upq);
	if (!br->upq)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct flowbr_upq *q = per_cpu_ptr(br->upq, cpu);

		skb_queue_head_init(&q->skbs);
		INIT_WORK(&q->work, flowbr_upcall_work);
		q->br = br;
		q->cpu = cpu;
	}
	return 0;
}

/* The packet path cannot reach the bridge any more: drain and stop. */
void flowbr_upcall_stop(struct flowbr_bridge *br)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct flowbr_upq *q = per_cpu_ptr(br->upq, cpu);

		cancel_work_sync(&q->work);
		skb_queue_purge(&q->skbs);
	}
}

void flowbr_upcall_free(struct flowbr_bridge *br)
{
	kfree(rcu_dereference_raw(br->handlers));
	free_percpu(br->upq);
}

int flowbr_handlers_set(struct flowbr_bridge *br, const u32 *pids, u32 n)
{
	struct flowbr_handlers *h = NULL, *old;

	if (n) {
		h = kmalloc(struct_size(h, pids, n), GFP_KERNEL);
		if (!h)
			return -ENOMEM;
		h->n = n;
		memcpy(h->pids, pids, n * sizeof(u32));
	}
	spin_lock_bh(&br->handlers_lock);
	old = rcu_replace_pointer(br->handlers, h,
				  lockdep_is_held(&br->handlers_lock));
	spin_unlock_bh(&br->handlers_lock);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/* Token bucket, per port and per CPU: @rate upcalls/s shared by the CPUs. */
static bool flowbr_upcall_allowed(struct flowbr_port *port, u32 rate)
{
	struct flowbr_ratelimit *rl = this_cpu_ptr(port->rl);
	unsigned long now = jiffies, delta;
	u32 cpu_rate, burst, add;

	if (!rate)
		return true;
	cpu_rate = max_t(u32, rate / num_online_cpus(), 1);
	burst = max_t(u32, cpu_rate / 10, 8);
	delta = now - rl->stamp;
	if (delta) {
		add = min_t(u64, (u64)min_t(unsigned long, delta, HZ) *
				 cpu_rate / HZ, burst);
		if (add) {
			rl->tokens = min(rl->tokens + add, burst);
			rl->stamp = now;
		}
	}
	if (!rl->tokens)
		return false;
	rl->tokens--;
	return true;
}

/* A miss of @port that will not reach the agent (softirq or BH off). */
static void flowbr_upcall_lost(struct flowbr_bridge *br,
			       struct flowbr_port *port)
{
	struct flowbr_pcpu_port_stats *s = this_cpu_ptr(port->stats);

	flowbr_br_stat_inc(br, lost);
	u64_stats_update_begin(&s->syncp);
	s->upcalls_lost++;
	u64_stats_update_end(&s->syncp);
}

static void flowbr_upcall_queue(struct flowbr_bridge *br,
				struct flowbr_upq *q, struct sk_buff *skb)
{
	/* Nothing of the ingress path is needed (or pinned) while queued. */
	skb_dst_drop(skb);
	skb->dev = NULL;
	skb_queue_tail(&q->skbs, skb);
	if (!work_pending(&q->work))
		queue_work_on(q->cpu, flowbr_wq, &q->work);
}

void flowbr_upcall(struct flowbr_bridge *br, struct flowbr_port *in,
		   struct sk_buff *skb, const struct flowbr_key *key,
		   const struct flowbr_ingress *ing)
{
	struct flowbr_upq *q = this_cpu_ptr(br->upq);
	struct flowbr_dedup_slot *slot;
	struct sk_buff *segs, *next;
	u32 hash;

	if (!rcu_access_pointer(br->handlers) ||
	    skb_queue_len(&q->skbs) >= READ_ONCE(br->upcall_queue) ||
	    !flowbr_upcall_allowed(in, READ_ONCE(br->upcall_rate))) {
		flowbr_upcall_lost(br, in);
		goto fallback;
	}

	hash = jhash2((const u32 *)key, sizeof(*key) / sizeof(u32), 0);
	slot = &q->dedup[hash % FLOWBR_DEDUP_SLOTS];
	if (slot->hash == hash && time_before(jiffies, slot->expires)) {
		flowbr_br_stat_inc(br, dedup);
		goto fallback;
	}
	slot->hash = hash;
	slot->expires = jiffies + FLOWBR_DEDUP_TIME;

	if (skb_is_gso(skb)) {
		segs = skb_gso_segment(skb, NETIF_F_SG);
		if (IS_ERR_OR_NULL(segs)) {
			flowbr_port_count_drop(in, FLOWBR_DROP_NOMEM);
			kfree_skb(skb);
			return;
		}
		consume_skb(skb);
		skb_list_walk_safe(segs, skb, next) {
			skb_mark_not_on_list(skb);
			*FLOWBR_UPCALL_CB(skb) = (struct flowbr_upcall_cb) {
				.key = *key, .orig_tci = ing->orig_tci,
				.tagged = ing->tagged, .prio = ing->prio,
			};
			flowbr_upcall_queue(br, q, skb);
		}
		return;
	}
	*FLOWBR_UPCALL_CB(skb) = (struct flowbr_upcall_cb) {
		.key = *key, .orig_tci = ing->orig_tci,
		.tagged = ing->tagged, .prio = ing->prio,
	};
	flowbr_upcall_queue(br, q, skb);
	return;

fallback:
	flowbr_dp_miss_policy(br, in, skb, key->vlan, ing->prio);
}

static int flowbr_put_key(struct sk_buff *msg, const struct flowbr_key *key)
{
	struct nlattr *nest = nla_nest_start(msg, FLOWBR_A_KEY);

	if (!nest ||
	    nla_put_u32(msg, FLOWBR_KEY_IN_PORT, key->in_port) ||
	    nla_put_u16(msg, FLOWBR_KEY_VLAN, key->vlan) ||
	    nla_put(msg, FLOWBR_KEY_ETH_SRC, ETH_ALEN, key->eth_src) ||
	    nla_put(msg, FLOWBR_KEY_ETH_DST, ETH_ALEN, key->eth_dst))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Append one upcall for @skb to @msg; the tag goes back into the data. */
static int flowbr_upcall_fill(struct sk_buff *msg, struct flowbr_bridge *br,
			      struct sk_buff *skb)
{
	const struct flowbr_upcall_cb *cb = FLOWBR_UPCALL_CB(skb);
	unsigned int len = skb->len + (cb->tagged ? VLAN_HLEN : 0);
	struct nlattr *nla;
	void *hdr;
	u8 *data;

	hdr = genlmsg_put(msg, 0, 0, &flowbr_genl_family, 0, FLOWBR_CMD_UPCALL);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, FLOWBR_A_BR_IFINDEX, br->ifindex) ||
	    nla_put_string(msg, FLOWBR_A_BR_NAME, flowbr_br_name(br)) ||
	    flowbr_put_key(msg, &cb->key))
		goto cancel;
	nla = nla_reserve(msg, FLOWBR_A_PACKET, len);
	if (!nla)
		goto cancel;
	data = nla_data(nla);
	if (cb->tagged) {
		struct vlan_ethhdr *veth = (struct vlan_ethhdr *)data;

		if (skb_copy_bits(skb, 0, data, 2 * ETH_ALEN))
			goto cancel;
		veth->h_vlan_proto = htons(ETH_P_8021Q);
		veth->h_vlan_TCI = htons(cb->orig_tci);
		if (skb_copy_bits(skb, 2 * ETH_ALEN, data + VLAN_ETH_HLEN - 2,
				  skb->len - 2 * ETH_ALEN))
			goto cancel;
	} else if (skb_copy_bits(skb, 0, data, skb->len)) {
		goto cancel;
	}
	genlmsg_end(msg, hdr);
	return 0;
cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

/* The upcall could not be delivered: apply the miss policy. */
static void flowbr_upcall_fail(struct flowbr_bridge *br,
			       struct sk_buff_head *list)
{
	struct flowbr_port *in;
	struct sk_buff *skb;

	local_bh_disable();
	rcu_read_lock();
	while ((skb = __skb_dequeue(list))) {
		const struct flowbr_upcall_cb *cb = FLOWBR_UPCALL_CB(skb);
		u16 vlan = cb->key.vlan, prio = cb->prio;

		in = rcu_dereference(br->ports[cb->key.in_port]);
		if (!in) {
			/* The port went while its miss was queued. */
			flowbr_br_stat_inc(br, lost);
			kfree_skb(skb);
			continue;
		}
		flowbr_upcall_lost(br, in);
		flowbr_dp_miss_policy(br, in, skb, vlan, prio);
	}
	rcu_read_unlock();
	local_bh_enable();
}

static void flowbr_upcall_send(struct flowbr_bridge *br, int cpu,
			       struct sk_buff_head *batch)
{
	struct flowbr_handlers *h;
	struct sk_buff *msg, *skb;
	unsigned int size = 0;
	u32 pid = 0;
	int err;

	skb_queue_walk(batch, skb)
		size += nla_total_size(skb->len + VLAN_HLEN) +
			FLOWBR_UPCALL_OVERHEAD;
	msg = alloc_skb(size, GFP_KERNEL);
	if (!msg)
		goto fail;
	skb_queue_walk(batch, skb)
		if (WARN_ON_ONCE(flowbr_upcall_fill(msg, br, skb)))
			goto free_fail;

	rcu_read_lock();
	h = rcu_dereference(br->handlers);
	if (h && h->n)
		pid = h->pids[cpu % h->n];
	rcu_read_unlock();
	if (!pid)
		goto free_fail;

	err = genlmsg_unicast(br->net, msg, pid);
	if (err)
		goto fail;
	local_bh_disable();
	skb_queue_walk(batch, skb) {
		struct flowbr_port *in;

		flowbr_br_stat_inc(br, upcalls);
		rcu_read_lock();
		in = rcu_dereference(br->ports[FLOWBR_UPCALL_CB(skb)->key.in_port]);
		if (in) {
			struct flowbr_pcpu_port_stats *s = this_cpu_ptr(in->stats);

			u64_stats_update_begin(&s->syncp);
			s->upcalls++;
			u64_stats_update_end(&s->syncp);
		}
		rcu_read_unlock();
	}
	local_bh_enable();
	__skb_queue_purge(batch);
	return;

free_fail:
	kfree_skb(msg);
fail:
	flowbr_upcall_fail(br, batch);
}

static void flowbr_upcall_work(struct work_struct *work)
{
	struct flowbr_upq *q = container_of(work, struct flowbr_upq, work);
	struct sk_buff_head batch;
	struct sk_buff *skb;
	unsigned int n;

	__skb_queue_head_init(&batch);
	for (;;) {
		n = 0;
		while (n < FLOWBR_UPCALL_BATCH && (skb = skb_dequeue(&q->skbs))) {
			__skb_queue_tail(&batch, skb);
			n++;
		}
		if (!n)
			break;
		flowbr_upcall_send(q->br, q->cpu, &batch);
		cond_resched();
	}
}

/* An agent's socket closed: forget it, so misses take the miss policy. */
static int flowbr_netlink_event(struct notifier_block *nb,
				unsigned long state, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct flowbr_bridge *br;
	struct flowbr_handlers *h, *nh, *old;
	struct flowbr_net *fn;
	u32 i, j;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;

	rcu_read_lock();
	fn = flowbr_pernet(n->net);
	list_for_each_entry_rcu(br, &fn->bridges, node) {
		spin_lock_bh(&br->handlers_lock);
		h = rcu_dereference_protected(br->handlers,
					      lockdep_is_held(&br->handlers_lock));
		for (i = 0; h && i < h->n; i++)
			if (h->pids[i] == n->portid)
				break;
		if (!h || i == h->n) {
			spin_unlock_bh(&br->handlers_lock);
			continue;
		}
		nh = NULL;
		if (h->n > 1) {
			nh = kmalloc(struct_size(nh, pids, h->n - 1),
				     GFP_ATOMIC);
			if (nh) {
				nh->n = 0;
				for (j = 0; j < h->n; j++)
					if (h->pids[j] != n->portid)
						nh->pids[nh->n++] = h->pids[j];
			}
		}
		old = rcu_replace_pointer(br->handlers, nh,
					  lockdep_is_held(&br->handlers_lock));
		spin_unlock_bh(&br->handlers_lock);
		kfree_rcu(old, rcu);
	}
	rcu_read_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block flowbr_netlink_notifier = {
	.notifier_call = flowbr_netlink_event,
};

int flowbr_upcall_register(void)
{
	return netlink_register_notifier(&flowbr_netlink_notifier);
}

void flowbr_upcall_unregister(void)
{
	netlink_unregister_notifier(&flowbr_netlink_notifier);
}
