// SPDX-License-Identifier: GPL-2.0
/*
 * agent_fdb.c - the MAC learning table of a bridge, keyed by (VLAN, MAC),
 * with an LRU list for eviction at the table limit, and the set of pending
 * floods (unknown unicast destinations that have a flooding flow).
 *
 * Both are fixed-size chained hash tables sized from their limit. Callers
 * hold agent.lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

static unsigned int bits_for(size_t limit)
{
	unsigned int bits = 4;

	/* About two buckets per entry at the limit. */
	while (bits < 24 && ((size_t)1 << bits) < limit * 2)
		bits++;
	return bits;
}

static size_t hash_key(uint64_t key, unsigned int bits)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

uint64_t fdb_key(uint16_t vlan, const uint8_t *mac)
{
	uint64_t k = (uint64_t)vlan << 48;
	int i;

	for (i = 0; i < ETH_ALEN; i++)
		k |= (uint64_t)mac[i] << (8 * (ETH_ALEN - 1 - i));
	return k;
}

void fdb_key_split(uint64_t key, uint16_t *vlan, uint8_t *mac)
{
	int i;

	*vlan = key >> 48;
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = key >> (8 * (ETH_ALEN - 1 - i));
}

/* ---- MAC table ---- */

int fdb_init(struct fdb *t, size_t limit)
{
	memset(t, 0, sizeof(*t));
	t->bits = bits_for(limit);
	t->buckets = calloc((size_t)1 << t->bits, sizeof(*t->buckets));
	if (!t->buckets)
		return -ENOMEM;
	t->limit = limit;
	t->lru.next = t->lru.prev = &t->lru;
	return 0;
}

void fdb_destroy(struct fdb *t)
{
	if (t->buckets)
		fdb_flush(t);
	free(t->buckets);
	t->buckets = NULL;
}

static void lru_unlink(struct fdb_entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_append(struct fdb *t, struct fdb_entry *e)
{
	e->prev = t->lru.prev;
	e->next = &t->lru;
	t->lru.prev->next = e;
	t->lru.prev = e;
}

static struct fdb_entry *lookup_key(const struct fdb *t, uint64_t key)
{
	struct fdb_entry *e = t->buckets[hash_key(key, t->bits)];

	while (e && e->key != key)
		e = e->hnext;
	return e;
}

struct fdb_entry *fdb_lookup(const struct fdb *t, uint16_t vlan,
			     const uint8_t *mac)
{
	return lookup_key(t, fdb_key(vlan, mac));
}

void fdb_remove(struct fdb *t, struct fdb_entry *e)
{
	struct fdb_entry **pp = &t->buckets[hash_key(e->key, t->bits)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(e);
	t->n--;
	t->gen++;
	free(e);
}

enum fdb_learn fdb_learn(struct fdb *t, uint16_t vlan, const uint8_t *mac,
			 uint16_t port, uint64_t seen_ms, bool evict,
			 uint16_t *old_port, unsigned int *evicted)
{
	uint64_t key = fdb_key(vlan, mac);
	struct fdb_entry *e = lookup_key(t, key);
	size_t b;

	if (e) {
		enum fdb_learn r = FDB_REFRESHED;

		if (e->port != port) {
			*old_port = e->port;
			e->port = port;
			t->gen++;
			r = FDB_MOVED;
		}
		if (seen_ms > e->seen_ms)
			e->seen_ms = seen_ms;
		lru_unlink(e);
		lru_append(t, e);
		return r;
	}
	if (t->n >= t->limit) {
		if (!evict || t->lru.next == &t->lru)
			return FDB_FULL;
		fdb_remove(t, t->lru.next);
		(*evicted)++;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return FDB_FULL;
	e->key = key;
	e->port = port;
	e->seen_ms = seen_ms;
	b = hash_key(key, t->bits);
	e->hnext = t->buckets[b];
	t->buckets[b] = e;
	lru_append(t, e);
	t->n++;
	t->gen++;
	return FDB_NEW;
}

void fdb_touch(struct fdb *t, struct fdb_entry *e, uint64_t seen_ms)
{
	if (seen_ms <= e->seen_ms)
		return;
	e->seen_ms = seen_ms;
	lru_unlink(e);
	lru_append(t, e);
}

size_t fdb_age(struct fdb *t, uint64_t before_ms)
{
	struct fdb_entry *e, *next;
	size_t n = 0;

	/* Refreshes from flow dumps are not strictly in LRU order: scan. */
	for (e = t->lru.next; e != &t->lru; e = next) {
		next = e->next;
		if (e->seen_ms < before_ms) {
			fdb_remove(t, e);
			n++;
		}
	}
	return n;
}

size_t fdb_remove_port(struct fdb *t, uint16_t port,
		       bool (*vlan_ok)(const void *arg, uint16_t vlan),
		       const void *arg)
{
	struct fdb_entry *e, *next;
	size_t n = 0;

	for (e = t->lru.next; e != &t->lru; e = next) {
		next = e->next;
		if (e->port != port)
			continue;
		if (vlan_ok && vlan_ok(arg, e->key >> 48))
			continue;
		fdb_remove(t, e);
		n++;
	}
	return n;
}

size_t fdb_flush(struct fdb *t)
{
	struct fdb_entry *e, *next;
	size_t n = t->n;

	for (e = t->lru.next; e != &t->lru; e = next) {
		next = e->next;
		free(e);
	}
	memset(t->buckets, 0, ((size_t)1 << t->bits) * sizeof(*t->buckets));
	t->lru.next = t->lru.prev = &t->lru;
	t->n = 0;
	if (n)
		t->gen++;
	return n;
}

/* ---- pending floods ---- */

int pend_init(struct pend *p, size_t limit)
{
	memset(p, 0, sizeof(*p));
	p->bits = bits_for(limit / 2);
	p->buckets = calloc((size_t)1 << p->bits, sizeof(*p->buckets));
	if (!p->buckets)
		return -ENOMEM;
	p->limit = limit;
	return 0;
}

void pend_destroy(struct pend *p)
{
	if (p->buckets)
		pend_flush(p);
	free(p->buckets);
	p->buckets = NULL;
}

bool pend_add(struct pend *p, uint16_t vlan, const uint8_t *mac,
	      uint64_t stamp_ms)
{
	uint64_t key = fdb_key(vlan, mac);
	size_t b = hash_key(key, p->bits);
	struct pend_entry *e;

	for (e = p->buckets[b]; e; e = e->hnext) {
		if (e->key == key) {
			if (stamp_ms > e->stamp_ms)
				e->stamp_ms = stamp_ms;
			return true;
		}
	}
	if (p->n >= p->limit)
		return false;
	e = malloc(sizeof(*e));
	if (!e)
		return false;
	e->key = key;
	e->stamp_ms = stamp_ms;
	e->hnext = p->buckets[b];
	p->buckets[b] = e;
	p->n++;
	return true;
}

bool pend_take(struct pend *p, uint16_t vlan, const uint8_t *mac)
{
	uint64_t key = fdb_key(vlan, mac);
	struct pend_entry **pp = &p->buckets[hash_key(key, p->bits)];
	struct pend_entry *e;

	for (; (e = *pp); pp = &e->hnext) {
		if (e->key == key) {
			*pp = e->hnext;
			free(e);
			p->n--;
			return true;
		}
	}
	return false;
}

size_t pend_expire(struct pend *p, uint64_t before_ms)
{
	size_t i, n = 0;

	if (!p->n)
		return 0;
	for (i = 0; i < (size_t)1 << p->bits; i++) {
		struct pend_entry **pp = &p->buckets[i], *e;

		while ((e = *pp)) {
			if (e->stamp_ms < before_ms) {
				*pp = e->hnext;
				free(e);
				p->n--;
				n++;
			} else {
				pp = &e->hnext;
			}
		}
	}
	return n;
}

void pend_flush(struct pend *p)
{
	pend_expire(p, UINT64_MAX);
}
