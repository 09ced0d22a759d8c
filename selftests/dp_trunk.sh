#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_trunk: trunk ports (vlan_mode trunk, trunks=LIST or all).
#
#   netns dptr-t1 -- t1  trunks=100,200 --+
#   netns dptr-t2 -- t2  trunk (all)    --+-- bridge dptr (no agent,
#   netns dptr-a1 -- a1  tag=100        --+   miss_policy flood)
#   netns dptr-a2 -- a2  tag=200        --+
#
# dptr-t1 also has eth0.100 (10.9.1.1) to ping dptr-a1 (10.9.1.2). Raw
# frames (send_frames) check, per port, what comes out and how it is
# tagged: tag popped towards access ports, pushed towards trunks, PCP kept
# trunk to trunk; untagged frames on a trunk are VLAN 0, which only trunks
# carry; VIDs not trunked, VID 4095 and 802.1ad outer tags are dropped and
# counted.

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=dptr
NS_T1=dptr-t1 NS_T2=dptr-t2 NS_A1=dptr-a1 NS_A2=dptr-a2
MAC_T1=02:00:00:09:10:01 MAC_T2=02:00:00:09:10:02
MAC_A1=02:00:00:09:10:03 MAC_A2=02:00:00:09:10:04
BCAST=ff:ff:ff:ff:ff:ff

# dp_port NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: netns NS (IPv6 off)
# whose eth0 (ADDR, MAC) is linked to HOSTIF, added to $BR.
dp_port() { host_port "$BR" "$@"; }

setup() {
	test_setup ipv6 tcpdump python3 nsenter ping

	br_create "$BR" || fail "add-br $BR failed"
	if ! dp_port "$NS_T1" t1 "" "$MAC_T1" trunks=100,200 ||
		! dp_port "$NS_T2" t2 "" "$MAC_T2" ||
		! dp_port "$NS_A1" a1 10.9.1.2/24 "$MAC_A1" tag=100 ||
		! dp_port "$NS_A2" a2 10.9.1.3/24 "$MAC_A2" tag=200 ||
		! ns_vlan "$NS_T1" eth0 100 10.9.1.1/24; then
		fail "cannot build the topology"
	fi
	log_cmd flowbr show "$BR"
}

# start_all: capture on the four hosts (handles in C_T1, C_T2, C_A1, C_A2).
start_all() {
	pcap_start C_T1 "$NS_T1" eth0 && pcap_start C_T2 "$NS_T2" eth0 &&
		pcap_start C_A1 "$NS_A1" eth0 && pcap_start C_A2 "$NS_A2" eth0
}

# expect HANDLE SRC TAG COUNT WHERE
expect() {
	check_eq "$(pcap_frames "$1" "$2" "$3")" "$4" "$5: frames from $2 ($3)"
}

test_pop() {
	local src=02:00:00:09:11:01
	start_all
	send_frames "$NS_T1" eth0 "$BCAST" "$src" vid=100 pcp=3 count=3
	expect "$C_A1" "$src" untagged 3 "tag=100 port"
	expect "$C_A1" "$src" any 3 "tag=100 port"
	expect "$C_A2" "$src" any 0 "tag=200 port"
	expect "$C_T2" "$src" 100:3 3 "trunk t2"
	ping_ok "$NS_T1" 10.9.1.2
	ping_ok "$NS_A1" 10.9.1.1
}

test_push() {
	local src=02:00:00:09:11:02 lines
	start_all
	send_frames "$NS_A2" eth0 "$BCAST" "$src" count=3
	expect "$C_T1" "$src" 200:0 3 "trunk t1"
	expect "$C_T2" "$src" 200:0 3 "trunk t2"
	expect "$C_A1" "$src" any 0 "tag=100 port"
	# The ping replies of an access host reach the trunk host tagged.
	pcap_start C_T1 "$NS_T1" eth0
	ping_ok "$NS_T1" 10.9.1.2
	lines=$(pcap_lines "$C_T1" "vlan 100 and icmp")
	check_contains "$lines" "$MAC_A1 > $MAC_T1, ethertype 802.1Q (0x8100), length 102: vlan 100, p 0, ethertype IPv4" \
		"ICMP seen on the trunk host"
	check_eq "$(pcap_count "$C_T1" " $MAC_A1 > [^ ]+, ethertype IPv4")" 0 "untagged IPv4 frames from the access host"
}

test_not_trunked() {
	local src=02:00:00:09:11:03 src2=02:00:00:09:11:04 before after
	before=$(port_stat "$BR" t1 drops.vlan_not_trunked)
	start_all
	send_frames "$NS_T1" eth0 "$BCAST" "$src" vid=300 count=3
	# VID 300 from the all-VLAN trunk t2 must not leave t1 (trunks 100,200).
	send_frames "$NS_T2" eth0 "$BCAST" "$src2" vid=300 count=2
	expect "$C_T2" "$src" any 0 "trunk t2"
	expect "$C_A1" "$src" any 0 "tag=100 port"
	expect "$C_A2" "$src" any 0 "tag=200 port"
	expect "$C_T1" "$src2" any 0 "trunk t1 (does not trunk 300)"
	after=$(port_stat "$BR" t1 drops.vlan_not_trunked)
	check_eq "$((after - before))" 3 "t1 drops.vlan_not_trunked increase"
	check_eq "$(port_stat "$BR" t2 drops.vlan_not_trunked)" 0 "t2 drops.vlan_not_trunked"
}

test_untagged_vlan0() {
	local src=02:00:00:09:11:05 src2=02:00:00:09:11:06
	start_all
	send_frames "$NS_T1" eth0 "$BCAST" "$src" count=3
	send_frames "$NS_T1" eth0 "$BCAST" "$src2" vid=0 pcp=6 count=2
	expect "$C_T2" "$src" untagged 3 "trunk t2"
	expect "$C_T2" "$src2" untagged 2 "trunk t2 (priority-tagged in)"
	expect "$C_A1" "$src" any 0 "tag=100 port"
	expect "$C_A2" "$src" any 0 "tag=200 port"
	expect "$C_A1" "$src2" any 0 "tag=100 port"
	expect "$C_A2" "$src2" any 0 "tag=200 port"
}

test_pcp() {
	local src=02:00:00:09:11:07 src2=02:00:00:09:11:08
	start_all
	send_frames "$NS_T2" eth0 "$BCAST" "$src" vid=100 pcp=5 count=3
	send_frames "$NS_T2" eth0 "$BCAST" "$src2" vid=200 pcp=7 count=2
	expect "$C_T1" "$src" 100:5 3 "trunk t1"
	expect "$C_T1" "$src2" 200:7 2 "trunk t1"
	expect "$C_A1" "$src" untagged 3 "tag=100 port"
	expect "$C_A2" "$src2" untagged 2 "tag=200 port"
}

test_invalid() {
	local s1=02:00:00:09:11:09 s2=02:00:00:09:11:0a s3=02:00:00:09:11:0b
	local before after h
	before=$(port_stat "$BR" t2 drops.vlan_invalid)
	start_all
	send_frames "$NS_T2" eth0 "$BCAST" "$s1" vid=4095 count=3
	send_frames "$NS_T2" eth0 "$BCAST" "$s2" vid=100 tpid=0x88a8 count=3
	send_frames "$NS_T2" eth0 "$BCAST" "$s3" vid=100 tpid=0x88a8 inner=100 count=2
	for h in "$C_T1" "$C_A1" "$C_A2"; do
		check_eq "$(pcap_lines "$h" | grep -cE " ($s1|$s2|$s3) > " || true)" 0 \
			"VID 4095 / 802.1ad frames that left the bridge"
	done
	after=$(port_stat "$BR" t2 drops.vlan_invalid)
	check_eq "$((after - before))" 8 "t2 drops.vlan_invalid increase"
}

ktap_plan 6
setup
run_subtest "trunk: allowed VID reaches the access port untagged (pop), a trunk tagged" test_pop
run_subtest "trunk: access -> trunk leaves tagged with the access VLAN (push)" test_push
run_subtest "trunk: VID not in trunks dropped, counted vlan_not_trunked" test_not_trunked
run_subtest "trunk: untagged (and priority-tagged) is VLAN 0: other trunks only, untagged" test_untagged_vlan0
run_subtest "trunk: PCP preserved trunk -> trunk, dropped towards access" test_pcp
run_subtest "trunk: VID 4095 and 802.1ad outer tags dropped, counted vlan_invalid" test_invalid
ktap_finished
