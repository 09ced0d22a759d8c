// SPDX-License-Identifier: GPL-2.0
/*
 * agent_upcall.c - flowbrd's handler threads. Each owns one netlink socket
 * registered with every bridge (a miss on CPU c goes to handler c % n).
 * The kernel packs up to 64 upcalls into a datagram.
 *
 * A handler reads what its socket holds into one queue per ingress port
 * (reading is cheap; handling an upcall costs a flow install and a packet
 * execute in the kernel), then serves the queues round-robin, up to
 * HANDLER_QUANTUM upcalls of each per round: it learns the source MACs,
 * decides each packet's outputs, and sends the round's flow installs,
 * flushes and packet executes in one send(). So a port flooding the agent
 * with new MACs delays a quiet port's new MAC by one round, not by its
 * whole backlog. The queues are bounded in bytes (--queue-limit, frames
 * and 48 bytes each: a burst of 50000 new MACs in 60-byte frames takes
 * 5 MiB): past the bound, the oldest upcalls of the longest queue are
 * dropped (upcalls_shed).
 * Errors of the requests come back on the same socket.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "agent.h"

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
#define PORTQ_BUCKETS		256

struct upcall {
	uint32_t br_ifindex;
	struct fb_key key;
	const void *pkt;
	size_t len;
};

/* One upcall waiting in its port's queue, with a copy of its frame. */
struct pending {
	struct pending *next;
	struct upcall u;
	unsigned char frame[];
};

/* The upcalls of one ingress port waiting in a handler, oldest first. */
struct portq {
	struct portq *hnext;		/* hash chain */
	struct portq *rnext;		/* round-robin order */
	uint32_t br_ifindex;
	uint32_t port;
	struct pending *head, *tail;
	size_t n, bytes;
};

struct upqueues {
	struct portq *buckets[PORTQ_BUCKETS];
	struct portq *rr_head, *rr_tail;	/* the queues with upcalls */
	size_t n, bytes;
};

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

/* What to send for one upcall, decided under the lock. */
struct verdict {
	bool flush;		/* flows with the source MAC are stale */
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

	v->flush = false;
	v->install = true;

	/* Learn the source on the ingress port (never a group address). */
	if (!mac_is_multicast(key->src) && key->in_port < FLOWBR_MAX_PORTS &&
	    br->ports[key->in_port]) {
		switch (fdb_learn(&br->fdb, key->vlan, key->src, key->in_port,
				  now_ms(), true, &old_port, &evicted)) {
		case FDB_NEW:
			STAT_INC(macs_learned);
			/* Flows flooding to it as an unknown destination. */
			v->flush = pend_take(&br->pend, key->vlan, key->src);
			break;
		case FDB_MOVED:
			STAT_INC(macs_moved);
			pend_take(&br->pend, key->vlan, key->src);
			v->flush = true;
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

static bool queue(struct handler *h, const struct upcall *u,
		  const struct verdict *v)
{
	struct batch *b = &h->tx;
	size_t mark_len = b->len;
	unsigned int mark_n = b->n;

	if ((v->flush && !put_flush(b, u->br_ifindex, u->key.vlan, u->key.src)) ||
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
	if (v.flush)
		STAT_INC(mac_flushes);
	if (v.install)
		STAT_INC(flows_installed);
	STAT_INC(packets_executed);
}

/* ---- the port queues ---- */

static unsigned int portq_hash(uint32_t br_ifindex, uint32_t port)
{
	return (br_ifindex * 2654435761u ^ port * 40503u) % PORTQ_BUCKETS;
}

static struct portq *portq_get(struct upqueues *qs, uint32_t br_ifindex,
			       uint32_t port)
{
	struct portq **b = &qs->buckets[portq_hash(br_ifindex, port)], *q;

	for (q = *b; q; q = q->hnext)
		if (q->br_ifindex == br_ifindex && q->port == port)
			return q;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->br_ifindex = br_ifindex;
	q->port = port;
	q->hnext = *b;
	*b = q;
	/* New queues are empty: the caller fills it and links it for RR. */
	return q;
}

/* Unlink an empty queue from the hash table and free it. */
static void portq_free(struct upqueues *qs, struct portq *q)
{
	struct portq **p = &qs->buckets[portq_hash(q->br_ifindex, q->port)];

	while (*p != q)
		p = &(*p)->hnext;
	*p = q->hnext;
	free(q);
}

static void rr_push(struct upqueues *qs, struct portq *q)
{
	q->rnext = NULL;
	if (qs->rr_tail)
		qs->rr_tail->rnext = q;
	else
		qs->rr_head = q;
	qs->rr_tail = q;
}

static struct portq *rr_pop(struct upqueues *qs)
{
	struct portq *q = qs->rr_head;

	if (q) {
		qs->rr_head = q->rnext;
		if (!qs->rr_head)
			qs->rr_tail = NULL;
	}
	return q;
}

static struct pending *portq_take(struct upqueues *qs, struct portq *q)
{
	struct pending *p = q->head;
	size_t sz = sizeof(*p) + p->u.len;

	q->head = p->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	q->bytes -= sz;
	qs->n--;
	qs->bytes -= sz;
	return p;
}

/*
 * Over the byte bound: drop the oldest upcalls of the longest queue (a
 * port sending more new MACs than the agent handles) until under it. Its
 * frames are lost, as the kernel's miss policy drop would lose them.
 */
static void shed(struct upqueues *qs)
{
	struct portq *q, *big;

	while (qs->bytes > agent.cfg.queue_limit) {
		big = qs->rr_head;
		for (q = big; q; q = q->rnext)
			if (q->bytes > big->bytes)
				big = q;
		/* Never empties it: the queue stays linked for RR. */
		if (!big || big->n < 2)
			return;
		free(portq_take(qs, big));
		STAT_INC(upcalls_shed);
	}
}

/* Copy an upcall of a datagram into its port's queue. */
static void enqueue(struct handler *h, const struct nlmsghdr *nlh)
{
	struct upqueues *qs = h->q;
	struct pending *p;
	struct portq *q;
	struct upcall u;
	size_t sz;

	if (parse_upcall(nlh, &u)) {
		STAT_INC(upcalls_bad);
		LOG_RL(LOG_WARN, "malformed upcall ignored");
		return;
	}
	sz = sizeof(*p) + u.len;
	p = malloc(sz);
	q = p ? portq_get(qs, u.br_ifindex, u.key.in_port) : NULL;
	if (!q) {
		free(p);
		STAT_INC(upcalls_shed);
		LOG_RL(LOG_ERR, "out of memory: upcall dropped");
		return;
	}
	memcpy(p->frame, u.pkt, u.len);
	p->u = u;
	p->u.pkt = p->frame;
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	if (!q->n)
		rr_push(qs, q);
	q->tail = p;
	q->n++;
	q->bytes += sz;
	qs->n++;
	qs->bytes += sz;
	shed(qs);
	STAT_MAX(upcall_queue_max, qs->n);
}

/*
 * One round: up to HANDLER_QUANTUM upcalls of each queue that has some,
 * their requests sent together. A queue emptied is freed.
 */
static void serve_round(struct handler *h)
{
	struct upqueues *qs = h->q;
	struct portq *q, *last = qs->rr_tail;
	struct pending *p;
	unsigned int k;
	bool done = !last;

	while (!done && !agent.stopping) {
		q = rr_pop(qs);
		done = q == last;
		for (k = 0; k < HANDLER_QUANTUM && q->head; k++) {
			p = portq_take(qs, q);
			handle_upcall(h, &p->u);
			free(p);
		}
		STAT_ADD(upcalls, k);
		if (q->head)
			rr_push(qs, q);
		else
			portq_free(qs, q);
	}
	batch_send(&h->tx);
}

static void queues_free(struct upqueues *qs)
{
	struct portq *q;

	if (!qs)
		return;
	while ((q = rr_pop(qs))) {
		while (q->head)
			free(portq_take(qs, q));
		portq_free(qs, q);
	}
	free(qs);
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
	} while (h->q->n && !agent.stopping);
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
	queues_free(h->q);
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
	h->q = calloc(1, sizeof(*h->q));
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
