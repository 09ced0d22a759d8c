#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: our users' Open vSwitch deployment (one bridge `solbr`, the
# NIC `eth0` as an 802.1Q trunk, internal ports vnetNNN tag=NNN carrying the
# host's addresses, VM taps as access and trunk ports) run on flowbr, inside
# the test VM. The upstream switch and the VMs are network namespaces; eth0
# and the VM taps are veth pairs standing in for the NIC and the taps.
#
# Run inside the VM by selftests/vm/run.sh --demo. Exits non-zero if any
# check fails.

set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
PATH="$REPO/genl-tool:/usr/sbin:/sbin:$PATH"
FAILED=0

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
ok() { printf '  [ok] %s\n' "$*"; }
bad() { printf '  [FAIL] %s\n' "$*"; FAILED=$((FAILED + 1)); }
expect_ping() {	# NS DST WHAT
	if ip netns exec "$1" ping -c 2 -i 0.3 -W 2 "$2" >/dev/null 2>&1; then
		ok "$3"
	else
		bad "$3"
	fi
}
expect_no_ping() {	# NS DST WHAT
	if ip netns exec "$1" ping -c 2 -i 0.3 -W 1 "$2" >/dev/null 2>&1; then
		bad "$3"
	else
		ok "$3"
	fi
}

step "Load the flowbr module"
lsmod | grep -q '^flowbr ' || run insmod "$REPO/kmod/flowbr.ko" || exit 1
run flowbr version

step "The physical side: eth0 is a trunk to an upstream switch (netns 'lan')"
ip netns add lan
ip link add eth0 type veth peer name uplink netns lan
ip -n lan link set uplink up
for v in 100:192.168.100.1 192:192.168.1.1 500:192.168.101.1; do
	vid=${v%%:*}
	ip -n lan link add link uplink name uplink.$vid type vlan id "$vid"
	ip -n lan addr add "${v#*:}/24" dev uplink.$vid
	ip -n lan link set uplink.$vid up
done
ip link set eth0 up
echo "  lan: gateway 192.168.100.1 (VLAN 100), 192.168.1.1 (VLAN 192), 192.168.101.1 (VLAN 500)"

step "ovs-vsctl add-br solbr; add-port solbr eth0 (trunk by default)"
run flowbr add-br solbr
run ip link set solbr up
run flowbr add-port solbr eth0

step "Internal ports for the host's own VLAN access (tag=NNN type=internal)"
for t in 006 100 192 221 300 400 500; do
	run flowbr add-port solbr vnet$t tag=$t type=internal
	ip link set vnet$t up
done
run ip addr add 192.168.100.33/24 dev vnet100
run ip addr add 192.168.1.3/24 dev vnet192
run ip addr add 192.168.101.3/24 dev vnet500

step "The host reaches its gateways through solbr and the eth0 trunk"
if ping -c 2 -i 0.3 -W 2 192.168.100.1 >/dev/null 2>&1; then ok "host vnet100 -> 192.168.100.1 (VLAN 100 over eth0)"; else bad "host vnet100 -> 192.168.100.1"; fi
if ping -c 2 -i 0.3 -W 2 192.168.1.1 >/dev/null 2>&1; then ok "host vnet192 -> 192.168.1.1 (VLAN 192 over eth0)"; else bad "host vnet192 -> 192.168.1.1"; fi

step "Remove the static ports the user replaced by libvirt's dynamic ones"
for t in 300 400 221 006; do
	run flowbr del-port solbr vnet$t
done

step "VMs (libvirt portgroups): vnet1 'Vlan 100', vnet0 'Vlan 500', vnet2 'Trunk Core'"
mkvm() {	# NAME TAP
	ip netns add "$1"
	ip link add "$2" type veth peer name eth0 netns "$1"
	ip -n "$1" link set eth0 up
	ip -n "$1" link set lo up
	ip link set "$2" up
}
mkvm alpine1 vnet1
ip -n alpine1 addr add 192.168.100.50/24 dev eth0
run flowbr add-port solbr vnet1 tag=100
mkvm vm500 vnet0
ip -n vm500 addr add 192.168.101.50/24 dev eth0
run flowbr add-port solbr vnet0 tag=500
mkvm trunkvm vnet2
for v in 100:192.168.100.60 192:192.168.1.60; do
	vid=${v%%:*}
	ip -n trunkvm link add link eth0 name eth0.$vid type vlan id "$vid"
	ip -n trunkvm addr add "${v#*:}/24" dev eth0.$vid
	ip -n trunkvm link set eth0.$vid up
done
run flowbr add-port solbr vnet2 trunks=6,100,192,221,300,400

step "flowbr show (compare with the user's ovs-vsctl show)"
run flowbr show

step "Traffic"
expect_ping alpine1 192.168.100.1 "alpine1 (access 100) -> gateway via eth0"
expect_ping alpine1 192.168.100.33 "alpine1 (access 100) -> host vnet100"
expect_ping vm500 192.168.101.3 "vm500 (access 500) -> host vnet500"
expect_ping trunkvm 192.168.100.50 "trunk VM eth0.100 -> alpine1"
expect_ping trunkvm 192.168.1.3 "trunk VM eth0.192 -> host vnet192"
expect_ping trunkvm 192.168.1.1 "trunk VM eth0.192 -> gateway 192.168.1.1"
expect_no_ping vm500 192.168.100.1 "VLAN 500 cannot reach VLAN 100 (isolation)"

step "On the wire: eth0 carries VLAN 100 tagged"
ip netns exec lan timeout 5 tcpdump -i uplink -e -nn -c 2 'vlan 100 and icmp' >/tmp/demo.pcap.txt 2>/dev/null &
sleep 1
ip netns exec alpine1 ping -c 2 -i 0.3 -W 2 192.168.100.1 >/dev/null 2>&1
wait
if grep -q 'vlan 100' /tmp/demo.pcap.txt; then
	ok "tcpdump on the upstream switch sees 802.1Q VLAN 100:"
	sed 's/^/    /' /tmp/demo.pcap.txt
else
	bad "no VLAN 100 frames seen on the trunk"
fi

step "Counters"
run flowbr stats solbr
run flowbr dump-flows solbr
if pgrep -x flowbrd >/dev/null 2>&1; then
	echo "flowbrd is running: flows above were learned by the agent."
else
	echo "Note: the agent flowbrd is not built yet, so there are no learned"
	echo "flows: every miss was handled by the kernel's miss policy (flood),"
	echo "counted under 'fallback' above."
fi

step "Clean up"
run flowbr del-br solbr
for ns in lan alpine1 vm500 trunkvm; do ip netns del "$ns"; done
run rmmod flowbr

echo
if [ "$FAILED" -eq 0 ]; then
	echo "demo: all checks passed"
	exit 0
fi
echo "demo: $FAILED check(s) failed"
exit 1
