#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_access: access ports (vlan_mode access, tag=N).
#
#   netns dpacc-a (10.9.0.1) -- pa  tag=100 --+
#   netns dpacc-b (10.9.0.2) -- pb  tag=100 --+-- bridge dpacc (no agent,
#   netns dpacc-c (10.9.0.3) -- pc  tag=200 --+   miss_policy flood)
#   netns dpacc-d (10.9.0.4) -- pd  tag=200 --+
#
# All four hosts share one IP subnet, so only the bridge's VLANs keep them
# apart. Checks that the same VLAN forwards, that nothing (unicast or
# broadcast) crosses between VLANs in either direction, that frames tagged
# with a non-zero VID are dropped on ingress (counted as vlan_tagged), and
# that priority-tagged frames (VID 0) are accepted into the access VLAN and
# leave the other access port untagged.

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=dpacc
NS_A=dpacc-a NS_B=dpacc-b NS_C=dpacc-c NS_D=dpacc-d
MAC_A=02:00:00:09:00:0a MAC_B=02:00:00:09:00:0b
MAC_C=02:00:00:09:00:0c MAC_D=02:00:00:09:00:0d
BCAST=ff:ff:ff:ff:ff:ff

# dp_port NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: netns NS (IPv6 off)
# whose eth0 (ADDR, MAC) is linked to HOSTIF, added to $BR.
dp_port() { host_port "$BR" "$@"; }

setup() {
	test_setup ipv6 tcpdump python3 nsenter ping

	br_create "$BR" || fail "add-br $BR failed"
	if ! dp_port "$NS_A" pa 10.9.0.1/24 "$MAC_A" tag=100 ||
		! dp_port "$NS_B" pb 10.9.0.2/24 "$MAC_B" tag=100 ||
		! dp_port "$NS_C" pc 10.9.0.3/24 "$MAC_C" tag=200 ||
		! dp_port "$NS_D" pd 10.9.0.4/24 "$MAC_D" tag=200; then
		fail "cannot build the topology"
	fi
	log_cmd flowbr show "$BR"
}

flush_neigh() {
	local ns
	for ns in "$NS_A" "$NS_B" "$NS_C" "$NS_D"; do
		ip -n "$ns" neigh flush dev eth0
	done
}

test_same_vlan() {
	local cb
	flush_neigh
	pcap_start cb "$NS_B" eth0
	ping_ok "$NS_A" 10.9.0.2
	ping_ok "$NS_B" 10.9.0.1
	# Echo requests from A reached B untagged.
	check_contains "$(pcap_lines "$cb" icmp)" "$MAC_A > $MAC_B, ethertype IPv4 (0x0800)" \
		"frames seen on $NS_B"
	check_eq "$(pcap_count "$cb" "802\.1Q")" 0 "tagged frames seen on $NS_B"
	ping_ok "$NS_C" 10.9.0.4
}

# Traffic of one VLAN (unicast and broadcast: ARP, pings, raw broadcasts)
# while capturing on the hosts of the other VLAN.
test_no_leak() {
	local ca cb cc cd h seen
	flush_neigh
	pcap_start ca "$NS_A" eth0
	pcap_start cb "$NS_B" eth0
	pcap_start cc "$NS_C" eth0
	pcap_start cd "$NS_D" eth0

	ping_ok "$NS_A" 10.9.0.2		# VLAN 100
	ping_ok "$NS_D" 10.9.0.3		# VLAN 200
	ping_fails "$NS_A" 10.9.0.3	# 100 -> 200
	ping_fails "$NS_B" 10.9.0.4
	ping_fails "$NS_C" 10.9.0.1	# 200 -> 100
	ping_fails "$NS_D" 10.9.0.2
	send_frames "$NS_A" eth0 "$BCAST" "$MAC_A" count=2
	send_frames "$NS_C" eth0 "$BCAST" "$MAC_C" count=2
	send_frames "$NS_A" eth0 "$MAC_C" "$MAC_A" count=2	# unknown unicast
	send_frames "$NS_C" eth0 "$MAC_A" "$MAC_C" count=2

	# Positive controls: each VLAN saw its own traffic.
	check_eq "$(pcap_frames "$cb" "$MAC_A")" 4 "raw frames from A seen on B"
	check_eq "$(pcap_frames "$cd" "$MAC_C")" 4 "raw frames from C seen on D"
	check_contains "$(pcap_lines "$cb" arp)" "$MAC_A > $BCAST" "ARP seen on B"
	# Nothing sent by the other VLAN's hosts (whatever its destination).
	for h in "$cc" "$cd"; do
		seen=$(pcap_lines "$h" | grep -E " ($MAC_A|$MAC_B) > " || true)
		check_eq "$seen" "" "VLAN 100 frames seen in VLAN 200"
	done
	for h in "$ca" "$cb"; do
		seen=$(pcap_lines "$h" | grep -E " ($MAC_C|$MAC_D) > " || true)
		check_eq "$seen" "" "VLAN 200 frames seen in VLAN 100"
	done
}

test_tagged_dropped() {
	local cb cc before after src1=02:00:00:09:01:01 src2=02:00:00:09:01:02
	before=$(port_stat "$BR" pa drops.vlan_tagged)
	pcap_start cb "$NS_B" eth0
	pcap_start cc "$NS_C" eth0
	send_frames "$NS_A" eth0 "$BCAST" "$src1" vid=100 count=3
	send_frames "$NS_A" eth0 "$BCAST" "$src2" vid=200 pcp=5 count=2
	check_eq "$(pcap_frames "$cb" "$src1" any)" 0 "VID 100 frames that reached B"
	check_eq "$(pcap_frames "$cb" "$src2" any)" 0 "VID 200 frames that reached B"
	check_eq "$(pcap_frames "$cc" "$src1" any)" 0 "VID 100 frames that reached C"
	check_eq "$(pcap_frames "$cc" "$src2" any)" 0 "VID 200 frames that reached C"
	after=$(port_stat "$BR" pa drops.vlan_tagged)
	check_eq "$((after - before))" 5 "pa drops.vlan_tagged increase"
}

test_priority_tagged() {
	local cb cc cd before src=02:00:00:09:01:03
	before=$(port_stat "$BR" pa drops.vlan_tagged)
	pcap_start cb "$NS_B" eth0
	pcap_start cc "$NS_C" eth0
	pcap_start cd "$NS_D" eth0
	send_frames "$NS_A" eth0 "$BCAST" "$src" vid=0 pcp=5 count=3
	check_eq "$(pcap_frames "$cb" "$src" untagged)" 3 "untagged frames on B"
	check_eq "$(pcap_frames "$cb" "$src" any)" 3 "frames on B"
	check_eq "$(pcap_frames "$cc" "$src" any)" 0 "frames on C (VLAN 200)"
	check_eq "$(pcap_frames "$cd" "$src" any)" 0 "frames on D (VLAN 200)"
	check_eq "$(port_stat "$BR" pa drops.vlan_tagged)" "$before" "pa drops.vlan_tagged"
}

ktap_plan 4
setup
run_subtest "access: same VLAN forwards (ping tag=100 <-> tag=100, untagged)" test_same_vlan
run_subtest "access: no leak between VLANs 100 and 200 (unicast, broadcast, ARP; both ways)" test_no_leak
run_subtest "access: tagged VID 100/200 into a tag=100 port dropped, counted vlan_tagged" test_tagged_dropped
run_subtest "access: priority-tagged (VID 0, PCP 5) is VLAN 100, leaves untagged" test_priority_tagged
ktap_finished
