#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agent_scale: flowbrd's revalidation dump loop with 200000 flows (the
# default flow limit of a bridge; divided by TIME_SCALE in a debug kernel).
#
#   netns agscl-a -- ga tag=100 --+-- bridge agscl + flowbrd
#   netns agscl-b -- gb tag=100 --+
#
# 200000 flows A -> B (200000 source MACs) are installed straight over
# netlink (selftests/bench/fbflows.py), not marked as the agent's: the
# kernel counts them as external changes, so the next pass over them is
# a complete one; it keeps them all (they are valid and not idle long
# enough) and learns up to the FDB limit; then, nothing changing, the
# passes ask the kernel only for idle flows and read none;
# a restarted agent with a short max-idle deletes them all. Reports the
# pass and expiry times.

# shellcheck disable=SC2119,SC2016 # helpers without arguments; eval strings
source "$(dirname "$0")/lib.sh"

BR=agscl
NS_A=agscl-a NS_B=agscl-b
MAC_A=02:00:00:0f:00:0a MAC_B=02:00:00:0f:00:0b
# (a fifth in the debug kernel: there each flow install takes 1.8 ms and a
# pass over 200000 flows, paced at three times its length, longer than the
# test may run)
N=$((200000 / TIME_SCALE))
FBFLOWS="$SELFTEST_DIR/bench/fbflows.py"

ag_port() {
	local ns=$1 hostif=$2 mac=$3
	shift 3
	host_port "$BR" "$ns" "$hostif" "" "$mac" "$@"
}

setup() {
	test_setup agent ipv6 python3 nsenter
	[ -f "$FBFLOWS" ] || skip_all "$FBFLOWS not found"
	# Room for the flows of the test's own traffic too.
	br_create "$BR" flow_limit=$((N + 100)) || fail "add-br $BR failed"
	if ! ag_port "$NS_A" ga "$MAC_A" tag=100 ||
		! ag_port "$NS_B" gb "$MAC_B" tag=100; then
		fail "cannot build the topology"
	fi
	P_A=$(port_no "$BR" ga) P_B=$(port_no "$BR" gb)
}

idle_dumps_at_least() {
	[ "$(agent_stat reval_idle_dumps)" -ge "$1" ]
}

# idle_only_passes N: N idle-only passes (FLOWBR_A_FLOW_IDLE_MIN dumps)
# completed one after the other, within 60 s, and no flow was read
# meanwhile. One bridge, one thread: when the (N+1)th idle dump has
# started, the N before it are done. A complete pass in the window (the
# one after an adoption, or the periodic one every mac-aging/4) reads
# flows: then it fails, and wait_for tries again.
idle_only_passes() {
	local f0 i0
	f0=$(agent_stat reval_flows) i0=$(agent_stat reval_idle_dumps)
	wait_for 60 idle_dumps_at_least $((i0 + $1 + 1)) || return 1
	IDLE_READ=$(( $(agent_stat reval_flows) - f0 ))
	[ "$IDLE_READ" = 0 ]
}

flow_count() {
	br_stat "$BR" flow_count
}

test_pass_keeps_valid_flows() {
	local out f0 t0 t1 e0
	agent_start --max-idle 600 || fail "cannot start flowbrd"
	# B is known, so that flows A -> B out to B are what the agent wants.
	send_frames "$NS_B" eth0 ff:ff:ff:ff:ff:ff "$MAC_B"
	wait_for 20 eval 'fdb_port "$BR" 100 "$MAC_B" >/dev/null' || fail "B not learned"
	e0=$(flowbr -j show "$BR" | jval 0.flow_external)
	t0=$(date +%s%N)
	out=$(python3 "$FBFLOWS" "$BR" --in-port "$P_A" --vlan 100 \
		--src 02:c0:00:00:00:00 --count "$N" --dst "$MAC_B" --out "$P_B") ||
		fail "fbflows.py failed: $out"
	t1=$(date +%s%N)
	log "installed $N flows in $(((t1 - t0) / 1000000)) ms: $out"
	check test "$(flow_count)" -ge "$N"
	# The flows came from another netlink client: the kernel's count of
	# external flow changes moved, and a complete pass reads them all.
	check_eq "$(( $(flowbr -j show "$BR" | jval 0.flow_external) - e0 ))" "$N" \
		"flow_external: flows installed by another client"
	f0=$(agent_stat reval_flows)
	wait_for 300 eval '[ $(( $(agent_stat reval_flows) - f0 )) -ge "$N" ]' ||
		fail "no pass read the $N flows installed by another client ($(( $(agent_stat reval_flows) - f0 )) read)"
	check test "$(agent_stat reval_external)" -ge 1
	log "pass over $N flows: $(agent_stat reval_last_ms) ms (longest $(agent_stat reval_max_ms) ms), $(( $(agent_stat reval_flows) - f0 )) flows dumped"
	check test "$(flow_count)" -ge "$N"
	# Its adoption of MACs changed the MAC table: one more complete pass,
	# then passes that ask the kernel for idle flows only (none here).
	IDLE_READ=none
	wait_for 300 idle_only_passes 3 ||
		fail "no 3 idle-only passes in a row that read no flow (last try: $IDLE_READ flows read)"
	log "then 3 idle-only passes in a row read no flow; the last pass took $(agent_stat reval_last_ms) ms"
	check test "$(flow_count)" -ge "$N"
	check_eq "$(agent_stat flows_expired)" 0 "flows expired"
	check_eq "$(agent_stat flows_stale)" 0 "flows deleted as stale"
	check_eq "$(agent_stat flows_rewritten)" 0 "flows rewritten"
	# Sources of live flows are learned, up to the FDB limit.
	check_eq "$(agent_stat macs "$BR")" 8192 "MACs learned from the flows"
	log "agent RSS: $(ps -o rss= -p "$(agent_pid)") KiB"
	check agent_stop
}

test_idle_flows_all_expire() {
	local t0 t1
	agent_stop
	check test "$(flow_count)" -ge "$N"
	t0=$(date +%s%N)
	agent_start --max-idle 1 || fail "cannot start flowbrd"
	wait_for 300 eval '[ "$(flow_count)" = 0 ]' ||
		fail "$(flow_count) flows left"
	t1=$(date +%s%N)
	log "$N idle flows deleted $(((t1 - t0) / 1000000)) ms after the start (pass: $(agent_stat reval_last_ms) ms, expired: $(agent_stat flows_expired))"
	check test "$(agent_stat flows_expired)" -ge "$N"
	check_eq "$(agent_stat err_flow_del)" 0 "flow deletes refused"
}

setup
ktap_plan 2
run_subtest "a pass over $N valid flows keeps them all" test_pass_keeps_valid_flows
run_subtest "$N idle flows all expire" test_idle_flows_all_expire
agent_log 10
ktap_finished
