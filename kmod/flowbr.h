/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowbr internal definitions.
 *
 * Locking:
 *  - bridges and ports are created, changed and destroyed under RTNL (genl
 *    commands take it in pre_doit; netdev notifiers and netns exit run under
 *    it). The packet path only reads them under RCU.
 *  - a bridge is reference counted so that flow commands and dumps, which
 *    do not take RTNL, can hold it; the last put frees the flow table.
 *  - flows live in an rhashtable (lock-free readers); writers serialise on
 *    br->flow_lock so that "replace" and "flush" are atomic.
 *  - per-packet counters are per-CPU, updated with u64_stats.
 */
#ifndef _FLOWBR_H
#define _FLOWBR_H

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "uapi/linux/flowbr.h"
#include "compat.h"
#include "version.h"

/* ---- VLAN configuration of a port (replaced as a whole, RCU) ---- */
struct flowbr_vlan_cfg {
	struct rcu_head rcu;
	u8 mode;		/* enum flowbr_vlan_mode */
	u16 tag;		/* access / native VLAN, 0 if none */
	bool all;		/* trunks every VLAN */
	DECLARE_BITMAP(trunks, VLAN_N_VID);
};

/* ---- counters ---- */
struct flowbr_pcpu_port_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_packets;
	u64 tx_bytes;
	u64 upcalls;
	u64 upcalls_lost;
	u64 drops[__FLOWBR_DROP_MAX];
	struct u64_stats_sync syncp;
};

struct flowbr_pcpu_br_stats {
	u64 hit;
	u64 missed;
	u64 upcalls;
	u64 lost;
	u64 fallback;
	u64 dedup;
	u64 executed;
	struct u64_stats_sync syncp;
};

/* Per-port, per-CPU token bucket bounding the upcall rate. */
struct flowbr_ratelimit {
	unsigned long stamp;
	u32 tokens;
};

struct flowbr_bridge;

struct flowbr_port {
	struct flowbr_bridge *br;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	u16 port_no;
	u8 type;			/* enum flowbr_port_type */
	struct flowbr_vlan_cfg __rcu *vlan;
	struct flowbr_pcpu_port_stats __percpu *stats;
	struct flowbr_ratelimit __percpu *rl;
	struct list_head node;		/* br->port_list, RCU */
	struct rcu_head rcu;
};

/* ---- flows ---- */
struct flowbr_key {
	u8 eth_dst[ETH_ALEN];
	u8 eth_src[ETH_ALEN];
	u16 vlan;
	u16 pad;			/* always zero: part of the hash */
	u32 in_port;
} __aligned(4);

struct flowbr_output {
	u16 port_no;
	u16 vid;
	u8 op;				/* enum flowbr_tag_op */
};

struct flowbr_actions {
	struct rcu_head rcu;
	u32 n;				/* explicit outputs */
	bool flood;			/* then FLOWBR_ACT_FLOOD ... */
	u16 flood_vlan;			/* ... to this VLAN */
	struct flowbr_output out[];
};

struct flowbr_pcpu_flow_stats {
	u64 packets;
	u64 bytes;
	unsigned long used;		/* jiffies | 1 of last hit (read & ~1); 0: none */
	struct u64_stats_sync syncp;
};

struct flowbr_flow {
	struct rhash_head node;
	struct flowbr_key key;
	struct flowbr_actions __rcu *acts;
	struct flowbr_pcpu_flow_stats __percpu *stats;
	unsigned long created;
	struct rcu_head rcu;
};

/*
 * The flow table's parameters live here so that the packet path's lookup
 * is inlined with them: a hash of the key's five words and a word-wise
 * comparison, instead of calls to a generic hash and to memcmp().
 */
static_assert(sizeof(struct flowbr_key) == 5 * sizeof(u32));

static inline u32 flowbr_key_hash(const void *data, u32 len, u32 seed)
{
	return jhash2(data, sizeof(struct flowbr_key) / sizeof(u32), seed);
}

static inline int flowbr_key_cmp(struct rhashtable_compare_arg *arg,
				 const void *obj)
{
	const u32 *a = arg->key;
	const u32 *b = (const u32 *)&((const struct flowbr_flow *)obj)->key;

	return (a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) |
	       (a[3] ^ b[3]) | (a[4] ^ b[4]);
}

static const struct rhashtable_params flowbr_flow_params = {
	.key_len = sizeof(struct flowbr_key),
	.key_offset = offsetof(struct flowbr_flow, key),
	.head_offset = offsetof(struct flowbr_flow, node),
	.hashfn = flowbr_key_hash,
	.obj_cmpfn = flowbr_key_cmp,
	.automatic_shrinking = true,
};

/* ---- upcalls ---- */
#define FLOWBR_DEDUP_SLOTS	256
#define FLOWBR_UPCALL_BATCH	64

struct flowbr_handlers {
	struct rcu_head rcu;
	u32 n;
	u32 pids[];
};

struct flowbr_dedup_slot {
	u32 hash;
	unsigned long expires;
};

/* Per-bridge, per-CPU upcall queue, drained in process context. */
struct flowbr_upq {
	struct sk_buff_head skbs;
	struct work_struct work;
	struct flowbr_bridge *br;
	int cpu;
	struct flowbr_dedup_slot dedup[FLOWBR_DEDUP_SLOTS];
};

/* Carried in skb->cb while a miss waits in an upcall queue. */
struct flowbr_upcall_cb {
	struct flowbr_key key;
	u16 orig_tci;			/* tag as received */
	bool tagged;			/* the frame arrived with a tag */
	u16 prio;			/* PCP/DEI bits to keep on egress */
};
#define FLOWBR_UPCALL_CB(skb) ((struct flowbr_upcall_cb *)(skb)->cb)

/* ---- bridge ---- */
/* Freed port numbers remembered, and for how long. */
#define FLOWBR_RECENT_PORTS	32
#define FLOWBR_PORT_REUSE_DELAY	(60 * HZ)

struct flowbr_bridge {
	struct list_head node;		/* flowbr_net->bridges, RCU */
	refcount_t ref;
	bool dead;
	struct net *net;
	struct flowbr_port *local;	/* port 0, its netdev names the bridge */
	/*
	 * The local netdev's name and ifindex, for paths that hold a bridge
	 * reference but not RTNL (flow commands, upcalls, events): the local
	 * port itself is freed while the bridge is being destroyed. The name
	 * follows renames (under RTNL); a racing reader sees a valid string.
	 */
	char name[IFNAMSIZ];
	int ifindex;
	struct list_head port_list;	/* RCU */
	unsigned int n_ports;
	/*
	 * Port numbers freed lately (RTNL), not given again by automatic
	 * numbering for FLOWBR_PORT_REUSE_DELAY: a flow the agent computed
	 * for a deleted port must not reach the next port created.
	 */
	struct {
		u16 port_no;
		unsigned long freed;	/* jiffies; 0: unused slot */
	} recent[FLOWBR_RECENT_PORTS];
	unsigned int recent_next;

	u32 flow_limit;
	u8 miss_policy;
	u32 upcall_queue;
	u32 upcall_rate;

	struct rhashtable flows;
	struct mutex flow_lock;
	atomic_t flow_count;
	atomic_t flow_seq;		/* bumped on every change: dump check */
	atomic_t flow_external;		/* changes not from the agent */
	/*
	 * Per port number: how many times flows name it, as in_port or as an
	 * output (flow_lock). A port's flush skips the table walk when its
	 * count is zero and ends the walk once it is: a VLAN change on one
	 * of 1000 ports does not visit 200000 flows of two others.
	 */
	u32 port_refs[FLOWBR_MAX_PORTS];

	struct flowbr_handlers __rcu *handlers;
	spinlock_t handlers_lock;
	struct flowbr_pcpu_br_stats __percpu *stats;
	struct flowbr_upq __percpu *upq;

	struct flowbr_port __rcu *ports[FLOWBR_MAX_PORTS];
};

struct flowbr_net {
	struct list_head bridges;
};

extern unsigned int flowbr_net_id;
extern struct genl_family flowbr_genl_family;
/* genl.c: the nested policies, also parsed by hand in genl_flow.c */
extern const struct nla_policy flowbr_key_policy[FLOWBR_KEY_MAX + 1];
extern const struct nla_policy flowbr_output_policy[FLOWBR_OUT_MAX + 1];
extern struct workqueue_struct *flowbr_wq;

static inline struct flowbr_net *flowbr_pernet(struct net *net)
{
	return net_generic(net, flowbr_net_id);
}

static inline const char *flowbr_br_name(const struct flowbr_bridge *br)
{
	return br->name;
}

/* Result of ingress VLAN classification. */
struct flowbr_ingress {
	u16 vlan;		/* classified VLAN */
	u16 prio;		/* PCP/DEI to keep */
	u16 orig_tci;
	bool tagged;
};

/* vlan.c */
struct flowbr_vlan_cfg *flowbr_vlan_cfg_new(u8 mode, u16 tag,
					     const unsigned long *trunks,
					     bool all, gfp_t gfp);
int flowbr_vlan_cfg_check(const struct flowbr_vlan_cfg *cfg,
			  struct netlink_ext_ack *extack);
bool flowbr_vlan_egress(const struct flowbr_vlan_cfg *cfg, u16 vlan,
			struct flowbr_output *out);
bool flowbr_vlan_cfg_equal(const struct flowbr_vlan_cfg *a,
			   const struct flowbr_vlan_cfg *b);

/* flow.c */
int flowbr_flow_cache_init(void);
void flowbr_flow_cache_exit(void);
int flowbr_flows_init(struct flowbr_bridge *br);
void flowbr_flows_destroy(struct flowbr_bridge *br);
/* Under RCU: the packet path's lookup. */
static __always_inline struct flowbr_flow *
flowbr_flow_lookup(struct flowbr_bridge *br, const struct flowbr_key *key)
{
	return rhashtable_lookup(&br->flows, key, flowbr_flow_params);
}
struct flowbr_flow *flowbr_flow_alloc(const struct flowbr_key *key,
				      struct flowbr_actions *acts);
void flowbr_flow_free(struct flowbr_flow *flow);
int flowbr_flow_insert(struct flowbr_bridge *br, struct flowbr_flow *flow,
		       bool excl, struct flowbr_actions **replace,
		       struct netlink_ext_ack *extack);
struct flowbr_flow *flowbr_flow_remove(struct flowbr_bridge *br,
				       const struct flowbr_key *key);
void flowbr_flow_release(struct flowbr_flow *flow);
struct flowbr_flush_filter {
	bool by_port, by_vlan, by_mac, by_src, by_dst;
	u16 port_no;
	u16 vlan;
	u8 mac[ETH_ALEN];		/* source or destination */
	u8 src[ETH_ALEN];
	u8 dst[ETH_ALEN];
};
unsigned int flowbr_flow_flush(struct flowbr_bridge *br,
			       const struct flowbr_flush_filter *f);
void flowbr_flow_port_gone(struct flowbr_bridge *br, u16 port_no);
void flowbr_flow_get_stats(const struct flowbr_flow *flow, u64 *packets,
			   u64 *bytes, unsigned long *used);
unsigned long flowbr_flow_used(const struct flowbr_flow *flow);
static inline void flowbr_flow_changed(struct flowbr_bridge *br)
{
	atomic_inc(&br->flow_seq);
}

/* A flow command changed flows: count it unless the agent sent it. */
static inline void flowbr_flow_cmd_done(struct flowbr_bridge *br,
					const struct genl_info *info)
{
	if (!info->attrs[FLOWBR_A_AGENT])
		atomic_inc(&br->flow_external);
}

/* datapath.c */
void flowbr_dp_receive(struct flowbr_port *in, struct sk_buff *skb);
rx_handler_result_t flowbr_handle_frame(struct sk_buff **pskb);
void flowbr_dp_execute(struct flowbr_bridge *br, struct sk_buff *skb,
		       const struct flowbr_actions *acts, u16 in_port,
		       u16 prio);
void flowbr_dp_miss_policy(struct flowbr_bridge *br, struct flowbr_port *in,
			   struct sk_buff *skb, u16 vlan, u16 prio);
void flowbr_dp_process(struct flowbr_port *in, struct sk_buff *skb,
		       const struct flowbr_ingress *ing, bool from_agent);
void flowbr_port_count_drop(struct flowbr_port *port,
			    enum flowbr_drop_reason reason);

#define flowbr_br_stat_inc(br, field)					\
	do {								\
		struct flowbr_pcpu_br_stats *__s = this_cpu_ptr((br)->stats);\
		u64_stats_update_begin(&__s->syncp);			\
		__s->field++;						\
		u64_stats_update_end(&__s->syncp);			\
	} while (0)

/* upcall.c */
int flowbr_upcall_init(struct flowbr_bridge *br);
void flowbr_upcall_stop(struct flowbr_bridge *br);
void flowbr_upcall_free(struct flowbr_bridge *br);
void flowbr_upcall(struct flowbr_bridge *br, struct flowbr_port *in,
		   struct sk_buff *skb, const struct flowbr_key *key,
		   const struct flowbr_ingress *ing);
int flowbr_handlers_set(struct flowbr_bridge *br, const u32 *pids, u32 n);
int flowbr_upcall_register(void);
void flowbr_upcall_unregister(void);

/* bridge.c */
struct flowbr_bridge *flowbr_bridge_create(struct net *net, const char *name,
					   struct netlink_ext_ack *extack);
void flowbr_bridge_destroy(struct flowbr_bridge *br,
			   struct list_head *unreg_list);
struct flowbr_bridge *flowbr_bridge_find(struct net *net, const char *name,
					 u32 ifindex);
static inline void flowbr_bridge_hold(struct flowbr_bridge *br)
{
	refcount_inc(&br->ref);
}
void flowbr_bridge_put(struct flowbr_bridge *br);

/* port.c */
struct flowbr_port *flowbr_port_alloc(struct flowbr_bridge *br, u8 type,
				      struct flowbr_vlan_cfg *vlan);
void flowbr_port_free_rcu(struct flowbr_port *port);
int flowbr_port_link(struct flowbr_bridge *br, struct flowbr_port *port,
		     u32 port_no, struct netlink_ext_ack *extack);
struct flowbr_port *flowbr_port_add_netdev(struct flowbr_bridge *br,
					   struct net_device *dev, u32 port_no,
					   struct flowbr_vlan_cfg *vlan,
					   struct netlink_ext_ack *extack);
void flowbr_port_del(struct flowbr_port *port, struct list_head *unreg_list);
struct flowbr_port *flowbr_port_find(struct flowbr_bridge *br,
				     const char *name, u32 port_no,
				     bool by_no);
struct flowbr_port *flowbr_port_from_dev(const struct net_device *dev);
void flowbr_port_set_vlan(struct flowbr_port *port,
			  struct flowbr_vlan_cfg *cfg);
int flowbr_notifier_register(void);
void flowbr_notifier_unregister(void);

/* internal.c */
struct flowbr_port *flowbr_internal_create(struct flowbr_bridge *br,
					   const char *name, u32 port_no,
					   struct flowbr_vlan_cfg *vlan,
					   struct netlink_ext_ack *extack);
bool flowbr_is_internal_dev(const struct net_device *dev);
struct flowbr_port *flowbr_internal_port(const struct net_device *dev);
void flowbr_internal_detach(struct net_device *dev);
void flowbr_internal_receive(struct flowbr_port *port, struct sk_buff *skb);

/* genl.c */
enum flowbr_genl_flags {
	FLOWBR_NEED_RTNL = BIT(0),
	FLOWBR_NEED_BR	 = BIT(1),
	FLOWBR_NEED_PORT = BIT(2),
};
int flowbr_genl_register(void);
void flowbr_genl_unregister(void);
void flowbr_notify(struct net *net, struct sk_buff *msg);
void *flowbr_genl_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		      u8 cmd);

/* genl_br.c */
int flowbr_br_fill(struct sk_buff *skb, struct flowbr_bridge *br, u32 portid,
		   u32 seq, int flags, u8 cmd);
void flowbr_br_notify(struct flowbr_bridge *br, u8 cmd);
int flowbr_cmd_br_new(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_br_del(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_br_get(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_br_dump_start(struct netlink_callback *cb);
int flowbr_cmd_br_dump(struct sk_buff *skb, struct netlink_callback *cb);
int flowbr_cmd_br_set(struct sk_buff *skb, struct genl_info *info);

/* genl_port.c */
void flowbr_port_notify(struct flowbr_port *port, u8 cmd);
int flowbr_cmd_port_new(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_port_del(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_port_get(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_port_dump_start(struct netlink_callback *cb);
int flowbr_cmd_port_dump(struct sk_buff *skb, struct netlink_callback *cb);
int flowbr_cmd_port_set(struct sk_buff *skb, struct genl_info *info);

/* genl_flow.c */
int flowbr_cmd_flow_new(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_flow_del(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_flow_get(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_flow_dump_start(struct netlink_callback *cb);
int flowbr_cmd_flow_dump(struct sk_buff *skb, struct netlink_callback *cb);
int flowbr_cmd_flow_dump_done(struct netlink_callback *cb);
int flowbr_cmd_flow_flush(struct sk_buff *skb, struct genl_info *info);
int flowbr_cmd_packet_execute(struct sk_buff *skb, struct genl_info *info);
void flowbr_flush_notify(struct flowbr_bridge *br,
			 const struct flowbr_flush_filter *f, unsigned int n);

#endif /* _FLOWBR_H */
