// SPDX-License-Identifier: GPL-2.0
/*
 * test_upq.c - unit tests of the agent's per-port upcall queues
 * (agent_upq.c): FIFO per port, round-robin between ports, the byte
 * limit and what it drops. Prints one line per failure and ends with
 * "N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_upq.h"
#include "unit.h"

/* An upcall of @len bytes whose frame starts with @seq. */
static struct upcall mk(uint32_t br, uint32_t port, uint32_t seq, size_t len,
			unsigned char *buf)
{
	struct upcall u = { .br_ifindex = br, .pkt = buf, .len = len };

	u.key.in_port = port;
	memset(buf, 0xab, len);
	memcpy(buf, &seq, sizeof(seq));
	return u;
}

/* What a round handed out, in order. */
struct seen {
	size_t n;
	uint32_t br[512], port[512], seq[512];
	struct upq *add_to;		/* queue one more upcall meanwhile */
	volatile int *stop_after_first;
};

static void record(const struct upcall *u, void *arg)
{
	struct seen *s = arg;
	unsigned char buf[64];
	struct upcall extra;

	if (s->n < 512) {
		s->br[s->n] = u->br_ifindex;
		s->port[s->n] = u->key.in_port;
		memcpy(&s->seq[s->n], u->pkt, sizeof(uint32_t));
	}
	s->n++;
	if (s->add_to) {
		extra = mk(1, 9, 9000, sizeof(buf), buf);
		upq_add(s->add_to, &extra);
		s->add_to = NULL;
	}
	if (s->stop_after_first)
		*s->stop_after_first = 1;
}

static void test_round_robin(void)
{
	struct upq *q = upq_new(1 << 20);
	struct seen s = { 0 };
	unsigned char buf[64];
	struct upcall u;
	uint32_t i;
	size_t n;
	int ok;

	for (i = 0; i < 200; i++) {
		u = mk(1, 1, i, sizeof(buf), buf);
		check(upq_add(q, &u) == 0, "add %u to port 1", i);
	}
	u = mk(1, 2, 1000, sizeof(buf), buf);
	upq_add(q, &u);
	/* Same port number, other bridge: a queue of its own. */
	u = mk(2, 1, 2000, sizeof(buf), buf);
	upq_add(q, &u);
	check(upq_count(q) == 202, "202 queued (%zu)", upq_count(q));
	check(upq_bytes(q) == 202 * (upq_overhead + sizeof(buf)),
	      "bytes: frames plus overhead (%zu)", upq_bytes(q));

	n = upq_round(q, 64, record, &s, NULL);
	check(n == 66 && s.n == 66, "round 1 serves 64 + 1 + 1 (%zu)", n);
	for (ok = 1, i = 0; i < 64; i++)
		ok &= s.br[i] == 1 && s.port[i] == 1 && s.seq[i] == i;
	check(ok, "port 1's first 64, oldest first");
	check(s.port[64] == 2 && s.seq[64] == 1000,
	      "port 2 served in the first round, behind 64 of port 1");
	check(s.br[65] == 2 && s.seq[65] == 2000,
	      "bridge 2's port 1 is another queue");

	/* An upcall queued during a round waits for the next one. */
	s.n = 0;
	s.add_to = q;
	n = upq_round(q, 64, record, &s, NULL);
	check(n == 64, "round 2 serves port 1 only (%zu)", n);
	check(s.seq[0] == 64 && s.seq[63] == 127, "port 1 goes on in order");
	s.n = 0;
	n = upq_round(q, 64, record, &s, NULL);
	/* (port 9's queue joined the list while port 1 was out of it) */
	check(n == 65 && s.seq[0] == 9000 && s.seq[1] == 128 &&
	      s.seq[64] == 191,
	      "round 3: port 9's upcall, then port 1 (%zu: %u, %u)", n,
	      s.seq[0], s.seq[1]);
	s.n = 0;
	n = upq_round(q, 64, record, &s, NULL);
	check(n == 8 && s.seq[7] == 199, "round 4: the last 8 (%zu)", n);
	check(upq_count(q) == 0 && upq_bytes(q) == 0, "empty after it");
	check(upq_round(q, 64, record, &s, NULL) == 0, "an empty round");
	upq_free(q);
}

static void test_copy_and_stop(void)
{
	struct upq *q = upq_new(1 << 20);
	volatile int stop = 0;
	struct seen s = { .stop_after_first = &stop };
	unsigned char buf[64];
	struct upcall u;

	u = mk(1, 1, 7, sizeof(buf), buf);
	upq_add(q, &u);
	u = mk(1, 1, 8, sizeof(buf), buf);
	upq_add(q, &u);
	u = mk(1, 2, 9, sizeof(buf), buf);
	upq_add(q, &u);
	memset(buf, 0, sizeof(buf));	/* the queue has its own copy */
	check(upq_round(q, 64, record, &s, &stop) == 2,
	      "a stop ends the round after the queue being served");
	check(s.seq[0] == 7 && s.seq[1] == 8, "frames copied at add");
	check(upq_count(q) == 1, "port 2's upcall still queued");
	upq_free(q);			/* frees what is left */
}

static void test_limit(void)
{
	const size_t len = 100, one = upq_overhead + len;
	struct upq *q = upq_new(10 * one);
	struct seen s = { 0 };
	unsigned char buf[100];
	struct upcall u;
	int shed = 0, r;
	uint32_t i;

	for (i = 0; i < 20; i++) {
		u = mk(1, 1, i, len, buf);
		r = upq_add(q, &u);
		check(r >= 0, "add %u", i);
		shed += r;
	}
	check(shed == 10 && upq_count(q) == 10 && upq_bytes(q) == 10 * one,
	      "at the limit: 10 shed, 10 kept (%d, %zu)", shed,
	      upq_count(q));
	/* A quiet port's upcall costs the longest queue its oldest. */
	u = mk(1, 2, 500, len, buf);
	check(upq_add(q, &u) == 1, "port 2's upcall makes port 1 shed one");
	check(upq_round(q, 64, record, &s, NULL) == 10, "10 left");
	check(s.seq[0] == 11 && s.seq[8] == 19, "port 1 kept its newest");
	check(s.port[9] == 2 && s.seq[9] == 500, "port 2 kept its upcall");
	upq_free(q);

	/* Never the last upcall of a queue, even over the limit. */
	q = upq_new(one / 2);
	u = mk(1, 1, 1, len, buf);
	check(upq_add(q, &u) == 0, "one upcall over the limit stays");
	u = mk(1, 2, 2, len, buf);
	check(upq_add(q, &u) == 0 && upq_count(q) == 2,
	      "one per queue stays");
	u = mk(1, 2, 3, len, buf);
	check(upq_add(q, &u) == 1 && upq_count(q) == 2,
	      "a second one in a queue: its oldest goes");
	upq_free(q);
}

static void test_many_ports(void)
{
	struct upq *q = upq_new(64 << 20);
	struct seen s = { 0 };
	unsigned char buf[60];
	struct upcall u;
	uint32_t p, k;
	size_t n, total = 0;
	int ok = 1;

	/* 1000 ports of one bridge, 3 upcalls each: one round serves all. */
	for (k = 0; k < 3; k++)
		for (p = 1; p <= 1000; p++) {
			u = mk(5, p, p * 10 + k, sizeof(buf), buf);
			ok &= upq_add(q, &u) == 0;
		}
	check(ok && upq_count(q) == 3000, "3000 queued on 1000 ports");
	n = upq_round(q, 2, record, &s, NULL);
	check(n == 2000, "quantum 2: 2000 in the first round (%zu)", n);
	total += n;
	n = upq_round(q, 2, record, &s, NULL);
	check(n == 1000 && upq_count(q) == 0, "the last 1000 (%zu)", n);
	total += n;
	check(total == 3000, "all served once");
	upq_free(q);
}

int main(int argc, char **argv)
{
	unit_start(argc, argv);
	test_round_robin();
	test_copy_and_stop();
	test_limit();
	test_many_ports();
	return unit_done();
}
