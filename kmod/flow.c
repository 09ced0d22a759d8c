// SPDX-License-Identifier: GPL-2.0
/*
 * The exact-match flow cache: {in_port, vlan, eth_src, eth_dst} -> actions,
 * in a resizable rhashtable. Readers (the packet path) are lock-free under
 * RCU; writers serialise on br->flow_lock.
 */
#include "flowbr.h"

static struct kmem_cache *flowbr_flow_cache;

int flowbr_flow_cache_init(void)
{
	/*
	 * No SLAB_HWCACHE_ALIGN: it would round the 72-byte flows up to 128
	 * bytes. What the packet path reads of a flow (node, key, acts,
	 * stats) is in its first 48 bytes.
	 */
	flowbr_flow_cache = kmem_cache_create("flowbr_flow",
					      sizeof(struct flowbr_flow),
					      __alignof__(struct flowbr_flow),
					      0, NULL);
	return flowbr_flow_cache ? 0 : -ENOMEM;
}

void flowbr_flow_cache_exit(void)
{
	kmem_cache_destroy(flowbr_flow_cache);
}

int flowbr_flows_init(struct flowbr_bridge *br)
{
	mutex_init(&br->flow_lock);
	atomic_set(&br->flow_count, 0);
	atomic_set(&br->flow_seq, 1);
	atomic_set(&br->flow_external, 0);
	return rhashtable_init(&br->flows, &flowbr_flow_params);
}

struct flowbr_flow *flowbr_flow_alloc(const struct flowbr_key *key,
				      struct flowbr_actions *acts)
{
	struct flowbr_flow *flow;

	flow = kmem_cache_zalloc(flowbr_flow_cache, GFP_KERNEL);
	if (!flow)
		return NULL;
	flow->stats = alloc_percpu(struct flowbr_pcpu_flow_stats);
	if (!flow->stats) {
		kmem_cache_free(flowbr_flow_cache, flow);
		return NULL;
	}
	flow->key = *key;
	flow->created = jiffies;
	RCU_INIT_POINTER(flow->acts, acts);
	return flow;
}

/* Free a flow nobody can see any more. */
void flowbr_flow_free(struct flowbr_flow *flow)
{
	kfree(rcu_dereference_raw(flow->acts));
	free_percpu(flow->stats);
	kmem_cache_free(flowbr_flow_cache, flow);
}

static void flowbr_flow_free_rcu(struct rcu_head *head)
{
	flowbr_flow_free(container_of(head, struct flowbr_flow, rcu));
}

/* Free a flow after readers that may still see it are done. */
void flowbr_flow_release(struct flowbr_flow *flow)
{
	call_rcu(&flow->rcu, flowbr_flow_free_rcu);
}

/* Count (@d = 1) or uncount (@d = -1) the ports a flow names in br->port_refs. */
static void flowbr_flow_ref_ports(struct flowbr_bridge *br, u32 in_port,
				  const struct flowbr_actions *acts, int d)
{
	u32 i;

	lockdep_assert_held(&br->flow_lock);
	br->port_refs[in_port] += d;
	for (i = 0; i < acts->n; i++)
		br->port_refs[acts->out[i].port_no] += d;
}

static void flowbr_flow_unlink(struct flowbr_bridge *br,
			       struct flowbr_flow *flow)
{
	flowbr_flow_ref_ports(br, flow->key.in_port,
			      rcu_dereference_protected(flow->acts, 1), -1);
	atomic_dec(&br->flow_count);
}

/*
 * Are @flow's in_port and output ports all on the bridge? Called under
 * flow_lock: a port is unlinked from br->ports[] before its flows are
 * flushed under that lock, so a port seen here either still exists or its
 * flush comes after us and takes this flow with it. Checking before taking
 * the lock (as the command does, for a clear error) is not enough: the
 * port can go in between, and the flow would outlive it, waiting for the
 * next port to get its number.
 */
static bool flowbr_flow_ports_exist(struct flowbr_bridge *br,
				    const struct flowbr_flow *flow)
{
	const struct flowbr_actions *acts;
	u32 i;

	lockdep_assert_held(&br->flow_lock);
	if (!rcu_access_pointer(br->ports[flow->key.in_port]))
		return false;
	acts = rcu_dereference_protected(flow->acts, 1);
	for (i = 0; i < acts->n; i++)
		if (!rcu_access_pointer(br->ports[acts->out[i].port_no]))
			return false;
	return true;
}

/*
 * Insert @flow. If a flow with the same key exists: -EEXIST under @excl,
 * otherwise its actions are replaced by @flow's (the old ones are returned
 * in *@replace for the caller to free after a grace period, and @flow is
 * freed); -ENOENT if one of its ports is gone. Returns 0 or a negative
 * errno.
 */
int flowbr_flow_insert(struct flowbr_bridge *br, struct flowbr_flow *flow,
		       bool excl, struct flowbr_actions **replace,
		       struct netlink_ext_ack *extack)
{
	struct flowbr_flow *old;
	int err;

	*replace = NULL;
	mutex_lock(&br->flow_lock);
	if (!flowbr_flow_ports_exist(br, flow)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "A port of the flow was removed while it was being added");
		err = -ENOENT;
		goto out;
	}
	old = rhashtable_lookup_fast(&br->flows, &flow->key,
				     flowbr_flow_params);
	if (old) {
		if (excl) {
			NL_SET_ERR_MSG_MOD(extack,
					   "A flow with this key exists (NLM_F_EXCL)");
			err = -EEXIST;
			goto out;
		}
		*replace = rcu_replace_pointer(old->acts,
					       rcu_dereference_protected(flow->acts, 1),
					       lockdep_is_held(&br->flow_lock));
		flowbr_flow_ref_ports(br, old->key.in_port, *replace, -1);
		flowbr_flow_ref_ports(br, old->key.in_port,
				      rcu_dereference_protected(old->acts, 1), 1);
		RCU_INIT_POINTER(flow->acts, NULL);
		flowbr_flow_free(flow);
		flowbr_flow_changed(br);
		err = 0;
		goto out;
	}
	if (atomic_read(&br->flow_count) >= br->flow_limit) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Bridge is at its flow limit: raise flow_limit (set-br) or flush flows");
		err = -ENOSPC;
		goto out;
	}
	err = rhashtable_insert_fast(&br->flows, &flow->node,
				     flowbr_flow_params);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Cannot grow the flow table");
		goto out;
	}
	atomic_inc(&br->flow_count);
	flowbr_flow_ref_ports(br, flow->key.in_port,
			      rcu_dereference_protected(flow->acts, 1), 1);
	flowbr_flow_changed(br);
out:
	mutex_unlock(&br->flow_lock);
	return err;
}

/* Unlink the flow with @key; the caller releases it. */
struct flowbr_flow *flowbr_flow_remove(struct flowbr_bridge *br,
				       const struct flowbr_key *key)
{
	struct flowbr_flow *flow;

	mutex_lock(&br->flow_lock);
	flow = rhashtable_lookup_fast(&br->flows, key, flowbr_flow_params);
	if (flow) {
		rhashtable_remove_fast(&br->flows, &flow->node,
				       flowbr_flow_params);
		flowbr_flow_unlink(br, flow);
		flowbr_flow_changed(br);
	}
	mutex_unlock(&br->flow_lock);
	return flow;
}

static bool flowbr_flow_matches(struct flowbr_flow *flow,
				const struct flowbr_flush_filter *f)
{
	const struct flowbr_actions *acts;
	u32 i;

	if (f->by_vlan && flow->key.vlan != f->vlan)
		return false;
	if (f->by_mac && !ether_addr_equal(flow->key.eth_src, f->mac) &&
	    !ether_addr_equal(flow->key.eth_dst, f->mac))
		return false;
	if (f->by_src && !ether_addr_equal(flow->key.eth_src, f->src))
		return false;
	if (f->by_dst && !ether_addr_equal(flow->key.eth_dst, f->dst))
		return false;
	if (f->by_port && flow->key.in_port != f->port_no) {
		acts = rcu_dereference_raw(flow->acts);
		for (i = 0; i < acts->n; i++)
			if (acts->out[i].port_no == f->port_no)
				break;
		if (i == acts->n)
			return false;
	}
	return true;
}

/* Flows a flush visits between two chances to reschedule. */
#define FLOWBR_FLUSH_BATCH	1024

/*
 * Delete every flow matching @f (all flows when @f is NULL). The walk
 * leaves its RCU read-side section every FLOWBR_FLUSH_BATCH flows to let
 * the CPU go (200000 flows are a long walk in a debug kernel): it does so
 * before removing the flow it stands on, which the iterator then finds
 * again where it was. A resize meanwhile restarts the walk on the new
 * table, which at worst visits flows twice; flow_lock keeps out every
 * other writer.
 */
unsigned int flowbr_flow_flush(struct flowbr_bridge *br,
			       const struct flowbr_flush_filter *f)
{
	bool by_port = f && f->by_port;
	struct rhashtable_iter iter;
	struct flowbr_flow *flow;
	unsigned int seen = 0;
	unsigned int n = 0;

	mutex_lock(&br->flow_lock);
	if (by_port && !br->port_refs[f->port_no])
		goto out;
	rhashtable_walk_enter(&br->flows, &iter);
	rhashtable_walk_start(&iter);
	while ((flow = rhashtable_walk_next(&iter))) {
		if (IS_ERR(flow)) {
			if (PTR_ERR(flow) == -EAGAIN)
				continue;
			break;
		}
		if (++seen % FLOWBR_FLUSH_BATCH == 0) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
		if (f && !flowbr_flow_matches(flow, f))
			continue;
		if (rhashtable_remove_fast(&br->flows, &flow->node,
					   flowbr_flow_params))
			continue;
		flowbr_flow_unlink(br, flow);
		flowbr_flow_release(flow);
		n++;
		/* Every flow that names the port is gone. */
		if (by_port && !br->port_refs[f->port_no])
			break;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	if (n)
		flowbr_flow_changed(br);
out:
	mutex_unlock(&br->flow_lock);
	return n;
}

/*
 * After the flush of a port that is off the bridge: no flow may name it
 * any more (flowbr_flow_insert checks the ports under flow_lock), so a
 * count left here is a bug in the counting, which would make later
 * flushes of the port's next owner skip flows or walk for nothing.
 */
void flowbr_flow_port_gone(struct flowbr_bridge *br, u16 port_no)
{
	mutex_lock(&br->flow_lock);
	if (WARN_ONCE(br->port_refs[port_no],
		      "flowbr: %u flow references to removed port %u\n",
		      br->port_refs[port_no], port_no))
		br->port_refs[port_no] = 0;
	mutex_unlock(&br->flow_lock);
}

static void flowbr_flow_destroy_one(void *ptr, void *arg)
{
	flowbr_flow_free(ptr);
}

/* The bridge is gone and a grace period has passed: no reader is left. */
void flowbr_flows_destroy(struct flowbr_bridge *br)
{
	rhashtable_free_and_destroy(&br->flows, flowbr_flow_destroy_one, NULL);
}

/*
 * The later of @last and the last hit recorded in @s. The hit was stored as
 * jiffies | 1, which for an even jiffy is one tick ahead: read back as
 * jiffies & ~1 it is never later than the hit, nor than the jiffies a
 * reader sees afterwards (else a flow hit in this very tick would read as
 * idle for (unsigned long)-1 ticks, and be expired as idle).
 */
static unsigned long flowbr_flow_used_on(const struct flowbr_pcpu_flow_stats *s,
					 unsigned long last)
{
	unsigned long u = READ_ONCE(s->used);

	if (!u)
		return last;
	u &= ~1UL;
	return time_after(u, last) ? u : last;
}

void flowbr_flow_get_stats(const struct flowbr_flow *flow, u64 *packets,
			   u64 *bytes, unsigned long *used)
{
	unsigned long last = flow->created;
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct flowbr_pcpu_flow_stats *s = per_cpu_ptr(flow->stats, cpu);
		unsigned int start;
		u64 p, b;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			p = s->packets;
			b = s->bytes;
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*packets += p;
		*bytes += b;
		last = flowbr_flow_used_on(s, last);
	}
	*used = last;
}

/*
 * When @flow was last hit (its creation if never), without the packet and
 * byte sums: a dump filtering on idle time reads this for every flow.
 */
unsigned long flowbr_flow_used(const struct flowbr_flow *flow)
{
	unsigned long last = flow->created;
	int cpu;

	for_each_possible_cpu(cpu)
		last = flowbr_flow_used_on(per_cpu_ptr(flow->stats, cpu), last);
	return last;
}
