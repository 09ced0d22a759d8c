/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h - generic netlink plumbing shared by the flowbr tools (the CLI and the
 * agent): one NETLINK_GENERIC socket, its family id, request building,
 * request/ack and dump exchanges with sequence checks, extended ack capture,
 * multicast group resolution and attribute helpers.
 *
 * Nothing here prints: errors are returned as negative errno values and the
 * kernel's extended ack is kept in struct fbnl for the caller to report.
 */
#ifndef FLOWBR_NL_H
#define FLOWBR_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

/* Receive buffer: large enough for any dump datagram the kernel builds. */
#define FBNL_RX_SIZE	(64 * 1024)
/* Request buffer: a flow with FLOWBR_MAX_ACTIONS outputs fits. */
#define FBNL_TX_SIZE	(160 * 1024)
#define FBNL_EXTACK_LEN	256
#define FBNL_MAX_GROUPS	8

struct fbnl_group {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct fbnl {
	struct mnl_socket *sock;
	uint32_t portid;	/* our netlink port id */
	uint32_t seq;		/* last sequence number sent */
	uint16_t family;	/* generic netlink family id (0: unresolved) */
	uint8_t version;	/* genl version put in our requests */
	uint32_t family_version; /* version the kernel reports */
	struct fbnl_group groups[FBNL_MAX_GROUPS];
	unsigned int n_groups;

	char *rx;		/* FBNL_RX_SIZE bytes */
	char *tx;		/* FBNL_TX_SIZE bytes, for fbnl_req() */
	size_t tx_used;		/* bytes of tx to clear for the next request */

	/* What the kernel said about the last failed request. */
	int err;			/* negative errno, 0 if none */
	char ext_msg[FBNL_EXTACK_LEN];	/* NLMSGERR_ATTR_MSG, "" if none */
	uint32_t ext_off;		/* NLMSGERR_ATTR_OFFS, 0 if none */
	uint32_t ext_miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, 0 if none */
	uint32_t ext_miss_nest;		/* NLMSGERR_ATTR_MISS_NEST, 0 if none */

	bool dump_intr;		/* the last dump carried NLM_F_DUMP_INTR */
};

/*
 * Called for each message of the family in a reply or dump. Return
 * MNL_CB_OK to go on, MNL_CB_STOP to ignore the rest (the reply is still
 * drained), MNL_CB_ERROR with errno set to fail the exchange.
 */
typedef int (*fbnl_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Open a socket (extended acks and capped acks on) and resolve the family
 * @name. Returns 0, -ENOENT when the family is not registered (module not
 * loaded), or another negative errno.
 */
int fbnl_open(struct fbnl *nl, const char *name, uint8_t version);
/* Open a socket for an already resolved family (e.g. an agent's handler). */
int fbnl_open_family(struct fbnl *nl, uint16_t family, uint8_t version);
void fbnl_close(struct fbnl *nl);
int fbnl_fd(const struct fbnl *nl);

/* Id of a multicast group of the resolved family, or -ENOENT. */
int fbnl_group_id(const struct fbnl *nl, const char *group);
/* Join a multicast group by name. */
int fbnl_join_group(struct fbnl *nl, const char *group);

/*
 * Start a request in nl->tx (FBNL_TX_SIZE bytes): netlink and genl
 * headers, NLM_F_REQUEST plus @flags. The sequence number is assigned when
 * it is sent.
 */
struct nlmsghdr *fbnl_req(struct fbnl *nl, uint8_t cmd, uint16_t flags);
/*
 * Same in a caller's buffer of @size bytes, which is cleared first (libmnl
 * leaves attribute padding as it finds it).
 */
struct nlmsghdr *fbnl_req_buf(void *buf, size_t size, uint16_t family,
			      uint8_t cmd, uint8_t version, uint16_t flags);

/* Send one message, assigning it a fresh sequence number. */
int fbnl_send(struct fbnl *nl, struct nlmsghdr *nlh);

/*
 * Receive the reply to the message last sent (sequence @seq) until its ack,
 * error or NLMSG_DONE, calling @cb for each message of the family. Returns
 * 0 or a negative errno (the extended ack is then in nl->ext_*).
 */
int fbnl_wait(struct fbnl *nl, uint32_t seq, fbnl_cb cb, void *data);

/*
 * Send a request and wait for its reply: a doit request gets NLM_F_ACK
 * added; a request with NLM_F_DUMP runs a dump (nl->dump_intr tells whether
 * it was interrupted by a change, in which case the caller may redo it).
 */
int fbnl_talk(struct fbnl *nl, struct nlmsghdr *nlh, fbnl_cb cb, void *data);

/*
 * Receive one datagram of unsolicited messages (upcalls, notifications) and
 * call @cb for each message of the family. Returns the number of messages
 * passed to @cb, or a negative errno (-EAGAIN on a non-blocking socket with
 * nothing to read, -ENOBUFS when the kernel dropped messages).
 */
int fbnl_recv(struct fbnl *nl, fbnl_cb cb, void *data);

/* Forget the extended ack of the last request. */
void fbnl_clear_error(struct fbnl *nl);

/*
 * Decode an NLMSG_ERROR (or NLMSG_DONE) received outside fbnl_wait(), e.g.
 * the error of one request of a batch sent without NLM_F_ACK: returns its
 * negative errno (0 for an ack) and keeps the extended ack in nl->ext_*.
 */
int fbnl_error(struct fbnl *nl, const struct nlmsghdr *nlh);

/* ---- attributes ---- */

/*
 * Index the attributes following the genl header into tb[0..max]; unknown
 * types above max are ignored (newer kernels may send more).
 */
int fbnl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
	       unsigned int max);
int fbnl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned int max);
/* Genl command of a message of the family. */
uint8_t fbnl_cmd(const struct nlmsghdr *nlh);

/* Length-checked getters: false when absent or of the wrong size. */
bool fbnl_get_u8(const struct nlattr *a, uint8_t *v);
bool fbnl_get_u16(const struct nlattr *a, uint16_t *v);
bool fbnl_get_u32(const struct nlattr *a, uint32_t *v);
/* Accepts a u64 or (from a lenient sender) a u32. */
bool fbnl_get_u64(const struct nlattr *a, uint64_t *v);
/* Copies a string, always NUL-terminated; false if absent or too long. */
bool fbnl_get_str(const struct nlattr *a, char *buf, size_t size);
/* Payload of exactly @len bytes, or NULL. */
const void *fbnl_get_bin(const struct nlattr *a, size_t len);

#endif /* FLOWBR_NL_H */
