// SPDX-License-Identifier: GPL-2.0
/*
 * agent_reval.c - flowbrd's revalidator thread.
 *
 * Every pass (each reval_interval, or at once when kicked by a port event
 * or a control request) it:
 *  1. ages out MACs not seen for mac_aging;
 *  2. dumps the flows of every bridge and, for each flow,
 *     - deletes it if it has been idle for max_idle (the kernel's per-flow
 *       idle time),
 *     - learns from it: an active flow refreshes its source MAC (hits do not
 *       upcall), and a flow whose source is unknown seeds the MAC table (a
 *       restarted agent adopts the flows it finds),
 *     - deletes it if its source MAC is now learned on another port, or its
 *       in_port no longer carries its VLAN,
 *     - rewrites its actions if the MAC table or the ports now say
 *       otherwise (a MAC aged out: flows to it flood again; the learned
 *       port no longer carries the VLAN; a flood written by an older agent
 *       as a list of outputs). A flood names no port (FLOWBR_ACT_FLOOD),
 *       so ports joining or leaving a VLAN rewrite none;
 *  3. sends the deletes and rewrites in batches, draining the replies.
 * The dump is collected first and acted on afterwards, so the kernel's
 * table walk is never disturbed by our own changes.
 *
 * Steps 2's learning and revalidation matter only when something changed,
 * so a pass reads every flow (a complete pass) only when kicked, on its
 * first pass over a bridge, when the bridge's MAC table changed since the
 * last complete pass (a MAC learned, moved or removed), and every quarter
 * of mac_aging (refreshing the MACs of busy flows before they age out).
 * Otherwise it asks the kernel for the flows idle for max_idle only
 * (FLOWBR_A_FLOW_IDLE_MIN) and deletes those: with 100000 busy flows that
 * is a walk in the kernel, not 100000 flows copied to us and parsed.
 * Flows changed by another netlink client (`flowbr add-flow`, a script)
 * are not ours to know about: the kernel counts such changes per bridge
 * (FLOWBR_A_BR_FLOW_EXTERNAL, ours carry FLOWBR_A_AGENT), and a pass that
 * sees the count moved since the last complete pass is a complete one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "agent.h"

#define REVAL_TX_SIZE	(128 * 1024)
#define REVAL_RCVBUF	(32 * 1024 * 1024)

enum op_kind { OP_DEL, OP_REWRITE };

struct op {
	struct fb_key key;
	uint8_t kind;
};

struct pass_ctx {
	uint32_t ifindex;
	uint64_t now;
	struct op *ops;
	size_t n, cap;
	bool again;		/* learned something that needs another pass */
	bool gone;		/* the bridge went away */
	bool full;		/* reading every flow, not only idle ones */
	uint64_t fdb_gen;	/* the MAC table generation a full pass saw */
	uint32_t external;	/* the bridge's count of others' flow changes */
	bool has_external;	/* ... if the kernel gave it */
};

static struct {
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool kick;
	struct fbnl dump;	/* flow dumps */
	struct fbnl mod;	/* deletes and rewrites, no acks */
	struct batch tx;
	struct fb_output *acts;
	struct pass_ctx ctx;
	bool kicked;		/* the pass running was asked for */
} R = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
};

void reval_kick(void)
{
	pthread_mutex_lock(&R.mu);
	R.kick = true;
	pthread_cond_signal(&R.cond);
	pthread_mutex_unlock(&R.mu);
}

static bool acts_equal(const struct fb_output *a, size_t na,
		       const struct fb_output *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (a[i].flood != b[i].flood)
			return false;
		if (a[i].flood) {
			if (a[i].vid != b[i].vid)
				return false;
			continue;
		}
		if (a[i].port != b[i].port || a[i].tag_op != b[i].tag_op ||
		    (a[i].tag_op == FLOWBR_TAG_PUSH && a[i].vid != b[i].vid))
			return false;
	}
	return true;
}

static int add_op(struct pass_ctx *c, const struct fb_key *key,
		  enum op_kind kind)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct op *v = realloc(c->ops, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->ops = v;
		c->cap = cap;
	}
	c->ops[c->n].key = *key;
	c->ops[c->n].kind = kind;
	c->n++;
	return 0;
}

/* Is the source of @key learned on another port (lock held)? */
static bool src_elsewhere(const struct agent_br *br, const struct fb_key *key)
{
	const struct fdb_entry *e;

	if (mac_is_multicast(key->src))
		return false;
	e = fdb_lookup(&br->fdb, key->vlan, key->src);
	return e && e->port != key->in_port;
}

/*
 * Should a flow with @key exist (lock held)? If so its actions are in
 * R.acts (*n of them). A flow flooding to an unknown destination is only
 * kept while the pending set can remember it (learning the destination
 * must flush it).
 */
static bool flow_valid(struct agent_br *br, const struct fb_key *key,
		       size_t *n, uint64_t now)
{
	enum fwd_kind kind = br_decide(br, key, R.acts, n);

	if (kind == FWD_INVALID || src_elsewhere(br, key))
		return false;
	if (kind == FWD_FLOOD_UNKNOWN &&
	    !pend_add(&br->pend, key->vlan, key->dst, now))
		return false;
	return true;
}

/* Learn from a live flow (lock held). */
static void learn_from_flow(struct pass_ctx *c, struct agent_br *br,
			    const struct fb_flow *f)
{
	const struct fb_key *key = &f->key;
	uint64_t seen = c->now > f->idle_ms ? c->now - f->idle_ms : 0;
	unsigned int evicted = 0;
	struct fdb_entry *e;
	uint16_t old;

	if (mac_is_multicast(key->src) || key->in_port >= FLOWBR_MAX_PORTS ||
	    !br->ports[key->in_port])
		return;
	e = fdb_lookup(&br->fdb, key->vlan, key->src);
	if (e) {
		if (e->port == key->in_port)
			fdb_touch(&br->fdb, e, seen);
		return;
	}
	if (f->idle_ms >= agent.cfg.mac_aging_ms)
		return;
	/* Never evict for a flow: only the upcall path does that. */
	if (fdb_learn(&br->fdb, key->vlan, key->src, key->in_port, seen,
		      false, &old, &evicted) == FDB_NEW) {
		STAT_INC(macs_adopted);
		/* Flows already dumped may flood to it: look again. */
		if (pend_take(&br->pend, key->vlan, key->src))
			c->again = true;
	}
}

static int flow_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pass_ctx *c = data;
	struct agent_br *br;
	struct fb_flow f;
	size_t n;
	int err = 0;

	if (agent.stopping)
		return MNL_CB_STOP;
	if (fb_parse_flow(nlh, &f))
		return MNL_CB_OK;
	STAT_INC(reval_flows);
	if (!f.has_stats)
		goto out;
	if (f.idle_ms >= agent.cfg.max_idle_ms) {
		err = add_op(c, &f.key, OP_DEL);
		STAT_INC(flows_expired);
		goto out;
	}

	agent_lock();
	br = br_find(c->ifindex);
	if (!br) {
		agent_unlock();
		c->gone = true;
		fb_flow_free(&f);
		return MNL_CB_STOP;
	}
	learn_from_flow(c, br, &f);
	if (!flow_valid(br, &f.key, &n, c->now)) {
		err = add_op(c, &f.key, OP_DEL);
		STAT_INC(flows_stale);
	} else if (!acts_equal(f.acts, f.n_acts, R.acts, n)) {
		err = add_op(c, &f.key, OP_REWRITE);
		STAT_INC(flows_rewritten);
	}
	agent_unlock();
out:
	fb_flow_free(&f);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* Read the replies and errors of the requests sent so far. */
static void drain_mod(void)
{
	int fd = fbnl_fd(&R.mod);
	ssize_t r;

	for (;;) {
		const struct nlmsghdr *nlh;
		int len;

		r = recv(fd, R.mod.rx, FBNL_RX_SIZE, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return;
		}
		len = (int)r;
		for (nlh = (const struct nlmsghdr *)R.mod.rx;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			batch_reply(&R.mod, nlh);
	}
}

static void send_mod(void)
{
	batch_send(&R.tx);
	drain_mod();
}

/* Queue the request for one op (lock not held). */
static void queue_op(struct pass_ctx *c, const struct op *op)
{
	bool del = op->kind == OP_DEL, ok;
	struct agent_br *br;
	size_t n = 0;
	int tries;

	if (!del) {
		/* Decide again: things may have changed since the dump. */
		agent_lock();
		br = br_find(c->ifindex);
		del = !br || !flow_valid(br, &op->key, &n, c->now);
		agent_unlock();
	}
	for (tries = 0; tries < 2; tries++) {
		ok = del ? put_flow_del(&R.tx, c->ifindex, &op->key) :
			   put_flow_new(&R.tx, c->ifindex, &op->key, R.acts, n);
		if (ok)
			return;
		send_mod();
	}
	LOG_RL(LOG_ERR, "revalidation request does not fit a batch");
}

/*
 * Must this pass read every flow of @br (lock held)? See the top of the
 * file. If so, remember the MAC table generation it starts from.
 */
static bool want_full(struct pass_ctx *c, struct agent_br *br,
		      uint64_t start)
{
	bool external = c->has_external && c->external != br->reval_external;
	bool full = R.kicked || !br->reval_full_ms ||
		    !(agent.features & FLOWBR_F_DUMP_IDLE) ||
		    br->fdb.gen != br->reval_fdb_gen ||
		    start - br->reval_full_ms >= agent.cfg.mac_aging_ms / 4;

	if (!full && external) {
		STAT_INC(reval_external);
		full = true;
	}
	if (full)
		c->fdb_gen = br->fdb.gen;
	return full;
}

static int external_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FLOWBR_A_MAX + 1];
	struct pass_ctx *c = data;

	if (fbnl_parse(nlh, tb, FLOWBR_A_MAX) == 0 &&
	    fbnl_get_u32(tb[FLOWBR_A_BR_FLOW_EXTERNAL], &c->external))
		c->has_external = true;
	return MNL_CB_OK;
}

/*
 * Read the bridge's count of flow changes made by other clients, before
 * the dump: a change made during the pass moves it for the next one.
 */
static void read_external(struct pass_ctx *c)
{
	struct nlmsghdr *nlh;

	c->has_external = false;
	if (!(agent.features & FLOWBR_F_FLOW_EXTERNAL))
		return;
	nlh = fbnl_req(&R.dump, FLOWBR_CMD_BR_GET, 0);
	mnl_attr_put_u32(nlh, FLOWBR_A_BR_IFINDEX, c->ifindex);
	fbnl_talk(&R.dump, nlh, external_cb, c);
}

static void pass_bridge(uint32_t ifindex, uint64_t start)
{
	struct pass_ctx *c = &R.ctx;
	struct nlmsghdr *nlh;
	struct agent_br *br;
	size_t i;
	int err;

	c->ifindex = ifindex;
	c->now = now_ms();
	c->n = 0;
	c->gone = false;
	read_external(c);
	agent_lock();
	br = br_find(ifindex);
	c->full = !br || want_full(c, br, start);
	agent_unlock();
	nlh = fbnl_req(&R.dump, FLOWBR_CMD_FLOW_GET, NLM_F_DUMP);
	mnl_attr_put_u32(nlh, FLOWBR_A_BR_IFINDEX, ifindex);
	if (!c->full) {
		/* The kernel's filter is in ms, at most a day. */
		uint64_t idle = agent.cfg.max_idle_ms;

		mnl_attr_put_u32(nlh, FLOWBR_A_FLOW_IDLE_MIN,
				 idle < FLOWBR_MAX_FLOW_IDLE_MIN ?
				 (uint32_t)idle : FLOWBR_MAX_FLOW_IDLE_MIN);
		STAT_INC(reval_idle_dumps);
	}
	err = fbnl_talk(&R.dump, nlh, flow_cb, c);
	if (err == -ENODEV || c->gone || agent.stopping)
		return;
	if (err)
		LOG_RL(LOG_WARN, "flow dump of bridge ifindex %u failed: %s%s%s",
		       ifindex, strerror(-err), R.dump.ext_msg[0] ? ": " : "",
		       R.dump.ext_msg);

	for (i = 0; i < c->n && !agent.stopping; i++)
		queue_op(c, &c->ops[i]);
	send_mod();

	/* A complete dump saw every flooding flow: forget the others. */
	if (!c->full)
		return;
	agent_lock();
	br = br_find(ifindex);
	if (br && !err && !R.dump.dump_intr) {
		pend_expire(&br->pend, start);
		br->reval_full_ms = start;
		br->reval_fdb_gen = c->fdb_gen;
		if (c->has_external)
			br->reval_external = c->external;
	} else if (br) {
		br->reval_full_ms = 0;	/* the next pass reads all again */
	}
	agent_unlock();
}

static void pass(void)
{
	uint64_t start = now_ms(), took;
	uint32_t *ifx = NULL;
	size_t n = 0, i, aged;
	struct agent_br *br;

	agent_lock();
	for (br = agent.brs; br; br = br->next) {
		if (start > agent.cfg.mac_aging_ms) {
			aged = fdb_age(&br->fdb, start - agent.cfg.mac_aging_ms);
			if (aged)
				STAT_ADD(macs_aged, aged);
		}
		n++;
	}
	ifx = n ? calloc(n, sizeof(*ifx)) : NULL;
	n = 0;
	for (br = agent.brs; ifx && br; br = br->next)
		ifx[n++] = br->ifindex;
	agent_unlock();

	R.ctx.again = false;
	for (i = 0; i < n && !agent.stopping; i++)
		pass_bridge(ifx[i], start);
	free(ifx);

	took = now_ms() - start;
	STAT_INC(reval_passes);
	STAT_SET(reval_last_ms, took);
	STAT_MAX(reval_max_ms, took);
	if (R.ctx.again)
		reval_kick();
}

/*
 * When the next periodic pass starts: reval_interval after the last one
 * started, and no sooner than three times its duration after it ended, so
 * that dumping a big table takes at most a quarter of a CPU from the
 * packet path (a 100000-flow pass takes a second or more in a slow VM).
 * The pause is bounded by max_idle, so a flow is deleted before it has
 * been idle for twice that. Kicks (a port's VLAN change, MAC moves,
 * control requests) start a pass at once.
 */
static uint64_t next_pass(uint64_t start, uint64_t took)
{
	uint64_t pause = 3 * took, next;

	if (pause > agent.cfg.max_idle_ms)
		pause = agent.cfg.max_idle_ms;
	next = start + agent.cfg.reval_interval_ms;
	if (start + took + pause > next)
		next = start + took + pause;
	return next;
}

static void *reval_main(void *arg)
{
	uint64_t last = 0, took = 0, next;
	struct timespec ts;

	(void)arg;
	while (!agent.stopping) {
		pthread_mutex_lock(&R.mu);
		next = next_pass(last, took);
		while (!R.kick && !agent.stopping && now_ms() < next) {
			ts.tv_sec = next / 1000;
			ts.tv_nsec = (next % 1000) * 1000000;
			pthread_cond_timedwait(&R.cond, &R.mu, &ts);
		}
		R.kicked = R.kick;
		R.kick = false;
		pthread_mutex_unlock(&R.mu);
		if (agent.stopping)
			break;
		last = now_ms();
		pass();
		took = now_ms() - last;
	}
	return NULL;
}

int reval_start(void)
{
	pthread_condattr_t ca;
	int err;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	err = pthread_cond_init(&R.cond, &ca);
	pthread_condattr_destroy(&ca);
	if (err)
		return -err;
	err = fbnl_open_family(&R.dump, agent.family, agent.version);
	if (err)
		return err;
	sock_tune(fbnl_fd(&R.dump), 4 * 1024 * 1024, 0, false);
	err = fbnl_open_family(&R.mod, agent.family, agent.version);
	if (err)
		return err;
	sock_tune(fbnl_fd(&R.mod), REVAL_RCVBUF, 4 * 1024 * 1024, true);
	err = batch_init(&R.tx, REVAL_TX_SIZE, fbnl_fd(&R.mod), agent.family,
			 agent.version);
	if (err)
		return err;
	R.acts = calloc(FLOWBR_MAX_ACTIONS, sizeof(*R.acts));
	if (!R.acts)
		return -ENOMEM;
	err = pthread_create(&R.thread, NULL, reval_main, NULL);
	if (err)
		return -err;
	R.started = true;
	return 0;
}

void reval_stop(void)
{
	if (R.started) {
		reval_kick();
		pthread_join(R.thread, NULL);
		R.started = false;
	}
	if (R.dump.sock)
		fbnl_close(&R.dump);
	if (R.mod.sock)
		fbnl_close(&R.mod);
	batch_free(&R.tx);
	free(R.acts);
	free(R.ctx.ops);
	R.acts = NULL;
	R.ctx.ops = NULL;
	pthread_cond_destroy(&R.cond);
}
