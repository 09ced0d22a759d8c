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
# netlink (selftests/bench/fbflows.py). A pass over them keeps them all
# (they are valid and not idle long enough) and learns up to the FDB limit;
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

passes_after() {
	[ "$(agent_stat reval_passes)" -ge "$1" ]
}

flow_count() {
	br_stat "$BR" flow_count
}

test_pass_keeps_valid_flows() {
	local out p0 f0 t0 t1
	agent_start --max-idle 600 || fail "cannot start flowbrd"
	# B is known, so that flows A -> B out to B are what the agent wants.
	send_frames "$NS_B" eth0 ff:ff:ff:ff:ff:ff "$MAC_B"
	wait_for 20 eval 'fdb_port "$BR" 100 "$MAC_B" >/dev/null' || fail "B not learned"
	t0=$(date +%s%N)
	out=$(python3 "$FBFLOWS" "$BR" --in-port "$P_A" --vlan 100 \
		--src 02:c0:00:00:00:00 --count "$N" --dst "$MAC_B" --out "$P_B") ||
		fail "fbflows.py failed: $out"
	t1=$(date +%s%N)
	log "installed $N flows in $(((t1 - t0) / 1000000)) ms: $out"
	check test "$(flow_count)" -ge "$N"
	# Two full passes from now on: the second one started after the
	# flows were all there.
	p0=$(agent_stat reval_passes) f0=$(agent_stat reval_flows)
	wait_for 300 passes_after $((p0 + 2)) || fail "no revalidation pass completed"
	log "pass over $N flows: $(agent_stat reval_last_ms) ms (longest $(agent_stat reval_max_ms) ms), $(( $(agent_stat reval_flows) - f0 )) flows dumped"
	check test $(( $(agent_stat reval_flows) - f0 )) -ge "$N"
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
