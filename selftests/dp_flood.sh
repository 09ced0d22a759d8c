#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_flood: the flood action (FLOWBR_ACT_FLOOD, `actions=flood`) and the
# cap on explicit outputs.
#
#   netns dpfd-a -- fa port_no=1 tag=100 --+
#   netns dpfd-b -- fb port_no=2 tag=100 --+
#   netns dpfd-c -- fc port_no=3 tag=200 --+-- bridge dpfd (miss_policy=drop)
#   netns dpfd-t -- ft port_no=4 trunk   --+
#   netns dpfd-d -- fd (added later, tag=100, then moved to 200)
#
# With misses dropped only flows forward. A flow flooding VLAN 100 from A
# reaches B untagged and the trunk tagged 100, not A (the ingress) and not
# C (VLAN 200); explicit outputs come first and then the flood. D, added to
# VLAN 100 after the flow was installed, receives the next frame with no
# change to the flow; moved to VLAN 200, it no longer does. A flow with
# FLOWBR_MAX_OUTPUTS (128) outputs, and a flood, is installed and read back
# by get-flow and dump-flows; one more output is refused with the kernel's
# message (use a flood), as are a second flood, an output after the flood
# and VLAN 4095; a refusal changes nothing.

source "$(dirname "$0")/lib.sh"

BR=dpfd
NS_A=dpfd-a NS_B=dpfd-b NS_C=dpfd-c NS_T=dpfd-t NS_D=dpfd-d
MAC_A=02:00:00:09:60:0a MAC_B=02:00:00:09:60:0b MAC_C=02:00:00:09:60:0c
MAC_T=02:00:00:09:60:0e MAC_D=02:00:00:09:60:0d
MAC_X=02:00:00:09:60:77
BCAST=ff:ff:ff:ff:ff:ff
MAX_OUTPUTS=128

fl() {
	echo "in_port=$1,vlan=$2,dl_src=$3,dl_dst=$4"
}

K_BC=$(fl 1 100 "$MAC_A" "$BCAST")

flow_get() {
	flowbr -j get-flow "$BR" "$1" | jval "$2"
}

nlreq() {
	python3 -I -S "$SELFTEST_DIR/fb_nlreq.py" "$UAPI_H" "$@"
}

setup() {
	test_setup ipv6 tcpdump python3 nsenter
	br_create "$BR" miss_policy=drop || fail "add-br $BR failed"
	if ! host_port "$BR" "$NS_A" fa "" "$MAC_A" port_no=1 tag=100 ||
		! host_port "$BR" "$NS_B" fb "" "$MAC_B" port_no=2 tag=100 ||
		! host_port "$BR" "$NS_C" fc "" "$MAC_C" port_no=3 tag=200 ||
		! host_port "$BR" "$NS_T" ft "" "$MAC_T" port_no=4 ||
		! host_port - "$NS_D" fd "" "$MAC_D"; then
		fail "cannot build the topology"
	fi
}

test_flood() {
	local ca cb cc ct loop0
	check flowbr add-flow "$BR" "$K_BC" actions=flood
	check_eq "$(flow_get "$K_BC" actions)" '[{"flood": 100}]' "actions (JSON)"
	check_contains "$(flowbr get-flow "$BR" "$K_BC")" " actions=flood:100" "get-flow"
	loop0=$(port_stat "$BR" fa drops.loop)
	pcap_start ca "$NS_A" eth0
	pcap_start cb "$NS_B" eth0
	pcap_start cc "$NS_C" eth0
	pcap_start ct "$NS_T" eth0
	send_frames "$NS_A" eth0 "$BCAST" "$MAC_A" vid=0 pcp=3 count=3
	check_eq "$(pcap_frames "$cb" "$MAC_A" untagged)" 3 "untagged frames on B (access 100)"
	check_eq "$(pcap_frames "$cb" "$MAC_A" any)" 3 "frames on B"
	check_eq "$(pcap_frames "$ct" "$MAC_A" 100:3)" 3 "frames on the trunk, tagged 100, p 3"
	check_eq "$(pcap_frames "$ct" "$MAC_A" any)" 3 "frames on the trunk"
	check_eq "$(pcap_frames "$cc" "$MAC_A" any)" 0 "frames on C (VLAN 200)"
	# A's capture holds the 3 frames it sent (priority-tagged), none back.
	check_eq "$(pcap_frames "$ca" "$MAC_A" any)" 3 "frames on A (sent only)"
	check_eq "$(pcap_frames "$ca" "$MAC_A" untagged)" 0 "untagged frames on A"
	check_eq "$(($(port_stat "$BR" fa drops.loop) - loop0))" 0 "fa drops.loop increase"
	check_eq "$(flow_get "$K_BC" packets)" 3 "flow packets"
}

# Outputs first, then the flood: C gets its explicit copy, the trunk two.
test_outputs_then_flood() {
	local k cb cc ct
	k=$(fl 1 100 "$MAC_A" "$MAC_X")
	check flowbr add-flow "$BR" "$k" actions=3,4:300,flood
	check_eq "$(flow_get "$k" actions)" \
		'[{"port": 3}, {"port": 4, "vid": 300}, {"flood": 100}]' "actions"
	pcap_start cb "$NS_B" eth0
	pcap_start cc "$NS_C" eth0
	pcap_start ct "$NS_T" eth0
	send_frames "$NS_A" eth0 "$MAC_X" "$MAC_A" count=2
	check_eq "$(pcap_frames "$cc" "$MAC_A" untagged)" 2 "untagged frames on C (output 3)"
	check_eq "$(pcap_frames "$cb" "$MAC_A" untagged)" 2 "untagged frames on B (flood)"
	check_eq "$(pcap_frames "$ct" "$MAC_A" 300)" 2 "frames on the trunk tagged 300 (output)"
	check_eq "$(pcap_frames "$ct" "$MAC_A" 100)" 2 "frames on the trunk tagged 100 (flood)"
	check_eq "$(pcap_lines "$ct" | grep -E " $MAC_A > " | head -n 2 | grep -c 'vlan 300')" 1 \
		"the output's copy on the trunk before the flood's"
	check flowbr del-flow "$BR" "$k" >/dev/null
}

# D joins VLAN 100 after the flow was installed: the next frame reaches it.
test_port_joins() {
	local cd cb p0 n0
	p0=$(flow_get "$K_BC" packets)
	n0=$(flowbr -j show "$BR" | jval 0.flow_count)
	check flowbr add-port "$BR" fd port_no=5 tag=100
	pcap_start cd "$NS_D" eth0
	pcap_start cb "$NS_B" eth0
	send_frames "$NS_A" eth0 "$BCAST" "$MAC_A" count=2
	check_eq "$(pcap_frames "$cd" "$MAC_A" untagged)" 2 "untagged frames on D (joined VLAN 100)"
	check_eq "$(pcap_frames "$cb" "$MAC_A" untagged)" 2 "untagged frames on B"
	check_eq "$(flow_get "$K_BC" packets)" $((p0 + 2)) "flow packets (the same flow)"
	check_eq "$(flow_get "$K_BC" actions)" '[{"flood": 100}]' "actions"
	check_eq "$(flowbr -j show "$BR" | jval 0.flow_count)" "$n0" "flow_count"
}

# D leaves VLAN 100 (set-port, then del-port): no more of its floods.
test_port_leaves() {
	local cd cb cc p0
	p0=$(flow_get "$K_BC" packets)
	check flowbr set-port "$BR" fd tag=200
	# The flow names no port of D: set-port flushed nothing of it.
	check_eq "$(flow_get "$K_BC" packets)" "$p0" "flow packets after set-port"
	pcap_start cd "$NS_D" eth0
	pcap_start cb "$NS_B" eth0
	pcap_start cc "$NS_C" eth0
	send_frames "$NS_A" eth0 "$BCAST" "$MAC_A" count=2
	check_eq "$(pcap_frames "$cd" "$MAC_A" any)" 0 "frames on D (now VLAN 200)"
	check_eq "$(pcap_frames "$cc" "$MAC_A" any)" 0 "frames on C (VLAN 200)"
	check_eq "$(pcap_frames "$cb" "$MAC_A" untagged)" 2 "untagged frames on B"
	check flowbr del-port "$BR" fd
	pcap_start cb "$NS_B" eth0
	send_frames "$NS_A" eth0 "$BCAST" "$MAC_A" count=2
	check_eq "$(pcap_frames "$cb" "$MAC_A" untagged)" 2 "untagged frames on B after del-port"
	check_eq "$(flow_get "$K_BC" packets)" $((p0 + 4)) "flow packets"
}

# outputs N [SUFFIX]: an actions list of N outputs (to B and, tagged, the
# trunk, in turn), then SUFFIX.
outputs() {
	local i s=""
	for ((i = 0; i < $1; i++)); do
		if ((i % 2)); then s+="4:$((100 + i)),"; else s+="2,"; fi
	done
	s+=${2:-}
	echo "${s%,}"
}

test_output_cap() {
	local k k2 err n0 f
	k=$(fl 2 100 "$MAC_B" "$MAC_X")
	k2=$(fl 2 100 "$MAC_B" "$BCAST")
	n0=$(flowbr -j show "$BR" | jval 0.flow_count)
	if err=$(flowbr add-flow "$BR" "$k" actions="$(outputs $((MAX_OUTPUTS + 1)))" 2>&1); then
		fail "a flow with $((MAX_OUTPUTS + 1)) outputs was accepted"
	fi
	log "$((MAX_OUTPUTS + 1)) outputs: $err"
	check_contains "$err" "Error: Too many outputs (at most $MAX_OUTPUTS" "error (extack)"
	check_contains "$err" "use FLOWBR_ACT_FLOOD" "error (extack)"
	check_eq "$(flowbr -j show "$BR" | jval 0.flow_count)" "$n0" "flow_count after the refusal"
	check_fail flowbr get-flow "$BR" "$k" 2>/dev/null

	check flowbr add-flow "$BR" "$k" actions="$(outputs "$MAX_OUTPUTS")"
	check flowbr add-flow "$BR" "$k2" actions="$(outputs "$MAX_OUTPUTS" flood)"
	check_eq "$(flowbr -j get-flow "$BR" "$k" | python3 -I -S -c '
import json, sys
a = json.load(sys.stdin)["actions"]
print(len(a), a[0], a[1], a[-1])')" "$MAX_OUTPUTS {'port': 2} {'port': 4, 'vid': 101} {'port': 4, 'vid': 227}" \
		"get-flow: $MAX_OUTPUTS outputs"
	f=$(flowbr get-flow "$BR" "$k2") || fail "get-flow of $MAX_OUTPUTS outputs and a flood"
	check_contains "$f" " actions=$(outputs "$MAX_OUTPUTS" flood:100)" "get-flow (text)"
	check_eq "$(flowbr -j dump-flows "$BR" | python3 -I -S -c '
import json, sys
print(sorted(len(f["actions"]) for f in json.load(sys.stdin) if f["in_port"] == 2))')" \
		"[$MAX_OUTPUTS, $((MAX_OUTPUTS + 1))]" "dump-flows: both big flows, whole"
	check_eq "$(flowbr -j del-flow "$BR" "$k2" | jval actions.-1)" '{"flood": 100}' \
		"del-flow reply"
	check flowbr del-flow "$BR" "$k" >/dev/null
}

test_bad_flood() {
	local before after k=key:1,100,$MAC_A,$MAC_X err
	before=$(flowbr dump-flows "$BR" | sed 's/ idle=[^ ]* age=[^ ]*//')
	err=$(nlreq FLOW_NEW BR_NAME=str:"$BR" KEY="$k" ACTIONS=out:flood/100+flood/100 2>&1) &&
		fail "two floods accepted"
	check_contains "$err" "Only one FLOWBR_ACT_FLOOD per flow" "two floods"
	err=$(nlreq FLOW_NEW BR_NAME=str:"$BR" KEY="$k" ACTIONS=out:flood/100+2/0 2>&1) &&
		fail "an output after the flood accepted"
	check_contains "$err" "FLOWBR_ACT_FLOOD must be the last action" "output after the flood"
	err=$(nlreq FLOW_NEW BR_NAME=str:"$BR" KEY="$k" ACTIONS=out:flood/4095 2>&1) &&
		fail "flood of VLAN 4095 accepted"
	check_contains "$err" "out of range" "flood of VLAN 4095"
	err=$(nlreq PACKET_EXECUTE BR_NAME=str:"$BR" KEY="$k" ACTIONS=out:flood/1+flood/2 \
		PACKET=hex:"ffffffffffff02000009600a88b5" 2>&1) &&
		fail "PACKET_EXECUTE with two floods accepted"
	check_contains "$err" "Only one FLOWBR_ACT_FLOOD per flow" "PACKET_EXECUTE with two floods"
	err=$(flowbr add-flow "$BR" "$(fl 1 100 "$MAC_A" "$MAC_X")" actions=flood,flood 2>&1) &&
		fail "the CLI took two floods"
	check_contains "$err" "only one flood" "CLI: two floods"
	check nlreq FLOW_NEW BR_NAME=str:"$BR" KEY="$k" ACTIONS=out:2/0+flood/0
	check_contains "$(flowbr get-flow "$BR" "$(fl 1 100 "$MAC_A" "$MAC_X")")" \
		" actions=2,flood:0" "a flood of VLAN 0"
	check flowbr del-flow "$BR" "$(fl 1 100 "$MAC_A" "$MAC_X")" >/dev/null
	after=$(flowbr dump-flows "$BR" | sed 's/ idle=[^ ]* age=[^ ]*//')
	check_eq "$after" "$before" "flows after the refusals"
}

ktap_plan 6
setup
run_subtest "flood: reaches B untagged and the trunk tagged (PCP kept), not A (ingress) nor C (VLAN 200)" test_flood
run_subtest "flood: explicit outputs first, then the flood" test_outputs_then_flood
run_subtest "flood: a port added to the VLAN gets the next frame, the flow unchanged" test_port_joins
run_subtest "flood: a port moved out of the VLAN, then removed, gets no more" test_port_leaves
run_subtest "flood: $MAX_OUTPUTS outputs (+ flood) installed and read back, $((MAX_OUTPUTS + 1)) refused (use a flood)" test_output_cap
run_subtest "flood: two floods, an output after the flood, VLAN 4095 refused; nothing changed" test_bad_flood
ktap_finished
