/* SPDX-License-Identifier: GPL-2.0 */
/*
 * agent_proto.h - the control socket protocol between flowbrd and the
 * flowbr CLI (fdb-show, fdb-flush, agent-stats).
 *
 * A client connects to the AF_UNIX stream socket, sends one request line
 * and reads the reply until the server closes the connection:
 *
 *	request:  "fdb-show BR\n" | "fdb-flush BR\n" | "stats\n"
 *	reply:    "ok\n" followed by records, or "error MESSAGE\n"
 *
 * Records are one per line, space-separated, first word the record type:
 *	fdb-show:   "mac VLAN MAC PORT_NO PORT_NAME AGE_S"
 *	fdb-flush:  "flushed MACS FLOWS"
 *	stats:      "stat NAME VALUE" (agent-wide), then per bridge
 *	            "bridge NAME" followed by its "stat NAME VALUE" lines
 * Unknown record types are ignored by the CLI (the protocol may grow).
 */
#ifndef FLOWBR_AGENT_PROTO_H
#define FLOWBR_AGENT_PROTO_H

/* Default control socket; FLOWBRD_CTL in the environment overrides it. */
#define AGENT_CTL_DIR		"/run/flowbr"
#define AGENT_CTL_PATH		AGENT_CTL_DIR "/flowbrd.ctl"
#define AGENT_CTL_ENV		"FLOWBRD_CTL"

/* Longest request line the server accepts. */
#define AGENT_CTL_MAX_REQ	256

/* X(name, help) for every agent-wide counter, in agent-stats order. */
#define AGENT_STATS(X)							\
	X(upcalls, "upcalls handled")					\
	X(upcall_batches, "upcall datagrams read")			\
	X(upcall_batch_max, "most upcalls in one datagram")		\
	X(upcalls_bad, "malformed or unknown-bridge upcalls")		\
	X(flows_installed, "flow installs sent")			\
	X(packets_executed, "packet executes sent")			\
	X(flood_no_flow, "floods executed without a flow (pending table full)")\
	X(tx_batches, "request batches sent")				\
	X(tx_msgs, "requests sent in batches")				\
	X(tx_batch_max, "most requests in one batch")			\
	X(tx_errors, "batch sends that failed")				\
	X(err_flow_new, "flow installs refused by the kernel")		\
	X(err_execute, "packet executes refused by the kernel")		\
	X(err_flush, "flow flushes refused by the kernel")		\
	X(err_flow_del, "flow deletes refused by the kernel")		\
	X(rx_overruns, "upcall socket overruns (ENOBUFS)")		\
	X(macs_learned, "MACs learned")					\
	X(macs_moved, "MAC moves")					\
	X(macs_aged, "MACs aged out")					\
	X(macs_evicted, "MACs evicted at the table limit")		\
	X(mac_flushes, "flow flushes for a learned or moved MAC")	\
	X(reval_passes, "revalidation passes")				\
	X(reval_flows, "flows dumped")					\
	X(reval_last_ms, "duration of the last pass (ms)")		\
	X(reval_max_ms, "longest pass (ms)")				\
	X(flows_expired, "idle flows deleted")				\
	X(flows_rewritten, "flows whose actions were rewritten")	\
	X(flows_stale, "stale flows deleted")				\
	X(macs_adopted, "MACs learned from existing flows")		\
	X(events, "bridge/port events handled")				\
	X(event_overruns, "event socket overruns (full resyncs)")	\
	X(upcalls_shed, "upcalls dropped: the agent's port queues were full")\
	X(upcall_queue_max, "most upcalls waiting in a handler's port queues")\
	X(reval_idle_dumps, "flow dumps that read only the idle flows")	\
	X(reval_external, "complete passes because another client changed flows")

#endif /* FLOWBR_AGENT_PROTO_H */
