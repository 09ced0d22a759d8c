#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agent_expiry: flowbrd deletes idle flows (from the kernel's per-flow idle
# time) and ages out MACs, with short times (--max-idle 4s --mac-aging 10s,
# times TIME_SCALE in a debug kernel):
#
#   netns agexp-a (10.11.0.1) -- xa tag=100 --+-- bridge agexp + flowbrd
#   netns agexp-b (10.11.0.2) -- xb tag=100 --+
#
# Flows of a finished ping are gone about max-idle after its last packet
# (not before), its MACs about mac-aging after it. Flows and MACs that are
# in use stay, though the kernel forwards on its own and the agent sees no
# upcall: the agent learns from the flows' activity.

# shellcheck disable=SC2119,SC2016 # helpers without arguments; eval strings
source "$(dirname "$0")/lib.sh"

BR=agexp
NS_A=agexp-a NS_B=agexp-b
MAC_A=02:00:00:0b:00:0a MAC_B=02:00:00:0b:00:0b
# (a debug kernel is slower to poll: longer times, same proportions)
MAX_IDLE=$((4 * TIME_SCALE))
MAC_AGING=$((10 * TIME_SCALE))
SLACK=$((1500 * TIME_SCALE))	# ms: what one poll of dump-flows may take

ag_port() { host_port "$BR" "$@"; }

setup() {
	test_setup agent ipv6 python3 nsenter ping
	br_create "$BR" || fail "add-br $BR failed"
	if ! ag_port "$NS_A" xa 10.11.0.1/24 "$MAC_A" tag=100 ||
		! ag_port "$NS_B" xb 10.11.0.2/24 "$MAC_B" tag=100; then
		fail "cannot build the topology"
	fi
	# Static neighbours: no ARP probe refreshes the flows behind our back.
	ip -n "$NS_A" neigh replace 10.11.0.2 lladdr "$MAC_B" dev eth0 nud permanent
	ip -n "$NS_B" neigh replace 10.11.0.1 lladdr "$MAC_A" dev eth0 nud permanent
	agent_start --max-idle "$MAX_IDLE" --mac-aging "$MAC_AGING" ||
		fail "cannot start flowbrd"
}

no_flows() {
	[ "$(flows_count "$BR")" = 0 ]
}

no_macs() {
	[ "$(fdb_count "$BR")" = 0 ]
}

# reply_ms: the time of each reply in `ping -D` output ("[seconds.micros]
# 64 bytes from ..."), in ms since the epoch, from standard input.
reply_ms() {
	sed -n 's/^\[\([0-9]*\)\.\([0-9]\{3\}\)[0-9]*\] .* bytes from .*/\1\2/p'
}

# now_ms: milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

test_idle_flows_expire() {
	local out t0 t last_seen=0 gone=0 exp0
	exp0=$(agent_stat flows_expired)
	out=$(nsrun "$NS_A" ping -D -c 2 -i 0.2 -W 1 10.11.0.2) ||
		fail "ping A->B: $out"
	# t0: when the last reply came, not when ping was done: exiting takes
	# long in the VM.
	t0=$(reply_ms <<<"$out" | tail -n 1)
	[ -n "$t0" ] || fail "no time stamp in ping's output: $out"
	# Watch flow A->B: when was it last there, when first gone?
	while :; do
		t=$(now_ms)
		if flowbr dump-flows "$BR" | grep -q "dl_src=$MAC_A,dl_dst=$MAC_B "; then
			last_seen=$((t - t0))
		else
			gone=$((t - t0))
			break
		fi
		[ $((t - t0)) -lt $((MAX_IDLE * 1000 + 4 * SLACK)) ] || break
		sleep 0.2
	done
	log "flow A->B last seen $last_seen ms, gone $gone ms after the last packet (max-idle ${MAX_IDLE}s)"
	check test "$gone" -gt 0 || fail "flow A->B never expired"
	# Not (long) before max-idle, and soon after it (a pass every second).
	check test "$last_seen" -ge $((MAX_IDLE * 1000 - SLACK))
	check test "$gone" -le $((MAX_IDLE * 1000 + 2500 + SLACK))
	wait_for 5 no_flows || { log_cmd flowbr dump-flows "$BR"; fail "flows still there"; }
	check test "$(agent_stat flows_expired)" -ge $((exp0 + 2))
	# The MACs outlive the flows, then age out too.
	check_eq "$(fdb_port "$BR" 100 "$MAC_A")" "$(port_no "$BR" xa)" "port of A"
	wait_for 15 no_macs || { log_cmd flowbr fdb-show "$BR"; fail "MACs still there"; }
	t=$(now_ms)
	log "MACs gone $((t - t0)) ms after the last packet (mac-aging ${MAC_AGING}s)"
	check test $((t - t0)) -ge $((MAC_AGING * 1000 - SLACK))
	check test "$(agent_stat macs_aged)" -ge 2
}

# max_gap_ms FILE: the longest time between two replies in `ping -D`
# output, in ms (by the guest's own clock).
max_gap_ms() {
	reply_ms <"$1" | awk 'NR > 1 && $1 - p > m { m = $1 - p } { p = $1 } END { print m + 0 }'
}

test_active_flows_stay() {
	local up0 up1 exp0 exp1 aged0 aged1 gap pid n=$(((MAC_AGING + 4) * 4))
	ping_ok "$NS_A" 10.11.0.2
	up0=$(br_stat "$BR" upcalls)
	exp0=$(agent_stat flows_expired)
	aged0=$(agent_stat macs_aged)
	# Longer than the aging time, traffic that never leaves the kernel.
	nsrun "$NS_A" ping -D -c "$n" -i 0.25 -W 1 10.11.0.2 >"$FLOWBR_TMP/ping" 2>&1 &
	pid=$!
	wait "$pid" || { cat "$FLOWBR_TMP/ping"; fail "ping A->B lost packets"; }
	up1=$(br_stat "$BR" upcalls)
	exp1=$(agent_stat flows_expired)
	aged1=$(agent_stat macs_aged)
	gap=$(max_gap_ms "$FLOWBR_TMP/ping")
	log "kernel upcalls during $((n / 4)) s of ping: $((up1 - up0));" \
	    "flows expired $((exp1 - exp0)), MACs aged $((aged1 - aged0));" \
	    "longest gap between replies ${gap} ms"
	check_eq "$((aged1 - aged0))" 0 "MACs aged during the ping"
	if [ "$gap" -lt $((MAX_IDLE * 1000 - 500)) ]; then
		check_eq "$up1" "$up0" "upcalls during the ping"
		check_eq "$((exp1 - exp0))" 0 "flows expired during the ping"
	else
		# The VM itself stood still (an emulated CPU starved by
		# the host) for about max-idle: by the guest's clock the
		# flows were idle, and expiring them was right. Once each way.
		log "the VM paused for ${gap} ms, max-idle is ${MAX_IDLE} s:" \
		    "at most 2 flows may expire and come back"
		check test $((up1 - up0)) -le 2
	fi
	check_eq "$(flows_count "$BR" dl_src="$MAC_A" dl_dst="$MAC_B")" 1 "flow A->B"
	check_eq "$(fdb_port "$BR" 100 "$MAC_A")" "$(port_no "$BR" xa)" "port of A"
	check_eq "$(fdb_port "$BR" 100 "$MAC_B")" "$(port_no "$BR" xb)" "port of B"
	log_cmd flowbr fdb-show "$BR"
}

setup
ktap_plan 2
run_subtest "idle flows expire after max-idle, MACs after mac-aging" test_idle_flows_expire
run_subtest "flows and MACs in use stay (learned from flow activity)" test_active_flows_stay
agent_log 10
ktap_finished
