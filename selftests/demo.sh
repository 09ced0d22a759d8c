#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: our users' Open vSwitch deployment (one bridge `solbr`, the
# NIC `eth0` as an 802.1Q trunk, internal ports vnetNNN tag=NNN carrying the
# host's addresses, VM taps as access and trunk ports) run on flowbr, inside
# the test VM. The upstream switch and the VMs are network namespaces; eth0
# and the VM taps are veth pairs standing in for the NIC and the taps.
#
# The bridge is built with the user's own ovs-vsctl commands (flowbr
# answers as ovs-vsctl) and the VMs' ports are added with the command
# lines libvirt runs for its portgroups; flowbrd learns the MACs; then a
# "reboot" (bridge and module gone) and flowbr.service's restore bring it
# all back from the saved configuration.
#
# Run inside the VM by selftests/vm/run.sh --demo. Exits non-zero if any
# check fails.

set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
DEMO_TMP=$(mktemp -d /tmp/flowbr-demo.XXXXXX)
# flowbr installed as ovs-vsctl (make install-ovs-compat does this).
ln -s "$REPO/genl-tool/flowbr" "$DEMO_TMP/ovs-vsctl"
PATH="$DEMO_TMP:$REPO/genl-tool:/usr/sbin:/sbin:$PATH"
export FLOWBR_CONF=/etc/flowbr/flowbr.conf
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
	ip -n lan link add link uplink name "uplink.$vid" type vlan id "$vid"
	ip -n lan addr add "${v#*:}/24" dev "uplink.$vid"
	ip -n lan link set "uplink.$vid" up
done
ip link set eth0 up
echo "  lan: gateway 192.168.100.1 (VLAN 100), 192.168.1.1 (VLAN 192), 192.168.101.1 (VLAN 500)"

step "The agent: flowbrd learns MACs per VLAN and installs flows"
run flowbrd --detach --pidfile "$DEMO_TMP/flowbrd.pid" 2>>"$DEMO_TMP/flowbrd.log"
if pgrep -x flowbrd >/dev/null; then ok "flowbrd running"; else bad "flowbrd did not start"; fi

step "The user's ovs-vsctl commands, unchanged (ovs-vsctl is flowbr here)"
run ovs-vsctl add-br solbr
run ip link set solbr up
run ovs-vsctl add-port solbr eth0
for t in 006 100 192 221 300 400 500; do
	run ovs-vsctl add-port solbr vnet$t tag=$t -- set Interface vnet$t type=internal
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
	run ovs-vsctl del-port solbr vnet$t
done

# libvirt's command line for a <virtualport type='openvswitch'/> interface.
libvirt_add() {	# TAP MAC VLAN-ARGS...
	local tap=$1 mac=$2
	shift 2
	run ovs-vsctl --timeout=5 -- --if-exists del-port "$tap" -- add-port solbr "$tap" "$@" \
		-- set Interface "$tap" "external-ids:attached-mac=\"$mac\"" \
		-- set Interface "$tap" "external-ids:iface-id=\"$(cat /proc/sys/kernel/random/uuid)\"" \
		-- set Interface "$tap" "external-ids:vm-id=\"$(cat /proc/sys/kernel/random/uuid)\"" \
		-- set Interface "$tap" external-ids:iface-status=active
}

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
libvirt_add vnet1 52:54:00:00:01:01 tag=100
mkvm vm500 vnet0
ip -n vm500 addr add 192.168.101.50/24 dev eth0
libvirt_add vnet0 52:54:00:00:05:00 tag=500
mkvm trunkvm vnet2
for v in 100:192.168.100.60 192:192.168.1.60; do
	vid=${v%%:*}
	ip -n trunkvm link add link eth0 name "eth0.$vid" type vlan id "$vid"
	ip -n trunkvm addr add "${v#*:}/24" dev "eth0.$vid"
	ip -n trunkvm link set "eth0.$vid" up
done
libvirt_add vnet2 52:54:00:00:02:02 trunk=6,100,192,221,300,400

step "ovs-vsctl show (the user's, on flowbr) and flowbr show"
run ovs-vsctl show
run flowbr show
run ovs-vsctl iface-to-br vnet1
run ovs-vsctl get Interface vnet1 external_ids:attached-mac

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

step "Learned MACs, flows and counters"
run flowbr fdb-show solbr
run flowbr dump-flows solbr
run flowbr stats solbr
hit0=$(flowbr -j stats solbr | python3 -I -S -c 'import json,sys; print(json.load(sys.stdin)["stats"]["hit"])')
ip netns exec alpine1 ping -c 5 -i 0.2 -W 2 192.168.100.1 >/dev/null 2>&1
hit1=$(flowbr -j stats solbr | python3 -I -S -c 'import json,sys; print(json.load(sys.stdin)["stats"]["hit"])')
if [ "$((hit1 - hit0))" -ge 10 ]; then
	ok "5 more pings: $((hit1 - hit0)) packets switched by the kernel's flow cache"
else
	bad "flow cache hits rose by only $((hit1 - hit0))"
fi
run flowbr agent-stats

step "Saved for the next boot: $FLOWBR_CONF"
run cat "$FLOWBR_CONF"

step "Reboot: the bridge and the module go away, the VMs' taps too"
kill "$(cat "$DEMO_TMP/flowbrd.pid")" 2>/dev/null
sleep 0.5
run env FLOWBR_NO_SAVE=1 flowbr del-br solbr
run rmmod flowbr
ip link del vnet1
echo "  (alpine1 is shut down; vm500 and trunkvm keep their taps)"

step "Boot: flowbr.service (modprobe; flowbr restore), then flowbrd"
run insmod "$REPO/kmod/flowbr.ko"
run flowbr restore
for t in 100 192 500; do ip link set vnet$t up; done
ip addr add 192.168.100.33/24 dev vnet100
ip addr add 192.168.1.3/24 dev vnet192
ip addr add 192.168.101.3/24 dev vnet500
echo "  (netplan puts the host's addresses back on vnet100/192/500)"
flowbrd --detach --pidfile "$DEMO_TMP/flowbrd.pid" 2>>"$DEMO_TMP/flowbrd.log"
run ovs-vsctl show
expect_ping trunkvm 192.168.1.1 "after the reboot: trunk VM eth0.192 -> gateway"
expect_ping vm500 192.168.101.3 "after the reboot: vm500 (access 500) -> host vnet500"
if ping -c 2 -i 0.3 -W 2 192.168.100.1 >/dev/null 2>&1; then ok "after the reboot: host vnet100 -> 192.168.100.1"; else bad "after the reboot: host vnet100 -> 192.168.100.1"; fi

step "Clean up"
kill "$(cat "$DEMO_TMP/flowbrd.pid")" 2>/dev/null
run ovs-vsctl del-br solbr
for ns in lan alpine1 vm500 trunkvm; do ip netns del "$ns"; done
sleep 0.5
run rmmod flowbr
rm -rf "$DEMO_TMP"

echo
if [ "$FAILED" -eq 0 ]; then
	echo "demo: all checks passed"
	exit 0
fi
echo "demo: $FAILED check(s) failed"
exit 1
