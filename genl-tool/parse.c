// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - command-line argument parsing for the flowbr tools.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define FLOW_SYNTAX "a flow is in_port=P,vlan=V,dl_src=MAC,dl_dst=MAC"
#define ACTIONS_EXAMPLE "e.g. actions=2,3:100, actions=flood or actions=drop"
#define TRUNKS_EXAMPLE "e.g. %s=6,100,200-210"

static int __attribute__((format(printf, 2, 3)))
fail(struct perr *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

bool split_kv(const char *arg, char *key, size_t keysize, const char **val)
{
	const char *eq = strchr(arg, '=');
	size_t n;

	if (!eq)
		return false;
	n = (size_t)(eq - arg);
	if (n >= keysize)
		n = keysize - 1;	/* too long to be a known key anyway */
	memcpy(key, arg, n);
	key[n] = '\0';
	*val = eq + 1;
	return true;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * Decimal digits s[0..n) into *v. Returns 0, -1 if not all digits, -2 if
 * above max.
 */
static int num_in(const char *s, size_t n, unsigned long max,
		  unsigned long *v)
{
	char buf[24];
	unsigned long long x;
	char *end;

	if (!all_digits(s, n))
		return -1;
	/* Skip leading zeros so that "006" is 6 and long zero runs fit. */
	while (n > 1 && *s == '0') {
		s++;
		n--;
	}
	if (n >= sizeof(buf))
		return -2;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	x = strtoull(buf, &end, 10);
	if (errno == ERANGE || *end || x > max)
		return -2;
	*v = (unsigned long)x;
	return 0;
}

int parse_u32(const char *key, const char *val, uint32_t min, uint32_t max,
	      const char *example, uint32_t *out, struct perr *e)
{
	unsigned long v;
	int r;

	if (!*val)
		return fail(e, "%s= needs a number (%u-%u); e.g. %s=%s",
			    key, min, max, key, example);
	r = num_in(val, strlen(val), max, &v);
	if (r == -1)
		return fail(e, "%s=%.40s is not a decimal number; e.g. %s=%s",
			    key, val, key, example);
	if (r == -2 || v < min)
		return fail(e, "%s=%.40s is out of range (%u-%u); e.g. %s=%s",
			    key, val, min, max, key, example);
	*out = (uint32_t)v;
	return 0;
}

/* Format @ms the way parse_ms() reads it back, in its largest exact unit. */
static void ms_fmt(uint64_t ms, char *buf, size_t size)
{
	static const struct { const char *unit; uint64_t ms; } u[] = {
		{ "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
	};
	size_t i;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (ms && ms % u[i].ms == 0) {
			snprintf(buf, size, "%llu%s",
				 (unsigned long long)(ms / u[i].ms), u[i].unit);
			return;
		}
	snprintf(buf, size, "%llums", (unsigned long long)ms);
}

int parse_ms(const char *key, const char *val, uint64_t min_ms,
	     uint64_t max_ms, uint64_t *out, struct perr *e)
{
	static const struct { const char *unit; uint64_t ms; } u[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 },
	};
	char lo[24], hi[24];
	size_t n = 0, i;
	unsigned long v;

	ms_fmt(min_ms, lo, sizeof(lo));
	ms_fmt(max_ms, hi, sizeof(hi));
	while (isdigit((unsigned char)val[n]))
		n++;
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (!strcmp(val + n, u[i].unit))
			break;
	if (!n || i == sizeof(u) / sizeof(u[0]))
		return fail(e, "%s=%.40s is not a time: give a number of "
			    "seconds or a number followed by ms, s, m or h; "
			    "e.g. %s=10s or %s=500ms", key, val, key, key);
	if (num_in(val, n, max_ms / u[i].ms, &v) || v * u[i].ms < min_ms)
		return fail(e, "%s=%.40s is out of range (%s to %s)", key, val,
			    lo, hi);
	*out = v * u[i].ms;
	return 0;
}

int parse_vid(const char *key, const char *val, uint16_t *out,
	      struct perr *e)
{
	uint32_t v;

	if (parse_u32(key, val, 1, FLOWBR_VID_MAX, "100", &v, e))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static const char *trim(const char *s, size_t *n)
{
	while (*n && isspace((unsigned char)*s)) {
		s++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

/* One item of a VLAN list: "N" or "N-M". */
static int vlan_item(const char *key, const char *val, const char *s,
		     size_t n, uint8_t *bitmap, unsigned int *count,
		     struct perr *e)
{
	const char *dash = memchr(s, '-', n);
	unsigned long lo = 0, hi = 0, v;
	size_t n1 = dash ? (size_t)(dash - s) : n;
	int r;

	r = num_in(s, n1, FLOWBR_VID_MAX, &lo);
	if (r == 0) {
		if (dash)
			r = num_in(dash + 1, n - n1 - 1, FLOWBR_VID_MAX, &hi);
		else
			hi = lo;
	}
	if (r == -1)
		return fail(e, "%s=%.60s: '%.*s' is not a VLAN id or range; "
			    TRUNKS_EXAMPLE, key, val, (int)n, s, key);
	if (r == -2 || lo == 0 || hi == 0)
		return fail(e, "%s=%.60s: VLAN '%.*s' is out of range (1-%u); "
			    TRUNKS_EXAMPLE, key, val, (int)n, s,
			    FLOWBR_VID_MAX, key);
	if (lo > hi)
		return fail(e, "%s=%.60s: range %lu-%lu is backwards; "
			    "write %lu-%lu", key, val, lo, hi, hi, lo);
	for (v = lo; v <= hi; v++) {
		if (!vlan_bit(bitmap, v))
			(*count)++;
		bitmap[v / 8] |= 1u << (v % 8);
	}
	return 0;
}

int parse_vlan_list(const char *key, const char *val, uint8_t *bitmap,
		    unsigned int *count, struct perr *e)
{
	size_t n = strlen(val);
	const char *s = trim(val, &n);
	const char *end;

	memset(bitmap, 0, FLOWBR_VLAN_BITMAP_LEN);
	*count = 0;
	if (n && (s[0] == '[' || s[n - 1] == ']')) {
		if (n < 2 || s[0] != '[' || s[n - 1] != ']')
			return fail(e, "%s=%.60s has an unbalanced bracket; "
				    "e.g. %s=[6,100]", key, val, key);
		s++;
		n -= 2;
		s = trim(s, &n);
	}
	if (!n)
		return 0;	/* all VLANs */
	end = s + n;
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		size_t len = comma ? (size_t)(comma - s) : (size_t)(end - s);
		const char *item = trim(s, &len);

		if (!len)
			return fail(e, "%s=%.60s has an empty item; "
				    TRUNKS_EXAMPLE, key, val, key);
		if (vlan_item(key, val, item, len, bitmap, count, e))
			return -1;
		if (!comma)
			break;
		s = comma + 1;
	}
	return 0;
}

char *format_vlan_list(const uint8_t *bitmap)
{
	/* Worst case: every other VID, "4094, " each. */
	char *buf = malloc(4096 * 6 + 1);
	size_t len = 0;
	unsigned int v = 0;

	if (!buf)
		return NULL;
	buf[0] = '\0';
	while (v < 4096) {
		unsigned int end = v;

		if (!vlan_bit(bitmap, v)) {
			v++;
			continue;
		}
		while (end + 1 < 4096 && vlan_bit(bitmap, end + 1))
			end++;
		if (end - v >= 2)
			len += (size_t)sprintf(buf + len, "%s%u-%u",
					       len ? ", " : "", v, end);
		else if (end > v)
			len += (size_t)sprintf(buf + len, "%s%u, %u",
					       len ? ", " : "", v, end);
		else
			len += (size_t)sprintf(buf + len, "%s%u",
					       len ? ", " : "", v);
		v = end + 1;
	}
	return buf;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_mac(const char *key, const char *val, uint8_t *mac,
	      struct perr *e)
{
	const char *p = val;
	int i;

	for (i = 0; i < ETH_ALEN; i++) {
		int hi = hexval((unsigned char)p[0]), lo;

		if (hi < 0)
			goto bad;
		lo = hexval((unsigned char)p[1]);
		if (lo >= 0) {
			mac[i] = (uint8_t)(hi << 4 | lo);
			p += 2;
		} else {
			mac[i] = (uint8_t)hi;
			p++;
		}
		if (i < ETH_ALEN - 1) {
			if (*p != ':')
				goto bad;
			p++;
		}
	}
	if (*p)
		goto bad;
	return 0;
bad:
	if (!*val)
		return fail(e, "%s= needs a MAC address; "
			    "e.g. %s=02:00:00:00:00:01", key, key);
	return fail(e, "%s=%.40s is not a MAC address; "
		    "e.g. %s=02:00:00:00:00:01", key, val, key);
}

void format_mac(const uint8_t *mac, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x",
		mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int check_ifname(const char *what, const char *name, struct perr *e)
{
	size_t n = strlen(name), i;

	if (!n)
		return fail(e, "%s is empty; give an interface name, "
			    "e.g. vnet0", what);
	if (n >= IFNAMSIZ)
		return fail(e, "%s '%.40s' is too long (%zu bytes, at most %d)",
			    what, name, n, IFNAMSIZ - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return fail(e, "%s '%s' is not a valid interface name", what,
			    name);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c == ':' || isspace(c) || !isprint(c))
			return fail(e, "%s '%.40s' is not a valid interface "
				    "name (no '/', ':', spaces or control "
				    "characters)", what, name);
	}
	return 0;
}

int parse_port_ref(const char *key, const char *val, struct port_ref *ref,
		   struct perr *e)
{
	memset(ref, 0, sizeof(*ref));
	if (!*val)
		return fail(e, "%s= needs a port number or name; e.g. %s=1",
			    key, key);
	if (all_digits(val, strlen(val))) {
		if (parse_u32(key, val, 0, FLOWBR_MAX_PORTS - 1, "1",
			      &ref->no, e))
			return -1;
		return 0;
	}
	if (check_ifname(key, val, e))
		return -1;
	ref->is_name = true;
	strcpy(ref->name, val);
	return 0;
}

int parse_port_arg(const char *val, struct port_ref *ref, struct perr *e)
{
	unsigned long v;

	memset(ref, 0, sizeof(*ref));
	if (all_digits(val, strlen(val))) {
		if (num_in(val, strlen(val), FLOWBR_MAX_PORTS - 1, &v))
			return fail(e, "port %.40s is out of range (0-%u); give "
				    "a port number or name, e.g. 1 or vnet0",
				    val, FLOWBR_MAX_PORTS - 1);
		ref->no = (uint32_t)v;
		return 0;
	}
	if (check_ifname("port", val, e))
		return -1;
	ref->is_name = true;
	strcpy(ref->name, val);
	return 0;
}

/* Name tables: the CLI spelling of each uapi enum value. */
static const char *const vlan_modes[] = {
	[FLOWBR_VLAN_ACCESS] = "access",
	[FLOWBR_VLAN_TRUNK] = "trunk",
	[FLOWBR_VLAN_NATIVE_TAGGED] = "native-tagged",
	[FLOWBR_VLAN_NATIVE_UNTAGGED] = "native-untagged",
};

static const char *const miss_policies[] = {
	[FLOWBR_MISS_FLOOD] = "flood",
	[FLOWBR_MISS_DROP] = "drop",
};

static const char *const port_types[] = {
	[FLOWBR_PORT_NETDEV] = "netdev",
	[FLOWBR_PORT_INTERNAL] = "internal",
};

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Compare with '_' and '-' taken as equal. */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

static int lookup(const char *const *names, size_t n, const char *key,
		  const char *val, uint8_t *out, struct perr *e)
{
	char choices[160] = "";
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		if (name_eq(val, names[i])) {
			*out = (uint8_t)i;
			return 0;
		}
		len += (size_t)snprintf(choices + len, sizeof(choices) - len,
					"%s%s", i ? "|" : "", names[i]);
	}
	if (!*val)
		return fail(e, "%s= needs a value: one of %s; e.g. %s=%s",
			    key, choices, key, names[0]);
	return fail(e, "%s=%.40s is not one of %s; e.g. %s=%s", key, val,
		    choices, key, names[0]);
}

int parse_vlan_mode(const char *key, const char *val, uint8_t *mode,
		    struct perr *e)
{
	return lookup(vlan_modes, N_ELEM(vlan_modes), key, val, mode, e);
}

const char *vlan_mode_name(unsigned int mode)
{
	return mode < N_ELEM(vlan_modes) ? vlan_modes[mode] : "unknown";
}

int parse_miss_policy(const char *key, const char *val, uint8_t *policy,
		      struct perr *e)
{
	return lookup(miss_policies, N_ELEM(miss_policies), key, val, policy,
		      e);
}

const char *miss_policy_name(unsigned int policy)
{
	return policy < N_ELEM(miss_policies) ? miss_policies[policy]
					       : "unknown";
}

int parse_port_type(const char *key, const char *val, uint8_t *type,
		    struct perr *e)
{
	if (!strcmp(val, "system")) {	/* ovs-vsctl's name for a netdev */
		*type = FLOWBR_PORT_NETDEV;
		return 0;
	}
	return lookup(port_types, N_ELEM(port_types), key, val, type, e);
}

const char *port_type_name(unsigned int type)
{
	return type < N_ELEM(port_types) ? port_types[type] : "unknown";
}

/* ---- flows and actions ---- */

enum { F_IN_PORT = 1, F_VLAN = 2, F_SRC = 4, F_DST = 8, F_ALL = 15 };

static int flow_field(const char *item, struct flow_spec *flow,
		      unsigned int *seen, struct perr *e)
{
	char key[16];
	const char *val;
	unsigned int bit;
	uint32_t v;

	if (!split_kv(item, key, sizeof(key), &val))
		return fail(e, "flow field '%.40s' is not key=value; "
			    FLOW_SYNTAX, item);
	if (!strcmp(key, "in_port"))
		bit = F_IN_PORT;
	else if (!strcmp(key, "vlan") || !strcmp(key, "dl_vlan"))
		bit = F_VLAN;
	else if (!strcmp(key, "dl_src") || !strcmp(key, "src"))
		bit = F_SRC;
	else if (!strcmp(key, "dl_dst") || !strcmp(key, "dst"))
		bit = F_DST;
	else if (!strcmp(key, "actions"))
		return fail(e, "actions= must come last: "
			    "FLOW actions=ACTIONS, " ACTIONS_EXAMPLE);
	else
		return fail(e, "unknown flow field '%.40s'; " FLOW_SYNTAX,
			    key);
	if (*seen & bit)
		return fail(e, "flow field %s= is given twice; " FLOW_SYNTAX,
			    key);
	*seen |= bit;

	switch (bit) {
	case F_IN_PORT:
		return parse_port_ref(key, val, &flow->in_port, e);
	case F_VLAN:
		/* 0 is the untagged domain. */
		if (parse_u32(key, val, FLOWBR_VLAN_UNTAGGED, FLOWBR_VID_MAX,
			      "100", &v, e))
			return -1;
		flow->vlan = (uint16_t)v;
		return 0;
	case F_SRC:
		return parse_mac(key, val, flow->src, e);
	default:
		return parse_mac(key, val, flow->dst, e);
	}
}

int parse_flow(const char *s, struct flow_spec *flow, struct perr *e)
{
	static const char *const names[] = {
		"in_port=", "vlan=", "dl_src=", "dl_dst="
	};
	unsigned int seen = 0, i;
	const char *p = s;

	memset(flow, 0, sizeof(*flow));
	if (!*s)
		return fail(e, "the flow is empty; " FLOW_SYNTAX);
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char item[64];

		if (!n)
			return fail(e, "flow '%.80s' has an empty field; "
				    FLOW_SYNTAX, s);
		if (n >= sizeof(item))
			return fail(e, "flow field '%.40s...' is too long; "
				    FLOW_SYNTAX, p);
		memcpy(item, p, n);
		item[n] = '\0';
		if (flow_field(item, flow, &seen, e))
			return -1;
		if (!comma)
			break;
		p = comma + 1;
	}
	for (i = 0; i < 4; i++)
		if (!(seen & (1u << i)))
			return fail(e, "the flow lacks %s; " FLOW_SYNTAX,
				    names[i]);
	return 0;
}

/* "flood" or "flood:VLAN" (0-4094, 0 the untagged domain). */
static int flood_item(const char *s, size_t n, struct action_spec *a,
		      struct perr *e)
{
	unsigned long v;
	int r;

	a->flood = true;
	if (n == 5)
		return 0;
	r = num_in(s + 6, n - 6, FLOWBR_VID_MAX, &v);
	if (r)
		return fail(e, "actions: '%.*s': VLAN %.*s is %s (0-%u); "
			    "e.g. flood or flood:100", (int)n, s,
			    (int)(n - 6), s + 6,
			    r == -1 ? "not a number" : "out of range",
			    FLOWBR_VID_MAX);
	a->vid = (uint16_t)v;
	a->flood_vlan = true;
	return 0;
}

static int action_item(const char *s, size_t n, struct action_spec *a,
		       struct perr *e)
{
	const char *colon = memchr(s, ':', n);
	size_t pn = colon ? (size_t)(colon - s) : n;
	unsigned long v;
	int r;

	memset(a, 0, sizeof(*a));
	if (pn == 5 && !strncmp(s, "flood", 5))
		return flood_item(s, n, a, e);
	if (!pn)
		return fail(e, "actions: '%.*s' lacks a port; "
			    ACTIONS_EXAMPLE, (int)n, s);
	if (all_digits(s, pn)) {
		r = num_in(s, pn, FLOWBR_MAX_PORTS - 1, &v);
		if (r)
			return fail(e, "actions: port %.*s is out of range "
				    "(0-%u); " ACTIONS_EXAMPLE, (int)pn, s,
				    FLOWBR_MAX_PORTS - 1);
		a->port.no = (uint32_t)v;
	} else {
		char name[IFNAMSIZ + 8];

		if (pn >= sizeof(name))
			pn = sizeof(name) - 1;
		memcpy(name, s, pn);
		name[pn] = '\0';
		if (check_ifname("actions: port", name, e))
			return -1;
		a->port.is_name = true;
		strcpy(a->port.name, name);
	}
	if (!colon)
		return 0;
	r = num_in(colon + 1, n - pn - 1, FLOWBR_VID_MAX, &v);
	if (r == -1)
		return fail(e, "actions: '%.*s': '%.*s' is not a VLAN id; "
			    ACTIONS_EXAMPLE, (int)n, s, (int)(n - pn - 1),
			    colon + 1);
	if (r == -2 || v == 0)
		return fail(e, "actions: '%.*s': VLAN %.*s is out of range "
			    "(1-%u); " ACTIONS_EXAMPLE, (int)n, s,
			    (int)(n - pn - 1), colon + 1, FLOWBR_VID_MAX);
	a->vid = (uint16_t)v;
	return 0;
}

int parse_actions(const char *s, struct action_list *acts, struct perr *e)
{
	const char *p = s;
	size_t cap = 0;

	acts->v = NULL;
	acts->n = 0;
	if (!*s)
		return fail(e, "actions= is empty; " ACTIONS_EXAMPLE);
	if (!strcmp(s, "drop"))
		return 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (!n) {
			fail(e, "actions=%.60s has an empty item; "
			     ACTIONS_EXAMPLE, s);
			goto err;
		}
		if (n == 4 && !strncmp(p, "drop", 4)) {
			fail(e, "actions: drop cannot be combined with "
			     "outputs; give either outputs or just drop");
			goto err;
		}
		if (acts->n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct action_spec *v;

			v = realloc(acts->v, ncap * sizeof(*v));
			if (!v) {
				fail(e, "out of memory");
				goto err;
			}
			acts->v = v;
			cap = ncap;
		}
		if (action_item(p, n, &acts->v[acts->n], e))
			goto err;
		if (acts->n && acts->v[acts->n - 1].flood) {
			fail(e, acts->v[acts->n].flood ?
			     "actions: only one flood per flow" :
			     "actions: flood must be the last action (it runs "
			     "after the outputs)");
			goto err;
		}
		/* Every item before is an output. */
		if (!acts->v[acts->n].flood && acts->n == ACTIONS_PARSE_MAX) {
			fail(e, "actions: more than %u outputs",
			     ACTIONS_PARSE_MAX);
			goto err;
		}
		acts->n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
err:
	action_list_free(acts);
	return -1;
}

void action_list_free(struct action_list *acts)
{
	free(acts->v);
	acts->v = NULL;
	acts->n = 0;
}

bool split_flow_actions(const char *arg, char **flow, const char **actions)
{
	const char *p = arg;

	for (;;) {
		if (!strncmp(p, "actions=", 8)) {
			size_t n = (size_t)(p - arg);

			if (n)	/* drop the ',' before actions= */
				n--;
			*flow = strndup(arg, n);
			*actions = p + 8;
			return *flow != NULL;
		}
		p = strchr(p, ',');
		if (!p)
			return false;
		p++;
	}
}
