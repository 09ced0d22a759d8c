// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c - generic netlink plumbing shared by the flowbr tools.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int nl_setup_socket(struct fbnl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->rx = malloc(FBNL_RX_SIZE);
	nl->tx = calloc(1, FBNL_TX_SIZE);
	if (!nl->rx || !nl->tx)
		goto nomem;

	nl->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sock)
		goto fail;
	/*
	 * Extended acks carry the kernel's error message; capped acks keep
	 * error replies small (we still have the request ourselves). Kernels
	 * without them just give plain acks, so failures here are ignored.
	 */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;

nomem:
	errno = ENOMEM;
fail:
	{
		int err = errno ? -errno : -EIO;

		fbnl_close(nl);
		return err;
	}
}

void fbnl_close(struct fbnl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	free(nl->rx);
	free(nl->tx);
	nl->rx = NULL;
	nl->tx = NULL;
}

int fbnl_fd(const struct fbnl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

void fbnl_clear_error(struct fbnl *nl)
{
	nl->err = 0;
	nl->ext_msg[0] = '\0';
	nl->ext_off = 0;
	nl->ext_miss_type = 0;
	nl->ext_miss_nest = 0;
}

/* ---- attribute helpers ---- */

struct parse_ctx {
	const struct nlattr **tb;
	unsigned int max;
};

static int parse_attr_cb(const struct nlattr *attr, void *data)
{
	struct parse_ctx *ctx = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= ctx->max)
		ctx->tb[type] = attr;
	return MNL_CB_OK;
}

int fbnl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
	       unsigned int max)
{
	struct parse_ctx ctx = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -EBADMSG;
	if (mnl_attr_parse(nlh, GENL_HDRLEN, parse_attr_cb, &ctx) < 0)
		return -EBADMSG;
	return 0;
}

int fbnl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned int max)
{
	struct parse_ctx ctx = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (!nest)
		return -EINVAL;
	if (mnl_attr_parse_nested(nest, parse_attr_cb, &ctx) < 0)
		return -EBADMSG;
	return 0;
}

uint8_t fbnl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return 0;
	return g->cmd;
}

bool fbnl_get_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*v))
		return false;
	*v = mnl_attr_get_u8(a);
	return true;
}

bool fbnl_get_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*v))
		return false;
	*v = mnl_attr_get_u16(a);
	return true;
}

bool fbnl_get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*v))
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

bool fbnl_get_u64(const struct nlattr *a, uint64_t *v)
{
	uint64_t v64;

	if (!a)
		return false;
	switch (mnl_attr_get_payload_len(a)) {
	case sizeof(uint64_t):
		/* 64-bit attributes may sit at a 4-byte boundary. */
		memcpy(&v64, mnl_attr_get_payload(a), sizeof(v64));
		*v = v64;
		return true;
	case sizeof(uint32_t):
		*v = mnl_attr_get_u32(a);
		return true;
	default:
		return false;
	}
}

bool fbnl_get_str(const struct nlattr *a, char *buf, size_t size)
{
	size_t plen, n;

	if (!a || !size)
		return false;
	plen = mnl_attr_get_payload_len(a);
	n = strnlen(mnl_attr_get_payload(a), plen);
	if (n >= size)
		return false;
	memcpy(buf, mnl_attr_get_payload(a), n);
	buf[n] = '\0';
	return true;
}

const void *fbnl_get_bin(const struct nlattr *a, size_t len)
{
	if (!a || mnl_attr_get_payload_len(a) != len)
		return NULL;
	return mnl_attr_get_payload(a);
}

/* ---- requests ---- */

struct nlmsghdr *fbnl_req_buf(void *buf, size_t size, uint16_t family,
			      uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = 0;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *fbnl_req(struct fbnl *nl, uint8_t cmd, uint16_t flags)
{
	/* Clear only what earlier requests used: tx starts zeroed. */
	size_t used = nl->tx_used;

	nl->tx_used = 0;
	if (used < MNL_NLMSG_HDRLEN + GENL_HDRLEN)
		used = MNL_NLMSG_HDRLEN + GENL_HDRLEN;
	return fbnl_req_buf(nl->tx, used, nl->family, cmd, nl->version,
			    flags);
}

int fbnl_send(struct fbnl *nl, struct nlmsghdr *nlh)
{
	fbnl_clear_error(nl);
	nl->dump_intr = false;
	nlh->nlmsg_seq = ++nl->seq;
	if (!nl->seq)	/* keep 0 for unsolicited messages */
		nlh->nlmsg_seq = ++nl->seq;
	if ((char *)nlh == nl->tx && nlh->nlmsg_len > nl->tx_used)
		nl->tx_used = nlh->nlmsg_len;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* ---- replies ---- */

static void parse_extack(struct fbnl *nl, const void *tlvs, size_t len)
{
	const struct nlattr *attr;

	mnl_attr_for_each_payload(tlvs, len) {
		size_t plen = mnl_attr_get_payload_len(attr);

		switch (mnl_attr_get_type(attr)) {
		case NLMSGERR_ATTR_MSG: {
			size_t n = strnlen(mnl_attr_get_payload(attr), plen);

			if (n >= sizeof(nl->ext_msg))
				n = sizeof(nl->ext_msg) - 1;
			memcpy(nl->ext_msg, mnl_attr_get_payload(attr), n);
			nl->ext_msg[n] = '\0';
			/* Some messages end in attr newline; one line is enough. */
			while (n && (nl->ext_msg[n - 1] == '\n' ||
				     nl->ext_msg[n - 1] == ' '))
				nl->ext_msg[--n] = '\0';
			break;
		}
		case NLMSGERR_ATTR_OFFS:
			fbnl_get_u32(attr, &nl->ext_off);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			fbnl_get_u32(attr, &nl->ext_miss_type);
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			fbnl_get_u32(attr, &nl->ext_miss_nest);
			break;
		default:
			break;
		}
	}
}

/*
 * An NLMSG_ERROR (ack when the error is 0) or NLMSG_DONE (an int error, then
 * extended ack TLVs). Returns 0 or the negative errno.
 */
static int parse_error(struct fbnl *nl, const struct nlmsghdr *nlh, bool done)
{
	const char *payload = mnl_nlmsg_get_payload(nlh);
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	size_t off;
	int err;

	if (done) {
		if (plen < sizeof(int))
			return 0;
		memcpy(&err, payload, sizeof(err));
		off = MNL_ALIGN(sizeof(int));
	} else {
		const struct nlmsgerr *e = (const void *)payload;

		if (plen < sizeof(*e))
			return -EBADMSG;
		err = e->error;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len > sizeof(struct nlmsghdr))
			off += MNL_ALIGN(e->msg.nlmsg_len -
					 sizeof(struct nlmsghdr));
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && plen > off)
		parse_extack(nl, payload + off, plen - off);
	if (err > 0)
		err = -err;
	nl->err = err;
	return err;
}

int fbnl_error(struct fbnl *nl, const struct nlmsghdr *nlh)
{
	fbnl_clear_error(nl);
	return parse_error(nl, nlh, nlh->nlmsg_type == NLMSG_DONE);
}

int fbnl_wait(struct fbnl *nl, uint32_t seq, fbnl_cb cb, void *data)
{
	bool cb_done = !cb;
	int ret = 0;

	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		n = mnl_socket_recvfrom(nl->sock, nl->rx, FBNL_RX_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len = (int)n;
		nlh = (const struct nlmsghdr *)nl->rx;
		while (mnl_nlmsg_ok(nlh, len)) {
			int r;

			/* Stale replies or notifications: not ours. */
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
				goto next;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				nl->dump_intr = true;

			switch (nlh->nlmsg_type) {
			case NLMSG_ERROR:
				r = parse_error(nl, nlh, false);
				return ret ? ret : r;
			case NLMSG_DONE:
				r = parse_error(nl, nlh, true);
				return ret ? ret : r;
			case NLMSG_NOOP:
			case NLMSG_OVERRUN:
				break;
			default:
				if (cb_done)
					break;
				errno = 0;
				r = cb(nlh, data);
				if (r == MNL_CB_STOP) {
					cb_done = true;
				} else if (r < MNL_CB_STOP) {
					/* Keep draining so the socket stays usable. */
					ret = errno ? -errno : -EBADMSG;
					cb_done = true;
				}
				break;
			}
next:
			nlh = mnl_nlmsg_next(nlh, &len);
		}
	}
}

int fbnl_talk(struct fbnl *nl, struct nlmsghdr *nlh, fbnl_cb cb, void *data)
{
	int err;

	/* NLM_F_DUMP is two bits; NLM_F_EXCL alone shares one of them. */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	err = fbnl_send(nl, nlh);
	if (err)
		return err;
	return fbnl_wait(nl, nlh->nlmsg_seq, cb, data);
}

int fbnl_recv(struct fbnl *nl, fbnl_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	int count = 0, len;
	ssize_t n;

	do {
		n = mnl_socket_recvfrom(nl->sock, nl->rx, FBNL_RX_SIZE);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;

	len = (int)n;
	nlh = (const struct nlmsghdr *)nl->rx;
	while (mnl_nlmsg_ok(nlh, len)) {
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
			count++;
			if (cb && cb(nlh, data) < MNL_CB_STOP)
				return errno ? -errno : -EBADMSG;
		}
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	return count;
}

/* ---- family resolution ---- */

static void parse_groups(struct fbnl *nl, const struct nlattr *nest)
{
	const struct nlattr *grp;

	mnl_attr_for_each_nested(grp, nest) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
		struct fbnl_group *g;

		if (nl->n_groups >= FBNL_MAX_GROUPS)
			break;
		if (fbnl_parse_nested(grp, tb, CTRL_ATTR_MCAST_GRP_MAX) < 0)
			continue;
		g = &nl->groups[nl->n_groups];
		if (!fbnl_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME], g->name,
				  sizeof(g->name)) ||
		    !fbnl_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID], &g->id))
			continue;
		nl->n_groups++;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fbnl *nl = data;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (fbnl_parse(nlh, tb, CTRL_ATTR_MAX) < 0 ||
	    !fbnl_get_u16(tb[CTRL_ATTR_FAMILY_ID], &nl->family)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	fbnl_get_u32(tb[CTRL_ATTR_VERSION], &nl->family_version);
	nl->n_groups = 0;
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		parse_groups(nl, tb[CTRL_ATTR_MCAST_GROUPS]);
	return MNL_CB_OK;
}

int fbnl_open(struct fbnl *nl, const char *name, uint8_t version)
{
	struct nlmsghdr *nlh;
	int err;

	err = nl_setup_socket(nl);
	if (err)
		return err;
	nl->version = version;
	nlh = fbnl_req_buf(nl->tx, FBNL_TX_SIZE, GENL_ID_CTRL,
			   CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = fbnl_talk(nl, nlh, family_cb, nl);
	if (!err && !nl->family)
		err = -ENOENT;
	if (err) {
		/* fbnl_close() keeps nl->err and nl->ext_* for the caller. */
		fbnl_close(nl);
		return err;
	}
	return 0;
}

int fbnl_open_family(struct fbnl *nl, uint16_t family, uint8_t version)
{
	int err = nl_setup_socket(nl);

	if (err)
		return err;
	nl->family = family;
	nl->version = version;
	return 0;
}

int fbnl_group_id(const struct fbnl *nl, const char *group)
{
	unsigned int i;

	for (i = 0; i < nl->n_groups; i++)
		if (!strcmp(nl->groups[i].name, group))
			return (int)nl->groups[i].id;
	return -ENOENT;
}

int fbnl_join_group(struct fbnl *nl, const char *group)
{
	int id = fbnl_group_id(nl, group);

	if (id < 0)
		return id;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &id,
				  sizeof(id)) < 0)
		return -errno;
	return 0;
}
