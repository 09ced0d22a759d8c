#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_native: native-tagged and native-untagged ports.
#
#   netns dpnat-nt -- pnt  native-tagged   tag=100 trunks=100,200 --+
#   netns dpnat-nu -- pnu  native-untagged tag=100 trunks=200     --+
#   netns dpnat-tr -- ptr  trunk (all)                            --+-- dpnat
#   netns dpnat-t2 -- pt2  trunk (all)                            --+
#   netns dpnat-a1 -- pa1  tag=100                                --+
#   netns dpnat-a2 -- pa2  tag=200                                --+
#
# Untagged (and priority-tagged) frames into a native port are in its
# native VLAN (100); tagged ones in their VID if trunked (the native VLAN
# always is); egress in VLAN 100 is tagged on pnt, untagged on pnu; other
# VLANs leave both tagged. Native ports do not carry VLAN 0.

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=dpnat
NS_NT=dpnat-nt NS_NU=dpnat-nu NS_TR=dpnat-tr NS_T2=dpnat-t2
NS_A1=dpnat-a1 NS_A2=dpnat-a2
MAC_NT=02:00:00:09:20:01 MAC_NU=02:00:00:09:20:02 MAC_TR=02:00:00:09:20:03
MAC_T2=02:00:00:09:20:04 MAC_A1=02:00:00:09:20:05 MAC_A2=02:00:00:09:20:06
BCAST=ff:ff:ff:ff:ff:ff
# Capture handles, set by cap.
C_nt="" C_nu="" C_tr="" C_t2="" C_a1="" C_a2=""

# dp_port NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: netns NS (IPv6 off)
# whose eth0 (ADDR, MAC) is linked to HOSTIF, added to $BR.
dp_port() { host_port "$BR" "$@"; }

setup() {
	test_setup ipv6 tcpdump python3 nsenter ping

	br_create "$BR" || fail "add-br $BR failed"
	if ! dp_port "$NS_NT" pnt "" "$MAC_NT" vlan_mode=native-tagged tag=100 trunks=100,200 ||
		! dp_port "$NS_NU" pnu 10.9.2.1/24 "$MAC_NU" vlan_mode=native-untagged tag=100 trunks=200 ||
		! dp_port "$NS_TR" ptr "" "$MAC_TR" ||
		! dp_port "$NS_T2" pt2 "" "$MAC_T2" ||
		! dp_port "$NS_A1" pa1 10.9.2.2/24 "$MAC_A1" tag=100 ||
		! dp_port "$NS_A2" pa2 "" "$MAC_A2" tag=200 ||
		! ns_vlan "$NS_NT" eth0 100 10.9.2.3/24; then
		fail "cannot build the topology"
	fi
	log_cmd flowbr show "$BR"
}

# cap NAME...: capture on these hosts (nt nu tr t2 a1 a2); the handle of
# host x is in variable C_x.
cap() {
	local h ns
	for h in "$@"; do
		case $h in
		nt) ns=$NS_NT ;; nu) ns=$NS_NU ;; tr) ns=$NS_TR ;;
		t2) ns=$NS_T2 ;; a1) ns=$NS_A1 ;; a2) ns=$NS_A2 ;;
		esac
		pcap_start "C_$h" "$ns" eth0 || return 1
	done
}

# expect HANDLE SRC TAG COUNT WHERE
expect() {
	check_eq "$(pcap_frames "$1" "$2" "$3")" "$4" "$5: frames from $2 ($3)"
}

test_nt_untagged_in() {
	local src=02:00:00:09:21:01
	cap nu tr a1 a2
	send_frames "$NS_NT" eth0 "$BCAST" "$src" count=3
	expect "$C_a1" "$src" untagged 3 "tag=100 port"
	expect "$C_tr" "$src" 100:0 3 "trunk"
	expect "$C_nu" "$src" untagged 3 "native-untagged port"
	expect "$C_a2" "$src" any 0 "tag=200 port"
}

test_nu_untagged_in() {
	local src=02:00:00:09:21:02
	cap nt tr a1 a2
	send_frames "$NS_NU" eth0 "$BCAST" "$src" count=3
	expect "$C_nt" "$src" 100:0 3 "native-tagged port"
	expect "$C_tr" "$src" 100:0 3 "trunk"
	expect "$C_a1" "$src" untagged 3 "tag=100 port"
	expect "$C_a2" "$src" any 0 "tag=200 port"
}

test_nt_tagged_in() {
	local src=02:00:00:09:21:03 src2=02:00:00:09:21:04
	cap nu tr a1 a2
	send_frames "$NS_NT" eth0 "$BCAST" "$src" vid=200 pcp=4 count=3
	send_frames "$NS_NT" eth0 "$BCAST" "$src2" vid=100 pcp=2 count=2
	expect "$C_a2" "$src" untagged 3 "tag=200 port"
	expect "$C_nu" "$src" 200:4 3 "native-untagged port"
	expect "$C_tr" "$src" 200:4 3 "trunk"
	expect "$C_a1" "$src" any 0 "tag=100 port"
	expect "$C_a1" "$src2" untagged 2 "tag=100 port"
	expect "$C_nu" "$src2" untagged 2 "native-untagged port"
	expect "$C_tr" "$src2" 100:2 2 "trunk"
}

# pnu has trunks=200: its native VLAN 100 is trunked implicitly.
test_nu_tagged_in() {
	local src=02:00:00:09:21:05 src2=02:00:00:09:21:06 src3=02:00:00:09:21:07
	cap nt tr a1 a2
	send_frames "$NS_NU" eth0 "$BCAST" "$src" vid=100 pcp=3 count=3
	send_frames "$NS_NU" eth0 "$BCAST" "$src2" vid=0 pcp=6 count=2
	send_frames "$NS_NU" eth0 "$BCAST" "$src3" vid=200 count=2
	expect "$C_nt" "$src" 100:3 3 "native-tagged port"
	expect "$C_a1" "$src" untagged 3 "tag=100 port"
	expect "$C_nt" "$src2" 100:6 2 "native-tagged port (priority-tagged in)"
	expect "$C_a1" "$src2" untagged 2 "tag=100 port (priority-tagged in)"
	expect "$C_a2" "$src3" untagged 2 "tag=200 port"
	expect "$C_nt" "$src3" 200:0 2 "native-tagged port"
	expect "$C_a2" "$src" any 0 "tag=200 port"
}

test_egress() {
	local src1=02:00:00:09:21:08 src2=02:00:00:09:21:09
	cap nt nu
	send_frames "$NS_A1" eth0 "$BCAST" "$src1" count=3
	send_frames "$NS_A2" eth0 "$BCAST" "$src2" count=2
	expect "$C_nt" "$src1" 100:0 3 "native-tagged port"
	expect "$C_nu" "$src1" untagged 3 "native-untagged port"
	expect "$C_nt" "$src2" 200:0 2 "native-tagged port"
	expect "$C_nu" "$src2" 200:0 2 "native-untagged port"
}

test_no_vlan0() {
	local src=02:00:00:09:21:0a h
	cap t2 nt nu a1 a2
	send_frames "$NS_TR" eth0 "$BCAST" "$src" count=3
	expect "$C_t2" "$src" untagged 3 "other trunk"
	for h in "$C_nt" "$C_nu" "$C_a1" "$C_a2"; do
		expect "$h" "$src" any 0 "native or access port"
	done
}

test_not_trunked() {
	local src=02:00:00:09:21:0b src2=02:00:00:09:21:0c b_nt b_nu h
	b_nt=$(port_stat "$BR" pnt drops.vlan_not_trunked)
	b_nu=$(port_stat "$BR" pnu drops.vlan_not_trunked)
	cap tr a1 a2
	send_frames "$NS_NT" eth0 "$BCAST" "$src" vid=300 count=3
	send_frames "$NS_NU" eth0 "$BCAST" "$src2" vid=300 count=2
	for h in "$C_tr" "$C_a1" "$C_a2"; do
		expect "$h" "$src" any 0 "other port"
		expect "$h" "$src2" any 0 "other port"
	done
	check_eq "$(($(port_stat "$BR" pnt drops.vlan_not_trunked) - b_nt))" 3 \
		"nt drops.vlan_not_trunked increase"
	check_eq "$(($(port_stat "$BR" pnu drops.vlan_not_trunked) - b_nu))" 2 \
		"nu drops.vlan_not_trunked increase"
}

test_ping() {
	ping_ok "$NS_NU" 10.9.2.2		# untagged both ways
	ping_ok "$NS_A1" 10.9.2.1
	ping_ok "$NS_NT" 10.9.2.2		# from eth0.100: tagged both ways
	ping_ok "$NS_A1" 10.9.2.3
}

# set-port turns the access port pa1 into native-untagged (tag 100 kept,
# trunks=200) and back: each change applies to the next frame.
test_set_port_mode() {
	local src=02:00:00:09:21:0d src2=02:00:00:09:21:0e src3=02:00:00:09:21:0f t0
	check flowbr set-port "$BR" pa1 vlan_mode=native-untagged trunks=200
	check_eq "$(flowbr -j show "$BR" | jval 0.ports.name=pa1.vlan_mode)" native-untagged "mode of pa1"
	cap a2 nt
	send_frames "$NS_A1" eth0 "$BCAST" "$src" vid=200 count=3
	send_frames "$NS_A1" eth0 "$BCAST" "$src2" count=2
	expect "$C_a2" "$src" untagged 3 "tag=200 port"
	expect "$C_nt" "$src2" 100:0 2 "native-tagged port"
	check flowbr set-port "$BR" pa1 vlan_mode=access trunks=
	check_eq "$(flowbr -j show "$BR" | jval 0.ports.name=pa1.vlan_mode)" access "mode of pa1"
	t0=$(port_stat "$BR" pa1 drops.vlan_tagged)
	cap a2
	send_frames "$NS_A1" eth0 "$BCAST" "$src3" vid=200 count=3
	expect "$C_a2" "$src3" any 0 "tag=200 port"
	check_eq "$(($(port_stat "$BR" pa1 drops.vlan_tagged) - t0))" 3 "pa1 drops.vlan_tagged increase"
}

ktap_plan 9
setup
run_subtest "native-tagged: untagged in is VLAN 100 (access untagged, trunk tagged)" test_nt_untagged_in
run_subtest "native-untagged: untagged in is VLAN 100" test_nu_untagged_in
run_subtest "native-tagged: tagged in is its VID (200, and 100)" test_nt_tagged_in
run_subtest "native-untagged: tagged native VID and priority tag are VLAN 100 (implicitly trunked)" test_nu_tagged_in
run_subtest "native egress: VLAN 100 tagged on native-tagged, untagged on native-untagged; 200 tagged on both" test_egress
run_subtest "native ports do not carry VLAN 0 (untagged from a trunk)" test_no_vlan0
run_subtest "native: VID not trunked dropped, counted vlan_not_trunked" test_not_trunked
run_subtest "native: set-port access <-> native-untagged applies at once" test_set_port_mode
run_subtest "native: ping native-untagged and native-tagged (eth0.100) hosts <-> access host" test_ping
ktap_finished
