# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# System "lbr": the Linux bridge with VLAN filtering. Access ports are
# `bridge vlan add vid 100 pvid untagged`, trunk ports `vid 100` (tagged);
# no default PVID. It learns in the kernel, on every frame.

# shellcheck disable=SC2034 # read by run.sh
lbr_name="Linux bridge"
LBR=lbr0
lbr_start() { modprobe bridge; }
lbr_stop() { return 0; }
lbr_version() { echo "kernel $(uname -r), vlan_filtering 1"; }
lbr_supports() { return 0; }
lbr_learns() { return 0; }

lbr_attach() {
	local dev mode _
	ip link add "$LBR" type bridge vlan_filtering 1 vlan_default_pvid 0 || return 1
	switch_ports lbr | while read -r dev _; do echo "link set $dev master $LBR"; done |
		ip -batch - || return 1
	switch_ports lbr | while read -r dev _ mode _; do
		if [ "$mode" = access ]; then
			echo "vlan add vid $VID dev $dev pvid untagged"
		else
			echo "vlan add vid $VID dev $dev"
		fi
	done | bridge -batch - || return 1
	ip link set "$LBR" up
}

lbr_detach() { ip link del "$LBR" 2>/dev/null; return 0; }

# Learned (dynamic) FDB entries.
lbr_flows() {
	bridge fdb show br "$LBR" 2>/dev/null |
		awk '/ vlan / && !/permanent/ && !/ self/ { n++ } END { print n + 0 }'
}
lbr_lost() { echo 0; }
