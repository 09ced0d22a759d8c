#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_internal: internal ports (type=internal), the host's own interfaces on
# a bridge, and MTU handling.
#
#   host: vnet100 (internal, tag=100, 10.9.3.1) --+
#   netns dpint-v1 (10.9.3.2) -- pv  tag=100   --+-- bridge dpint
#   netns dpint-v2 (10.9.3.3) -- pw  tag=200   --+
#
# The internal port is created down; once up with an address the host pings
# the namespace on its VLAN (not the other one). Jumbo frames cross when
# every MTU is 9000 and are dropped, counted as "mtu" on the egress port,
# when that port's MTU is 1500 (netdev port and internal port). Output to
# an internal port that is down is counted as "down".

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=dpint
VNET=vnet100
NS_V1=dpint-v1 NS_V2=dpint-v2
MAC_V1=02:00:00:09:30:01 MAC_V2=02:00:00:09:30:02
BCAST=ff:ff:ff:ff:ff:ff

# dp_port NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: netns NS (IPv6 off)
# whose eth0 (ADDR, MAC) is linked to HOSTIF, added to $BR.
dp_port() {
	local ns=$1 hostif=$2 addr=$3 mac=$4
	shift 4
	ns_create "$ns" || return 1
	nsrun "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 || return 1
	ns_veth "$ns" "$hostif" "$addr" || return 1
	ip -n "$ns" link set eth0 address "$mac" || return 1
	flowbr add-port "$BR" "$hostif" "$@"
}

setup() {
	local old
	require_root
	require_cli
	require_cmd tcpdump python3 nsenter ping
	load_module || fail "cannot load the module"
	old=$(sysctl -n net.ipv6.conf.default.disable_ipv6)
	sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	defer sysctl -qw "net.ipv6.conf.default.disable_ipv6=$old"

	br_create "$BR" || fail "add-br $BR failed"
	if ! dp_port "$NS_V1" pv 10.9.3.2/24 "$MAC_V1" tag=100 ||
		! dp_port "$NS_V2" pw 10.9.3.3/24 "$MAC_V2" tag=200; then
		fail "cannot build the topology"
	fi
}

test_created() {
	local out port
	check flowbr add-port "$BR" "$VNET" tag=100 type=internal
	out=$(ip -o link show dev "$VNET") || fail "$VNET was not created"
	log "$out"
	check_not_contains "${out%%>*}" ",UP" "flags of a new internal port"
	port=$(flowbr -j show "$BR" | json_get "0.ports.name=$VNET")
	check_eq "$(json_get type <<<"$port")" internal "port type"
	check_eq "$(json_get vlan_mode <<<"$port")" access "vlan_mode"
	check_eq "$(json_get tag <<<"$port")" 100 "tag"
	check_eq "$(json_get ifindex <<<"$port")" "$(cat "/sys/class/net/$VNET/ifindex")" "ifindex"
	ip addr add 10.9.3.1/24 dev "$VNET"
	ip link set "$VNET" up
	waitiface "$VNET"
}

test_ping() {
	ping_ok "" 10.9.3.2
	ping_ok "$NS_V1" 10.9.3.1
	ping_fails "" 10.9.3.3
	ping_fails "$NS_V2" 10.9.3.1
}

test_jumbo() {
	ip link set dev "$VNET" mtu 9000
	ip link set dev pv mtu 9000
	ip -n "$NS_V1" link set dev eth0 mtu 9000
	ping_ok "" 10.9.3.2 -M 'do' -s 8972
	ping_ok "$NS_V1" 10.9.3.1 -M 'do' -s 8972
}

test_mtu_netdev() {
	local before after
	ip link set dev pv mtu 1500
	before=$(port_stat "$BR" pv drops.mtu)
	ping_fails "" 10.9.3.2 -M 'do' -s 8972
	after=$(port_stat "$BR" pv drops.mtu)
	check_eq "$((after - before))" 2 "pv drops.mtu increase (2 echo requests)"
	ping_ok "" 10.9.3.2
}

test_mtu_internal() {
	local before after
	ip link set dev pv mtu 9000
	ip link set dev "$VNET" mtu 1500
	ping_ok "$NS_V1" 10.9.3.1		# resolves ARP too
	before=$(port_stat "$BR" "$VNET" drops.mtu)
	ping_fails "$NS_V1" 10.9.3.1 -M 'do' -s 8972
	after=$(port_stat "$BR" "$VNET" drops.mtu)
	check_eq "$((after - before))" 2 "$VNET drops.mtu increase (2 echo requests)"
}

test_down() {
	local before after src=02:00:00:09:31:01
	ip link set dev "$VNET" down
	before=$(port_stat "$BR" "$VNET" drops.down)
	send_frames "$NS_V1" eth0 "$BCAST" "$src" count=3
	after=$(port_stat "$BR" "$VNET" drops.down)
	check_eq "$((after - before))" 3 "$VNET drops.down increase"
	ip link set dev "$VNET" up
}

ktap_plan 6
setup
run_subtest "internal: type=internal creates a netdev, down, listed as internal" test_created
run_subtest "internal: host pings a namespace of its VLAN (100), not of VLAN 200" test_ping
run_subtest "internal: 9000-byte frames cross when every MTU is 9000 (ping -M do -s 8972)" test_jumbo
run_subtest "internal: jumbo frames to a netdev port with MTU 1500 dropped, counted mtu" test_mtu_netdev
run_subtest "internal: jumbo frames to an internal port with MTU 1500 dropped, counted mtu" test_mtu_internal
run_subtest "internal: output to an internal port that is down counted down" test_down
ktap_finished
