/* SPDX-License-Identifier: GPL-2.0 */
/*
 * agent.h - flowbrd, the flowbr userspace agent: shared state and the
 * interfaces between its parts.
 *
 * Threads:
 *  - main (flowbrd.c): signals, the event multicast socket (bridges and
 *    ports come and go), bridge registration;
 *  - N handlers (agent_upcall.c): read upcalls in batches, learn, decide,
 *    send flow installs and packet executes in batches;
 *  - the revalidator (agent_reval.c): MAC aging, flow dumps (expiry,
 *    revalidation, learning from active flows);
 *  - the control server (agent_ctl.c).
 *
 * All bridge, port and MAC state is under agent.lock (one mutex: the work
 * done under it is short, and there are few threads).
 */
#ifndef FLOWBR_AGENT_H
#define FLOWBR_AGENT_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/flowbr.h>

#include "fbmsg.h"
#include "nl.h"
#include "agent_proto.h"

#define AGENT_NAME		"flowbrd"

/* ---- configuration ---- */

struct agent_config {
	unsigned int handlers;		/* handler threads */
	uint64_t mac_aging_ms;
	uint32_t fdb_limit;		/* MACs per bridge */
	uint64_t max_idle_ms;		/* flows idle this long are deleted */
	uint64_t reval_interval_ms;	/* time between dump passes */
	size_t queue_limit;		/* bytes of upcalls per handler */
	const char *ctl_path;
	const char *pidfile;
	bool detach;
	bool flush_on_start;		/* flush instead of adopting flows */
	int verbose;
};

/* ---- logging (agent_util.c) ---- */

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DBG };

/* Token bucket for one call site: at most @burst messages per @period_ms. */
struct ratelimit {
	pthread_mutex_t lock;
	uint64_t stamp_ms;
	unsigned int tokens;
	unsigned long suppressed;
};

#define RATELIMIT_INIT { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 }

void alog(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Log unless over the call site's rate (10 messages per 5 s). */
void alog_rl(struct ratelimit *rl, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define LOG_RL(lvl, ...) do {					\
		static struct ratelimit rl__ = RATELIMIT_INIT;		\
		alog_rl(&rl__, lvl, __VA_ARGS__);			\
	} while (0)

uint64_t now_ms(void);			/* CLOCK_MONOTONIC */
void mac_fmt(const uint8_t *mac, char *buf);	/* buf: 18 bytes */

static inline bool mac_is_multicast(const uint8_t *mac)
{
	return mac[0] & 1;
}

/* ---- counters ---- */

#define STAT_ADD(field, n) __atomic_add_fetch(&agent.stats.field, (n), __ATOMIC_RELAXED)
#define STAT_INC(field) STAT_ADD(field, 1)
#define STAT_SET(field, v) __atomic_store_n(&agent.stats.field, (v), __ATOMIC_RELAXED)
#define STAT_MAX(field, v) do {						\
		uint64_t v__ = (v);					\
		uint64_t o__ = __atomic_load_n(&agent.stats.field, __ATOMIC_RELAXED);\
		while (v__ > o__ && !__atomic_compare_exchange_n(&agent.stats.field,\
				&o__, v__, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))\
			;						\
	} while (0)

struct agent_stats {
#define X(name, help) uint64_t name;
	AGENT_STATS(X)
#undef X
};

/* ---- MAC table and pending floods (agent_fdb.c) ---- */

struct fdb_entry {
	struct fdb_entry *hnext;	/* hash chain */
	struct fdb_entry *prev, *next;	/* LRU order, oldest first */
	uint64_t key;			/* vlan << 48 | mac */
	uint64_t seen_ms;
	uint16_t port;
};

struct fdb {
	struct fdb_entry **buckets;
	unsigned int bits;
	size_t n, limit;
	struct fdb_entry lru;		/* sentinel */
	/* Bumped by every change that can make a flow stale: a MAC learned,
	 * moved or removed (refreshes leave it alone). */
	uint64_t gen;
};

enum fdb_learn {
	FDB_REFRESHED,
	FDB_NEW,
	FDB_MOVED,
	FDB_FULL,			/* no room and no eviction allowed */
};

int fdb_init(struct fdb *t, size_t limit);
void fdb_destroy(struct fdb *t);
uint64_t fdb_key(uint16_t vlan, const uint8_t *mac);
void fdb_key_split(uint64_t key, uint16_t *vlan, uint8_t *mac);
struct fdb_entry *fdb_lookup(const struct fdb *t, uint16_t vlan,
			     const uint8_t *mac);
/*
 * Learn @mac in @vlan on @port, seen at @seen_ms. A full table evicts its
 * oldest entry if @evict (counted in *evicted), else returns FDB_FULL.
 * *old_port gets the previous port of a moved MAC.
 */
enum fdb_learn fdb_learn(struct fdb *t, uint16_t vlan, const uint8_t *mac,
			 uint16_t port, uint64_t seen_ms, bool evict,
			 uint16_t *old_port, unsigned int *evicted);
void fdb_remove(struct fdb *t, struct fdb_entry *e);
/* Seen again at @seen_ms (if later than known): youngest in LRU order. */
void fdb_touch(struct fdb *t, struct fdb_entry *e, uint64_t seen_ms);
/* Remove entries not seen since @before_ms; returns how many. */
size_t fdb_age(struct fdb *t, uint64_t before_ms);
/* Remove the entries on @port (in every VLAN if @vlan_ok is NULL, else in
 * the VLANs for which vlan_ok(arg, vlan) is false); returns how many. */
size_t fdb_remove_port(struct fdb *t, uint16_t port,
		       bool (*vlan_ok)(const void *arg, uint16_t vlan),
		       const void *arg);
size_t fdb_flush(struct fdb *t);

/*
 * Pending floods: (VLAN, unicast MAC) pairs for which a flow flooding to
 * an unknown destination was installed. Learning such a MAC flushes them.
 */
struct pend_entry {
	struct pend_entry *hnext;
	uint64_t key;
	uint64_t stamp_ms;
};

struct pend {
	struct pend_entry **buckets;
	unsigned int bits;
	size_t n, limit;
};

int pend_init(struct pend *p, size_t limit);
void pend_destroy(struct pend *p);
/* Record or refresh; false if the set is full. */
bool pend_add(struct pend *p, uint16_t vlan, const uint8_t *mac,
	      uint64_t stamp_ms);
/* Remove if present; true if it was. */
bool pend_take(struct pend *p, uint16_t vlan, const uint8_t *mac);
/* Drop entries stamped before @before_ms. */
size_t pend_expire(struct pend *p, uint64_t before_ms);
void pend_flush(struct pend *p);

/* ---- bridges and ports (agent_bridge.c) ---- */

struct agent_port {
	uint32_t no;
	char name[IFNAMSIZ];
	uint8_t mode;			/* enum flowbr_vlan_mode */
	uint16_t tag;
	bool all;			/* trunks every VLAN */
	uint8_t trunks[FLOWBR_VLAN_BITMAP_LEN];
};

struct agent_br {
	struct agent_br *next;
	char name[IFNAMSIZ];
	uint32_t ifindex;
	struct agent_port *ports[FLOWBR_MAX_PORTS];
	uint16_t order[FLOWBR_MAX_PORTS];	/* present ports, ascending */
	unsigned int n_ports;
	struct fdb fdb;
	struct pend pend;
	bool registered;
	/* Revalidator state (agent_reval.c): when the last complete pass
	 * (every flow read, not only idle ones) started, 0 if none has
	 * completed since the last failed one, and the MAC table generation
	 * and count of other clients' flow changes it started from. */
	uint64_t reval_full_ms;
	uint64_t reval_fdb_gen;
	uint32_t reval_external;
};

/* What a flow for a key should do. */
enum fwd_kind {
	FWD_UNICAST,		/* output to the learned port */
	FWD_FLOOD_UNKNOWN,	/* unicast destination not learned: flood */
	FWD_FLOOD,		/* broadcast or multicast: flood */
	FWD_DROP,		/* destination is on the ingress port */
	FWD_INVALID,		/* in_port unknown or not in the VLAN */
};

/* Egress tagging of @p for @vlan (mirrors the kernel); false if it does
 * not carry @vlan. */
bool port_egress(const struct agent_port *p, uint16_t vlan,
		 struct fb_output *out);
/*
 * The actions for @key on @br (lock held): into @out (room for
 * FLOWBR_MAX_ACTIONS), count in *n: one output, or one flood.
 */
enum fwd_kind br_decide(const struct agent_br *br, const struct fb_key *key,
			struct fb_output *out, size_t *n);
/*
 * A flood of @vlan into @out (one FLOWBR_ACT_FLOOD): the kernel sends it to
 * every port that carries the VLAN when a packet comes, except the ingress
 * port, so the flow stays right as ports join or leave the VLAN. Returns 1.
 */
size_t br_flood(uint16_t vlan, struct fb_output *out);
struct agent_br *br_find(uint32_t ifindex);		/* lock held */
struct agent_br *br_find_name(const char *name);	/* lock held */

/* Main thread: sync with the kernel and follow its events. */
int bridges_sync(struct fbnl *req);
int bridges_register_all(struct fbnl *req, bool on);
void bridges_handle_event(struct fbnl *req, const struct nlmsghdr *nlh);
void bridges_free(void);

/* ---- request batches (agent_util.c) ---- */

enum batch_op {
	OP_FLOW_NEW = 1,
	OP_EXECUTE,
	OP_FLUSH,
	OP_FLOW_DEL,
	OP_OTHER,
};

struct batch {
	char *buf;
	size_t size, len;
	unsigned int n;
	uint32_t seq;
	uint16_t family;
	uint8_t version;
	int fd;
};

int batch_init(struct batch *b, size_t size, int fd, uint16_t family,
	       uint8_t version);
void batch_free(struct batch *b);
/* Start a message at the end of the batch; NULL if less than @need bytes
 * are left (send first). */
struct nlmsghdr *batch_start(struct batch *b, uint8_t cmd, enum batch_op op,
			     size_t need);
/* Room for attributes of the message being built (for *_check puts). */
static inline size_t batch_room(const struct batch *b)
{
	return b->size - b->len;
}
void batch_commit(struct batch *b, struct nlmsghdr *nlh);
/* Send everything queued with one send(); 0 or a negative errno. */
int batch_send(struct batch *b);

/* Messages of the fast path. */
bool put_flow_new(struct batch *b, uint32_t br_ifindex,
		  const struct fb_key *key, const struct fb_output *acts,
		  size_t n);
bool put_execute(struct batch *b, uint32_t br_ifindex, uint32_t in_port,
		 const void *pkt, size_t len, const struct fb_output *acts,
		 size_t n);
bool put_agent_mark(struct nlmsghdr *nlh, size_t room);
bool put_flush(struct batch *b, uint32_t br_ifindex, int vlan, int port,
	       uint16_t mac_attr, const uint8_t *mac);
bool put_flow_del(struct batch *b, uint32_t br_ifindex,
		  const struct fb_key *key);

/*
 * Handle the messages of one datagram received on a batch socket that are
 * not upcalls: count and (rate-limited) log errors. Returns true if it was
 * an error or ack message.
 */
bool batch_reply(struct fbnl *nl, const struct nlmsghdr *nlh);

/* Big buffers, no ENOBUFS: for sockets that must not lose messages. */
void sock_tune(int fd, int rcvbuf, int sndbuf, bool no_enobufs);

/* ---- threads ---- */

struct upq;

struct handler {
	unsigned int idx;
	pthread_t thread;
	bool started;
	struct fbnl nl;
	char *rx;			/* receive buffer */
	size_t rx_size;
	struct batch tx;
	struct fb_output *acts;		/* FLOWBR_MAX_ACTIONS scratch */
	struct upq *q;			/* upcalls read, not yet handled */
};

int handlers_start(void);
void handlers_stop(void);

int reval_start(void);
void reval_stop(void);
/* Ask for a pass as soon as possible. */
void reval_kick(void);

int ctl_start(void);
void ctl_stop(void);

/* ---- the agent ---- */

struct agent {
	struct agent_config cfg;
	pthread_mutex_t lock;
	struct agent_br *brs;
	uint16_t family;
	uint8_t version;
	uint32_t features;		/* FLOWBR_F_*, from GET_INFO */
	struct handler *handlers;
	uint32_t *pids;			/* handler port ids */
	unsigned int n_pids;
	int stop_fd;			/* eventfd: readable when stopping */
	volatile int stopping;
	uint64_t start_ms;
	struct agent_stats stats;
};

extern struct agent agent;

static inline void agent_lock(void)
{
	pthread_mutex_lock(&agent.lock);
}

static inline void agent_unlock(void)
{
	pthread_mutex_unlock(&agent.lock);
}

#endif /* FLOWBR_AGENT_H */
