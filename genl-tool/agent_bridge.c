// SPDX-License-Identifier: GPL-2.0
/*
 * agent_bridge.c - flowbrd's view of the bridges and ports of its network
 * namespace: the initial dump, the event multicast group (bridges and ports
 * come, change and go), registration of the handler sockets, and the
 * forwarding decision for a flow key (learned port or flood, with each
 * port's egress tagging).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

/* ---- forwarding ---- */

static bool trunks_vlan(const struct agent_port *p, uint16_t vid)
{
	return p->all || (p->trunks[vid / 8] & (1u << (vid % 8)));
}

/* Keep in step with flowbr_vlan_egress() in kmod/vlan.c. */
bool port_egress(const struct agent_port *p, uint16_t vlan,
		 struct fb_output *out)
{
	out->port = p->no;
	out->tag_op = FLOWBR_TAG_UNTAGGED;
	out->vid = 0;
	out->flood = false;

	switch (p->mode) {
	case FLOWBR_VLAN_ACCESS:
		return vlan == p->tag;
	case FLOWBR_VLAN_TRUNK:
		if (vlan == FLOWBR_VLAN_UNTAGGED)
			return true;
		break;
	case FLOWBR_VLAN_NATIVE_UNTAGGED:
		if (vlan == p->tag)
			return true;
		/* fall through */
	case FLOWBR_VLAN_NATIVE_TAGGED:
		if (vlan == FLOWBR_VLAN_UNTAGGED)
			return false;
		break;
	default:
		return false;
	}
	if (vlan > FLOWBR_VID_MAX || !trunks_vlan(p, vlan))
		return false;
	out->tag_op = FLOWBR_TAG_PUSH;
	out->vid = vlan;
	return true;
}

size_t br_flood(uint16_t vlan, struct fb_output *out)
{
	memset(out, 0, sizeof(*out));
	out->flood = true;
	out->vid = vlan;
	return 1;
}

enum fwd_kind br_decide(const struct agent_br *br, const struct fb_key *key,
			struct fb_output *out, size_t *n)
{
	const struct agent_port *in, *p;
	const struct fdb_entry *e;
	struct fb_output tmp;

	*n = 0;
	in = key->in_port < FLOWBR_MAX_PORTS ? br->ports[key->in_port] : NULL;
	/* A port carries on egress exactly the VLANs it classifies into. */
	if (!in || !port_egress(in, key->vlan, &tmp))
		return FWD_INVALID;
	if (mac_is_multicast(key->dst)) {
		*n = br_flood(key->vlan, out);
		return FWD_FLOOD;
	}
	e = fdb_lookup(&br->fdb, key->vlan, key->dst);
	if (e && e->port == key->in_port)
		return FWD_DROP;
	p = e ? br->ports[e->port] : NULL;
	if (p && port_egress(p, key->vlan, &out[0])) {
		*n = 1;
		return FWD_UNICAST;
	}
	*n = br_flood(key->vlan, out);
	return FWD_FLOOD_UNKNOWN;
}

/* ---- state ---- */

struct agent_br *br_find(uint32_t ifindex)
{
	struct agent_br *br;

	for (br = agent.brs; br; br = br->next)
		if (br->ifindex == ifindex)
			return br;
	return NULL;
}

struct agent_br *br_find_name(const char *name)
{
	struct agent_br *br;

	for (br = agent.brs; br; br = br->next)
		if (!strcmp(br->name, name))
			return br;
	return NULL;
}

static void br_free(struct agent_br *br)
{
	unsigned int i;

	for (i = 0; i < br->n_ports; i++)
		free(br->ports[br->order[i]]);
	fdb_destroy(&br->fdb);
	pend_destroy(&br->pend);
	free(br);
}

/* Pending floods: enough for many unknown destinations per MAC slot. */
#define PEND_LIMIT(fdb_limit) ((fdb_limit) < 16384 ? 65536 : (fdb_limit) * 4)

static struct agent_br *br_add(const char *name, uint32_t ifindex)
{
	struct agent_br *br = calloc(1, sizeof(*br));

	if (!br)
		return NULL;
	snprintf(br->name, sizeof(br->name), "%s", name);
	br->ifindex = ifindex;
	if (fdb_init(&br->fdb, agent.cfg.fdb_limit) ||
	    pend_init(&br->pend, PEND_LIMIT(agent.cfg.fdb_limit))) {
		br_free(br);
		return NULL;
	}
	br->next = agent.brs;
	agent.brs = br;
	return br;
}

static void br_unlink(struct agent_br *br)
{
	struct agent_br **pp;

	for (pp = &agent.brs; *pp; pp = &(*pp)->next) {
		if (*pp == br) {
			*pp = br->next;
			return;
		}
	}
}

void bridges_free(void)
{
	struct agent_br *br, *next;

	agent_lock();
	for (br = agent.brs; br; br = next) {
		next = br->next;
		br_free(br);
	}
	agent.brs = NULL;
	agent_unlock();
}

static void order_rebuild(struct agent_br *br)
{
	unsigned int i;

	br->n_ports = 0;
	for (i = 0; i < FLOWBR_MAX_PORTS; i++)
		if (br->ports[i])
			br->order[br->n_ports++] = i;
}

static bool port_carries(const void *arg, uint16_t vlan)
{
	struct fb_output out;

	return port_egress(arg, vlan, &out);
}

/* Add or update a port (lock held). Returns true if its VLANs changed. */
static bool port_update(struct agent_br *br, const struct fb_port *fp)
{
	struct agent_port *p;
	bool isnew = false, changed;

	if (fp->port_no >= FLOWBR_MAX_PORTS)
		return false;
	p = br->ports[fp->port_no];
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p) {
			alog(LOG_ERR, "out of memory for port %s of %s",
			     fp->name, br->name);
			return false;
		}
		isnew = true;
	}
	changed = isnew || p->mode != fp->vlan_mode || p->tag != fp->tag ||
		  memcmp(p->trunks, fp->trunks, sizeof(p->trunks));
	p->no = fp->port_no;
	snprintf(p->name, sizeof(p->name), "%s", fp->name);
	p->mode = fp->vlan_mode;
	p->tag = fp->tag;
	memcpy(p->trunks, fp->trunks, sizeof(p->trunks));
	p->all = true;
	for (size_t i = 0; i < sizeof(p->trunks); i++)
		if (p->trunks[i])
			p->all = false;
	if (isnew) {
		br->ports[fp->port_no] = p;
		order_rebuild(br);
	} else if (changed) {
		/* MACs in VLANs the port no longer carries are gone. */
		fdb_remove_port(&br->fdb, p->no, port_carries, p);
	}
	return changed;
}

static void port_remove(struct agent_br *br, uint32_t port_no)
{
	if (port_no >= FLOWBR_MAX_PORTS || !br->ports[port_no])
		return;
	fdb_remove_port(&br->fdb, port_no, NULL, NULL);
	free(br->ports[port_no]);
	br->ports[port_no] = NULL;
	order_rebuild(br);
}

/* ---- kernel requests (main thread) ---- */

struct name_vec {
	struct fb_br *v;
	size_t n, cap;
};

static int br_vec_cb(const struct nlmsghdr *nlh, void *data)
{
	struct name_vec *nv = data;
	struct fb_br b;

	if (fb_parse_br(nlh, &b))
		return MNL_CB_OK;
	fb_br_free(&b);
	if (nv->n == nv->cap) {
		size_t cap = nv->cap ? nv->cap * 2 : 8;
		struct fb_br *v = realloc(nv->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		nv->v = v;
		nv->cap = cap;
	}
	nv->v[nv->n++] = b;
	return MNL_CB_OK;
}

struct port_vec {
	struct fb_port *v;
	size_t n, cap;
};

static int port_vec_cb(const struct nlmsghdr *nlh, void *data)
{
	struct port_vec *pv = data;

	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 16;
		struct fb_port *v = realloc(pv->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		pv->v = v;
		pv->cap = cap;
	}
	if (fb_parse_port(nlh, &pv->v[pv->n]) == 0)
		pv->n++;
	return MNL_CB_OK;
}

static void log_req_error(struct fbnl *req, const char *what, int err)
{
	LOG_RL(LOG_ERR, "%s: %s%s%s", what, strerror(-err),
	       req->ext_msg[0] ? ": " : "", req->ext_msg);
}

/* Register (or unregister) our handler sockets with one bridge. */
static int br_register(struct fbnl *req, uint32_t ifindex, const char *name,
		       bool on)
{
	struct nlmsghdr *nlh = fbnl_req(req, FLOWBR_CMD_BR_SET, 0);
	char what[64];
	int err;

	mnl_attr_put_u32(nlh, FLOWBR_A_BR_IFINDEX, ifindex);
	mnl_attr_put(nlh, FLOWBR_A_BR_UPCALL_PIDS,
		     on ? agent.n_pids * sizeof(uint32_t) : 0, agent.pids);
	err = fbnl_talk(req, nlh, NULL, NULL);
	if (err && !(err == -ENODEV && !on)) {
		snprintf(what, sizeof(what), "cannot %sregister with bridge %s",
			 on ? "" : "un", name);
		log_req_error(req, what, err);
	} else if (!err) {
		alog(LOG_DBG, "%sregistered %u handlers with bridge %s",
		     on ? "" : "un", agent.n_pids, name);
	}
	return err;
}

static int flush_all(struct fbnl *req, uint32_t ifindex)
{
	struct nlmsghdr *nlh = fbnl_req(req, FLOWBR_CMD_FLOW_FLUSH, 0);

	mnl_attr_put_u32(nlh, FLOWBR_A_BR_IFINDEX, ifindex);
	put_agent_mark(nlh, FBNL_TX_SIZE);
	return fbnl_talk(req, nlh, NULL, NULL);
}

/* Dump the ports of one bridge (@name) or of all (NULL). */
static int load_ports(struct fbnl *req, const char *name, struct port_vec *pv)
{
	struct nlmsghdr *nlh = fbnl_req(req, FLOWBR_CMD_PORT_GET, NLM_F_DUMP);
	int err;

	if (name)
		mnl_attr_put_strz(nlh, FLOWBR_A_BR_NAME, name);
	err = fbnl_talk(req, nlh, port_vec_cb, pv);
	if (err)
		log_req_error(req, "cannot dump ports", err);
	return err;
}

/* Make the ports of @br (lock held) those of @pv (ports of that bridge). */
static void apply_ports(struct agent_br *br, const struct port_vec *pv)
{
	bool seen[FLOWBR_MAX_PORTS] = { false };
	size_t i;

	for (i = 0; i < pv->n; i++) {
		const struct fb_port *fp = &pv->v[i];

		if (fp->br_ifindex != br->ifindex || fp->port_no >= FLOWBR_MAX_PORTS)
			continue;
		seen[fp->port_no] = true;
		port_update(br, fp);
	}
	for (i = 0; i < FLOWBR_MAX_PORTS; i++)
		if (br->ports[i] && !seen[i])
			port_remove(br, i);
}

/*
 * Bring the bridges and ports in line with the kernel (start, and after
 * the event socket lost messages) and register with every bridge.
 */
int bridges_sync(struct fbnl *req)
{
	static bool first = true;
	struct name_vec nv = { 0 };
	struct port_vec pv = { 0 };
	struct agent_br *br, *next;
	struct nlmsghdr *nlh;
	size_t i;
	int err;

	nlh = fbnl_req(req, FLOWBR_CMD_BR_GET, NLM_F_DUMP);
	err = fbnl_talk(req, nlh, br_vec_cb, &nv);
	if (err) {
		log_req_error(req, "cannot dump bridges", err);
		goto out;
	}
	err = load_ports(req, NULL, &pv);
	if (err)
		goto out;

	agent_lock();
	for (br = agent.brs; br; br = next) {
		next = br->next;
		for (i = 0; i < nv.n; i++)
			if (nv.v[i].ifindex == br->ifindex)
				break;
		if (i == nv.n) {
			alog(LOG_INFO, "bridge %s is gone", br->name);
			br_unlink(br);
			br_free(br);
		}
	}
	for (i = 0; i < nv.n; i++) {
		br = br_find(nv.v[i].ifindex);
		if (!br) {
			br = br_add(nv.v[i].name, nv.v[i].ifindex);
			if (!br) {
				alog(LOG_ERR, "out of memory for bridge %s",
				     nv.v[i].name);
				continue;
			}
		}
		snprintf(br->name, sizeof(br->name), "%s", nv.v[i].name);
		apply_ports(br, &pv);
	}
	agent_unlock();

	for (i = 0; i < nv.n; i++) {
		if (first && agent.cfg.flush_on_start) {
			err = flush_all(req, nv.v[i].ifindex);
			if (err)
				log_req_error(req, "cannot flush flows", err);
		}
		if (br_register(req, nv.v[i].ifindex, nv.v[i].name, true) == 0) {
			agent_lock();
			br = br_find(nv.v[i].ifindex);
			if (br)
				br->registered = true;
			agent_unlock();
		}
	}
	first = false;
	alog(LOG_INFO, "%zu bridge%s, %zu port%s", nv.n, nv.n == 1 ? "" : "s",
	     pv.n, pv.n == 1 ? "" : "s");
	reval_kick();
	err = 0;
out:
	free(nv.v);
	free(pv.v);
	return err;
}

int bridges_register_all(struct fbnl *req, bool on)
{
	struct agent_br *br;
	struct fb_br *v = NULL;
	size_t n = 0, i;
	int ret = 0;

	agent_lock();
	for (br = agent.brs; br; br = br->next)
		n++;
	v = n ? calloc(n, sizeof(*v)) : NULL;
	n = 0;
	for (br = agent.brs; v && br; br = br->next) {
		snprintf(v[n].name, sizeof(v[n].name), "%s", br->name);
		v[n++].ifindex = br->ifindex;
	}
	agent_unlock();
	for (i = 0; i < n; i++)
		if (br_register(req, v[i].ifindex, v[i].name, on))
			ret = -1;
	free(v);
	return ret;
}

/* ---- events ---- */

static void event_br_new(struct fbnl *req, const struct fb_br *b)
{
	struct port_vec pv = { 0 };
	struct agent_br *br;
	bool isnew = false;

	load_ports(req, b->name, &pv);
	agent_lock();
	br = br_find(b->ifindex);
	if (!br) {
		br = br_add(b->name, b->ifindex);
		isnew = br != NULL;
	}
	if (br)
		apply_ports(br, &pv);
	agent_unlock();
	free(pv.v);
	if (!br) {
		alog(LOG_ERR, "out of memory for bridge %s", b->name);
		return;
	}
	if (isnew)
		alog(LOG_INFO, "new bridge %s", b->name);
	if (br_register(req, b->ifindex, b->name, true) == 0) {
		agent_lock();
		br = br_find(b->ifindex);
		if (br)
			br->registered = true;
		agent_unlock();
	}
}

static void event_br_del(const struct fb_br *b)
{
	struct agent_br *br;

	agent_lock();
	br = br_find(b->ifindex);
	if (br) {
		br_unlink(br);
		br_free(br);
	}
	agent_unlock();
	if (br)
		alog(LOG_INFO, "bridge %s deleted", b->name);
}

static void event_port(uint8_t cmd, const struct fb_port *fp)
{
	struct agent_br *br;
	bool kick = false;

	agent_lock();
	br = br_find(fp->br_ifindex);
	if (!br && fp->br_name[0])
		br = br_find_name(fp->br_name);
	if (br) {
		/*
		 * Floods are FLOWBR_ACT_FLOOD, which the kernel resolves per
		 * packet: a port that comes, goes or changes VLANs needs no
		 * flow rewritten for them. The kernel flushes the flows that
		 * use a port it removes or changes. A VLAN change still gets
		 * a pass at once, for a unicast flow a handler may have
		 * installed from the old VLANs meanwhile.
		 */
		if (cmd == FLOWBR_CMD_PORT_DEL)
			port_remove(br, fp->port_no);
		else if (port_update(br, fp) && cmd == FLOWBR_CMD_PORT_SET)
			kick = true;
	}
	agent_unlock();
	if (br)
		alog(LOG_DBG, "port %s (%u) of %s: %s", fp->name, fp->port_no,
		     fp->br_name,
		     cmd == FLOWBR_CMD_PORT_NEW ? "added" :
		     cmd == FLOWBR_CMD_PORT_DEL ? "removed" : "changed");
	if (kick)
		reval_kick();
}

void bridges_handle_event(struct fbnl *req, const struct nlmsghdr *nlh)
{
	uint8_t cmd = fbnl_cmd(nlh);
	struct fb_port fp;
	struct fb_br b;

	switch (cmd) {
	case FLOWBR_CMD_BR_NEW:
	case FLOWBR_CMD_BR_DEL:
		if (fb_parse_br(nlh, &b))
			return;
		fb_br_free(&b);
		STAT_INC(events);
		if (cmd == FLOWBR_CMD_BR_NEW)
			event_br_new(req, &b);
		else
			event_br_del(&b);
		break;
	case FLOWBR_CMD_PORT_NEW:
	case FLOWBR_CMD_PORT_SET:
	case FLOWBR_CMD_PORT_DEL:
		if (fb_parse_port(nlh, &fp))
			return;
		STAT_INC(events);
		event_port(cmd, &fp);
		break;
	default:
		/* BR_SET (our own registrations), FLOW_FLUSH: nothing to do;
		 * the kernel already removed the flows. */
		break;
	}
}
