// SPDX-License-Identifier: GPL-2.0
/*
 * agent_upq.c - per-port upcall queues of a handler.
 *
 * Reading an upcall costs a copy; handling one costs a flow install and a
 * packet execute in the kernel. So a handler reads what its socket holds
 * into these queues and then serves them round-robin: a port sending new
 * MACs faster than the agent handles them lengthens its own queue, and a
 * quiet port's upcall waits one round instead of behind that backlog.
 *
 * The queues are kept in a hash table by (bridge, port); those with
 * upcalls are also on a round-robin list. An emptied queue is freed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "agent_upq.h"

#define UPQ_BUCKETS	256

/* One upcall in its port's queue, with a copy of its frame. */
struct pending {
	struct pending *next;
	struct upcall u;
	unsigned char frame[];
};

const size_t upq_overhead = sizeof(struct pending);

/* The upcalls of one ingress port, oldest first. */
struct portq {
	struct portq *hnext;		/* hash chain */
	struct portq *rnext;		/* round-robin order */
	uint32_t br_ifindex;
	uint32_t port;
	struct pending *head, *tail;
	size_t n, bytes;
};

struct upq {
	struct portq *buckets[UPQ_BUCKETS];
	struct portq *rr_head, *rr_tail;	/* the queues with upcalls */
	size_t n, bytes, limit;
};

struct upq *upq_new(size_t limit)
{
	struct upq *qs = calloc(1, sizeof(*qs));

	if (qs)
		qs->limit = limit;
	return qs;
}

static struct portq **bucket(struct upq *qs, uint32_t br_ifindex,
			     uint32_t port)
{
	return &qs->buckets[(br_ifindex * 2654435761u ^ port * 40503u) %
			    UPQ_BUCKETS];
}

static struct portq *portq_get(struct upq *qs, uint32_t br_ifindex,
			       uint32_t port)
{
	struct portq **b = bucket(qs, br_ifindex, port), *q;

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
	return q;
}

/* Unlink an empty queue from the hash table and free it. */
static void portq_free(struct upq *qs, struct portq *q)
{
	struct portq **p = bucket(qs, q->br_ifindex, q->port);

	while (*p != q)
		p = &(*p)->hnext;
	*p = q->hnext;
	free(q);
}

static void rr_push(struct upq *qs, struct portq *q)
{
	q->rnext = NULL;
	if (qs->rr_tail)
		qs->rr_tail->rnext = q;
	else
		qs->rr_head = q;
	qs->rr_tail = q;
}

static struct portq *rr_pop(struct upq *qs)
{
	struct portq *q = qs->rr_head;

	if (q) {
		qs->rr_head = q->rnext;
		if (!qs->rr_head)
			qs->rr_tail = NULL;
	}
	return q;
}

static struct pending *take(struct upq *qs, struct portq *q)
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

/* Over the limit: the longest queue loses its oldest, down to one. */
static int shed(struct upq *qs)
{
	struct portq *q, *big;
	int n = 0;

	while (qs->bytes > qs->limit) {
		big = qs->rr_head;
		for (q = big; q; q = q->rnext)
			if (q->bytes > big->bytes)
				big = q;
		if (!big || big->n < 2)
			break;
		free(take(qs, big));
		n++;
	}
	return n;
}

int upq_add(struct upq *qs, const struct upcall *u)
{
	size_t sz = sizeof(struct pending) + u->len;
	struct pending *p = malloc(sz);
	struct portq *q = p ? portq_get(qs, u->br_ifindex, u->key.in_port) :
			      NULL;

	if (!q) {
		free(p);
		return -ENOMEM;
	}
	memcpy(p->frame, u->pkt, u->len);
	p->u = *u;
	p->u.pkt = p->frame;
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	if (!q->n)
		rr_push(qs, q);
	q->n++;
	q->bytes += sz;
	qs->n++;
	qs->bytes += sz;
	return shed(qs);
}

size_t upq_round(struct upq *qs, unsigned int quantum,
		 void (*fn)(const struct upcall *u, void *arg), void *arg,
		 volatile int *stop)
{
	struct portq *q, *last = qs->rr_tail;
	struct pending *p;
	size_t served = 0;
	unsigned int k;
	bool done = !last;

	/* Queues put back during the round come after @last. */
	while (!done && !(stop && *stop)) {
		q = rr_pop(qs);
		done = q == last;
		for (k = 0; k < quantum && q->head; k++) {
			p = take(qs, q);
			fn(&p->u, arg);
			free(p);
		}
		served += k;
		if (q->head)
			rr_push(qs, q);
		else
			portq_free(qs, q);
	}
	return served;
}

size_t upq_count(const struct upq *qs)
{
	return qs->n;
}

size_t upq_bytes(const struct upq *qs)
{
	return qs->bytes;
}

void upq_free(struct upq *qs)
{
	struct portq *q;

	if (!qs)
		return;
	while ((q = rr_pop(qs))) {
		while (q->head)
			free(take(qs, q));
		portq_free(qs, q);
	}
	free(qs);
}
