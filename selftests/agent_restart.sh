#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agent_restart: flowbrd can die and come back without hurting traffic.
#
#   netns agrst-a (10.13.0.1) -- sa tag=100 --+
#   netns agrst-b (10.13.0.2) -- sb tag=100 --+-- bridge agrst + flowbrd
#   netns agrst-c (10.13.0.3) -- sc tag=100 --+
#
# - kill -9 under a running ping: the ping loses nothing (the flows stay,
#   the kernel forgets the dead handlers and its miss policy takes over);
# - a new flowbrd adopts the flows it finds (MACs seeded from them) and
#   learns a new host at once;
# - a port removed while no agent runs leaves no flow and no MAC behind;
# - SIGTERM unregisters the handlers and keeps the flows;
# - only one flowbrd at a time; the CLI says when none runs;
# - --flush starts from an empty flow table;
# - a new flowbrd adopts both forms of flood flow: a FLOWBR_ACT_FLOOD one
#   is kept as it is, a list of outputs (older agents) becomes a flood;
# - under valgrind, a start/traffic/stop cycle leaks nothing.

# shellcheck disable=SC2119,SC2016 # helpers without arguments; eval strings
source "$(dirname "$0")/lib.sh"

BR=agrst
NS_A=agrst-a NS_B=agrst-b NS_C=agrst-c
MAC_A=02:00:00:0d:00:0a MAC_B=02:00:00:0d:00:0b MAC_C=02:00:00:0d:00:0c

ag_port() { host_port "$BR" "$@"; }

setup() {
	test_setup agent ipv6 python3 nsenter ping
	br_create "$BR" || fail "add-br $BR failed"
	if ! ag_port "$NS_A" sa 10.13.0.1/24 "$MAC_A" tag=100 ||
		! ag_port "$NS_B" sb 10.13.0.2/24 "$MAC_B" tag=100 ||
		! ag_port "$NS_C" sc 10.13.0.3/24 "$MAC_C" tag=100; then
		fail "cannot build the topology"
	fi
	P_A=$(port_no "$BR" sa) P_B=$(port_no "$BR" sb) P_C=$(port_no "$BR" sc)
}

pids() {
	flowbr -j show "$BR" | jval 0.upcall_pids
}

no_pids() {
	[ "$(pids)" = "[]" ]
}

test_kill9() {
	local pid sent got t0 t1
	agent_start || fail "cannot start flowbrd"
	check test "$(pids)" != "[]"
	ping_ok "$NS_A" 10.13.0.2
	nsrun "$NS_A" ping -c 50 -i 0.1 -W 1 10.13.0.2 >"$FLOWBR_TMP/ping" 2>&1 &
	pid=$!
	sleep 1
	agent_kill
	# The kernel forgets the handlers of the dead agent by itself.
	wait_for 2 no_pids || fail "upcall pids still registered: $(pids)"
	sleep 1.5
	t0=$(date +%s%N)
	agent_start || fail "cannot restart flowbrd"
	t1=$(date +%s%N)
	log "flowbrd restarted in $(((t1 - t0) / 1000000)) ms"
	wait "$pid"
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$FLOWBR_TMP/ping")
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$FLOWBR_TMP/ping")
	log "ping across kill -9 and restart: $got of $sent answered"
	check_eq "$got" "$sent" "replies to the ping across the kill"
	check test "$sent" = 50
}

test_adopt_and_relearn() {
	local t0 t1
	# The restarted agent seeded its MAC table from the flows it found.
	wait_for 3 eval 'fdb_port "$BR" 100 "$MAC_A" >/dev/null' ||
		fail "A not adopted"
	check_eq "$(fdb_port "$BR" 100 "$MAC_A")" "$P_A" "port of A (adopted)"
	check_eq "$(fdb_port "$BR" 100 "$MAC_B")" "$P_B" "port of B (adopted)"
	check test "$(agent_stat macs_adopted)" -ge 2
	check test "$(pids)" != "[]"
	# A host it never saw is learned from its first packets.
	agent_kill
	t0=$(date +%s%N)
	agent_start || fail "cannot restart flowbrd"
	ping_ok "$NS_C" 10.13.0.1
	t1=$(date +%s%N)
	log "host C learned and answered $(((t1 - t0) / 1000000)) ms after the restart began"
	check_eq "$(fdb_port "$BR" 100 "$MAC_C")" "$P_C" "port of C"
	check_eq "$(flows_count "$BR" in_port="$P_A" dl_dst="$MAC_C" actions="$P_C")" 1 \
		"flow A->C"
}

test_port_removed_while_dead() {
	ping_ok "$NS_A" 10.13.0.2
	check test "$(flows_count "$BR" out="$P_B")" -ge 1
	agent_kill
	check flowbr del-port "$BR" sb
	agent_start || fail "cannot restart flowbrd"
	sleep 1.5	# a revalidation pass
	log_cmd flowbr dump-flows "$BR"
	check_eq "$(flows_count "$BR" out="$P_B")" 0 "flows out of the removed port"
	check_eq "$(flows_count "$BR" in_port="$P_B")" 0 "flows in from the removed port"
	check_eq "$(fdb_port "$BR" 100 "$MAC_B" || echo none)" none "MAC of B"
	ping_ok "$NS_A" 10.13.0.3
}

test_sigterm() {
	local flows out
	# An agent whose flows cannot idle out between the two counts (in the
	# debug kernel one had been idle 37.6 s of a 50 s max-idle by then):
	# only the SIGTERM happens in between.
	check agent_stop
	agent_start --max-idle 1h || fail "cannot restart flowbrd"
	ping_ok "$NS_A" 10.13.0.3
	flows=$(flows_count "$BR")
	check test "$flows" -ge 2
	check agent_stop
	check no_pids
	check_eq "$(flows_count "$BR")" "$flows" "flows after SIGTERM"
	ping_ok "$NS_A" 10.13.0.3
	out=$(flowbr agent-stats 2>&1) && fail "agent-stats without an agent succeeded"
	check_contains "$out" "flowbrd is not running (start it with: flowbrd --detach)" \
		"agent-stats without an agent"
	# One agent at a time.
	agent_start || fail "cannot start flowbrd"
	out=$("$FLOWBRD" 2>&1) && fail "a second flowbrd started"
	check_contains "$out" "another flowbrd is running" "second flowbrd"
	check test "$(pids)" != "[]"
	check_eq "$(stat -c %a /run/flowbr/flowbrd.ctl)" 600 "mode of the control socket"
	check agent_stop
}

test_flush_on_start() {
	ping_ok "$NS_A" 10.13.0.3
	check test "$(flows_count "$BR")" -ge 2
	check agent_stop
	agent_start --flush --handlers 1 || fail "cannot start flowbrd --flush"
	check_eq "$(flows_count "$BR")" 0 "flows after a start with --flush"
	check_eq "$(fdb_count "$BR")" 0 "MACs after a start with --flush"
	check_eq "$(pids | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" 1 \
		"handler sockets registered with --handlers 1"
	ping_ok "$NS_A" 10.13.0.3
	check_eq "$(fdb_port "$BR" 100 "$MAC_C")" "$P_C" "port of C"
	check agent_stop
}

test_adopt_floods() {
	local bc=ff:ff:ff:ff:ff:ff rw0 rw1
	agent_stop
	check flowbr flush-flows "$BR"
	# A's broadcasts as an older agent wrote them (every other port of
	# VLAN 100: the local port tagged, C), C's as a flood.
	check flowbr add-flow "$BR" "in_port=$P_A,vlan=100,dl_src=$MAC_A,dl_dst=$bc" \
		actions="0:100,$P_C"
	check flowbr add-flow "$BR" "in_port=$P_C,vlan=100,dl_src=$MAC_C,dl_dst=$bc" \
		actions=flood
	check_eq "$(flows_count "$BR" in_port="$P_C" actions=flood:100)" 1 \
		"flood flow installed by hand"
	# (no traffic: flows must not idle out meanwhile; the checks below took
	# over a minute in a debug VM sharing two cores with another)
	agent_start --max-idle "$((60 * TIME_SCALE))s" || fail "cannot restart flowbrd"
	wait_for 5 eval '[ "$(flows_count "$BR" in_port="$P_A" dl_dst="$bc" actions=flood:100)" = 1 ]' ||
		{ log_cmd flowbr dump-flows "$BR"; fail "old-form flood not rewritten"; }
	rw0=$(agent_stat flows_rewritten)
	check_eq "$(flows_count "$BR" in_port="$P_C" dl_dst="$bc" actions=flood:100)" 1 \
		"flood flow of C kept"
	check_eq "$(fdb_port "$BR" 100 "$MAC_A")" "$P_A" "port of A (adopted from a list)"
	check_eq "$(fdb_port "$BR" 100 "$MAC_C")" "$P_C" "port of C (adopted from a flood)"
	# Later passes leave both alone.
	sleep 1.5
	rw1=$(agent_stat flows_rewritten)
	check_eq "$rw1" "$rw0" "flows rewritten by later passes"
	check_eq "$(flows_count "$BR" dl_dst="$bc" actions=flood:100)" 2 "flood flows"
	check agent_stop
}

test_valgrind() {
	local vpid rc
	require_cmd valgrind
	# No agent left by a subtest that failed: this one must talk to its own
	# (once, the previous subtest's agent answered, and the SIGTERM below
	# reached flowbrd under valgrind before it had set up its signals).
	agent_stop
	valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
		--log-file="$FLOWBR_TMP/valgrind.log" \
		"$FLOWBRD" --handlers 2 2>"$FLOWBR_TMP/vg-agent.log" &
	vpid=$!
	defer kill "$vpid"
	wait_for 60 eval 'flowbr agent-stats >/dev/null 2>&1' ||
		fail "flowbrd under valgrind did not come up"
	wait_for 30 eval '[ "$(pids)" != "[]" ]' || fail "not registered"
	ping_ok "$NS_A" 10.13.0.3
	check flowbr fdb-show "$BR" >/dev/null
	check flowbr fdb-flush "$BR" >/dev/null
	check flowbr agent-stats >/dev/null
	ping_ok "$NS_C" 10.13.0.1
	kill -TERM "$vpid"
	rc=0
	wait "$vpid" || rc=$?
	sed 's/^/#   /' "$FLOWBR_TMP/valgrind.log" | head -n 40
	check_eq "$rc" 0 "exit status of flowbrd under valgrind"
	check no_pids
}

setup
ktap_plan 7
run_subtest "kill -9 under a running ping: the ping keeps going" test_kill9
run_subtest "a restarted flowbrd adopts the flows and learns at once" test_adopt_and_relearn
run_subtest "a port removed while no agent runs leaves nothing behind" test_port_removed_while_dead
run_subtest "SIGTERM unregisters and keeps flows; one agent at a time" test_sigterm
run_subtest "--flush starts from an empty flow table; --handlers 1" test_flush_on_start
run_subtest "a restarted flowbrd adopts flood flows of both forms" test_adopt_floods
run_subtest "valgrind: a start/traffic/stop cycle leaks nothing" test_valgrind
agent_log 20
ktap_finished
