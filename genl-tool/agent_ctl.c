// SPDX-License-Identifier: GPL-2.0
/*
 * agent_ctl.c - flowbrd's control socket (AF_UNIX stream, mode 0600) for
 * the CLI's fdb-show, fdb-flush and agent-stats; see agent_proto.h. One
 * thread serves one short request at a time, with timeouts so that a stuck
 * client cannot hold it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent.h"
#include "agent_proto.h"

static struct {
	pthread_t thread;
	bool started;
	int lfd;
	bool bound;
	struct fbnl nl;
} C = { .lfd = -1 };

/* ---- reply buffer ---- */

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += n;
			return;
		}
		{
			size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
			char *s = realloc(b->s, cap);

			if (!s) {
				b->oom = true;
				return;
			}
			b->s = s;
			b->cap = cap;
		}
	}
}

/* ---- requests ---- */

/*
 * locked_br: the bridge called NAME with the agent's lock taken, or NULL
 * (lock released, the error reply written).
 */
static struct agent_br *locked_br(struct sbuf *out, const char *name)
{
	struct agent_br *br;

	agent_lock();
	br = br_find_name(name);
	if (!br) {
		agent_unlock();
		sb_printf(out, "error flowbrd has no bridge named %s (see "
			  "'flowbr list-br')\n", name);
	}
	return br;
}

static void do_fdb_show(struct sbuf *out, const char *name)
{
	const struct fdb_entry *e;
	struct agent_br *br;
	uint64_t now = now_ms();
	uint8_t mac[ETH_ALEN];
	char macs[18];
	uint16_t vlan;

	br = locked_br(out, name);
	if (!br)
		return;
	sb_printf(out, "ok\n");
	for (e = br->fdb.lru.next; e != &br->fdb.lru; e = e->next) {
		const struct agent_port *p = br->ports[e->port];

		fdb_key_split(e->key, &vlan, mac);
		mac_fmt(mac, macs);
		sb_printf(out, "mac %u %s %u %s %llu\n", vlan, macs, e->port,
			  p ? p->name : "-",
			  (unsigned long long)(now > e->seen_ms ?
					       (now - e->seen_ms) / 1000 : 0));
	}
	agent_unlock();
}

struct flush_reply {
	uint32_t count;
};

static int flush_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FLOWBR_A_MAX + 1];
	struct flush_reply *r = data;

	if (fbnl_parse(nlh, tb, FLOWBR_A_MAX) == 0)
		fbnl_get_u32(tb[FLOWBR_A_BR_FLOW_COUNT], &r->count);
	return MNL_CB_OK;
}

static void do_fdb_flush(struct sbuf *out, const char *name)
{
	struct flush_reply r = { 0 };
	struct agent_br *br;
	struct nlmsghdr *nlh;
	size_t macs = 0;
	int err;

	/*
	 * Flows first, then the table, all under the lock: a revalidation
	 * pass in between would learn the MACs again from the old flows.
	 */
	br = locked_br(out, name);
	if (!br)
		return;
	nlh = fbnl_req(&C.nl, FLOWBR_CMD_FLOW_FLUSH, 0);
	mnl_attr_put_u32(nlh, FLOWBR_A_BR_IFINDEX, br->ifindex);
	put_agent_mark(nlh, FBNL_TX_SIZE);
	err = fbnl_talk(&C.nl, nlh, flush_cb, &r);
	if (!err) {
		macs = fdb_flush(&br->fdb);
		pend_flush(&br->pend);
	}
	agent_unlock();
	if (err) {
		sb_printf(out, "error cannot flush the flows: %s\n",
			  strerror(-err));
		return;
	}
	alog(LOG_INFO, "%s: MAC table flushed (%zu MACs, %u flows)", name,
	     macs, r.count);
	sb_printf(out, "ok\nflushed %zu %u\n", macs, r.count);
}

static int br_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sbuf *out = data;
	struct agent_br *br;
	struct fb_br b;
	size_t macs = 0, pend = 0;
	unsigned int ports = 0;
	bool known;

	if (fb_parse_br(nlh, &b))
		return MNL_CB_OK;
	agent_lock();
	br = br_find(b.ifindex);
	known = br != NULL;
	if (br) {
		macs = br->fdb.n;
		pend = br->pend.n;
		ports = br->n_ports;
	}
	agent_unlock();
	sb_printf(out, "bridge %s\n", b.name);
	sb_printf(out, "stat registered %d\n",
		  known && b.n_pids == agent.n_pids &&
		  !memcmp(b.pids, agent.pids, b.n_pids * sizeof(*b.pids)));
	sb_printf(out, "stat ports %u\nstat macs %zu\nstat pending_floods %zu\n",
		  ports, macs, pend);
	sb_printf(out, "stat flows %u\n", b.flow_count);
	if (b.has_stats) {
		unsigned int i;

		for (i = FLOWBR_BR_STATS_HIT; i <= FLOWBR_BR_STATS_MAX; i++)
			if (fb_br_stat_name(i))
				sb_printf(out, "stat kernel_%s %llu\n",
					  fb_br_stat_name(i),
					  (unsigned long long)b.stats[i]);
	}
	fb_br_free(&b);
	return MNL_CB_OK;
}

static void do_stats(struct sbuf *out)
{
	struct nlmsghdr *nlh;
	int err;

	sb_printf(out, "ok\n");
	sb_printf(out, "stat handlers %u\n", agent.cfg.handlers);
	sb_printf(out, "stat uptime_s %llu\n",
		  (unsigned long long)((now_ms() - agent.start_ms) / 1000));
#define X(name, help) sb_printf(out, "stat %s %llu\n", #name, \
	(unsigned long long)__atomic_load_n(&agent.stats.name, __ATOMIC_RELAXED));
	AGENT_STATS(X)
#undef X
	nlh = fbnl_req(&C.nl, FLOWBR_CMD_BR_GET, NLM_F_DUMP);
	err = fbnl_talk(&C.nl, nlh, br_stats_cb, out);
	if (err)
		alog(LOG_WARN, "agent-stats: cannot dump bridges: %s",
		     strerror(-err));
}

/* ---- connections ---- */

static bool read_request(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t r;

	while (len < size - 1) {
		r = read(fd, buf + len, size - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		len += r;
		buf[len] = '\0';
		if (strchr(buf, '\n'))
			break;
	}
	if (!strchr(buf, '\n'))
		return false;
	*strchr(buf, '\n') = '\0';
	return true;
}

static void write_all(int fd, const char *s, size_t len)
{
	ssize_t r;

	while (len) {
		r = send(fd, s, len, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		s += r;
		len -= r;
	}
}

static void serve(int fd)
{
	struct timeval tv = { .tv_sec = 5 };
	char req[AGENT_CTL_MAX_REQ], *arg;
	struct sbuf out = { 0 };
	struct ucred cred;
	socklen_t len = sizeof(cred);

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* The socket is 0600, but be explicit about who may ask. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	    cred.uid != 0 && cred.uid != geteuid()) {
		sb_printf(&out, "error permission denied\n");
		goto reply;
	}
	if (!read_request(fd, req, sizeof(req))) {
		sb_printf(&out, "error bad request\n");
		goto reply;
	}
	arg = strchr(req, ' ');
	if (arg)
		*arg++ = '\0';
	if (!strcmp(req, "fdb-show") && arg && *arg)
		do_fdb_show(&out, arg);
	else if (!strcmp(req, "fdb-flush") && arg && *arg)
		do_fdb_flush(&out, arg);
	else if (!strcmp(req, "stats") && !arg)
		do_stats(&out);
	else
		sb_printf(&out, "error unknown request '%s'\n", req);
reply:
	if (out.oom)
		write_all(fd, "error out of memory\n", 20);
	else if (out.s)
		write_all(fd, out.s, out.len);
	free(out.s);
}

static void *ctl_main(void *arg)
{
	struct pollfd pfd[2] = {
		{ .fd = C.lfd, .events = POLLIN },
		{ .fd = agent.stop_fd, .events = POLLIN },
	};
	int fd;

	(void)arg;
	while (!agent.stopping) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			alog(LOG_ERR, "control socket: poll: %s",
			     strerror(errno));
			break;
		}
		if (pfd[1].revents)
			break;
		if (!pfd[0].revents)
			continue;
		fd = accept4(C.lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve(fd);
		close(fd);
	}
	return NULL;
}

/* Is an agent answering on @path? */
static bool ctl_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return alive;
}

int ctl_start(void)
{
	const char *path = agent.cfg.ctl_path;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int err;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		alog(LOG_ERR, "control socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (!strcmp(path, AGENT_CTL_PATH) && mkdir(AGENT_CTL_DIR, 0755) &&
	    errno != EEXIST) {
		err = -errno;
		alog(LOG_ERR, "cannot create %s: %s", AGENT_CTL_DIR,
		     strerror(errno));
		return err;
	}
	if (ctl_alive(&sa)) {
		alog(LOG_ERR, "another flowbrd is running (it answers on %s)",
		     path);
		return -EADDRINUSE;
	}
	unlink(path);	/* left by an agent that died */

	C.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (C.lfd < 0)
		goto fail;
	old = umask(0177);
	err = bind(C.lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (err)
		goto fail;
	C.bound = true;
	if (chmod(path, 0600) || listen(C.lfd, 16))
		goto fail;
	err = fbnl_open_family(&C.nl, agent.family, agent.version);
	if (err) {
		alog(LOG_ERR, "control socket: cannot open netlink: %s",
		     strerror(-err));
		return err;
	}
	err = pthread_create(&C.thread, NULL, ctl_main, NULL);
	if (err)
		return -err;
	C.started = true;
	return 0;
fail:
	err = -errno;
	alog(LOG_ERR, "cannot set up the control socket %s: %s", path,
	     strerror(errno));
	return err;
}

void ctl_stop(void)
{
	if (C.started) {
		pthread_join(C.thread, NULL);
		C.started = false;
	}
	if (C.lfd >= 0)
		close(C.lfd);
	C.lfd = -1;
	if (C.bound)
		unlink(agent.cfg.ctl_path);
	C.bound = false;
	if (C.nl.sock)
		fbnl_close(&C.nl);
}
