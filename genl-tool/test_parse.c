// SPDX-License-Identifier: GPL-2.0
/*
 * test_parse.c - unit tests of the argument parsers (make test).
 * Prints one line per failure and ends with "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "unit.h"

/* A rejected input must come with a message; @want is a substring of it. */
static void check_err(int r, const struct perr *e, const char *what,
		      const char *want)
{
	check(r == -1, "%s is rejected", what);
	if (r == -1) {
		check(e->msg[0] != '\0' && !strchr(e->msg, '\n'),
		      "%s: one-line message '%s'", what, e->msg);
		if (want)
			check(strstr(e->msg, want) != NULL,
			      "%s: message '%s' contains '%s'", what, e->msg,
			      want);
	}
}

static void test_u32(void)
{
	static const char *const bad[] = {
		"", "abc", "-1", "+1", " 1", "1 ", "0x10", "1.5", "1e3",
		"99999999999999999999", "4294967296", "١",
	};
	struct perr e;
	uint32_t v;
	size_t i;

	check(parse_u32("n", "006", 0, 10, "1", &v, &e) == 0 && v == 6,
	      "006 is 6");
	check(parse_u32("n", "0", 0, 10, "1", &v, &e) == 0 && v == 0, "0");
	check(parse_u32("n", "4294967295", 0, UINT32_MAX, "1", &v, &e) == 0 &&
	      v == UINT32_MAX, "UINT32_MAX");
	check(parse_u32("n", "0000000000000000000000000000042", 0, 100, "1",
			&v, &e) == 0 && v == 42, "many leading zeros");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "u32 '%s'", bad[i]);
		check_err(parse_u32("n", bad[i], 0, UINT32_MAX, "1", &v, &e),
			  &e, what, "e.g. n=1");
	}
	check_err(parse_u32("flow_limit", "0", 1, 10, "5", &v, &e), &e,
		  "below min", "flow_limit=0 is out of range (1-10)");
}

static void test_vid(void)
{
	struct perr e;
	uint16_t v;

	check(parse_vid("tag", "100", &v, &e) == 0 && v == 100, "tag=100");
	check(parse_vid("tag", "006", &v, &e) == 0 && v == 6, "tag=006");
	check(parse_vid("tag", "4094", &v, &e) == 0 && v == 4094, "tag=4094");
	check_err(parse_vid("tag", "5000", &v, &e), &e, "tag=5000",
		  "tag=5000 is out of range (1-4094); e.g. tag=100");
	check_err(parse_vid("tag", "0", &v, &e), &e, "tag=0", "out of range");
	check_err(parse_vid("tag", "4095", &v, &e), &e, "tag=4095",
		  "out of range");
	check_err(parse_vid("tag", "", &v, &e), &e, "tag=", "needs a number");
	check_err(parse_vid("tag", "ten", &v, &e), &e, "tag=ten",
		  "not a decimal number");
}

static unsigned int bits(const uint8_t *bm)
{
	unsigned int v, n = 0;

	for (v = 0; v < 4096; v++)
		n += vlan_bit(bm, v);
	return n;
}

static void test_vlan_list(void)
{
	static const struct {
		const char *in;
		unsigned int count;
		int first, last;
	} good[] = {
		{ "6,100", 2, 6, 100 },
		{ "[6,100]", 2, 6, 100 },
		{ "[6, 100]", 2, 6, 100 },
		{ " [ 6 , 100 ] ", 2, 6, 100 },
		{ "6,100,200-210", 13, 6, 210 },
		{ "", 0, -1, -1 },
		{ "[]", 0, -1, -1 },
		{ "[ ]", 0, -1, -1 },
		{ "1-4094", 4094, 1, 4094 },
		{ "5-5", 1, 5, 5 },
		{ "6,6,5-7", 3, 5, 7 },
		{ "006", 1, 6, 6 },
		{ "4094", 1, 4094, 4094 },
	};
	static const struct {
		const char *in, *want;
	} bad[] = {
		{ "6,,100", "empty item" },
		{ "6,", "empty item" },
		{ ",6", "empty item" },
		{ "[6,100", "unbalanced bracket" },
		{ "6,100]", "unbalanced bracket" },
		{ "]", "unbalanced bracket" },
		{ "[[6]]", "not a VLAN id" },
		{ "0", "out of range (1-4094)" },
		{ "4095", "out of range (1-4094)" },
		{ "1-4095", "out of range" },
		{ "0-5", "out of range" },
		{ "200-100", "write 100-200" },
		{ "a", "not a VLAN id or range" },
		{ "6-", "not a VLAN id" },
		{ "-6", "not a VLAN id" },
		{ "6--7", "not a VLAN id" },
		{ "6 7", "not a VLAN id" },
		{ "6;7", "not a VLAN id" },
		{ "99999999999999999999", "out of range" },
	};
	uint8_t bm[FLOWBR_VLAN_BITMAP_LEN];
	unsigned int count;
	struct perr e;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int r = parse_vlan_list("trunks", good[i].in, bm, &count, &e);
		int first = -1, last = -1, v;

		for (v = 0; v < 4096; v++)
			if (vlan_bit(bm, (unsigned int)v)) {
				if (first < 0)
					first = v;
				last = v;
			}
		check(r == 0 && count == good[i].count &&
		      bits(bm) == good[i].count && first == good[i].first &&
		      last == good[i].last, "trunks='%s' -> %u VLANs (%s)",
		      good[i].in, count, r ? e.msg : "ok");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "trunks='%s'", bad[i].in);
		check_err(parse_vlan_list("trunks", bad[i].in, bm, &count, &e),
			  &e, what, bad[i].want);
	}
}

static void test_format_vlan_list(void)
{
	uint8_t bm[FLOWBR_VLAN_BITMAP_LEN], back[FLOWBR_VLAN_BITMAP_LEN];
	unsigned int count, v, round;
	struct perr e;
	char *s;

	parse_vlan_list("t", "6,100,200-210,300,301", bm, &count, &e);
	s = format_vlan_list(bm);
	check(s && !strcmp(s, "6, 100, 200-210, 300, 301"),
	      "format '%s'", s ? s : "(null)");
	free(s);

	memset(bm, 0, sizeof(bm));
	s = format_vlan_list(bm);
	check(s && !strcmp(s, ""), "format empty");
	free(s);

	/* Round trips of pseudo-random bitmaps, including the worst case. */
	srand(1);
	for (round = 0; round < 200; round++) {
		char *in;
		int r;

		memset(bm, 0, sizeof(bm));
		for (v = 1; v <= FLOWBR_VID_MAX; v++) {
			int set = round == 0 ? (v % 2) : (rand() % 4 == 0);

			if (set)
				bm[v / 8] |= (uint8_t)(1u << (v % 8));
		}
		s = format_vlan_list(bm);
		if (!s || asprintf(&in, "[%s]", s) < 0) {
			check(0, "round trip %u: allocation", round);
			free(s);
			continue;
		}
		r = parse_vlan_list("t", in, back, &count, &e);
		check(r == 0 && !memcmp(bm, back, sizeof(bm)),
		      "round trip %u", round);
		free(in);
		free(s);
	}
}

static void test_mac(void)
{
	static const char *const bad[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01",
		"gg:00:00:00:00:01", "02:00:00:00:00:001", "02:00:00:00:00:",
		"020000000001", "02::00:00:00:01", " 02:00:00:00:00:01",
		"02:00:00:00:00:01 ",
	};
	uint8_t mac[ETH_ALEN];
	char buf[18];
	struct perr e;
	size_t i;

	check(parse_mac("dl_src", "02:00:00:00:00:01", mac, &e) == 0 &&
	      mac[0] == 2 && mac[5] == 1, "MAC");
	check(parse_mac("dl_src", "2:0:0:a:B:1", mac, &e) == 0 &&
	      mac[3] == 0xa && mac[4] == 0xb, "short MAC");
	check(parse_mac("dl_src", "FF:ff:Ff:fF:ff:ff", mac, &e) == 0 &&
	      mac[0] == 0xff, "mixed case MAC");
	format_mac(mac, buf);
	check(!strcmp(buf, "ff:ff:ff:ff:ff:ff"), "format MAC %s", buf);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "MAC '%s'", bad[i]);
		check_err(parse_mac("dl_src", bad[i], mac, &e), &e, what,
			  "e.g. dl_src=02:00:00:00:00:01");
	}
}

static void test_ports(void)
{
	struct port_ref ref;
	struct perr e;

	check(parse_port_ref("in_port", "1", &ref, &e) == 0 && !ref.is_name &&
	      ref.no == 1, "port 1");
	check(parse_port_ref("in_port", "0", &ref, &e) == 0 && ref.no == 0,
	      "port 0");
	check(parse_port_ref("in_port", "4095", &ref, &e) == 0, "port 4095");
	check(parse_port_ref("in_port", "vnet0", &ref, &e) == 0 &&
	      ref.is_name && !strcmp(ref.name, "vnet0"), "port vnet0");
	check_err(parse_port_ref("in_port", "123456789012345", &ref, &e), &e,
		  "all digits is a number, here out of range", "out of range");
	check_err(parse_port_ref("in_port", "4096", &ref, &e), &e, "port 4096",
		  "out of range");
	check_err(parse_port_ref("in_port", "", &ref, &e), &e, "port ''",
		  "e.g. in_port=1");
	check_err(parse_port_ref("in_port", "a/b", &ref, &e), &e, "port a/b",
		  "not a valid interface name");
	check_err(parse_port_ref("in_port", "eth0:1", &ref, &e), &e,
		  "port eth0:1", "not a valid interface name");
	check_err(parse_port_ref("in_port", "averyveryverylongname", &ref, &e),
		  &e, "long name", "too long");
	check(parse_port_arg("007", &ref, &e) == 0 && !ref.is_name &&
	      ref.no == 7, "port arg 007");
	check(parse_port_arg("eth0", &ref, &e) == 0 && ref.is_name,
	      "port arg eth0");
	check_err(parse_port_arg("4096", &ref, &e), &e, "port arg 4096",
		  "port 4096 is out of range (0-4095)");
	check_err(parse_port_arg("", &ref, &e), &e, "port arg ''", "empty");
	check_err(check_ifname("bridge name", "..", &e), &e, "..", NULL);
	check_err(check_ifname("bridge name", "a b", &e), &e, "a b", NULL);
	check(check_ifname("bridge name", "solbr", &e) == 0, "solbr");
	check(check_ifname("bridge name", "abcdefghijklmno", &e) == 0,
	      "15-byte name");
}

static void test_enums(void)
{
	struct perr e;
	uint8_t v;

	check(parse_vlan_mode("vlan_mode", "native-tagged", &v, &e) == 0 &&
	      v == FLOWBR_VLAN_NATIVE_TAGGED, "native-tagged");
	check(parse_vlan_mode("vlan_mode", "native_untagged", &v, &e) == 0 &&
	      v == FLOWBR_VLAN_NATIVE_UNTAGGED, "native_untagged");
	check(parse_vlan_mode("vlan_mode", "access", &v, &e) == 0 &&
	      v == FLOWBR_VLAN_ACCESS, "access");
	check_err(parse_vlan_mode("vlan_mode", "native", &v, &e), &e,
		  "vlan_mode=native", "access|trunk|native-tagged|"
		  "native-untagged");
	check_err(parse_vlan_mode("vlan_mode", "", &v, &e), &e, "vlan_mode=",
		  "needs a value");
	check(parse_miss_policy("miss_policy", "drop", &v, &e) == 0 &&
	      v == FLOWBR_MISS_DROP, "drop");
	check_err(parse_miss_policy("miss_policy", "Drop", &v, &e), &e,
		  "miss_policy=Drop", "flood|drop");
	check(parse_port_type("type", "internal", &v, &e) == 0 &&
	      v == FLOWBR_PORT_INTERNAL, "internal");
	check(parse_port_type("type", "system", &v, &e) == 0 &&
	      v == FLOWBR_PORT_NETDEV, "system");
	check_err(parse_port_type("type", "patch", &v, &e), &e, "type=patch",
		  NULL);
	check(!strcmp(vlan_mode_name(FLOWBR_VLAN_NATIVE_UNTAGGED),
		      "native-untagged") && !strcmp(vlan_mode_name(99),
						    "unknown"), "names");
}

#define MACS "dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff"

static void test_flow(void)
{
	static const struct {
		const char *in, *want;
	} bad[] = {
		{ "", "the flow is empty" },
		{ "in_port=1,vlan=100,dl_src=02:00:00:00:00:01",
		  "lacks dl_dst=" },
		{ "vlan=100," MACS, "lacks in_port=" },
		{ "in_port=1," MACS, "lacks vlan=" },
		{ "in_port=1,in_port=2,vlan=0," MACS, "given twice" },
		{ "in_port=1,vlan=0," MACS ",tcp_dst=80", "unknown flow field" },
		{ "in_port=1,,vlan=0," MACS, "empty field" },
		{ "in_port=1,vlan=0," MACS ",", "empty field" },
		{ "in_port=1,vlan=4095," MACS, "out of range (0-4094)" },
		{ "in_port=1,vlan=x," MACS, "not a decimal number" },
		{ "in_port=,vlan=0," MACS, "needs a port" },
		{ "in_port=1,vlan=0,dl_src=1:2:3,dl_dst=ff:ff:ff:ff:ff:ff",
		  "not a MAC address" },
		{ "in_port=1,vlan,dl_src=1:2:3,dl_dst=ff:ff:ff:ff:ff:ff",
		  "not key=value" },
		{ "in_port=1,vlan=0," MACS ",actions=2", "must come last" },
		{ "in_port=1,vlan=0,dl_src="
		  "02:00:00:00:00:01000000000000000000000000000000000000000000000000"
		  ",dl_dst=ff:ff:ff:ff:ff:ff", "too long" },
	};
	struct flow_spec f;
	struct perr e;
	size_t i;

	check(parse_flow("in_port=1,vlan=100," MACS, &f, &e) == 0 &&
	      f.in_port.no == 1 && f.vlan == 100 && f.src[5] == 1 &&
	      f.dst[0] == 0xff, "flow");
	check(parse_flow("dst=ff:ff:ff:ff:ff:ff,src=2:0:0:0:0:1,vlan=0,"
			 "in_port=vnet3", &f, &e) == 0 && f.in_port.is_name &&
	      !strcmp(f.in_port.name, "vnet3") && f.vlan == 0, "flow aliases");
	check(parse_flow("in_port=2,dl_vlan=006," MACS, &f, &e) == 0 &&
	      f.vlan == 6, "dl_vlan=006");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[96];

		snprintf(what, sizeof(what), "flow '%.60s'", bad[i].in);
		check_err(parse_flow(bad[i].in, &f, &e), &e, what, bad[i].want);
	}
}

static void test_actions(void)
{
	static const struct {
		const char *in, *want;
	} bad[] = {
		{ "", "actions= is empty" },
		{ "2,drop", "cannot be combined" },
		{ "drop,2", "cannot be combined" },
		{ "2,", "empty item" },
		{ ",2", "empty item" },
		{ "3:0", "out of range (1-4094)" },
		{ "3:4095", "out of range (1-4094)" },
		{ "3:", "not a VLAN id" },
		{ "3:x", "not a VLAN id" },
		{ "3:1:2", "not a VLAN id" },
		{ ":5", "lacks a port" },
		{ "4096", "out of range (0-4095)" },
		{ "a/b", "not a valid interface name" },
		{ "flood,2", "flood must be the last action" },
		{ "flood,flood:5", "only one flood" },
		{ "flood:4095", "out of range (0-4094)" },
		{ "flood:", "not a number" },
		{ "flood:x", "not a number" },
		{ "flood,drop", "cannot be combined" },
	};
	struct action_list al;
	struct perr e;
	char *big;
	size_t i;
	int r;

	r = parse_actions("2,3:100", &al, &e);
	check(r == 0 && al.n == 2 && al.v[0].port.no == 2 && al.v[0].vid == 0 &&
	      al.v[1].port.no == 3 && al.v[1].vid == 100, "actions 2,3:100");
	action_list_free(&al);
	r = parse_actions("drop", &al, &e);
	check(r == 0 && al.n == 0, "actions drop");
	action_list_free(&al);
	r = parse_actions("vnet1:0100,0", &al, &e);
	check(r == 0 && al.n == 2 && al.v[0].port.is_name &&
	      !strcmp(al.v[0].port.name, "vnet1") && al.v[0].vid == 100 &&
	      al.v[1].port.no == 0, "actions with a name");
	action_list_free(&al);
	r = parse_actions("2,3:100,flood", &al, &e);
	check(r == 0 && al.n == 3 && !al.v[1].flood && al.v[2].flood &&
	      !al.v[2].flood_vlan, "actions ending with flood");
	action_list_free(&al);
	r = parse_actions("flood:0", &al, &e);
	check(r == 0 && al.n == 1 && al.v[0].flood && al.v[0].flood_vlan &&
	      al.v[0].vid == 0, "actions flood:0 (the untagged domain)");
	action_list_free(&al);
	r = parse_actions("flood:4094", &al, &e);
	check(r == 0 && al.n == 1 && al.v[0].flood && al.v[0].vid == 4094,
	      "actions flood:4094");
	action_list_free(&al);
	r = parse_actions("floods:7", &al, &e);
	check(r == 0 && al.n == 1 && !al.v[0].flood && al.v[0].port.is_name &&
	      !strcmp(al.v[0].port.name, "floods") && al.v[0].vid == 7,
	      "a port named floods is a port");
	action_list_free(&al);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "actions '%s'", bad[i].in);
		r = parse_actions(bad[i].in, &al, &e);
		check_err(r, &e, what, bad[i].want);
		check(al.v == NULL && al.n == 0, "%s: nothing left", what);
	}

	/*
	 * ACTIONS_PARSE_MAX outputs and a flood parse, one more output does
	 * not. The parser takes more than the kernel's FLOWBR_MAX_OUTPUTS, so
	 * that the kernel's own message (use a flood) reaches the user.
	 */
	check(ACTIONS_PARSE_MAX > FLOWBR_MAX_OUTPUTS &&
	      FLOWBR_MAX_ACTIONS == FLOWBR_MAX_OUTPUTS + 1,
	      "parser bound above the kernel's, MAX_ACTIONS = outputs + flood");
	big = malloc(ACTIONS_PARSE_MAX * 6 + 16);
	if (!big) {
		check(0, "malloc");
		return;
	}
	big[0] = '\0';
	for (i = 0; i < ACTIONS_PARSE_MAX; i++)
		sprintf(big + strlen(big), "%s%zu", i ? "," : "", i % 4096);
	r = parse_actions(big, &al, &e);
	check(r == 0 && al.n == ACTIONS_PARSE_MAX, "%u outputs",
	      ACTIONS_PARSE_MAX);
	action_list_free(&al);
	strcat(big, ",flood");
	r = parse_actions(big, &al, &e);
	check(r == 0 && al.n == ACTIONS_PARSE_MAX + 1 &&
	      al.v[ACTIONS_PARSE_MAX].flood, "%u outputs and a flood",
	      ACTIONS_PARSE_MAX);
	action_list_free(&al);
	big[strlen(big) - 6] = '\0';
	strcat(big, ",1");
	check_err(parse_actions(big, &al, &e), &e, "too many outputs",
		  "more than");
	free(big);
}

static void test_split(void)
{
	const char *acts;
	char *flow;
	bool r;

	r = split_flow_actions("in_port=1,vlan=0," MACS ",actions=2,3:5",
			       &flow, &acts);
	check(r && !strcmp(flow, "in_port=1,vlan=0," MACS) &&
	      !strcmp(acts, "2,3:5"), "split ovs-ofctl style");
	if (r)
		free(flow);
	r = split_flow_actions("actions=drop", &flow, &acts);
	check(r && !strcmp(flow, "") && !strcmp(acts, "drop"),
	      "split actions only");
	if (r)
		free(flow);
	check(!split_flow_actions("in_port=1,vlan=0," MACS, &flow, &acts),
	      "no actions");
	check(!split_flow_actions("in_port=1,xactions=2", &flow, &acts),
	      "xactions= is not actions=");
}

static void test_kv(void)
{
	const char *val;
	char key[8];

	check(split_kv("tag=5", key, sizeof(key), &val) && !strcmp(key, "tag")
	      && !strcmp(val, "5"), "kv");
	check(split_kv("tag=", key, sizeof(key), &val) && !strcmp(val, ""),
	      "kv empty");
	check(split_kv("trunks=a=b", key, sizeof(key), &val) &&
	      !strcmp(key, "trunks") && !strcmp(val, "a=b"), "kv =");
	check(!split_kv("tag", key, sizeof(key), &val), "kv none");
	check(split_kv("averylongkey=1", key, sizeof(key), &val) &&
	      strlen(key) == sizeof(key) - 1, "kv long key truncated");
}

static void test_ms(void)
{
	static const struct { const char *in; uint64_t ms; } good[] = {
		{ "10", 10000 }, { "10s", 10000 }, { "500ms", 500 },
		{ "5m", 300000 }, { "1h", 3600000 }, { "007s", 7000 },
		{ "24h", 86400000 }, { "1ms", 1 }, { "86400000ms", 86400000 },
	};
	static const char *const bad[] = {
		"", "s", "ms", "abc", "-1", "+1", " 1", "1 ", "1.5s", "10S",
		"10 s", "1d", "0x10", "10sec", "1e3", "10msx",
	};
	static const char *const range[] = {
		"0", "0ms", "25h", "86400001ms", "1441m",
		"99999999999999999999h", "18446744073709551616",
	};
	struct perr e;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 0;
		check(parse_ms("idle", good[i].in, 1, 86400000, &v, &e) == 0 &&
		      v == good[i].ms, "time '%s' is %llu ms (got %llu)",
		      good[i].in, (unsigned long long)good[i].ms,
		      (unsigned long long)v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "time '%s'", bad[i]);
		check_err(parse_ms("idle", bad[i], 1, 86400000, &v, &e), &e,
			  what, "e.g. idle=10s or idle=500ms");
	}
	for (i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "time '%s'", range[i]);
		check_err(parse_ms("idle", range[i], 1, 86400000, &v, &e), &e,
			  what, "is out of range (1ms to 24h)");
	}
	check_err(parse_ms("--max-idle", "50ms", 100, 86400000, &v, &e), &e,
		  "below a minimum", "--max-idle=50ms is out of range (100ms to 24h)");
	check(parse_ms("t", "2s", 1500, 90000, &v, &e) == 0 && v == 2000,
	      "2s within 1500ms..90s");
	check_err(parse_ms("t", "1s", 1500, 90000, &v, &e), &e,
		  "1s below 1500ms", "t=1s is out of range (1500ms to 90s)");
}

int main(int argc, char **argv)
{
	unit_start(argc, argv);
	test_u32();
	test_vid();
	test_vlan_list();
	test_format_vlan_list();
	test_mac();
	test_ports();
	test_enums();
	test_flow();
	test_actions();
	test_split();
	test_kv();
	test_ms();
	return unit_done();
}
