#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_lifecycle: ports, bridges and the module going away under traffic.
#
#   netns dplc-a (10.9.6.1) -- pa tag=100 --+
#   netns dplc-b (10.9.6.2) -- pb tag=100 --+
#   netns dplc-c (10.9.6.3) -- pc tag=100 --+-- bridge dplc (flood)
#   netns dplc-d (10.9.6.4) -- pd tag=200 --+
#   host: vnl (internal, tag=100, 10.9.6.10) (last subtest)
#
# Deleting a port's netdev while pings cross it removes the port and every
# flow that uses it; set-port tag=200 cuts established VLAN 100 traffic at
# once (and flushes the port's flows); a renamed port keeps its number, a
# netdev port moved to another netns leaves the bridge, an internal port
# cannot move; deleting a bridge, or a netns that holds one, under traffic
# is clean; rmmod with bridges (one in another netns) under traffic
# succeeds, leaves no flowbr netdev behind and releases the netdev ports.
# No kernel splat at any point.

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=dplc
NS_A=dplc-a NS_B=dplc-b NS_C=dplc-c NS_D=dplc-d
NS_Y=dplc-y NS_Z=dplc-z NS_Z2=dplc-z2 NS_M=dplc-m NS_E=dplc-e
MAC_A=02:00:00:09:60:0a MAC_B=02:00:00:09:60:0b
MAC_C=02:00:00:09:60:0c MAC_D=02:00:00:09:60:0d
BCAST=ff:ff:ff:ff:ff:ff

# dp_port NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: netns NS (IPv6 off)
# whose eth0 (ADDR, MAC) is linked to HOSTIF, added to $BR.
dp_port() { host_port "$BR" "$@"; }

setup() {
	test_setup ipv6 tcpdump python3 nsenter ping

	br_create "$BR" || fail "add-br $BR failed"
	if ! dp_port "$NS_A" pa 10.9.6.1/24 "$MAC_A" port_no=1 tag=100 ||
		! dp_port "$NS_B" pb 10.9.6.2/24 "$MAC_B" port_no=2 tag=100 ||
		! dp_port "$NS_C" pc 10.9.6.3/24 "$MAC_C" port_no=3 tag=100 ||
		! dp_port "$NS_D" pd 10.9.6.4/24 "$MAC_D" port_no=4 tag=200; then
		fail "cannot build the topology"
	fi
}

fl() {
	echo "in_port=$1,vlan=$2,dl_src=$3,dl_dst=$4"
}

# bg VAR NS CMD...: start CMD in netns NS in the background, its pid in VAR.
bg() {
	local var=$1 ns=$2 pid
	shift 2
	nsrun "$ns" "$@" >/dev/null 2>&1 </dev/null &
	pid=$!
	defer kill "$pid"
	printf -v "$var" '%s' "$pid"
}

# port_names BR: the names of the bridge's ports, sorted, space-separated.
port_names() {
	flowbr -j show "$1" | python3 -I -S -c '
import json, sys
print(" ".join(sorted(p["name"] for p in json.load(sys.stdin)[0]["ports"])))'
}

# flow_ports BR: in_port and output ports of every flow, one line per flow.
flow_ports() {
	flowbr -j dump-flows "$1" | python3 -I -S -c '
import json, sys
for f in json.load(sys.stdin):
    print(f["in_port"], *[a["port"] for a in f["actions"]])'
}

port_gone() {
	[[ " $(port_names "$BR") " != *" $1 "* ]]
}

test_del_netdev() {
	local p1 p2 f
	for f in "$(fl 1 100 "$MAC_A" "$MAC_B") actions=2" \
		"$(fl 2 100 "$MAC_B" "$MAC_A") actions=1" \
		"$(fl 1 100 "$MAC_A" "$BCAST") actions=2,3" \
		"$(fl 1 100 "$MAC_A" "$MAC_C") actions=3" \
		"$(fl 3 100 "$MAC_C" "$MAC_A") actions=1"; do
		# shellcheck disable=SC2086 # "FLOW actions=..." is two arguments
		check flowbr add-flow "$BR" $f
	done
	ping_ok "$NS_A" 10.9.6.2
	dmesg_mark "del netdev"
	bg p1 "$NS_A" ping -q -i 0.01 10.9.6.2
	bg p2 "$NS_B" ping -q -i 0.01 10.9.6.1
	sleep 1
	check ip link del pb
	wait_for 5 port_gone pb || fail "pb is still a port: $(port_names "$BR")"
	check_eq "$(port_names "$BR")" "$BR pa pc pd" "ports after deleting pb"
	check_eq "$(flow_ports "$BR" | grep -c '\b2\b' || true)" 0 "flows using port 2"
	check_eq "$(flowbr -j show "$BR" | jval 0.flow_count)" 2 "flow_count"
	sleep 0.5
	kill "$p1" "$p2" 2>/dev/null
	wait "$p1" "$p2" 2>/dev/null || true
	ping_ok "$NS_A" 10.9.6.3
	# pb's number (2) is not given to the next port so soon (a flow made
	# for pb must not reach it); asked for by number, it is.
	veth_pair dplc-n1 dplc-n1p || fail "veth"
	defer ip link del dplc-n1
	check flowbr add-port "$BR" dplc-n1
	log "a new port after pb's deletion: number $(port_no "$BR" dplc-n1)"
	check test "$(port_no "$BR" dplc-n1)" -gt 4
	check flowbr del-port "$BR" dplc-n1
	check flowbr add-port "$BR" dplc-n1 port_no=2
	check_eq "$(port_no "$BR" dplc-n1)" 2 "number of a port added with port_no=2"
	check flowbr del-port "$BR" dplc-n1
	check_no_splat
}

test_set_port() {
	local p out t0 before after
	ip -n "$NS_A" neigh flush dev eth0
	ping_ok "$NS_A" 10.9.6.3
	out="$FLOWBR_TMP/ping-set-port"
	nsrun "$NS_A" ping -D -i 0.1 -w 8 10.9.6.3 >"$out" 2>&1 </dev/null &
	p=$!
	defer kill "$p"
	sleep 2
	check flowbr set-port "$BR" pc tag=200
	# Taken once the change is done: the VM can be slow to run a command.
	t0=$(date +%s.%N)
	sleep 2
	kill "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	# Replies before the change (established), none 0.3 s after it.
	before=$(awk -v t="$t0" -F'[][]' '/bytes from/ && $2 < t { n++ } END { print n + 0 }' "$out")
	after=$(awk -v t="$t0" -F'[][]' '/bytes from/ && $2 > t + 0.3 { n++ } END { print n + 0 }' "$out")
	log "replies before set-port: $before, after: $after"
	[ "$before" -ge 5 ] || fail "too few replies before set-port ($before)"
	check_eq "$after" 0 "replies after set-port tag=200"
	check_eq "$(flowbr -j show "$BR" | jval "0.ports.name=pc.tag")" 200 "tag of pc"
	check_eq "$(flow_ports "$BR" | grep -c '\b3\b' || true)" 0 "flows using port 3"
	ping_ok "$NS_D" 10.9.6.3		# VLAN 200 now
	ping_fails "$NS_A" 10.9.6.3
}

test_netns_del() {
	local p
	ns_create "$NS_Z" "$NS_Z2"
	dmesg_mark "netns del"
	nsrun "$NS_Z" flowbr add-br zbr || fail "add-br in netns $NS_Z failed"
	check nsrun "$NS_Z" flowbr add-port zbr zint type=internal tag=5
	check ip -n "$NS_Z" link add zv1 type veth peer name zv2 netns "$NS_Z2"
	check nsrun "$NS_Z" flowbr add-port zbr zv1 tag=5
	ip -n "$NS_Z" addr add 10.9.7.1/24 dev zint
	ip -n "$NS_Z2" addr add 10.9.7.2/24 dev zv2
	ip -n "$NS_Z" link set zint up
	ip -n "$NS_Z" link set zv1 up
	ip -n "$NS_Z2" link set zv2 up
	ping_ok "$NS_Z2" 10.9.7.1
	check_fail flowbr -j show zbr 2>/dev/null	# not in this netns
	bg p "$NS_Z2" ping -q -i 0.01 10.9.7.1
	sleep 1
	check ip netns del "$NS_Z"
	# The namespace is dismantled asynchronously.
	wait_for 10 eval "! ip -n $NS_Z2 link show zv2 >/dev/null 2>&1" ||
		fail "zv2 still exists after deleting $NS_Z"
	sleep 1
	kill "$p" 2>/dev/null || true
	check_no_splat
}

test_rename_move() {
	local port
	# (6.1 renames only devices that are down)
	ip link set pa down
	ip link set pa name pa-r || fail "cannot rename pa"
	port=$(flowbr -j show "$BR" | jval "0.ports.name=pa-r")
	check_eq "$(jval port_no <<<"$port")" 1 "port number of the renamed pa"
	check_eq "$(jval tag <<<"$port")" 100 "tag of the renamed pa"
	check_fail flowbr set-port "$BR" pa tag=5 2>/dev/null
	ip link set pa-r name pa || fail "cannot rename pa-r back"
	ip link set pa up
	check_eq "$(flowbr -j show "$BR" | jval "0.ports.name=pa.port_no")" 1 "port number of pa"

	ns_create "$NS_M"
	check ip link set pd netns "$NS_M"
	defer ip -n "$NS_M" link del pd
	wait_for 5 port_gone pd || fail "pd is still a port after moving to $NS_M"
	check_eq "$(ip -n "$NS_M" -o link show dev pd | grep -c master || true)" 0 \
		"pd has a master in $NS_M"
	check flowbr add-port "$BR" vmv type=internal
	check_fail ip link set vmv netns "$NS_M" 2>/dev/null
	check link_exists vmv
	check_contains " $(port_names "$BR") " " vmv " "ports"
	check flowbr del-port "$BR" vmv
	check_fail link_exists vmv
}

test_del_br() {
	local p1 p2
	ns_create "$NS_E"
	nsrun "$NS_E" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	br_create dplc2 || fail "add-br dplc2 failed"
	check flowbr add-port dplc2 vdb type=internal tag=300
	ns_veth "$NS_E" pe 10.9.8.2/24 || fail "cannot create pe"
	check flowbr add-port dplc2 pe tag=300
	ip addr add 10.9.8.1/24 dev vdb
	ip link set vdb up
	ping_ok "$NS_E" 10.9.8.1
	dmesg_mark "del-br"
	bg p1 "$NS_E" ping -q -i 0.01 10.9.8.1
	bg p2 "" ping -q -i 0.01 10.9.8.2
	sleep 1
	check flowbr del-br dplc2
	check_fail link_exists vdb
	check_fail link_exists dplc2
	check_eq "$(ip -o link show dev pe | grep -c master || true)" 0 "pe has a master"
	check_fail flowbr -j show dplc2 2>/dev/null
	ping_fails "$NS_E" 10.9.8.1
	kill "$p1" "$p2" 2>/dev/null
	check_no_splat
}

test_rmmod() {
	local p1 p2 p3 out
	check flowbr add-port "$BR" vnl type=internal tag=100
	ip addr add 10.9.6.10/24 dev vnl
	ip link set vnl up
	ping_ok "" 10.9.6.1
	ns_create "$NS_Y"
	check nsrun "$NS_Y" flowbr add-br ybr
	check nsrun "$NS_Y" flowbr add-port ybr yint type=internal
	ip -n "$NS_Y" link set ybr up
	ip -n "$NS_Y" link set yint up
	dmesg_mark "rmmod"
	bg p1 "$NS_A" ping -q -i 0.01 10.9.6.10
	bg p2 "" ping -q -i 0.01 10.9.6.1
	bg p3 "$NS_D" ping -q -i 0.01 -b 10.9.6.255
	sleep 1
	unload_module || fail "rmmod flowbr failed: $(lsmod | grep '^flowbr ')"
	check_fail module_loaded
	local dev
	for dev in vnl "$BR"; do
		check_fail link_exists "$dev"
	done
	check_fail link_exists ybr "$NS_Y"
	check_fail link_exists yint "$NS_Y"
	out=$(ip -o link show | grep -i flowbr || true)
	check_eq "$out" "" "links mentioning flowbr"
	# The netdev ports are released: no master, free for a Linux bridge.
	out=$(ip -o link show dev pa)
	check_not_contains "$out" "master" "pa after rmmod"
	check ip link add dplc-lb type bridge
	defer ip link del dplc-lb
	check ip link set pa master dplc-lb
	kill "$p1" "$p2" "$p3" 2>/dev/null || true
	sleep 1
	check_no_splat
}

ktap_plan 6
setup
run_subtest "lifecycle: ip link del of a port's netdev under traffic removes the port and its flows" test_del_netdev
run_subtest "lifecycle: set-port tag=200 cuts established VLAN 100 traffic at once, flushes flows" test_set_port
run_subtest "lifecycle: renamed port keeps its number; moved to a netns it leaves; internal ports stay" test_rename_move
run_subtest "lifecycle: del-br under traffic: internal ports gone, netdev ports released" test_del_br
run_subtest "lifecycle: deleting a netns holding a bridge under traffic is clean" test_netns_del
run_subtest "lifecycle: rmmod flowbr under traffic: no splat, no flowbr netdev left, ports released" test_rmmod
ktap_finished
