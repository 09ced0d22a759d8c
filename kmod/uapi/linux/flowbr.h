/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * flowbr - a VLAN-aware flow-cache bridge datapath for KVM hypervisors.
 *
 * This is the one interface shared by the kernel module and its tools. It is
 * a generic netlink family named FLOWBR_GENL_NAME. Every object lives in a
 * network namespace: commands act on the namespace of the requesting socket.
 *
 * Compatibility rules: enums only grow by appending; attributes are never
 * renumbered; a new attribute is optional for the kernel to accept.
 *
 * Objects:
 *  - a bridge, named like its local port (an internal netdev, port 0);
 *  - ports: "netdev" (an existing Ethernet device) or "internal" (a netdev
 *    created by flowbr whose transmit enters the bridge);
 *  - flows: exact-match entries {in_port, vlan, eth_src, eth_dst} -> actions.
 */
#ifndef _UAPI_LINUX_FLOWBR_H
#define _UAPI_LINUX_FLOWBR_H

#include <linux/types.h>
#include <linux/if_ether.h>

#define FLOWBR_GENL_NAME	"flowbr"
#define FLOWBR_GENL_VERSION	1

/* Multicast group on which bridge/port changes and flow flushes are sent. */
#define FLOWBR_MCGRP_EVENTS	"events"

/* Port number of a bridge's local (internal) port, named like the bridge. */
#define FLOWBR_PORT_LOCAL	0
/* Port numbers are 0 .. FLOWBR_MAX_PORTS - 1. */
#define FLOWBR_MAX_PORTS	4096

/* VLAN 0 is the untagged domain; 1..4094 are real VLANs; 4095 is reserved. */
#define FLOWBR_VLAN_UNTAGGED	0
#define FLOWBR_VID_MAX		4094
/* Size in bytes of FLOWBR_A_PORT_TRUNKS: one bit per VID 0..4095, LSB first. */
#define FLOWBR_VLAN_BITMAP_LEN	(4096 / 8)

#define FLOWBR_DEFAULT_FLOW_LIMIT	200000
#define FLOWBR_MAX_FLOW_LIMIT		4000000
#define FLOWBR_DEFAULT_UPCALL_QUEUE	4096
#define FLOWBR_MAX_UPCALL_QUEUE		65536
/* Longest idle time a flow dump can filter on (%FLOWBR_A_FLOW_IDLE_MIN): a day. */
#define FLOWBR_MAX_FLOW_IDLE_MIN	86400000
#define FLOWBR_DEFAULT_UPCALL_RATE	20000
/*
 * Explicit outputs (%FLOWBR_ACT_OUTPUT) per flow. Every flow must fit one
 * netlink message of NLMSG_GOODSIZE bytes (3776 with 4 KiB pages): a
 * FLOW_GET reply, or one flow of a dump, is never split. An output takes
 * 28 bytes there and the rest of a flow at most 164, so 128 outputs (3748
 * bytes) fit. To reach every port of a VLAN, use %FLOWBR_ACT_FLOOD rather
 * than listing them.
 */
#define FLOWBR_MAX_OUTPUTS		128
/* Actions per flow: the outputs and at most one %FLOWBR_ACT_FLOOD. */
#define FLOWBR_MAX_ACTIONS		(FLOWBR_MAX_OUTPUTS + 1)
#define FLOWBR_MAX_HANDLERS		1024

/**
 * enum flowbr_cmd - commands of the flowbr generic netlink family
 * @FLOWBR_CMD_UNSPEC: unused
 * @FLOWBR_CMD_GET_INFO: query the module: replies with %FLOWBR_A_VERSION,
 *	%FLOWBR_A_FEATURES and the limits: the largest flow limit in
 *	%FLOWBR_A_BR_FLOW_LIMIT, the largest upcall queue in
 *	%FLOWBR_A_BR_UPCALL_QUEUE. Needs no privilege.
 * @FLOWBR_CMD_BR_NEW: create a bridge named %FLOWBR_A_BR_NAME and its local
 *	port (an internal netdev of the same name, port 0, trunk mode).
 *	Optional: %FLOWBR_A_BR_FLOW_LIMIT, %FLOWBR_A_BR_MISS_POLICY,
 *	%FLOWBR_A_BR_UPCALL_QUEUE, %FLOWBR_A_BR_UPCALL_RATE. Also notified on
 *	%FLOWBR_MCGRP_EVENTS.
 * @FLOWBR_CMD_BR_DEL: delete a bridge, all its ports (internal netdevs are
 *	unregistered, netdev ports released) and all its flows.
 * @FLOWBR_CMD_BR_GET: get one bridge (by %FLOWBR_A_BR_NAME or
 *	%FLOWBR_A_BR_IFINDEX) or dump all bridges of the namespace. The reply
 *	carries the settings, %FLOWBR_A_BR_FLOW_COUNT, %FLOWBR_A_BR_STATS and
 *	%FLOWBR_A_BR_UPCALL_PIDS.
 * @FLOWBR_CMD_BR_SET: change a bridge's settings, or register the agent's
 *	upcall handler sockets with %FLOWBR_A_BR_UPCALL_PIDS (an empty array
 *	unregisters them).
 * @FLOWBR_CMD_PORT_NEW: add a port %FLOWBR_A_PORT_NAME of
 *	%FLOWBR_A_PORT_TYPE to a bridge. Optional: %FLOWBR_A_PORT_NO (default:
 *	lowest free), %FLOWBR_A_PORT_VLAN_MODE, %FLOWBR_A_PORT_TAG,
 *	%FLOWBR_A_PORT_TRUNKS. Without a mode, a port with a tag is access,
 *	otherwise trunk.
 *
 * Commands up to %FLOWBR_CMD_FLOW_NEW accept no nlmsg_flags beyond
 * NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO (and NLM_F_EXCL on FLOW_NEW) and
 * need genlmsghdr.reserved to be 0, like the later ones.
 * @FLOWBR_CMD_PORT_DEL: remove a port (by %FLOWBR_A_PORT_NAME or
 *	%FLOWBR_A_PORT_NO) and every flow that uses it. The local port cannot
 *	be removed (delete the bridge).
 * @FLOWBR_CMD_PORT_GET: get one port, or dump the ports of one bridge (or of
 *	every bridge when no bridge is given). Port replies and events carry
 *	the bridge's %FLOWBR_A_BR_NAME and %FLOWBR_A_BR_IFINDEX too.
 * @FLOWBR_CMD_PORT_SET: change a port's VLAN settings. Takes effect at once:
 *	the flows that use the port are flushed.
 * @FLOWBR_CMD_FLOW_NEW: install a flow (%FLOWBR_A_KEY, %FLOWBR_A_ACTIONS).
 *	An existing flow with the same key is refused with %EEXIST under
 *	%NLM_F_EXCL, otherwise its actions are replaced (its counters kept).
 *	Refused over the bridge's flow limit.
 * @FLOWBR_CMD_FLOW_DEL: delete the flow with %FLOWBR_A_KEY; the reply
 *	carries its final counters.
 * @FLOWBR_CMD_FLOW_GET: get the flow with %FLOWBR_A_KEY, or dump the flows
 *	of a bridge (a dump that raced with a change is flagged
 *	%NLM_F_DUMP_INTR); with %FLOWBR_A_FLOW_IDLE_MIN, only the flows idle
 *	for at least that long.
 * @FLOWBR_CMD_FLOW_FLUSH: delete the flows of a bridge; restricted to flows
 *	that use %FLOWBR_A_PORT_NO (in_port or an explicit output; a flood
 *	names no port), that are in %FLOWBR_A_VLAN, whose source or
 *	destination is %FLOWBR_A_MAC, whose source is %FLOWBR_A_MAC_SRC, or
 *	whose destination is %FLOWBR_A_MAC_DST, when given (all given
 *	filters must match). Replies with the number deleted in
 *	%FLOWBR_A_BR_FLOW_COUNT.
 * @FLOWBR_CMD_UPCALL: kernel to agent only: a packet that missed the flow
 *	table, with %FLOWBR_A_BR_IFINDEX, %FLOWBR_A_BR_NAME, %FLOWBR_A_KEY
 *	(in_port and classified VLAN included) and %FLOWBR_A_PACKET (the frame
 *	as received, its tag written back into the data).
 * @FLOWBR_CMD_PACKET_EXECUTE: send %FLOWBR_A_PACKET as if received on
 *	%FLOWBR_A_KEY's in_port: it is classified again, then run through
 *	%FLOWBR_A_ACTIONS when given, else through the flow table (a miss is
 *	then dropped, never upcalled again).
 * @__FLOWBR_CMD_MAX: internal
 * @FLOWBR_CMD_MAX: highest command number
 *
 * Every command that changes state needs CAP_NET_ADMIN in the user namespace
 * that owns the network namespace.
 */
enum flowbr_cmd {
	FLOWBR_CMD_UNSPEC,
	FLOWBR_CMD_GET_INFO,
	FLOWBR_CMD_BR_NEW,
	FLOWBR_CMD_BR_DEL,
	FLOWBR_CMD_BR_GET,
	FLOWBR_CMD_BR_SET,
	FLOWBR_CMD_PORT_NEW,
	FLOWBR_CMD_PORT_DEL,
	FLOWBR_CMD_PORT_GET,
	FLOWBR_CMD_PORT_SET,
	FLOWBR_CMD_FLOW_NEW,
	FLOWBR_CMD_FLOW_DEL,
	FLOWBR_CMD_FLOW_GET,
	FLOWBR_CMD_FLOW_FLUSH,
	FLOWBR_CMD_UPCALL,
	FLOWBR_CMD_PACKET_EXECUTE,

	/* add new commands above here */
	__FLOWBR_CMD_MAX,
	FLOWBR_CMD_MAX = __FLOWBR_CMD_MAX - 1
};

/**
 * enum flowbr_attr - top-level attributes of the flowbr family
 * @FLOWBR_A_UNSPEC: unused
 * @FLOWBR_A_PAD: padding for 64-bit attributes
 * @FLOWBR_A_VERSION: string, the module's version (GET_INFO reply)
 * @FLOWBR_A_FEATURES: u32, bitmask of &enum flowbr_feature (GET_INFO reply)
 * @FLOWBR_A_BR_NAME: string, bridge name (= its local port's netdev name)
 * @FLOWBR_A_BR_IFINDEX: u32, ifindex of the bridge's local port
 * @FLOWBR_A_BR_FLOW_LIMIT: u32, maximum number of flows (1 ..
 *	%FLOWBR_MAX_FLOW_LIMIT, default %FLOWBR_DEFAULT_FLOW_LIMIT)
 * @FLOWBR_A_BR_MISS_POLICY: u8, &enum flowbr_miss_policy: what the kernel
 *	does with a miss it cannot hand to an agent
 * @FLOWBR_A_BR_UPCALL_QUEUE: u32, upcalls that may wait per CPU for the
 *	agent (1 .. %FLOWBR_MAX_UPCALL_QUEUE); misses past it take the miss
 *	policy and count as lost
 * @FLOWBR_A_BR_UPCALL_RATE: u32, upcalls per second allowed per port
 *	(0 = unlimited); misses past it take the miss policy
 * @FLOWBR_A_BR_UPCALL_PIDS: binary, array of u32 netlink port ids of the
 *	agent's handler sockets; a miss on CPU c goes to pids[c % n]
 * @FLOWBR_A_BR_STATS: nested, &enum flowbr_br_stats
 * @FLOWBR_A_BR_FLOW_COUNT: u32, flows installed (FLOW_FLUSH: flows deleted)
 * @FLOWBR_A_PORT_NO: u32, port number (0 .. %FLOWBR_MAX_PORTS - 1)
 * @FLOWBR_A_PORT_NAME: string, the port's netdev name
 * @FLOWBR_A_PORT_IFINDEX: u32, the port's netdev ifindex
 * @FLOWBR_A_PORT_TYPE: u8, &enum flowbr_port_type
 * @FLOWBR_A_PORT_VLAN_MODE: u8, &enum flowbr_vlan_mode
 * @FLOWBR_A_PORT_TAG: u16, access or native VLAN (1 .. %FLOWBR_VID_MAX);
 *	0 in replies when the port has none; 0 in PORT_SET removes the tag
 *	(an access port without an explicit mode becomes a trunk)
 * @FLOWBR_A_PORT_TRUNKS: binary, %FLOWBR_VLAN_BITMAP_LEN bytes, bit v set
 *	when VID v is trunked (bits 0 and 4095 must be clear); all clear means
 *	every VLAN
 * @FLOWBR_A_PORT_STATS: nested, &enum flowbr_port_stats
 * @FLOWBR_A_KEY: nested, &enum flowbr_key_attr
 * @FLOWBR_A_ACTIONS: nested, &enum flowbr_action_attr: up to
 *	%FLOWBR_MAX_OUTPUTS %FLOWBR_ACT_OUTPUT run in order, then at most one
 *	%FLOWBR_ACT_FLOOD, which must come last; may be empty (drop)
 * @FLOWBR_A_FLOW_STATS: nested, &enum flowbr_flow_stats
 * @FLOWBR_A_PACKET: binary, an Ethernet frame
 * @FLOWBR_A_VLAN: u16, a VLAN (0 .. %FLOWBR_VID_MAX) used as a filter
 * @FLOWBR_A_MAC: binary, ETH_ALEN bytes, a MAC used as a filter
 * @FLOWBR_A_PORT_UPCALLS: u64, upcalls sent for misses on this port
 * @FLOWBR_A_PORT_UPCALLS_LOST: u64, misses on this port that could not be
 *	upcalled (no agent, the port's upcall rate or the upcall queue
 *	exceeded, the agent's socket full or gone) and took the miss policy:
 *	the port's share of the bridge's %FLOWBR_BR_STATS_LOST
 * @FLOWBR_A_FLOW_IDLE_MIN: u32, milliseconds (1 ..
 *	%FLOWBR_MAX_FLOW_IDLE_MIN); a FLOW_GET dump with it returns only the
 *	flows not hit for at least that long (an agent expiring idle flows
 *	reads those, not the whole table); ignored by a FLOW_GET of one flow
 * @FLOWBR_A_AGENT: flag, in FLOW_NEW, FLOW_DEL and FLOW_FLUSH: the request
 *	comes from the agent, which keeps track of its own changes; they are
 *	not counted in %FLOWBR_A_BR_FLOW_EXTERNAL
 * @FLOWBR_A_BR_FLOW_EXTERNAL: u32, flow changes made without
 *	%FLOWBR_A_AGENT since the bridge was created (a FLOW_NEW or FLOW_DEL
 *	that succeeded, a FLOW_FLUSH that deleted flows), wrapping; an agent
 *	that sees it change between two reads revalidates every flow, since
 *	it cannot know which ones another client installed or removed
 * @FLOWBR_A_MAC_SRC: binary, ETH_ALEN bytes, in FLOW_FLUSH: only flows
 *	with this source MAC
 * @FLOWBR_A_MAC_DST: binary, ETH_ALEN bytes, in FLOW_FLUSH: only flows
 *	with this destination MAC (learning a MAC makes only the flows to it
 *	stale, and leaves alone the flows from it that the agent may be
 *	installing at the same time)
 * @__FLOWBR_A_MAX: internal
 * @FLOWBR_A_MAX: highest attribute number
 */
enum flowbr_attr {
	FLOWBR_A_UNSPEC,
	FLOWBR_A_PAD,
	FLOWBR_A_VERSION,
	FLOWBR_A_FEATURES,
	FLOWBR_A_BR_NAME,
	FLOWBR_A_BR_IFINDEX,
	FLOWBR_A_BR_FLOW_LIMIT,
	FLOWBR_A_BR_MISS_POLICY,
	FLOWBR_A_BR_UPCALL_QUEUE,
	FLOWBR_A_BR_UPCALL_RATE,
	FLOWBR_A_BR_UPCALL_PIDS,
	FLOWBR_A_BR_STATS,
	FLOWBR_A_BR_FLOW_COUNT,
	FLOWBR_A_PORT_NO,
	FLOWBR_A_PORT_NAME,
	FLOWBR_A_PORT_IFINDEX,
	FLOWBR_A_PORT_TYPE,
	FLOWBR_A_PORT_VLAN_MODE,
	FLOWBR_A_PORT_TAG,
	FLOWBR_A_PORT_TRUNKS,
	FLOWBR_A_PORT_STATS,
	FLOWBR_A_KEY,
	FLOWBR_A_ACTIONS,
	FLOWBR_A_FLOW_STATS,
	FLOWBR_A_PACKET,
	FLOWBR_A_VLAN,
	FLOWBR_A_MAC,
	FLOWBR_A_PORT_UPCALLS,
	FLOWBR_A_PORT_UPCALLS_LOST,
	FLOWBR_A_FLOW_IDLE_MIN,
	FLOWBR_A_AGENT,
	FLOWBR_A_BR_FLOW_EXTERNAL,
	FLOWBR_A_MAC_SRC,
	FLOWBR_A_MAC_DST,

	/* add new attributes above here */
	__FLOWBR_A_MAX,
	FLOWBR_A_MAX = __FLOWBR_A_MAX - 1
};

/**
 * enum flowbr_feature - bits of %FLOWBR_A_FEATURES
 * @FLOWBR_F_UPCALL_BATCH: upcalls arrive several to a datagram
 * @FLOWBR_F_MISS_FLOOD: the kernel floods misses by itself (miss policy)
 * @FLOWBR_F_EVENTS: changes are multicast on %FLOWBR_MCGRP_EVENTS
 * @FLOWBR_F_DUMP_IDLE: flow dumps take %FLOWBR_A_FLOW_IDLE_MIN
 * @FLOWBR_F_FLOW_EXTERNAL: flow commands take %FLOWBR_A_AGENT and bridges
 *	report %FLOWBR_A_BR_FLOW_EXTERNAL
 * @FLOWBR_F_FLUSH_SRC_DST: FLOW_FLUSH takes %FLOWBR_A_MAC_SRC and
 *	%FLOWBR_A_MAC_DST
 */
enum flowbr_feature {
	FLOWBR_F_UPCALL_BATCH	= 1 << 0,
	FLOWBR_F_MISS_FLOOD	= 1 << 1,
	FLOWBR_F_EVENTS		= 1 << 2,
	FLOWBR_F_DUMP_IDLE	= 1 << 3,
	FLOWBR_F_FLOW_EXTERNAL	= 1 << 4,
	FLOWBR_F_FLUSH_SRC_DST	= 1 << 5,
};

/**
 * enum flowbr_miss_policy - what the kernel does with a miss it cannot upcall
 *	(no agent registered, its socket gone or full, the upcall queue or the
 *	port's upcall rate exceeded, or the same key already in flight)
 * @FLOWBR_MISS_FLOOD: send the packet to every other port that carries its
 *	VLAN, tagged as that port requires (the default)
 * @FLOWBR_MISS_DROP: drop the packet
 */
enum flowbr_miss_policy {
	FLOWBR_MISS_FLOOD,
	FLOWBR_MISS_DROP,
};

/**
 * enum flowbr_port_type - kinds of port
 * @FLOWBR_PORT_NETDEV: an existing Ethernet netdev (NIC, veth, tap, vxlan)
 *	attached with an rx_handler
 * @FLOWBR_PORT_INTERNAL: a netdev created by flowbr: what the host sends on
 *	it enters the bridge, what the bridge outputs to it the host receives
 */
enum flowbr_port_type {
	FLOWBR_PORT_NETDEV,
	FLOWBR_PORT_INTERNAL,
};

/**
 * enum flowbr_vlan_mode - VLAN handling of a port (Open vSwitch semantics)
 * @FLOWBR_VLAN_ACCESS: untagged and priority-tagged (VID 0) frames are in
 *	VLAN tag; frames tagged with a non-zero VID are dropped; egress untagged
 * @FLOWBR_VLAN_TRUNK: tagged frames are in their VID if trunked, else
 *	dropped; untagged frames are in VLAN 0; egress in VLAN 0 is untagged,
 *	in any other VLAN tagged
 * @FLOWBR_VLAN_NATIVE_TAGGED: like trunk, but untagged frames are in VLAN
 *	tag, and egress in VLAN tag is tagged
 * @FLOWBR_VLAN_NATIVE_UNTAGGED: like trunk, but untagged frames are in VLAN
 *	tag, and egress in VLAN tag is untagged
 */
enum flowbr_vlan_mode {
	FLOWBR_VLAN_ACCESS,
	FLOWBR_VLAN_TRUNK,
	FLOWBR_VLAN_NATIVE_TAGGED,
	FLOWBR_VLAN_NATIVE_UNTAGGED,
};

/**
 * enum flowbr_key_attr - attributes nested in %FLOWBR_A_KEY
 * @FLOWBR_KEY_UNSPEC: unused
 * @FLOWBR_KEY_IN_PORT: u32, ingress port number
 * @FLOWBR_KEY_VLAN: u16, the classified VLAN (0 = untagged domain)
 * @FLOWBR_KEY_ETH_SRC: binary, ETH_ALEN bytes
 * @FLOWBR_KEY_ETH_DST: binary, ETH_ALEN bytes
 * @__FLOWBR_KEY_MAX: internal
 * @FLOWBR_KEY_MAX: highest key attribute
 */
enum flowbr_key_attr {
	FLOWBR_KEY_UNSPEC,
	FLOWBR_KEY_IN_PORT,
	FLOWBR_KEY_VLAN,
	FLOWBR_KEY_ETH_SRC,
	FLOWBR_KEY_ETH_DST,

	__FLOWBR_KEY_MAX,
	FLOWBR_KEY_MAX = __FLOWBR_KEY_MAX - 1
};

/**
 * enum flowbr_action_attr - attributes nested in %FLOWBR_A_ACTIONS
 * @FLOWBR_ACT_UNSPEC: unused
 * @FLOWBR_ACT_OUTPUT: nested, &enum flowbr_output_attr: send a copy to a
 *	port. At most %FLOWBR_MAX_OUTPUTS per flow; an output to the ingress
 *	port is skipped (counted as %FLOWBR_DROP_LOOP).
 * @FLOWBR_ACT_FLOOD: u16, a VLAN (0 .. %FLOWBR_VID_MAX, 0 being the
 *	untagged domain): send a copy to every port that carries that VLAN,
 *	except the ingress port, each with its own egress tagging, exactly as
 *	the miss policy %FLOWBR_MISS_FLOOD does. The ports are those of the
 *	moment the packet is forwarded: a port that joins or leaves the VLAN
 *	later needs no change of the flow. At most one per flow, and it must
 *	be the last action: it runs after the explicit outputs (a port both
 *	named by an output and reached by the flood gets two copies). It
 *	names no port, so FLOW_FLUSH by port and port removal leave such a
 *	flow alone unless it is the flow's in_port.
 * @__FLOWBR_ACT_MAX: internal
 * @FLOWBR_ACT_MAX: highest action attribute
 */
enum flowbr_action_attr {
	FLOWBR_ACT_UNSPEC,
	FLOWBR_ACT_OUTPUT,
	FLOWBR_ACT_FLOOD,

	__FLOWBR_ACT_MAX,
	FLOWBR_ACT_MAX = __FLOWBR_ACT_MAX - 1
};

/**
 * enum flowbr_output_attr - attributes nested in %FLOWBR_ACT_OUTPUT
 * @FLOWBR_OUT_UNSPEC: unused
 * @FLOWBR_OUT_PORT: u32, the port number to send to
 * @FLOWBR_OUT_TAG_OP: u8, &enum flowbr_tag_op (default untagged)
 * @FLOWBR_OUT_VID: u16, the VID for %FLOWBR_TAG_PUSH (1 .. %FLOWBR_VID_MAX)
 * @__FLOWBR_OUT_MAX: internal
 * @FLOWBR_OUT_MAX: highest output attribute
 */
enum flowbr_output_attr {
	FLOWBR_OUT_UNSPEC,
	FLOWBR_OUT_PORT,
	FLOWBR_OUT_TAG_OP,
	FLOWBR_OUT_VID,

	__FLOWBR_OUT_MAX,
	FLOWBR_OUT_MAX = __FLOWBR_OUT_MAX - 1
};

/**
 * enum flowbr_tag_op - the egress tagging of an output
 * @FLOWBR_TAG_UNTAGGED: the frame leaves without an 802.1Q tag (its PCP is
 *	lost)
 * @FLOWBR_TAG_PUSH: the frame leaves tagged with %FLOWBR_OUT_VID, keeping the
 *	priority (PCP) it arrived with (0 if it arrived untagged)
 */
enum flowbr_tag_op {
	FLOWBR_TAG_UNTAGGED,
	FLOWBR_TAG_PUSH,
};

/**
 * enum flowbr_flow_stats - attributes nested in %FLOWBR_A_FLOW_STATS
 * @FLOWBR_FLOW_STATS_UNSPEC: unused
 * @FLOWBR_FLOW_STATS_PAD: padding
 * @FLOWBR_FLOW_STATS_PACKETS: u64, packets that hit the flow
 * @FLOWBR_FLOW_STATS_BYTES: u64, bytes that hit the flow
 * @FLOWBR_FLOW_STATS_IDLE_MS: u64, milliseconds since the flow was last hit
 *	(since it was installed, if never)
 * @FLOWBR_FLOW_STATS_AGE_MS: u64, milliseconds since the flow was installed
 * @__FLOWBR_FLOW_STATS_MAX: internal
 * @FLOWBR_FLOW_STATS_MAX: highest attribute
 */
enum flowbr_flow_stats {
	FLOWBR_FLOW_STATS_UNSPEC,
	FLOWBR_FLOW_STATS_PAD,
	FLOWBR_FLOW_STATS_PACKETS,
	FLOWBR_FLOW_STATS_BYTES,
	FLOWBR_FLOW_STATS_IDLE_MS,
	FLOWBR_FLOW_STATS_AGE_MS,

	__FLOWBR_FLOW_STATS_MAX,
	FLOWBR_FLOW_STATS_MAX = __FLOWBR_FLOW_STATS_MAX - 1
};

/**
 * enum flowbr_br_stats - u64 counters nested in %FLOWBR_A_BR_STATS
 * @FLOWBR_BR_STATS_UNSPEC: unused
 * @FLOWBR_BR_STATS_PAD: padding
 * @FLOWBR_BR_STATS_HIT: packets that matched a flow
 * @FLOWBR_BR_STATS_MISSED: packets that matched no flow
 * @FLOWBR_BR_STATS_UPCALLS: misses handed to the agent
 * @FLOWBR_BR_STATS_LOST: misses that could not be handed to the agent
 *	(no agent, its socket gone or full, the upcall queue full, the port's
 *	upcall rate exceeded); each then took the miss policy
 * @FLOWBR_BR_STATS_FALLBACK: misses handled by the kernel's miss policy
 *	(flooded or dropped), lost ones and in-flight duplicates included
 * @FLOWBR_BR_STATS_DEDUP: misses not upcalled because the same key was
 *	already in flight
 * @FLOWBR_BR_STATS_EXECUTED: packets sent by PACKET_EXECUTE
 * @__FLOWBR_BR_STATS_MAX: internal
 * @FLOWBR_BR_STATS_MAX: highest attribute
 */
enum flowbr_br_stats {
	FLOWBR_BR_STATS_UNSPEC,
	FLOWBR_BR_STATS_PAD,
	FLOWBR_BR_STATS_HIT,
	FLOWBR_BR_STATS_MISSED,
	FLOWBR_BR_STATS_UPCALLS,
	FLOWBR_BR_STATS_LOST,
	FLOWBR_BR_STATS_FALLBACK,
	FLOWBR_BR_STATS_DEDUP,
	FLOWBR_BR_STATS_EXECUTED,

	__FLOWBR_BR_STATS_MAX,
	FLOWBR_BR_STATS_MAX = __FLOWBR_BR_STATS_MAX - 1
};

/**
 * enum flowbr_port_stats - u64 counters nested in %FLOWBR_A_PORT_STATS
 * @FLOWBR_PORT_STATS_UNSPEC: unused
 * @FLOWBR_PORT_STATS_PAD: padding
 * @FLOWBR_PORT_STATS_RX_PACKETS: frames that entered the bridge on the port
 * @FLOWBR_PORT_STATS_RX_BYTES: their bytes
 * @FLOWBR_PORT_STATS_TX_PACKETS: frames the bridge sent out of the port
 * @FLOWBR_PORT_STATS_TX_BYTES: their bytes
 * @FLOWBR_PORT_STATS_DROPS: nested: one u64 per &enum flowbr_drop_reason,
 *	the attribute type being the reason (padding uses type
 *	%FLOWBR_DROP_UNSPEC)
 * @__FLOWBR_PORT_STATS_MAX: internal
 * @FLOWBR_PORT_STATS_MAX: highest attribute
 */
enum flowbr_port_stats {
	FLOWBR_PORT_STATS_UNSPEC,
	FLOWBR_PORT_STATS_PAD,
	FLOWBR_PORT_STATS_RX_PACKETS,
	FLOWBR_PORT_STATS_RX_BYTES,
	FLOWBR_PORT_STATS_TX_PACKETS,
	FLOWBR_PORT_STATS_TX_BYTES,
	FLOWBR_PORT_STATS_DROPS,

	__FLOWBR_PORT_STATS_MAX,
	FLOWBR_PORT_STATS_MAX = __FLOWBR_PORT_STATS_MAX - 1
};

/**
 * enum flowbr_drop_reason - why a port dropped a frame (ingress reasons are
 *	counted on the ingress port, egress reasons on the egress port)
 * @FLOWBR_DROP_UNSPEC: unused
 * @FLOWBR_DROP_MALFORMED: ingress: shorter than an Ethernet header or a
 *	truncated VLAN tag
 * @FLOWBR_DROP_VLAN_TAGGED: ingress: a frame tagged with a non-zero VID on
 *	an access port
 * @FLOWBR_DROP_VLAN_NOT_TRUNKED: ingress: a VID the port does not trunk
 * @FLOWBR_DROP_VLAN_INVALID: ingress: VID 4095, or an 802.1ad (S-tag)
 *	outer tag
 * @FLOWBR_DROP_MISS: ingress: missed the flow table under miss policy drop
 * @FLOWBR_DROP_MTU: egress: larger than the port's MTU
 * @FLOWBR_DROP_DOWN: egress: the port's netdev is down or has no carrier
 * @FLOWBR_DROP_NOMEM: either: a copy or header change failed for memory
 * @FLOWBR_DROP_TX_ERROR: egress: the netdev refused the frame
 * @FLOWBR_DROP_LOOP: egress: output to the ingress port was skipped
 * @__FLOWBR_DROP_MAX: internal
 * @FLOWBR_DROP_MAX: highest reason
 */
enum flowbr_drop_reason {
	FLOWBR_DROP_UNSPEC,
	FLOWBR_DROP_MALFORMED,
	FLOWBR_DROP_VLAN_TAGGED,
	FLOWBR_DROP_VLAN_NOT_TRUNKED,
	FLOWBR_DROP_VLAN_INVALID,
	FLOWBR_DROP_MISS,
	FLOWBR_DROP_MTU,
	FLOWBR_DROP_DOWN,
	FLOWBR_DROP_NOMEM,
	FLOWBR_DROP_TX_ERROR,
	FLOWBR_DROP_LOOP,

	__FLOWBR_DROP_MAX,
	FLOWBR_DROP_MAX = __FLOWBR_DROP_MAX - 1
};

#endif /* _UAPI_LINUX_FLOWBR_H */
