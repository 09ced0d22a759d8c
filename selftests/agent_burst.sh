#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agent_burst: a burst of 5000 new source MACs in one VLAN.
#
#   netns agbst-a -- ba tag=100 --+-- bridge agbst (miss_policy flood)
#   netns agbst-b -- bb tag=100 --+   + flowbrd
#
# A sends 5000 frames, each from a new MAC, to B (raw AF_PACKET). Every
# frame must reach B exactly once, whether the agent handled its miss or
# the kernel's miss policy did; with the upcall limits lifted the agent
# must end with 5000 MACs and 5000 flows; under the default limits it
# learns what it gets and the rest on the next bursts.

# shellcheck disable=SC2119,SC2016 # helpers without arguments; eval strings
source "$(dirname "$0")/lib.sh"

BR=agbst
NS_A=agbst-a NS_B=agbst-b
MAC_A=02:00:00:0e:00:0a MAC_B=02:00:00:0e:00:0b
N=5000
FRAMES="$SELFTEST_DIR/fb_frames.py"

ag_port() {
	local ns=$1 hostif=$2 mac=$3
	shift 3
	host_port "$BR" "$ns" "$hostif" "" "$mac" "$@"
}

setup() {
	test_setup agent ipv6 python3 nsenter
	br_create "$BR" miss_policy=flood || fail "add-br $BR failed"
	if ! ag_port "$NS_A" ba "$MAC_A" tag=100 ||
		! ag_port "$NS_B" bb "$MAC_B" tag=100; then
		fail "cannot build the topology"
	fi
	# Flows must outlive the (slow, in the test VM) checks of 5000 of them.
	# Scaled, as the learning itself is slower in the debug kernel.
	agent_start --max-idle "$((60 * TIME_SCALE))" || fail "cannot start flowbrd"
	# B speaks first, so that the burst is unicast to a known port.
	send_frames "$NS_B" eth0 ff:ff:ff:ff:ff:ff "$MAC_B"
	wait_for 20 eval 'fdb_port "$BR" 100 "$MAC_B" >/dev/null' || fail "B not learned"
}

# receiver_start PREFIX: count at B the 0x88b5 frames from MACs starting
# with PREFIX, from the first one until 5 s without one; the count
# (distinct sources, duplicates) goes to $FLOWBR_TMP/rx.
receiver_start() {
	rm -f "$FLOWBR_TMP/rx" "$FLOWBR_TMP/rx.ready"
	# Up to 120 s for the burst to start (the sender may be slow to start
	# on a slow VM), then until 5 s without a frame.
	nsrun "$NS_B" python3 -I -S "$FRAMES" rx eth0 "$1" "$FLOWBR_TMP/rx" 120 5 &
	wait_for 60 test -e "$FLOWBR_TMP/rx.ready" || fail "the receiver did not start"
}

# burst PREFIX: send N frames A -> B from PREFIX:00:00 .. PREFIX:HH:LL;
# prints the seconds it took.
burst() {
	nsrun "$NS_A" python3 -I -S "$FRAMES" burst eth0 "$1" "$MAC_B" "$N"
}

# flows_from PREFIX: how many flows have a source MAC starting with PREFIX.
flows_from() {
	flowbr -j dump-flows "$BR" | python3 -c '
import json, sys
print(sum(1 for f in json.load(sys.stdin) if f["dl_src"].lower().startswith(sys.argv[1])))
' "$1"
}

macs_learned() {
	[ "$(fdb_count "$BR" "$1")" = "$2" ]
}

rx_count() {
	cut -d' ' -f1 "$FLOWBR_TMP/rx"
}

test_burst_unlimited() {
	local prefix=02:b0:00:00 secs t0 t1 lost0 lost1 macs flows
	check flowbr set-br "$BR" upcall_rate=0 upcall_queue=65536
	lost0=$(br_stat "$BR" lost)
	receiver_start "$prefix"
	t0=$(date +%s%N)
	secs=$(burst "$prefix") || fail "sender failed"
	wait_for 120 macs_learned "$prefix" "$N"
	t1=$(date +%s%N)
	wait_for 60 test -e "$FLOWBR_TMP/rx" || fail "the receiver did not finish"
	macs=$(fdb_count "$BR" "$prefix")
	flows=$(flows_from "$prefix")
	lost1=$(br_stat "$BR" lost)
	log "sent $N frames in ${secs}s; $macs MACs learned, $flows flows after $(((t1 - t0) / 1000000)) ms; kernel lost $((lost1 - lost0))"
	log "received at B (distinct, duplicates): $(cat "$FLOWBR_TMP/rx")"
	log_cmd flowbr agent-stats
	check_eq "$(cat "$FLOWBR_TMP/rx")" "$N 0" "frames received at B (distinct, duplicates)"
	check_eq "$macs" "$N" "MACs learned"
	check_eq "$flows" "$N" "flows from the burst's MACs"
	check_eq "$(flows_count "$BR" dl_src="${prefix}:00:00" actions="$(port_no "$BR" bb)")" 1 \
		"flow of the first MAC, out to B"
}

test_burst_default_limits() {
	local prefix=02:b1:00:00 round secs macs lost0 lost1
	check flowbr set-br "$BR" upcall_rate=20000 upcall_queue=1024
	# A fresh table (the first burst's MACs would fill the default
	# fdb-limit of 8192), B learned again.
	check flowbr fdb-flush "$BR"
	send_frames "$NS_B" eth0 ff:ff:ff:ff:ff:ff "$MAC_B"
	wait_for 20 eval 'fdb_port "$BR" 100 "$MAC_B" >/dev/null' || fail "B not learned"
	for round in 1 2 3 4 5 6; do
		lost0=$(br_stat "$BR" lost)
		receiver_start "$prefix"
		secs=$(burst "$prefix") || fail "sender failed"
		wait_for 60 test -e "$FLOWBR_TMP/rx" || fail "the receiver did not finish"
		sleep 1
		macs=$(fdb_count "$BR" "$prefix")
		lost1=$(br_stat "$BR" lost)
		log "round $round: sent $N in ${secs}s, received $(cat "$FLOWBR_TMP/rx"), kernel lost $((lost1 - lost0)) (flooded by the miss policy), $macs MACs learned"
		check_eq "$(cat "$FLOWBR_TMP/rx")" "$N 0" "frames received at B in round $round"
		[ "$macs" != "$N" ] || break
	done
	check_eq "$macs" "$N" "MACs learned after $round bursts"
	check_eq "$(flows_from "$prefix")" "$N" "flows from the burst's MACs"
}

setup
ktap_plan 2
run_subtest "burst of $N new MACs, upcall limits lifted: all learned, none lost" test_burst_unlimited
run_subtest "bursts of $N new MACs, default limits: none lost, all learned in the end" test_burst_default_limits
agent_log 10
ktap_finished
