#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovs-vsctl compatibility and persistence: our users' ovs-vsctl commands
# (the seed deployment) and the command lines libvirt runs for
# <virtualport type='openvswitch'/> interfaces, through flowbr installed as
# ovs-vsctl, build the same flowbr bridge; traffic flows on it; a failing
# command changes nothing (checked, then undone in the kernel); every
# change is saved and 'flowbr restore' re-creates the bridge after it is
# gone.
#
#   solbr: eth0 (trunk, to netns cvs-sw with eth0.100 10.9.20.1)
#          vnet006..vnet500 (internal, tag=NNN; vnet100 10.9.20.3)
#          vnet1 (libvirt, tag=100, netns cvs-vm1 10.9.20.2)
#          vnet2 (libvirt, trunk 6,100,192,221,300,400)

source "$(dirname "$0")/lib.sh"

BR=solbr
VS=""	# the ovs-vsctl link to flowbr

vs() { "$VS" "$@"; }

# pjson NAME PATH: a field of port NAME in `flowbr -j show solbr`.
pjson() {
	flowbr -j show "$BR" | jval "0.ports.name=$1.$2"
}

setup() {
	test_setup ipv6 python3 ping
	mkdir -p "$FLOWBR_TMP/bin"
	ln -s "$FLOWBR_CLI" "$FLOWBR_TMP/bin/ovs-vsctl"
	VS=$FLOWBR_TMP/bin/ovs-vsctl
	defer flowbr del-br "$BR"
	# The "upstream switch" behind eth0, and two VMs' taps.
	ns_veth cvs-sw eth0 "" || fail "cannot create eth0"
	ns_vlan cvs-sw eth0 100 10.9.20.1/24 || fail "cannot create eth0.100"
	ns_veth cvs-vm1 vnet1 10.9.20.2/24 || fail "cannot create vnet1"
	ns_veth cvs-vm2 vnet2 "" || fail "cannot create vnet2"
}

test_seed_commands() {
	local t out
	check vs add-br "$BR"
	check vs add-port "$BR" eth0
	for t in 006 100 192 221 300 400 500; do
		check vs add-port "$BR" "vnet$t" "tag=$t" -- set Interface "vnet$t" type=internal
	done
	check_eq "$(pjson eth0 vlan_mode)" trunk "eth0 vlan_mode"
	check_eq "$(pjson vnet006 tag)" 6 "vnet006 tag (tag=006)"
	check_eq "$(pjson vnet100 type) $(pjson vnet100 vlan_mode) $(pjson vnet100 tag)" \
		"internal access 100" "vnet100"
	check link_exists vnet500
	out=$(vs show)
	log "$out"
	check_contains "$out" "$(printf '        Port vnet100\n            tag: 100\n            Interface vnet100\n                type: internal')" "ovs-vsctl show"
	check_contains "$out" "$(printf '        Port eth0\n            Interface eth0\n')" "ovs-vsctl show"
	check_eq "$(vs list-ports "$BR" | tr '\n' ' ')" \
		"eth0 vnet006 vnet100 vnet192 vnet221 vnet300 vnet400 vnet500 " "list-ports"
	check_eq "$(vs list-br)" "$BR" "list-br"
	# The seed later drops the static ports it no longer needs.
	for t in 300 400 221 006; do
		check vs del-port "$BR" "vnet$t"
	done
	check_fail link_exists vnet300
	check_eq "$(vs list-ports "$BR" | tr '\n' ' ')" "eth0 vnet100 vnet192 vnet500 " "list-ports after del-port"
}

test_host_traffic() {
	ip addr add 10.9.20.3/24 dev vnet100
	ip link set vnet100 up
	# libvirt starting a VM on portgroup VLAN100 (Debian 12's libvirt).
	check vs --timeout=5 -- --if-exists del-port vnet1 -- add-port "$BR" vnet1 tag=100 \
		-- set Interface vnet1 'external-ids:attached-mac="52:54:00:9a:00:01"' \
		-- set Interface vnet1 'external-ids:iface-id="5d1f6c9e-0c7b-4d8e-9d7e-2a43b1e0a001"' \
		-- set Interface vnet1 'external-ids:vm-id="0f2b8f0e-86a4-4d59-8c1e-7c4f3c2b9a11"' \
		-- set Interface vnet1 external-ids:iface-status=active
	check_eq "$(pjson vnet1 vlan_mode) $(pjson vnet1 tag)" "access 100" "vnet1"
	ping_ok cvs-vm1 10.9.20.3	# VM -> host's vnet100
	ping_ok cvs-vm1 10.9.20.1	# VM -> upstream, tagged on eth0
	ping_ok "" 10.9.20.1		# host -> upstream
}

test_libvirt_queries() {
	local out
	check_eq "$(vs --timeout=5 iface-to-br vnet1)" "$BR" "iface-to-br"
	check_eq "$(vs --timeout=5 get Interface vnet1 external_ids:attached-mac)" \
		'"52:54:00:9a:00:01"' "get external_ids:attached-mac"
	check_eq "$(vs get Interface vnet1 external_ids:iface-status)" active "iface-status"
	check_fail vs get Interface vnet1 external_ids:PortData 2>/dev/null
	check vs set Interface vnet1 'external_ids:PortData=tag=100'
	check_eq "$(vs get Interface vnet1 external_ids:PortData)" '"tag=100"' "PortData round trip"
	out=$(vs --timeout=5 --if-exists --format=list --data=json --no-headings \
		--columns=statistics list Interface vnet1)
	log "statistics: $out"
	check_eq "$(python3 -I -S -c '
import json, sys
v = json.loads(sys.argv[1])
assert v[0] == "map", v
d = dict(v[1])
print("ok" if d["rx_packets"] > 0 and d["tx_packets"] > 0 and isinstance(d["rx_bytes"], int) else d)
' "$out")" ok "statistics as libvirt reads them"
	check_eq "$(vs --timeout=5 --no-heading --columns=_uuid find QoS 'external-ids:"vm-id"="x"' 2>&1)" "" \
		"find QoS (libvirt, on VM stop)"
	check_eq "$(vs --columns=ofport,name --format=table list Interface vnet100 | head -1 | tr -s ' ')" \
		"ofport name" "table heading"
	check_eq "$(vs -f csv --no-heading -d bare --columns=name,tag,trunk list port vnet100)" \
		"vnet100,100," "csv bare"
	check_eq "$(vs --format=table --columns=name,mac_in_use find Interface name=vnet100 | sed -n 3p | tr -s ' ')" \
		"vnet100 \"$(link_mac vnet100)\"" "find by name"
	check_eq "$(vs get Port vnet100 tag) $(vs get Port eth0 tag) $(vs get Interface vnet100 type)" \
		"100 [] internal" "get"
}

test_trunk_and_native() {
	local cap
	# libvirt's trunk portgroup: "trunk=" (ovs-vsctl takes a column prefix).
	check vs --timeout=5 -- --if-exists del-port vnet2 -- add-port "$BR" vnet2 \
		trunk=6,100,192,221,300,400 -- set Interface vnet2 external-ids:iface-status=active
	check_eq "$(pjson vnet2 vlan_mode) $(pjson vnet2 trunks)" "trunk [6, 100, 192, 221, 300, 400]" "vnet2"
	check_eq "$(vs get Port vnet2 trunks)" "[6, 100, 192, 221, 300, 400]" "get trunks"
	check_contains "$(vs show)" "trunks: [6, 100, 192, 221, 300, 400]" "show"
	# A broadcast from the VLAN 100 VM reaches the trunk VM tagged 100.
	pcap_start cap cvs-vm2 eth0
	send_frames cvs-vm1 eth0 ff:ff:ff:ff:ff:ff 02:00:00:09:20:99 count=3
	check_eq "$(pcap_frames "$cap" 02:00:00:09:20:99 100)" 3 "frames on vnet2 tagged 100"
	# libvirt's nativeMode='untagged' and an UpdateVlan sequence.
	check vs --timeout=5 -- --if-exists clear Port vnet2 tag -- --if-exists clear Port vnet2 trunk \
		-- --if-exists clear Port vnet2 vlan_mode -- --if-exists set Port vnet2 \
		vlan_mode=native-untagged tag=100 trunk=200
	# The kernel lists the native VLAN among the trunks; ovs-vsctl does not.
	check_eq "$(pjson vnet2 vlan_mode) $(pjson vnet2 tag) $(pjson vnet2 trunks)" \
		"native-untagged 100 [100, 200]" "vnet2 native"
	check_eq "$(vs get Port vnet2 trunks) $(vs get Port vnet2 vlan_mode)" "[200] native-untagged" \
		"get trunks, vlan_mode"
	check vs add Port vnet2 trunks 300 -- remove Port vnet2 trunks 200
	check_eq "$(vs get Port vnet2 trunks)" "[300]" "add/remove trunks"
}

# A call with a bad command changes nothing, also when the kernel refuses
# a step after others were applied.
test_all_or_nothing() {
	local before err rc=0
	before=$(vs show)
	err=$(vs add-port "$BR" vx1 tag=100 -- set Interface vx1 type=internal \
		-- add-port "$BR" nosuchdev 2>&1) && fail "accepted a port without a device"
	log "$err"
	check_contains "$err" "no network device named nosuchdev" "error"
	check_fail link_exists vx1
	err=$(vs add-br cvsx -- add-port "$BR" lo 2>&1) && fail "accepted lo"
	log "$err"
	check_contains "$err" "Error: " "kernel's message"
	check_contains "$err" "undoing" "rollback message"
	check_fail link_exists cvsx
	err=$(vs set Port vnet100 tag=5000 2>&1) && fail "accepted tag=5000"
	check_contains "$err" "out of range" "tag=5000"
	err=$(vs set Interface vnet100 type=system 2>&1) && fail "changed a port's type"
	check_contains "$err" "del-port and add-port" "type change"
	err=$(vs add-bond "$BR" b0 a b 2>&1) && fail "accepted add-bond"
	check_contains "$err" "unknown command" "add-bond"
	check_eq "$(vs show)" "$before" "ovs-vsctl show after the refused calls"
	check vs --if-exists del-port nosuchport
	vs br-exists "$BR" || fail "br-exists $BR"
	vs br-exists nosuchbr || rc=$?
	check_eq "$rc" 2 "br-exists of a missing bridge: exit status"
}

# The saved file re-creates the bridge: same ports, numbers, VLANs.
test_persistence() {
	local before after saved out macs mac100
	check test -s "$FLOWBR_CONF"
	saved=$(cat "$FLOWBR_CONF")
	log "$saved"
	check_contains "$saved" "add-port $BR vnet100 port_no=$(pjson vnet100 port_no) type=internal vlan_mode=access tag=100" "saved vnet100"
	check_contains "$saved" "add-port $BR vnet2 port_no=$(pjson vnet2 port_no) vlan_mode=native-untagged tag=100 trunks=100,300" "saved vnet2 (the native VLAN is trunked)"
	check_eq "$(flowbr save -)" "$saved" "flowbr save - = the saved file"
	before=$(flowbr -j show "$BR" | python3 -I -S -c '
import json, sys
for p in json.load(sys.stdin)[0]["ports"]:
    print(p["port_no"], p["name"], p["type"], p["vlan_mode"], p.get("tag"), p.get("trunks"))')
	macs=$(link_mac "$BR") mac100=$(link_mac vnet100)
	check_contains "$saved" "add-br $BR mac=$macs" "saved bridge MAC"
	# Gone (say at reboot) without saving; vnet1's VM is gone too.
	FLOWBR_NO_SAVE=1 flowbr del-br "$BR"
	ip link del vnet1
	check_eq "$(cat "$FLOWBR_CONF")" "$saved" "file kept by FLOWBR_NO_SAVE"
	out=$(flowbr restore) || fail "restore failed: $out"
	log "$out"
	check_contains "$out" "vnet1: no such device, skipped" "note for the VM's tap"
	after=$(flowbr -j show "$BR" | python3 -I -S -c '
import json, sys
for p in json.load(sys.stdin)[0]["ports"]:
    print(p["port_no"], p["name"], p["type"], p["vlan_mode"], p.get("tag"), p.get("trunks"))')
	check_eq "$after" "$(grep -v ' vnet1 ' <<<"$before")" "ports after restore"
	check_eq "$(link_mac "$BR") $(link_mac vnet100)" "$macs $mac100" "MACs kept (bridge, internal port)"
	# Restoring again changes nothing and succeeds.
	check flowbr restore
	check_eq "$(flowbr save - | grep -c add-port)" "$(($(grep -c add-port <<<"$saved") - 1))" "ports saved after restore"
	ip addr add 10.9.20.3/24 dev vnet100
	ip link set vnet100 up
	ping_ok "" 10.9.20.1
}

ktap_plan 6
setup
run_subtest "vsctl: the seed's ovs-vsctl commands build solbr (internal ports, trunk eth0)" test_seed_commands
run_subtest "vsctl: libvirt's add-port (tag=100): VM <-> host vnet100 <-> upstream over eth0" test_host_traffic
run_subtest "vsctl: libvirt's queries: iface-to-br, external_ids, statistics (json), find, list formats" test_libvirt_queries
run_subtest "vsctl: trunk= and native-untagged ports, clear/set/add/remove of VLAN columns" test_trunk_and_native
run_subtest "vsctl: a call that fails (checks or kernel) changes nothing; exit statuses" test_all_or_nothing
run_subtest "persistence: changes are saved; flowbr restore re-creates the bridge" test_persistence
ktap_finished
