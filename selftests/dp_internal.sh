#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_internal: internal ports (type=internal), the host's own interfaces on
# a bridge, and MTU handling.
#
#   host: vnet100 (internal, tag=100, 10.9.3.1) --+
#   host: dpint.100 on the local port (10.9.9.1) --+
#   netns dpint-v1 (10.9.3.2) -- pv  tag=100   --+-- bridge dpint
#   netns dpint-v2 (10.9.3.3) -- pw  tag=200   --+
#   netns dpint-t  (eth0.100: 10.9.3.4) -- pt trunk --+
#
# The internal port is created down; once up with an address the host pings
# the namespace on its VLAN (not the other one), and TCP streams (GSO,
# checksum offload) cross intact both ways, also to a host behind a trunk
# (tag pushed and popped). The bridge's local port is a trunk: a VLAN
# device on it reaches VLAN 100. Jumbo frames cross when
# every MTU is 9000 and are dropped, counted as "mtu" on the egress port,
# when that port's MTU is 1500 (netdev port and internal port). Output to
# an internal port that is down is counted as "down".

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=dpint
VNET=vnet100
NS_V1=dpint-v1 NS_V2=dpint-v2 NS_T=dpint-t
MAC_V1=02:00:00:09:30:01 MAC_V2=02:00:00:09:30:02 MAC_T=02:00:00:09:30:03
BCAST=ff:ff:ff:ff:ff:ff

# dp_port NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: netns NS (IPv6 off)
# whose eth0 (ADDR, MAC) is linked to HOSTIF, added to $BR.
dp_port() { host_port "$BR" "$@"; }

setup() {
	test_setup ipv6 tcpdump python3 nsenter ping

	br_create "$BR" || fail "add-br $BR failed"
	if ! dp_port "$NS_V1" pv 10.9.3.2/24 "$MAC_V1" tag=100 ||
		! dp_port "$NS_V2" pw 10.9.3.3/24 "$MAC_V2" tag=200 ||
		! dp_port "$NS_T" pt "" "$MAC_T" ||
		! ns_vlan "$NS_T" eth0 100 10.9.3.4/24; then
		fail "cannot build the topology"
	fi
}

test_created() {
	local out port
	check flowbr add-port "$BR" "$VNET" tag=100 type=internal
	out=$(ip -o link show dev "$VNET") || fail "$VNET was not created"
	log "$out"
	check_not_contains "${out%%>*}" ",UP" "flags of a new internal port"
	port=$(flowbr -j show "$BR" | jval "0.ports.name=$VNET")
	check_eq "$(jval type <<<"$port")" internal "port type"
	check_eq "$(jval vlan_mode <<<"$port")" access "vlan_mode"
	check_eq "$(jval tag <<<"$port")" 100 "tag"
	check_eq "$(jval ifindex <<<"$port")" "$(cat "/sys/class/net/$VNET/ifindex")" "ifindex"
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

# tcp_check SERVER_NS SERVER_ADDR CLIENT_NS: 4 MiB over TCP from CLIENT_NS
# to a server in SERVER_NS arrive complete (length and SHA-256 compared).
tcp_check() {
	local sns=$1 addr=$2 cns=$3 out=$FLOWBR_TMP/tcp-server sent got pid
	nsrun "$sns" python3 -I -S -c '
import hashlib, socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5001))
s.listen(1)
s.settimeout(60)
c, _ = s.accept()
c.settimeout(60)
h, n = hashlib.sha256(), 0
while True:
    d = c.recv(1 << 16)
    if not d:
        break
    h.update(d)
    n += len(d)
print(n, h.hexdigest())
' >"$out" 2>&1 &
	pid=$!
	defer kill "$pid"
	sent=$(nsrun "$cns" python3 -I -S -c '
import hashlib, os, socket, sys, time
data = os.urandom(4 << 20)
for _ in range(100):
    try:
        c = socket.create_connection((sys.argv[1], 5001), timeout=60)
        break
    except OSError:
        time.sleep(0.1)
c.sendall(data)
c.shutdown(socket.SHUT_WR)
c.recv(1)
print(len(data), hashlib.sha256(data).hexdigest())
' "$addr") || fail "TCP client failed: $sent"
	wait "$pid" || true
	got=$(cat "$out")
	check_eq "$got" "$sent" "bytes and SHA-256 received by the server"
}

test_tcp() {
	tcp_check "$NS_V1" 10.9.3.2 ""		# host -> namespace
	tcp_check "" 10.9.3.1 "$NS_V1"		# namespace -> host
	tcp_check "$NS_T" 10.9.3.4 ""		# host -> trunk (tag pushed)
	tcp_check "" 10.9.3.1 "$NS_T"		# trunk -> host (tag popped)
}

test_local_port_vlan() {
	local ct
	ip link set "$BR" up
	ip link add link "$BR" name "$BR.100" type vlan id 100
	defer ip link del "$BR.100"
	ip addr add 10.9.9.1/24 dev "$BR.100"
	ip link set "$BR.100" up
	ip -n "$NS_V1" addr add 10.9.9.2/24 dev eth0
	pcap_start ct "$NS_T" eth0
	ping_ok "" 10.9.9.2
	ping_ok "$NS_V1" 10.9.9.1
	# The host's frames on the local port are in VLAN 100 (and so reach
	# the trunk tagged 100).
	check_contains "$(pcap_lines "$ct" "vlan 100 and icmp")" "vlan 100, p 0, ethertype IPv4" \
		"ICMP seen on the trunk"
	ip link set "$BR" down
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

ktap_plan 8
setup
run_subtest "internal: type=internal creates a netdev, down, listed as internal" test_created
run_subtest "internal: host pings a namespace of its VLAN (100), not of VLAN 200" test_ping
run_subtest "internal: TCP streams (GSO/offloads) cross intact, host <-> access and trunk hosts" test_tcp
run_subtest "internal: the local port is a trunk: a VLAN device on it is in VLAN 100" test_local_port_vlan
run_subtest "internal: 9000-byte frames cross when every MTU is 9000 (ping -M do -s 8972)" test_jumbo
run_subtest "internal: jumbo frames to a netdev port with MTU 1500 dropped, counted mtu" test_mtu_netdev
run_subtest "internal: jumbo frames to an internal port with MTU 1500 dropped, counted mtu" test_mtu_internal
run_subtest "internal: output to an internal port that is down counted down" test_down
ktap_finished
