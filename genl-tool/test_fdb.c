// SPDX-License-Identifier: GPL-2.0
/*
 * test_fdb.c - unit tests of the agent's MAC table (agent_fdb.c): learn,
 * refresh, move, eviction at the limit, aging, removal by port and VLAN,
 * flush, and the generation number the revalidator compares to decide
 * whether a pass must read every flow (it must change with every learn,
 * move and removal, and not with a refresh). Prints one line per failure
 * and ends with "N passed, N failed".
 */
#include <stdio.h>

#include "agent.h"
#include "unit.h"

static const uint8_t M1[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t M2[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t M3[ETH_ALEN] = { 2, 0, 0, 0, 0, 3 };

static enum fdb_learn learn(struct fdb *t, uint16_t vlan, const uint8_t *mac,
			    uint16_t port, uint64_t seen, bool evict,
			    unsigned int *evicted)
{
	uint16_t old = 0xffff;

	return fdb_learn(t, vlan, mac, port, seen, evict, &old, evicted);
}

static void test_learn_move_gen(void)
{
	unsigned int ev = 0;
	struct fdb_entry *e;
	struct fdb t;
	uint64_t g;
	uint16_t old = 0;

	check(fdb_init(&t, 8) == 0, "init");
	g = t.gen;
	check(learn(&t, 100, M1, 1, 10, false, &ev) == FDB_NEW, "M1 new");
	check(t.gen != g, "a new MAC changes the generation");
	g = t.gen;
	check(learn(&t, 100, M1, 1, 20, false, &ev) == FDB_REFRESHED,
	      "M1 again on the same port: refreshed");
	check(t.gen == g, "a refresh leaves the generation alone");
	e = fdb_lookup(&t, 100, M1);
	check(e && e->seen_ms == 20, "refresh moves seen_ms forward");
	fdb_touch(&t, e, 15);
	check(e->seen_ms == 20 && t.gen == g, "an older touch changes nothing");
	fdb_touch(&t, e, 30);
	check(e->seen_ms == 30 && t.gen == g, "a touch: seen later, same generation");
	check(fdb_learn(&t, 100, M1, 2, 40, false, &old, &ev) == FDB_MOVED &&
	      old == 1, "M1 on port 2: moved from port 1");
	check(t.gen != g, "a move changes the generation");
	check(fdb_lookup(&t, 200, M1) == NULL, "VLANs are separate tables");
	g = t.gen;
	check(learn(&t, 200, M1, 3, 40, false, &ev) == FDB_NEW && t.gen != g,
	      "the same MAC in another VLAN is new");
	check(t.n == 2, "two entries");
	fdb_destroy(&t);
}

static void test_limit(void)
{
	unsigned int ev = 0;
	struct fdb t;
	uint64_t g;

	check(fdb_init(&t, 2) == 0, "init limit 2");
	learn(&t, 1, M1, 1, 10, false, &ev);
	learn(&t, 1, M2, 1, 20, false, &ev);
	g = t.gen;
	check(learn(&t, 1, M3, 1, 30, false, &ev) == FDB_FULL && t.gen == g &&
	      t.n == 2, "full without eviction: refused, nothing changed");
	check(learn(&t, 1, M3, 1, 30, true, &ev) == FDB_NEW && ev == 1 &&
	      t.n == 2, "full with eviction: one evicted");
	check(!fdb_lookup(&t, 1, M1) && fdb_lookup(&t, 1, M2) &&
	      fdb_lookup(&t, 1, M3), "the oldest (M1) was evicted");
	check(t.gen != g, "an eviction changes the generation");
	fdb_destroy(&t);
}

static bool only_vlan_100(const void *arg, uint16_t vlan)
{
	(void)arg;
	return vlan == 100;
}

static void test_remove(void)
{
	unsigned int ev = 0;
	struct fdb t;
	uint64_t g;

	check(fdb_init(&t, 16) == 0, "init");
	learn(&t, 100, M1, 1, 10, false, &ev);
	learn(&t, 200, M1, 1, 20, false, &ev);
	learn(&t, 100, M2, 2, 30, false, &ev);
	learn(&t, 100, M3, 1, 40, false, &ev);

	g = t.gen;
	check(fdb_age(&t, 5) == 0 && t.gen == g, "nothing older than 5: no change");
	check(fdb_age(&t, 15) == 1 && !fdb_lookup(&t, 100, M1) && t.gen != g,
	      "aging removes the entry seen at 10, changes the generation");

	g = t.gen;
	check(fdb_remove_port(&t, 1, only_vlan_100, NULL) == 1 &&
	      !fdb_lookup(&t, 200, M1) && fdb_lookup(&t, 100, M3) &&
	      t.gen != g, "port 1 left VLAN 200: its entry there removed");
	g = t.gen;
	check(fdb_remove_port(&t, 7, NULL, NULL) == 0 && t.gen == g,
	      "a port without entries: no change");
	check(fdb_remove_port(&t, 1, NULL, NULL) == 1 && t.n == 1 && t.gen != g,
	      "port 1 gone: its last entry removed");

	g = t.gen;
	check(fdb_flush(&t) == 1 && t.n == 0 && t.gen != g, "flush");
	g = t.gen;
	check(fdb_flush(&t) == 0 && t.gen == g, "flushing an empty table: no change");
	check(learn(&t, 100, M1, 1, 50, false, &ev) == FDB_NEW &&
	      fdb_lookup(&t, 100, M1), "usable after a flush");
	fdb_destroy(&t);
}

int main(int argc, char **argv)
{
	unit_start(argc, argv);
	test_learn_move_gen();
	test_limit();
	test_remove();
	return unit_done();
}
