#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_badinput: bad requests are refused with a specific message and change
# nothing.
#
# Each case runs one request that must fail, checks the message on stderr
# (the kernel's extack as printed by the CLI, "Error: ..."), and compares
# the state before and after: `flowbr -j show` of every bridge, their flows,
# and the list of network devices. The CLI checks some values itself
# (tags, port numbers); the same values are then sent to the kernel
# directly with a small generic netlink client (nlreq, below) so that the
# module's own checks are exercised too.
#
#   bridge dpbad:  p1 (veth, port 1, tag=100), one flow
#   bridge dpbad1: vint1 (internal), p2 (veth)
#   bridge dpbadl: flow_limit=2, two flows
#   Linux bridge dpbad-lb: x1 (veth); y1 (veth) free

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=dpbad
BR1=dpbad1
BRL=dpbadl
LB=dpbad-lb
MAC1=02:00:00:09:70:01 MAC2=02:00:00:09:70:02

setup() {
	test_setup python3
	[ -r "$UAPI_H" ] || skip "$UAPI_H not found"

	br_create "$BR" || fail "add-br $BR failed"
	br_create "$BR1" || fail "add-br $BR1 failed"
	br_create "$BRL" flow_limit=2 || fail "add-br $BRL failed"
	if ! veth_pair p1 p1-peer || ! veth_pair p2 p2-peer ||
		! veth_pair x1 x1-peer || ! veth_pair y1 y1-peer; then
		fail "cannot create veths"
	fi
	ip link add "$LB" type bridge || fail "cannot create a Linux bridge"
	defer ip link del "$LB"
	ip link set x1 master "$LB" || fail "cannot enslave x1"
	if ! flowbr add-port "$BR" p1 port_no=1 tag=100 ||
		! flowbr add-port "$BR1" vint1 type=internal ||
		! flowbr add-port "$BR1" p2 ||
		! flowbr add-flow "$BR" "$(fl 1 100 "$MAC1" "$MAC2")" actions=0 ||
		! flowbr add-flow "$BRL" "$(fl 0 0 "$MAC1" "$MAC2")" actions=drop ||
		! flowbr add-flow "$BRL" "$(fl 0 0 "$MAC2" "$MAC1")" actions=drop; then
		fail "cannot set up the bridges"
	fi
	log_cmd flowbr show
}

fl() {
	echo "in_port=$1,vlan=$2,dl_src=$3,dl_dst=$4"
}

# state: what a refused request must not change (the flows without their
# idle/age times).
state() {
	local b
	flowbr -j show
	for b in "$BR" "$BR1" "$BRL"; do
		flowbr dump-flows "$b" | sed 's/ idle=[^ ]* age=[^ ]*//' | sort
	done
	ip -o link show | awk -F': ' '{ print $2 }' | sort
}

# refused MSG CMD...: CMD must fail with MSG in its stderr and leave the
# state unchanged (compared with $STATE, taken by the subtest's first call).
STATE=""
refused() {
	local msg=$1 after err rc=0
	shift
	[ -n "$STATE" ] || STATE=$(state)
	if err=$("$@" 2>&1 >/dev/null); then
		log "FAIL: accepted: $*"
		rc=1
	else
		log "$* -> $err"
		check_contains "$err" "$msg" "error of '$*'" || rc=1
	fi
	after=$(state)
	if [ "$after" != "$STATE" ]; then
		log "FAIL: '$*' changed the state:"
		diff <(echo "$STATE") <(echo "$after") | sed 's/^/#   /'
		STATE=$after
		rc=1
	fi
	return "$rc"
}

# Kernel messages (the module's extack) and CLI messages.
TAG0_K="VLAN tag 0 is the untagged domain, not a VLAN"
TAGRANGE_K="VLAN tag out of range: use 1-4094 (4095 is reserved)"

test_tag0() {
	refused "tag=0 is out of range (1-4094)" flowbr add-port "$BR" y1 tag=0
	refused "$TAG0_K" nlreq PORT_NEW BR_NAME=str:"$BR" PORT_NAME=str:y1 PORT_TAG=u16:0
	refused "$TAG0_K" nlreq PORT_NEW BR_NAME=str:"$BR" PORT_NAME=str:y1 PORT_TAG=u16:0 PORT_VLAN_MODE=u8:0
	refused "$TAG0_K" nlreq PORT_NEW BR_NAME=str:"$BR" PORT_NAME=str:vbad PORT_TYPE=u8:1 PORT_TAG=u16:0
}

test_tag4095() {
	refused "tag=4095 is out of range (1-4094)" flowbr add-port "$BR" y1 tag=4095
	refused "tag=4095 is out of range (1-4094)" flowbr set-port "$BR" p1 tag=4095
	refused "$TAGRANGE_K" nlreq PORT_NEW BR_NAME=str:"$BR" PORT_NAME=str:y1 PORT_TAG=u16:4095
	refused "$TAGRANGE_K" nlreq PORT_SET BR_NAME=str:"$BR" PORT_NAME=str:p1 PORT_TAG=u16:4095
	refused "$TAGRANGE_K" nlreq PORT_NEW BR_NAME=str:"$BR" PORT_NAME=str:vbad PORT_TYPE=u8:1 PORT_TAG=u16:4095
}

test_tag5000() {
	refused "tag=5000 is out of range (1-4094)" flowbr add-port "$BR" y1 tag=5000
	refused "$TAGRANGE_K" nlreq PORT_NEW BR_NAME=str:"$BR" PORT_NAME=str:y1 PORT_TAG=u16:5000
	refused "$TAGRANGE_K" nlreq PORT_SET BR_NAME=str:"$BR" PORT_NO=u32:1 PORT_TAG=u16:5000
}

test_vlan_config() {
	refused "A trunk port has no tag" flowbr add-port "$BR" y1 vlan_mode=trunk tag=5
	refused "An access port cannot have trunks" flowbr add-port "$BR" y1 tag=5 trunks=6
	refused "needs a tag" flowbr add-port "$BR" y1 vlan_mode=native-tagged trunks=6
	refused "needs a tag" flowbr add-port "$BR" y1 vlan_mode=native-untagged
	refused "An access port needs a tag" flowbr add-port "$BR" y1 vlan_mode=access
	refused "Trunks must be VIDs 1-4094" nlreq PORT_NEW BR_NAME=str:"$BR" PORT_NAME=str:y1 PORT_TRUNKS=vids:4095
	refused "Trunks must be VIDs 1-4094" nlreq PORT_NEW BR_NAME=str:"$BR" PORT_NAME=str:y1 PORT_TRUNKS=vids:0,100
	refused "A trunk port has no tag" flowbr set-port "$BR" p1 vlan_mode=trunk
}

test_unknown_port() {
	refused "No such port on this bridge" flowbr del-port "$BR" nosuch
	refused "No such port on this bridge" flowbr del-port "$BR" 77
	refused "No such port on this bridge" flowbr set-port "$BR" nosuch tag=5
	refused "No such port on this bridge" flowbr set-port "$BR" y1 tag=5	# a netdev, not a port
	refused "No such network device in this namespace" flowbr add-port "$BR" nosuch0
}

test_unknown_bridge() {
	refused "No such bridge in this network namespace" flowbr add-port nobr y1
	refused "No such bridge in this network namespace" flowbr del-br nobr
	refused "No such bridge in this network namespace" flowbr set-br nobr miss_policy=drop
	refused "No such bridge in this network namespace" flowbr del-port nobr p1
	refused "No such bridge in this network namespace" nlreq FLOW_NEW BR_NAME=str:nobr \
		KEY=key:0,0,"$MAC1,$MAC2" ACTIONS=out:
	# A port's name is no bridge name.
	refused "No such bridge in this network namespace" flowbr set-br p1 miss_policy=drop
}

test_dup_bridge() {
	refused "A flowbr bridge with this name exists" flowbr add-br "$BR"
	refused "A network device with this name exists" flowbr add-br y1
	refused "A network device with this name exists" flowbr add-br vint1
}

test_dup_port() {
	refused "Device is already a port of this bridge" flowbr add-port "$BR" p1
	refused "Device is already a port of this bridge" flowbr add-port "$BR" p1 tag=200
	refused "Port number already in use" flowbr add-port "$BR" y1 port_no=1
	refused "A network device with this name exists" flowbr add-port "$BR" y1 type=internal
	refused "A network device with this name exists" flowbr add-port "$BR" p1 type=internal
}

test_lo() {
	refused "A loopback device cannot be a port" flowbr add-port "$BR" lo
}

test_enslaved() {
	refused "Device is already enslaved" flowbr add-port "$BR" x1
}

test_other_flowbr() {
	refused "Device is already a port of another flowbr bridge" flowbr add-port "$BR" vint1
	refused "Device is already a port of another flowbr bridge" flowbr add-port "$BR" "$BR1"
	refused "Device is already a port of another flowbr bridge" flowbr add-port "$BR" p2
}

test_local_port() {
	refused "The local port cannot be removed" flowbr del-port "$BR" "$BR"
	refused "The local port cannot be removed" flowbr del-port "$BR" 0
	refused "The local port cannot be removed" nlreq PORT_DEL BR_NAME=str:"$BR" PORT_NO=u32:0
	refused "Port number 0 is the bridge's local port" nlreq PORT_NEW BR_NAME=str:"$BR" \
		PORT_NAME=str:y1 PORT_NO=u32:0
}

test_flow_limit() {
	refused "flow limit" flowbr add-flow "$BRL" "$(fl 0 0 "$MAC1" 02:00:00:09:70:03)" actions=drop
	refused "Flow limit below the number of installed flows" flowbr set-br "$BRL" flow_limit=1
	refused "flow_limit=0 is out of range" flowbr set-br "$BRL" flow_limit=0
	refused "out of range" nlreq BR_SET BR_NAME=str:"$BRL" BR_FLOW_LIMIT=u32:0
	refused "out of range" nlreq BR_NEW BR_NAME=str:dpbadx BR_FLOW_LIMIT=u32:4000001
}

test_bad_actions() {
	refused "Output to a port that does not exist on this bridge" \
		flowbr add-flow "$BR" "$(fl 1 100 "$MAC1" 02:00:00:09:70:04)" actions=77
	refused "Output to a port that does not exist on this bridge" \
		flowbr add-flow "$BR" "$(fl 1 100 "$MAC1" "$MAC2")" actions=0,77:100
	refused "Flow in_port does not exist on this bridge" \
		flowbr add-flow "$BR" "$(fl 77 100 "$MAC1" "$MAC2")" actions=1
	refused "A tagged output needs a VID" nlreq FLOW_NEW BR_NAME=str:"$BR" \
		KEY=key:1,100,"$MAC1,$MAC2" ACTIONS=out:0/1
	refused "An untagged output takes no VID" nlreq FLOW_NEW BR_NAME=str:"$BR" \
		KEY=key:1,100,"$MAC1,$MAC2" ACTIONS=out:0/0/100
	refused "Output action needs a port" nlreq FLOW_NEW BR_NAME=str:"$BR" \
		KEY=key:1,100,"$MAC1,$MAC2" ACTIONS=hex:04000180
}

ktap_plan 14
setup
run_subtest "badinput: tag 0 refused (CLI and kernel), nothing changed" test_tag0
run_subtest "badinput: tag 4095 refused (CLI and kernel), nothing changed" test_tag4095
run_subtest "badinput: tag 5000 refused (CLI and kernel), nothing changed" test_tag5000
run_subtest "badinput: inconsistent VLAN settings refused, nothing changed" test_vlan_config
run_subtest "badinput: unknown port refused, nothing changed" test_unknown_port
run_subtest "badinput: unknown bridge refused, nothing changed" test_unknown_bridge
run_subtest "badinput: duplicate bridge name refused, nothing changed" test_dup_bridge
run_subtest "badinput: duplicate port (name, number) refused, nothing changed" test_dup_port
run_subtest "badinput: lo refused, nothing changed" test_lo
run_subtest "badinput: a device in a Linux bridge refused, nothing changed" test_enslaved
run_subtest "badinput: a port of another flowbr bridge (internal, local, netdev) refused" test_other_flowbr
run_subtest "badinput: deleting the local port refused, nothing changed" test_local_port
run_subtest "badinput: flows over the limit / limit below the flow count refused" test_flow_limit
run_subtest "badinput: actions to a nonexistent port or malformed refused, nothing changed" test_bad_actions
ktap_finished
