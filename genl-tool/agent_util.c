// SPDX-License-Identifier: GPL-2.0
/*
 * agent_util.c - flowbrd plumbing: rate-limited logging to stderr, time,
 * socket tuning, and request batches (many netlink requests in one
 * buffer, sent with one send(), errors coming back as NLMSG_ERROR).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "agent.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* ---- logging ---- */

#define RL_BURST	10
#define RL_PERIOD_MS	5000

static const char *const level_names[] = {
	[LOG_ERR] = "error: ",
	[LOG_WARN] = "warning: ",
	[LOG_INFO] = "",
	[LOG_DBG] = "debug: ",
};

static void vlog(enum log_level lvl, const char *suffix, const char *fmt,
		 va_list ap)
{
	char line[1024];
	int n;

	if (lvl == LOG_DBG && agent.cfg.verbose < 1)
		return;
	n = snprintf(line, sizeof(line), "%s: %s", AGENT_NAME,
		     level_names[lvl]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	/* One write per line: lines of different threads do not mix. */
	fprintf(stderr, "%s%s\n", line, suffix ? suffix : "");
}

void alog(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, NULL, fmt, ap);
	va_end(ap);
}

void alog_rl(struct ratelimit *rl, enum log_level lvl, const char *fmt, ...)
{
	char suffix[64] = "";
	unsigned long dropped = 0;
	uint64_t now = now_ms();
	bool ok;
	va_list ap;

	pthread_mutex_lock(&rl->lock);
	if (!rl->stamp_ms || now - rl->stamp_ms >= RL_PERIOD_MS) {
		rl->stamp_ms = now;
		rl->tokens = RL_BURST;
	}
	ok = rl->tokens > 0;
	if (ok) {
		rl->tokens--;
		dropped = rl->suppressed;
		rl->suppressed = 0;
	} else {
		rl->suppressed++;
	}
	pthread_mutex_unlock(&rl->lock);
	if (!ok)
		return;
	if (dropped)
		snprintf(suffix, sizeof(suffix),
			 " (%lu similar messages suppressed)", dropped);
	va_start(ap, fmt);
	vlog(lvl, suffix, fmt, ap);
	va_end(ap);
}

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void mac_fmt(const uint8_t *mac, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

void sock_tune(int fd, int rcvbuf, int sndbuf, bool no_enobufs)
{
	int one = 1;

	/* The FORCE variants need CAP_NET_ADMIN, which the agent has; fall
	 * back to what the sysctl limits allow. */
	if (rcvbuf &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (sndbuf &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (no_enobufs)
		setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one,
			   sizeof(one));
}

/* ---- batches ---- */

int batch_init(struct batch *b, size_t size, int fd, uint16_t family,
	       uint8_t version)
{
	memset(b, 0, sizeof(*b));
	b->buf = calloc(1, size);
	if (!b->buf)
		return -ENOMEM;
	b->size = size;
	b->fd = fd;
	b->family = family;
	b->version = version;
	return 0;
}

void batch_free(struct batch *b)
{
	free(b->buf);
	b->buf = NULL;
}

struct nlmsghdr *batch_start(struct batch *b, uint8_t cmd, enum batch_op op,
			     size_t need)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (b->size - b->len < need + MNL_NLMSG_HDRLEN + GENL_HDRLEN)
		return NULL;
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = b->family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	/* The low bits say what the request was, for its error. */
	nlh->nlmsg_seq = (++b->seq << 3) | op;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = b->version;
	g->reserved = 0;
	return nlh;
}

void batch_commit(struct batch *b, struct nlmsghdr *nlh)
{
	b->len += MNL_ALIGN(nlh->nlmsg_len);
	b->n++;
}

int batch_send(struct batch *b)
{
	ssize_t r;
	int err = 0;

	if (!b->len)
		return 0;
	do {
		r = send(b->fd, b->buf, b->len, 0);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		err = -errno;
		STAT_INC(tx_errors);
		LOG_RL(LOG_ERR, "cannot send %u requests (%zu bytes) to the "
		       "kernel: %s", b->n, b->len, strerror(errno));
	} else {
		STAT_INC(tx_batches);
		STAT_ADD(tx_msgs, b->n);
		STAT_MAX(tx_batch_max, b->n);
	}
	b->len = 0;
	b->n = 0;
	return err;
}

static bool put_br(struct nlmsghdr *nlh, size_t room, uint32_t ifindex)
{
	return mnl_attr_put_u32_check(nlh, room, FLOWBR_A_BR_IFINDEX, ifindex);
}

/*
 * The agent's flow changes carry FLOWBR_A_AGENT, so that the kernel counts
 * only other clients' changes in FLOWBR_A_BR_FLOW_EXTERNAL (agent_reval.c).
 */
bool put_agent_mark(struct nlmsghdr *nlh, size_t room)
{
	return !(agent.features & FLOWBR_F_FLOW_EXTERNAL) ||
	       mnl_attr_put_check(nlh, room, FLOWBR_A_AGENT, 0, NULL);
}

static bool put_flow_br(struct nlmsghdr *nlh, size_t room, uint32_t ifindex)
{
	return put_br(nlh, room, ifindex) && put_agent_mark(nlh, room);
}

bool put_flow_new(struct batch *b, uint32_t br_ifindex,
		  const struct fb_key *key, const struct fb_output *acts,
		  size_t n)
{
	struct nlmsghdr *nlh = batch_start(b, FLOWBR_CMD_FLOW_NEW, OP_FLOW_NEW,
					   64 + n * 32);

	if (!nlh || !put_flow_br(nlh, batch_room(b), br_ifindex) ||
	    !fb_put_key(nlh, batch_room(b), key) ||
	    !fb_put_actions(nlh, batch_room(b), acts, n))
		return false;
	batch_commit(b, nlh);
	return true;
}

bool put_execute(struct batch *b, uint32_t br_ifindex, uint32_t in_port,
		 const void *pkt, size_t len, const struct fb_output *acts,
		 size_t n)
{
	struct nlmsghdr *nlh = batch_start(b, FLOWBR_CMD_PACKET_EXECUTE,
					   OP_EXECUTE, 64 + len + n * 32);
	struct nlattr *nest;

	if (!nlh || !put_br(nlh, batch_room(b), br_ifindex))
		return false;
	/* Only in_port is needed: the kernel classifies the packet again. */
	nest = mnl_attr_nest_start_check(nlh, batch_room(b), FLOWBR_A_KEY);
	if (!nest ||
	    !mnl_attr_put_u32_check(nlh, batch_room(b), FLOWBR_KEY_IN_PORT,
				    in_port))
		return false;
	mnl_attr_nest_end(nlh, nest);
	if (!mnl_attr_put_check(nlh, batch_room(b), FLOWBR_A_PACKET, len, pkt) ||
	    !fb_put_actions(nlh, batch_room(b), acts, n))
		return false;
	batch_commit(b, nlh);
	return true;
}

/*
 * Flush the flows of VLAN @vlan (all VLANs if negative) that use port
 * @port (any if negative) and whose MAC named by @mac_attr (FLOWBR_A_MAC:
 * source or destination; FLOWBR_A_MAC_SRC, FLOWBR_A_MAC_DST) is @mac.
 */
bool put_flush(struct batch *b, uint32_t br_ifindex, int vlan, int port,
	       uint16_t mac_attr, const uint8_t *mac)
{
	struct nlmsghdr *nlh = batch_start(b, FLOWBR_CMD_FLOW_FLUSH, OP_FLUSH,
					   64);

	if (!nlh || !put_flow_br(nlh, batch_room(b), br_ifindex))
		return false;
	if (vlan >= 0 &&
	    !mnl_attr_put_u16_check(nlh, batch_room(b), FLOWBR_A_VLAN, vlan))
		return false;
	if (port >= 0 &&
	    !mnl_attr_put_u32_check(nlh, batch_room(b), FLOWBR_A_PORT_NO, port))
		return false;
	if (mac && !mnl_attr_put_check(nlh, batch_room(b), mac_attr,
				       ETH_ALEN, mac))
		return false;
	batch_commit(b, nlh);
	return true;
}

bool put_flow_del(struct batch *b, uint32_t br_ifindex,
		  const struct fb_key *key)
{
	struct nlmsghdr *nlh = batch_start(b, FLOWBR_CMD_FLOW_DEL, OP_FLOW_DEL,
					   64);

	if (!nlh || !put_flow_br(nlh, batch_room(b), br_ifindex) ||
	    !fb_put_key(nlh, batch_room(b), key))
		return false;
	batch_commit(b, nlh);
	return true;
}

bool batch_reply(struct fbnl *nl, const struct nlmsghdr *nlh)
{
	static const char *const what[] = {
		[OP_FLOW_NEW] = "flow install",
		[OP_EXECUTE] = "packet execute",
		[OP_FLUSH] = "flow flush",
		[OP_FLOW_DEL] = "flow delete",
		[OP_OTHER] = "request",
	};
	unsigned int op;
	int err;

	if (nlh->nlmsg_type != NLMSG_ERROR)
		return nlh->nlmsg_type < NLMSG_MIN_TYPE;
	err = fbnl_error(nl, nlh);
	if (!err)
		return true;
	op = nlh->nlmsg_seq & 7;
	switch (op) {
	case OP_FLOW_NEW:
		STAT_INC(err_flow_new);
		break;
	case OP_EXECUTE:
		STAT_INC(err_execute);
		break;
	case OP_FLUSH:
		STAT_INC(err_flush);
		break;
	case OP_FLOW_DEL:
		/* The flow went away by itself (port removed, flushed). */
		if (err == -ENOENT)
			return true;
		STAT_INC(err_flow_del);
		break;
	default:
		op = OP_OTHER;
		break;
	}
	/* A flow limit or a port that just went away is expected at times. */
	LOG_RL(err == -ENOSPC || err == -ENOENT ? LOG_INFO : LOG_WARN,
	       "%s failed: %s%s%s", what[op], strerror(-err),
	       nl->ext_msg[0] ? ": " : "", nl->ext_msg);
	return true;
}
