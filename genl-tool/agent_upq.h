/* SPDX-License-Identifier: GPL-2.0 */
/*
 * agent_upq.h - the upcalls a handler has read and not yet handled, in one
 * FIFO queue per ingress port, served round-robin (agent_upq.c).
 */
#ifndef FLOWBR_AGENT_UPQ_H
#define FLOWBR_AGENT_UPQ_H

#include <stddef.h>
#include <stdint.h>

#include "fbmsg.h"

/* One upcall: its bridge, key and frame. */
struct upcall {
	uint32_t br_ifindex;
	struct fb_key key;
	const void *pkt;
	size_t len;
};

struct upq;

/*
 * Queues holding at most @limit bytes of upcalls (frame plus
 * upq_overhead each). NULL if out of memory.
 */
struct upq *upq_new(size_t limit);
void upq_free(struct upq *qs);

/* Bytes an upcall takes besides its frame. */
extern const size_t upq_overhead;

/*
 * Copy @u and its frame to the tail of the queue of its port (bridge and
 * in_port). Over the limit, the longest queue (in bytes) loses its oldest
 * upcalls, but never its last one. Returns how many were dropped so, or
 * -ENOMEM if @u itself could not be queued.
 */
int upq_add(struct upq *qs, const struct upcall *u);

/*
 * One round: each queue that had upcalls at its start, in turn, passes up
 * to @quantum of them to @fn, oldest first (the frame is valid during the
 * call). Stops early once *@stop (if given) is set. Returns how many upcalls
 * were passed.
 */
size_t upq_round(struct upq *qs, unsigned int quantum,
		 void (*fn)(const struct upcall *u, void *arg), void *arg,
		 volatile int *stop);

/* Upcalls queued, and the bytes they take. */
size_t upq_count(const struct upq *qs);
size_t upq_bytes(const struct upq *qs);

#endif /* FLOWBR_AGENT_UPQ_H */
