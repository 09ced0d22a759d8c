// SPDX-License-Identifier: GPL-2.0
/*
 * agent_upcall.c - flowbrd's handler threads. Each owns one netlink socket
 * registered with every bridge (a miss on CPU c goes to handler c % n).
 * The kernel packs up to 64 upcalls into a datagram.
 *
 * A handler reads what its socket holds into one queue per ingress port
 * (agent_upq.c), then serves the queues round-robin, up to HANDLER_QUANTUM
 * upcalls of each per round: it learns the source MACs, decides each
 * packet's outputs, and sends the round's flow installs, flushes and
 * packet executes in one send(). So a port flooding the agent with new
 * MACs delays a quiet port's new MAC by one round, not by its whole
 * backlog. The queues are bounded in bytes (--queue-limit, frames and 48
 * bytes each: a burst of 50000 new MACs in 60-byte frames takes 5 MiB):
 * past the bound, the oldest upcalls of the longest queue are dropped
 * (upcalls_shed). Errors of the requests come back on the same socket.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "agent.h"
#include "agent_upq.h"

/* One datagram holds at most 64 upcalls of at most a 64 KiB frame each. */
#define HANDLER_RX_SIZE		(64 * (65536 + 512))
#define HANDLER_TX_SIZE		(2 * 1024 * 1024)
/*
 * Large: an upcall the buffer cannot take is flooded by the kernel and its
 * MAC not learned. (2 MiB, to bound how late a backlog delivers frames,
 * made a 50000-MAC burst in the emulated test VM lose 64% of its upcalls
 * instead of 15%.)
 */
#define HANDLER_RCVBUF		(64 * 1024 * 1024)
#define HANDLER_SNDBUF		(8 * 1024 * 1024)
/*
 * Datagrams read per round, at most: more than the kernel sends in the
 * time a round takes, so that the socket is emptied, and with it no
 * upcall of a quiet port waits behind a noisy one's in the socket.
 */
#define HANDLER_BUDGET		1024
/* Upcalls of one port handled per round: one datagram's worth. */
#define HANDLER_QUANTUM		64

static int parse_upcall(const struct nlmsghdr *nlh, struct upcall *u)
{
	const struct nlattr *tb[FLOWBR_A_MAX + 1];

	if (fbnl_parse(nlh, tb, FLOWBR_A_MAX) < 0 ||
	    !fbnl_get_u32(tb[FLOWBR_A_BR_IFINDEX], &u->br_ifindex) ||
	    !tb[FLOWBR_A_KEY] || !tb[FLOWBR_A_PACKET] ||
	    fb_parse_key(tb[FLOWBR_A_KEY], &u->key))
		return -EBADMSG;
	u->pkt = mnl_attr_get_payload(tb[FLOWBR_A_PACKET]);
	u->len = mnl_attr_get_payload_len(tb[FLOWBR_A_PACKET]);
	return u->len >= 14 ? 0 : -EBADMSG;
}

/* Which flows the upcall's source MAC made stale. */
enum stale {
	STALE_NONE,
	STALE_TO,		/* learned: the flows to it (they flood) */
	STALE_MOVED,		/* moved: those and its flows on the old port */
};

/* What to send for one upcall, decided under the lock. */
struct verdict {
	enum stale flush;
	uint16_t old_port;	/* STALE_MOVED: where the MAC was */
	bool install;
	size_t n;
};

static void decide(struct handler *h, struct agent_br *br,
		   const struct upcall *u, struct verdict *v)
{
	const struct fb_key *key = &u->key;
	unsigned int evicted = 0;
	uint16_t old_port = 0;
	enum fwd_kind kind;
	char mac[18];

	v->flush = STALE_NONE;
	v->install = true;

	/* Learn the source on the ingress port (never a group address). */
	if (!mac_is_multicast(key->src) && key->in_port < FLOWBR_MAX_PORTS &&
	    br->ports[key->in_port]) {
		switch (fdb_learn(&br->fdb, key->vlan, key->src, key->in_port,
				  now_ms(), true, &old_port, &evicted)) {
		case FDB_NEW:
			STAT_INC(macs_learned);
			/* Flows flooding to it as an unknown destination. */
			if (pend_take(&br->pend, key->vlan, key->src))
				v->flush = STALE_TO;
			break;
		case FDB_MOVED:
			STAT_INC(macs_moved);
			pend_take(&br->pend, key->vlan, key->src);
			v->flush = STALE_MOVED;
			v->old_port = old_port;
			if (agent.cfg.verbose) {
				mac_fmt(key->src, mac);
				alog(LOG_DBG, "%s: %s in VLAN %u moved from "
				     "port %u to %u", br->name, mac,
				     key->vlan, old_port, key->in_port);
			}
			break;
		default:
			break;
		}
		if (evicted)
			STAT_ADD(macs_evicted, evicted);
	}

	kind = br_decide(br, key, h->acts, &v->n);
	switch (kind) {
	case FWD_INVALID:
		/*
		 * A port we have not heard of yet (its event is on its way),
		 * or whose VLANs just changed: forward this packet like the
		 * kernel's miss policy would, but install nothing.
		 */
		v->install = false;
		v->n = br_flood(key->vlan, h->acts);
		break;
	case FWD_FLOOD_UNKNOWN:
		/* Learning the destination must flush this flow. */
		if (!pend_add(&br->pend, key->vlan, key->dst, now_ms())) {
			v->install = false;
			STAT_INC(flood_no_flow);
		}
		break;
	default:
		break;
	}
}

/*
 * The flushes for a learned or moved source MAC. Another handler may be
 * installing flows from that MAC right now, computed after the learning:
 * only the flows to it, and on a move its flows from the old port, are
 * stale. A module without FLOWBR_F_FLUSH_SRC_DST takes the MAC either
 * way, which can cost such a flow one more upcall.
 */
static bool queue_flush(struct batch *b, const struct upcall *u,
			const struct verdict *v)
{
	const struct fb_key *key = &u->key;

	if (v->flush == STALE_NONE)
		return true;
	if (!(agent.features & FLOWBR_F_FLUSH_SRC_DST))
		return put_flush(b, u->br_ifindex, key->vlan, -1, FLOWBR_A_MAC,
				 key->src);
	return put_flush(b, u->br_ifindex, key->vlan, -1, FLOWBR_A_MAC_DST,
			 key->src) &&
	       (v->flush != STALE_MOVED ||
		put_flush(b, u->br_ifindex, key->vlan, v->old_port,
			  FLOWBR_A_MAC_SRC, key->src));
}

static bool queue(struct handler *h, const struct upcall *u,
		  const struct verdict *v)
{
	struct batch *b = &h->tx;
	size_t mark_len = b->len;
	unsigned int mark_n = b->n;

	if (!queue_flush(b, u, v) ||
	    (v->install && !put_flow_new(b, u->br_ifindex, &u->key, h->acts,
					 v->n)) ||
	    !put_execute(b, u->br_ifindex, u->key.in_port, u->pkt, u->len,
			 h->acts, v->n)) {
		/* Not all of it fits: drop the partial requests. */
		b->len = mark_len;
		b->n = mark_n;
		return false;
	}
	return true;
}

static void handle_upcall(struct handler *h, const struct upcall *u)
{
	struct agent_br *br;
	struct verdict v;

	agent_lock();
	br = br_find(u->br_ifindex);
	if (br)
		decide(h, br, u, &v);
	agent_unlock();
	if (!br) {
		STAT_INC(upcalls_bad);
		LOG_RL(LOG_INFO, "upcall from unknown bridge ifindex %u "
		       "dropped", u->br_ifindex);
		return;
	}
	if (!queue(h, u, &v)) {
		batch_send(&h->tx);
		if (!queue(h, u, &v)) {
			LOG_RL(LOG_ERR, "upcall of %zu bytes does not fit a "
			       "request batch: dropped", u->len);
			return;
		}
	}
	if (v.flush != STALE_NONE)
		STAT_INC(mac_flushes);
	if (v.install)
		STAT_INC(flows_installed);
	STAT_INC(packets_executed);
}

/* Copy an upcall of a datagram into its port's queue. */
static void enqueue(struct handler *h, const struct nlmsghdr *nlh)
{
	struct upcall u;
	int shed;

	if (parse_upcall(nlh, &u)) {
		STAT_INC(upcalls_bad);
		LOG_RL(LOG_WARN, "malformed upcall ignored");
		return;
	}
	shed = upq_add(h->q, &u);
	if (shed < 0) {
		STAT_INC(upcalls_shed);
		LOG_RL(LOG_ERR, "out of memory: upcall dropped");
		return;
	}
	if (shed)
		STAT_ADD(upcalls_shed, shed);
	STAT_MAX(upcall_queue_max, upq_count(h->q));
}

static void serve_one(const struct upcall *u, void *arg)
{
	handle_upcall(arg, u);
}

/* One round of the queues; its requests sent together. */
static void serve_round(struct handler *h)
{
	STAT_ADD(upcalls, upq_round(h->q, HANDLER_QUANTUM, serve_one, h,
				    &agent.stopping));
	batch_send(&h->tx);
}

/* ---- reading ---- */

static void read_datagram(struct handler *h, size_t size)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)h->rx;
	int len = (int)size;
	uint64_t n = 0;

	while (mnl_nlmsg_ok(nlh, len)) {
		if (nlh->nlmsg_type == agent.family &&
		    fbnl_cmd(nlh) == FLOWBR_CMD_UPCALL) {
			enqueue(h, nlh);
			n++;
		} else {
			/* Errors of our requests, FLOW_FLUSH replies. */
			batch_reply(&h->nl, nlh);
		}
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	if (n) {
		STAT_INC(upcall_batches);
		STAT_MAX(upcall_batch_max, n);
	}
}

/* Read up to HANDLER_BUDGET datagrams; false on a socket error. */
static bool handler_read(struct handler *h)
{
	int fd = fbnl_fd(&h->nl), i;
	ssize_t r;

	for (i = 0; i < HANDLER_BUDGET && !agent.stopping; i++) {
		r = recv(fd, h->rx, h->rx_size, MSG_DONTWAIT | MSG_TRUNC);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			if (errno == ENOBUFS) {
				STAT_INC(rx_overruns);
				continue;
			}
			LOG_RL(LOG_ERR, "handler %u: cannot read upcalls: %s",
			       h->idx, strerror(errno));
			return false;
		}
		if ((size_t)r > h->rx_size) {
			LOG_RL(LOG_ERR, "handler %u: %zd-byte datagram "
			       "truncated: upcalls lost", h->idx, r);
			STAT_INC(upcalls_bad);
			continue;
		}
		read_datagram(h, (size_t)r);
	}
	return true;
}

/* Read and serve rounds until the socket and the queues are empty. */
static void handler_drain(struct handler *h)
{
	do {
		if (!handler_read(h))
			return;
		serve_round(h);
	} while (upq_count(h->q) && !agent.stopping);
}

static void *handler_main(void *arg)
{
	struct handler *h = arg;
	struct pollfd pfd[2] = {
		{ .fd = fbnl_fd(&h->nl), .events = POLLIN },
		{ .fd = agent.stop_fd, .events = POLLIN },
	};

	while (!agent.stopping) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			alog(LOG_ERR, "handler %u: poll: %s", h->idx,
			     strerror(errno));
			break;
		}
		if (pfd[1].revents)
			break;
		if (pfd[0].revents)
			handler_drain(h);
	}
	return NULL;
}

static void handler_close(struct handler *h)
{
	if (h->nl.sock)
		fbnl_close(&h->nl);
	batch_free(&h->tx);
	upq_free(h->q);
	free(h->rx);
	free(h->acts);
	h->q = NULL;
	h->rx = NULL;
	h->acts = NULL;
}

static int handler_open(struct handler *h, unsigned int idx)
{
	int err;

	h->idx = idx;
	err = fbnl_open_family(&h->nl, agent.family, agent.version);
	if (err)
		return err;
	sock_tune(fbnl_fd(&h->nl), HANDLER_RCVBUF, HANDLER_SNDBUF, true);
	h->rx_size = HANDLER_RX_SIZE;
	h->rx = malloc(h->rx_size);
	h->acts = calloc(FLOWBR_MAX_ACTIONS, sizeof(*h->acts));
	h->q = upq_new(agent.cfg.queue_limit);
	if (!h->rx || !h->acts || !h->q)
		return -ENOMEM;
	return batch_init(&h->tx, HANDLER_TX_SIZE, fbnl_fd(&h->nl),
			  agent.family, agent.version);
}

int handlers_start(void)
{
	unsigned int n = agent.cfg.handlers, i;
	int err;

	agent.handlers = calloc(n, sizeof(*agent.handlers));
	agent.pids = calloc(n, sizeof(*agent.pids));
	if (!agent.handlers || !agent.pids)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct handler *h = &agent.handlers[i];

		err = handler_open(h, i);
		if (err) {
			alog(LOG_ERR, "cannot open handler socket %u: %s", i,
			     strerror(-err));
			return err;
		}
		agent.pids[i] = h->nl.portid;
		agent.n_pids = i + 1;
	}
	for (i = 0; i < n; i++) {
		struct handler *h = &agent.handlers[i];

		err = pthread_create(&h->thread, NULL, handler_main, h);
		if (err) {
			alog(LOG_ERR, "cannot start handler thread %u: %s", i,
			     strerror(err));
			return -err;
		}
		h->started = true;
	}
	return 0;
}

void handlers_stop(void)
{
	unsigned int i;

	if (!agent.handlers)
		return;
	for (i = 0; i < agent.cfg.handlers; i++)
		if (agent.handlers[i].started)
			pthread_join(agent.handlers[i].thread, NULL);
	for (i = 0; i < agent.cfg.handlers; i++)
		handler_close(&agent.handlers[i]);
	free(agent.handlers);
	free(agent.pids);
	agent.handlers = NULL;
	agent.pids = NULL;
	agent.n_pids = 0;
}
