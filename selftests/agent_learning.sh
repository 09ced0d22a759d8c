#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agent_learning: flowbrd's MAC learning and flow setup.
#
#   netns aglrn-a (10.10.0.1) -- la tag=100 --+
#   netns aglrn-b (10.10.0.2) -- lb tag=100 --+
#   netns aglrn-c (10.10.0.3) -- lc tag=100 --+-- bridge aglrn + flowbrd
#   netns aglrn-d (10.10.0.4) -- ld tag=200 --+
#   netns aglrn-e (10.10.0.5) -- le trunks=100 (tagged eth0.100)
#
# Checks that the first packets go through the agent and the rest hit the
# flows it installed (both directions, kernel hit counter up, upcalls
# flat); that unknown unicast floods to the VLAN's ports only and, once
# the destination is learned, reaches only its port; that a trunk port
# gets VLAN 100 tagged and an access port untagged; and that a MAC moving
# to another port is followed within one packet exchange.

# shellcheck disable=SC2119,SC2016 # helpers without arguments; eval strings
source "$(dirname "$0")/lib.sh"

BR=aglrn
NS_A=aglrn-a NS_B=aglrn-b NS_C=aglrn-c NS_D=aglrn-d NS_E=aglrn-e NS_M=aglrn-m
MAC_A=02:00:00:0a:00:0a MAC_B=02:00:00:0a:00:0b MAC_C=02:00:00:0a:00:0c
MAC_D=02:00:00:0a:00:0d MAC_E=02:00:00:0a:00:0e

# ag_port NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: netns NS (IPv6 off)
# whose eth0 (ADDR unless empty, MAC) is linked to HOSTIF, added to $BR.
ag_port() { host_port "$BR" "$@"; }

flush_neigh() {
	local ns
	for ns in "$NS_A" "$NS_B" "$NS_C" "$NS_D" "$NS_E"; do
		ip -n "$ns" neigh flush all 2>/dev/null
	done
	return 0
}

setup() {
	test_setup agent ipv6 tcpdump python3 nsenter ping

	br_create "$BR" || fail "add-br $BR failed"
	if ! ag_port "$NS_A" la 10.10.0.1/24 "$MAC_A" tag=100 ||
		! ag_port "$NS_B" lb 10.10.0.2/24 "$MAC_B" tag=100 ||
		! ag_port "$NS_C" lc 10.10.0.3/24 "$MAC_C" tag=100 ||
		! ag_port "$NS_D" ld 10.10.0.4/24 "$MAC_D" tag=200 ||
		! ag_port "$NS_E" le "" "$MAC_E" trunks=100 ||
		! ns_vlan "$NS_E" eth0 100 10.10.0.5/24; then
		fail "cannot build the topology"
	fi
	P_A=$(port_no "$BR" la) P_B=$(port_no "$BR" lb)
	P_E=$(port_no "$BR" le)
	# No flow may expire between two checks here (expiry is agent_expiry's):
	# with two debug VMs on two cores, one CLI call took 5 to 7 s, and A's
	# broadcast flow, hit once, outlived 50 s of max-idle by the 5th check.
	agent_start --max-idle 1h || fail "cannot start flowbrd"
	log_cmd flowbr show "$BR"
}

test_flows_installed() {
	local up0 up1 hit0 hit1 f
	ping_ok "$NS_A" 10.10.0.2
	# The misses went to the agent, which installed both directions.
	check test "$(agent_stat upcalls)" -gt 0
	check test "$(agent_stat flows_installed)" -ge 2
	log_cmd flowbr dump-flows "$BR"
	check_eq "$(flows_count "$BR" in_port="$P_A" vlan=100 dl_src="$MAC_A" \
		dl_dst="$MAC_B" actions="$P_B")" 1 "flow A->B out of port $P_B"
	check_eq "$(flows_count "$BR" in_port="$P_B" vlan=100 dl_src="$MAC_B" \
		dl_dst="$MAC_A" actions="$P_A")" 1 "flow B->A out of port $P_A"
	check_eq "$(fdb_port "$BR" 100 "$MAC_A")" "$P_A" "port of A in the FDB"
	check_eq "$(fdb_port "$BR" 100 "$MAC_B")" "$P_B" "port of B in the FDB"
	# A's ARP request: a broadcast, flooded by one FLOWBR_ACT_FLOOD.
	check_eq "$(flows_count "$BR" in_port="$P_A" vlan=100 dl_src="$MAC_A" \
		dl_dst=ff:ff:ff:ff:ff:ff actions=flood:100)" 1 "broadcast flow of A"

	# Established: the kernel forwards on its own.
	up0=$(br_stat "$BR" upcalls) hit0=$(br_stat "$BR" hit)
	nsrun "$NS_A" ping -q -c 10 -i 0.1 -W 1 10.10.0.2 >/dev/null ||
		fail "ping A->B lost packets"
	up1=$(br_stat "$BR" upcalls) hit1=$(br_stat "$BR" hit)
	log "kernel: upcalls $up0 -> $up1, hit $hit0 -> $hit1"
	check_eq "$up1" "$up0" "upcalls during an established ping"
	check test $((hit1 - hit0)) -ge 20
	f=$(flows_match "$BR" in_port="$P_A" dl_dst="$MAC_B")
	check_contains "$f" '"packets": ' "flow A->B"
	check test "$(jval packets <<<"$f")" -ge 10
}

test_unknown_unicast() {
	local cc cd ce n
	check flowbr fdb-flush "$BR"
	flush_neigh
	check_eq "$(fdb_count "$BR")" 0 "MACs after fdb-flush"
	# A knows B's MAC, B has not spoken yet: A's first frame to B is an
	# unknown unicast.
	ip -n "$NS_A" neigh replace 10.10.0.2 lladdr "$MAC_B" dev eth0 nud permanent
	pcap_start cc "$NS_C" eth0
	pcap_start cd "$NS_D" eth0
	pcap_start ce "$NS_E" eth0
	nsrun "$NS_A" ping -q -c 1 -W 2 10.10.0.2 >/dev/null || fail "first ping A->B"
	# B answered, so it is learned: the flood flow is gone, A->B is unicast.
	nsrun "$NS_A" ping -q -c 5 -i 0.2 -W 1 10.10.0.2 >/dev/null ||
		fail "ping A->B lost packets"
	n=$(pcap_count "$cc" "$MAC_A > $MAC_B" icmp)
	log "echo requests A->B seen by C (same VLAN): $n"
	check_eq "$n" 1 "A->B frames seen on C: only the unknown unicast"
	# (ICMP only: A's ARP reply to B may be flooded by the kernel, whose
	# miss policy takes a key already upcalled in the last 100 ms.)
	n=$(pcap_count "$ce" "$MAC_A > $MAC_B, ethertype 802\.1Q.*vlan 100" vlan 100 and icmp)
	check_eq "$n" 1 "A->B echo requests seen tagged on the trunk E"
	check_eq "$(pcap_count "$cd" "$MAC_A >")" 0 "frames from A seen in VLAN 200"
	check_eq "$(flows_count "$BR" in_port="$P_A" dl_dst="$MAC_B" \
		actions="$P_B")" 1 "flow A->B unicast"
	ip -n "$NS_A" neigh del 10.10.0.2 dev eth0
}

test_trunk_tagging() {
	local ca
	flush_neigh
	pcap_start ca "$NS_A" eth0
	ping_ok "$NS_E" 10.10.0.1
	# The access port gets VLAN 100 untagged, the trunk tagged.
	check_eq "$(flows_count "$BR" in_port="$P_E" vlan=100 dl_src="$MAC_E" \
		dl_dst="$MAC_A" actions="$P_A")" 1 "flow E->A (untagged out)"
	check_eq "$(flows_count "$BR" in_port="$P_A" vlan=100 dl_src="$MAC_A" \
		dl_dst="$MAC_E" actions="$P_E:100")" 1 "flow A->E (tagged 100 out)"
	check test "$(pcap_count "$ca" "$MAC_E > $MAC_A, ethertype IPv4")" -ge 3
	check_eq "$(pcap_count "$ca" "802\.1Q")" 0 "tagged frames seen on A"
}

test_mac_move() {
	local p_m
	flush_neigh
	ping_ok "$NS_A" 10.10.0.2
	check_eq "$(fdb_port "$BR" 100 "$MAC_B")" "$P_B" "port of B before the move"
	# B moves: its MAC and address now live behind a new port.
	ip -n "$NS_B" link set eth0 down
	ag_port "$NS_M" lm 10.10.0.2/24 "$MAC_B" tag=100 || fail "cannot add lm"
	p_m=$(port_no "$BR" lm)
	ip -n "$NS_M" neigh replace 10.10.0.1 lladdr "$MAC_A" dev eth0 nud permanent
	# One exchange: B's echo request from the new port, A's reply.
	nsrun "$NS_M" ping -q -c 1 -W 2 10.10.0.1 >/dev/null ||
		fail "no reply to the first ping after the move"
	check_eq "$(fdb_port "$BR" 100 "$MAC_B")" "$p_m" "port of B after the move"
	check_eq "$(flows_count "$BR" dl_dst="$MAC_B" out="$P_B")" 0 \
		"flows to B still out of its old port"
	ping_ok "$NS_A" 10.10.0.2
	check test "$(agent_stat macs_moved)" -ge 1
	ip -n "$NS_B" link set eth0 up
}

setup
ktap_plan 4
run_subtest "first packets via flowbrd, then flows both ways, hit up, upcalls flat" test_flows_installed
run_subtest "unknown unicast floods the VLAN only, then reaches only its port" test_unknown_unicast
run_subtest "trunk port gets VLAN 100 tagged, access port untagged" test_trunk_tagging
run_subtest "a MAC moving to another port is followed within one exchange" test_mac_move
agent_log 15
ktap_finished
