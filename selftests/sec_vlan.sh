#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sec_vlan: frames with malformed or stacked VLAN headers are dropped or
# classified as Documentation/design.md says, and never reach a port of
# another VLAN:
#
#  - 802.1ad (0x88a8) outer tag, QinQ with an 802.1Q tag inside: dropped,
#    vlan_invalid, on access and trunk ports;
#  - VID 4095: dropped, vlan_invalid, on access and trunk ports;
#  - 802.1Q in 802.1Q: on a trunk, the outer VID is the VLAN and the inner
#    tag is payload; on an access port, dropped (vlan_tagged);
#  - VID 0 (priority tag) on an access port: the port's VLAN; over another
#    VLAN tag (double tagging) dropped: vlan_tagged on an access port,
#    vlan_invalid on a trunk;
#  - a tagged frame (its own VLAN or another) into an access port: dropped,
#    vlan_tagged;
#  - a frame that ends inside its tag: from the host through an internal
#    port and through PACKET_EXECUTE, dropped and counted malformed; from a
#    veth the stack itself drops it before the bridge.
#
# Each case checks every port's drop counters (all reasons): exactly the
# expected one rose, by exactly the number of frames sent; and captures on
# the other hosts see none of them (or exactly the expected copies).
#
#   netns sva1 -- a1 tag=100      --+
#   netns sva2 -- a2 tag=100      --+-- bridge svl (no agent, flood)
#   netns svb1 -- b1 tag=200      --+   + vi (internal, tag=100)
#   netns svt1 -- t1 trunks=100,200 +
#
# The local port svl is up, so that floods to it are delivered to the host
# rather than counted as drops (down).

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=svl
BCAST=ff:ff:ff:ff:ff:ff
N=3

sv_port() {
	local ns=$1 hostif=$2
	shift 2
	ns_create "$ns" || return 1
	ns_veth "$ns" "$hostif" || return 1
	flowbr add-port "$BR" "$hostif" "$@"
}

setup() {
	test_setup ipv6 tcpdump python3 nsenter
	br_create "$BR" || fail "add-br $BR"
	if ! sv_port sva1 a1 tag=100 || ! sv_port sva2 a2 tag=100 ||
		! sv_port svb1 b1 tag=200 || ! sv_port svt1 t1 trunks=100,200 ||
		! flowbr add-port "$BR" vi type=internal tag=100 ||
		! ip link set vi up || ! ip link set "$BR" up; then
		fail "cannot build the topology"
	fi
	log_cmd flowbr show "$BR"
}

# drops: "PORT REASON VALUE" for every port and drop reason.
drops() {
	flowbr -j stats "$BR" | python3 -I -S -c '
import json, sys
for p in json.load(sys.stdin)["ports"]:
    for r, v in sorted(p["stats"]["drops"].items()):
        print(p["name"], r, v)
'
}

# drops_delta BEFORE: the counters that changed since BEFORE (a drops
# output), as "PORT.REASON+N" words, sorted.
drops_delta() {
	join -j1 <(awk '{ print $1 "." $2, $3 }' <<<"$1" | sort) \
		<(drops | awk '{ print $1 "." $2, $3 }' | sort) |
		awk '$3 != $2 { print $1 "+" ($3 - $2) }' | sort | tr '\n' ' ' | sed 's/ $//'
}

# raw NS DEV HEX...: send each HEX as one frame out of DEV (netns NS, or
# the current one if NS is empty).
raw() {
	local ns=$1 dev=$2
	shift 2
	nsrun "$ns" python3 -I -S -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for h in sys.argv[2:]:
    s.send(bytes.fromhex(h))
' "$dev" "$@"
}

# capture on every host (handles C_a1, C_a2, C_b1, C_t1).
C_a1="" C_a2="" C_b1="" C_t1=""
start_all() {
	pcap_start C_a1 sva1 eth0 && pcap_start C_a2 sva2 eth0 &&
		pcap_start C_b1 svb1 eth0 && pcap_start C_t1 svt1 eth0
}

# seen HANDLE SRC: frames from SRC in the capture (any tags).
seen() {
	pcap_lines "$1" | grep -c " $2 > " || true
}

# none_from SRC HOST...: no capture of these hosts has a frame from SRC.
none_from() {
	local src=$1 h v rc=0
	shift
	for h in "$@"; do
		v=C_$h
		check_eq "$(seen "${!v}" "$src")" 0 "frames from $src seen on $h" || rc=1
	done
	return "$rc"
}

test_qinq() {
	local before s1=02:00:00:5e:01:01 s2=02:00:00:5e:01:02
	before=$(drops)
	start_all
	send_frames sva1 eth0 "$BCAST" "$s1" vid=100 tpid=0x88a8 inner=200 count="$N"
	send_frames svt1 eth0 "$BCAST" "$s2" vid=100 tpid=0x88a8 inner=200 count="$N"
	send_frames svt1 eth0 "$BCAST" "$s2" vid=200 tpid=0x88a8 count="$N"
	check_eq "$(drops_delta "$before")" "a1.vlan_invalid+$N t1.vlan_invalid+$((2 * N))" "drop counters"
	none_from "$s1" a2 b1 t1
	none_from "$s2" a1 a2 b1
}

test_vid4095() {
	local before s1=02:00:00:5e:02:01 s2=02:00:00:5e:02:02
	before=$(drops)
	start_all
	send_frames sva1 eth0 "$BCAST" "$s1" vid=4095 count="$N"
	send_frames svt1 eth0 "$BCAST" "$s2" vid=4095 pcp=7 count="$N"
	check_eq "$(drops_delta "$before")" "a1.vlan_invalid+$N t1.vlan_invalid+$N" "drop counters"
	none_from "$s1" a2 b1 t1
	none_from "$s2" a1 a2 b1
}

test_dot1q_in_dot1q() {
	local before s1=02:00:00:5e:03:01 s2=02:00:00:5e:03:02 s3=02:00:00:5e:03:03
	before=$(drops)
	start_all
	# Trunk: outer VID 100 is the VLAN, the inner tag (200) is payload.
	send_frames svt1 eth0 "$BCAST" "$s1" vid=100 inner=200 count="$N"
	# Trunk: outer VID 200, inner 100: VLAN 200 only.
	send_frames svt1 eth0 "$BCAST" "$s3" vid=200 inner=100 count="$N"
	# Access: any tag with a VID is refused, whatever is inside.
	send_frames sva1 eth0 "$BCAST" "$s2" vid=100 inner=200 count="$N"
	check_eq "$(drops_delta "$before")" "a1.vlan_tagged+$N" "drop counters"
	# VLAN 100 hosts get it with the outer tag removed: the frame now
	# starts with the inner tag, 200, which is payload to the bridge.
	check_eq "$(pcap_count "$C_a1" " $s1 > .*802\.1Q.*vlan 200, p 0, ethertype Unknown")" "$N" "a1: 1Q-in-1Q, inner tag as payload"
	check_eq "$(seen "$C_a1" "$s1")" "$N" "a1: frames from $s1"
	check_eq "$(seen "$C_a2" "$s1")" "$N" "a2: frames from $s1"
	check_eq "$(seen "$C_b1" "$s1")" 0 "b1 (VLAN 200): frames with outer VID 100"
	check_eq "$(seen "$C_b1" "$s3")" "$N" "b1 (VLAN 200): frames with outer VID 200"
	check_eq "$(seen "$C_a1" "$s3")" 0 "a1 (VLAN 100): frames with outer VID 200"
	check_eq "$(seen "$C_a2" "$s3")" 0 "a2 (VLAN 100): frames with outer VID 200"
	none_from "$s2" a2 b1 t1
}

test_priority_tag() {
	local before s1=02:00:00:5e:04:01 s2=02:00:00:5e:04:02 s3=02:00:00:5e:04:03
	before=$(drops)
	start_all
	send_frames sva1 eth0 "$BCAST" "$s1" vid=0 pcp=5 count="$N"
	# A priority tag over an 802.1Q tag of VLAN 200 (double tagging):
	# dropped, on an access port as a tagged frame, on a trunk as invalid.
	send_frames sva1 eth0 "$BCAST" "$s2" vid=0 pcp=5 inner=200 count="$N"
	send_frames svt1 eth0 "$BCAST" "$s3" vid=0 inner=100 count="$N"
	check_eq "$(drops_delta "$before")" "a1.vlan_tagged+$N t1.vlan_invalid+$N" "drop counters"
	check_eq "$(pcap_count "$C_a2" " $s1 > [^ ]+, ethertype Unknown")" "$N" "a2: untagged"
	check_eq "$(pcap_count "$C_t1" " $s1 > .*vlan 100, p 5, ethertype Unknown")" "$N" "t1: tagged 100, PCP kept"
	check_eq "$(seen "$C_b1" "$s1")" 0 "b1 (VLAN 200): priority-tagged from VLAN 100"
	none_from "$s2" a2 b1 t1
	none_from "$s3" a1 a2 b1
}

test_tagged_access() {
	local before s1=02:00:00:5e:05:01 s2=02:00:00:5e:05:02
	before=$(drops)
	start_all
	send_frames sva1 eth0 "$BCAST" "$s1" vid=100 count="$N"
	send_frames sva1 eth0 "$BCAST" "$s2" vid=200 pcp=3 count="$N"
	send_frames svb1 eth0 "$BCAST" "$s2" vid=100 count="$N"
	check_eq "$(drops_delta "$before")" "a1.vlan_tagged+$((2 * N)) b1.vlan_tagged+$N" "drop counters"
	none_from "$s1" a2 b1 t1
	none_from "$s2" a2 t1
}

test_truncated() {
	local before s=02:00:00:5e:06:01 s2=02:00:00:5e:06:02 f16 f17 f17b out
	f16=ffffffffffff${s//:/}8100
	f17=${f16}00
	f17b=ffffffffffff${s//:/}88a800
	before=$(drops)
	start_all
	# From the host through the internal port: reaches the bridge.
	raw "" vi "$f16" "$f17" "$f17b"
	# From a veth: the stack drops it before the rx_handler.
	raw sva1 eth0 "ffffffffffff${s2//:/}8100" "ffffffffffff${s2//:/}810000"
	# PACKET_EXECUTE on in_port a1 (port 1).
	out=$(python3 -I -S "$SELFTEST_DIR/fb_nlreq.py" "$UAPI_H" PACKET_EXECUTE \
		"BR_NAME=str:$BR" "KEY=key:1,100,$s,$BCAST" "PACKET=hex:$f17" 2>&1) ||
		fail "PACKET_EXECUTE of a truncated tag: $out"
	check_eq "$(drops_delta "$before")" "a1.malformed+1 vi.malformed+3" "drop counters"
	none_from "$s" a1 a2 b1 t1
	none_from "$s2" a2 b1 t1
}

ktap_plan 6
setup
run_subtest "vlan: 802.1ad outer tag (QinQ) dropped vlan_invalid on access and trunk, seen nowhere" test_qinq
run_subtest "vlan: VID 4095 dropped vlan_invalid on access and trunk, seen nowhere" test_vid4095
run_subtest "vlan: 802.1Q in 802.1Q: outer VID on a trunk (inner is payload), dropped on access" test_dot1q_in_dot1q
run_subtest "vlan: VID 0 priority tag stays in the access VLAN; over an inner tag it is dropped" test_priority_tag
run_subtest "vlan: tagged frames into access ports dropped vlan_tagged, seen nowhere" test_tagged_access
run_subtest "vlan: truncated tag dropped malformed (internal port, PACKET_EXECUTE), never forwarded" test_truncated
ktap_finished
