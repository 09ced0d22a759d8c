#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fault_churn: bridges, ports and the module coming and going under load.
#
#   netns fchn-g: g1, g2 --veth-- c1, c2 (host): pktgen sends into them
#   host: a sender loop on the internal port fchi whenever it exists
#   bridge fchn: created and deleted again and again, c1, c2, fchi ports
#
# - churn: for 20 s (60 s with FLOWBR_FULL=1) add-br, add-port (two veths
#   and an internal port), del-port, del-br in a loop while pktgen and the
#   sender loop send into the ports and flowbrd follows the bridges; every
#   iteration's counters are consistent (no counter larger than what can
#   feed it, each port's lost upcalls adding up to the bridge's), traffic
#   did flow; at the end no bridge, no flowbr netdev, the veths free, the
#   module's refcount 0 and rmmod works;
# - race: `ip link del` (or a move to another netns) of a port's netdev in
#   parallel with `flowbr del-port`, and flows to the port being added
#   meanwhile, 10 times (200 in full): one of them wins, the other fails
#   cleanly ("No such port") or not at all; the port, every flow using it
#   and its netdev are gone every time;
# - rmmod while flowbrd holds its sockets and pings and new-MAC frames
#   cross the bridge: rmmod succeeds (or is refused with a reason), the
#   bridge and its netdevs go, flowbrd notices and exits; reloading the
#   module and starting flowbrd again gives a working, learning bridge.
#
# No kernel splat at any point (the harness fails the run on one).

# shellcheck disable=SC2119,SC2016 # helpers without arguments; eval strings
source "$(dirname "$0")/lib.sh"

BR=fchn
NS_G=fchn-g NS_M=fchn-m NS_P=fchn-p NS_Q=fchn-q
MAC_P=02:00:00:32:00:0a MAC_Q=02:00:00:32:00:0b
FBFLOWS="$SELFTEST_DIR/bench/fbflows.py"

# The full form races up to 200 times, stopping after RACE_SECS (at least
# 10 races): in the debug kernel one race takes 20 to 30 s, and 200 would
# not fit in the test's timeout.
if full_tests; then
	CHURN_SECS=60 RACE_ITERS=200 RACE_SECS=900
else
	CHURN_SECS=20 RACE_ITERS=10 RACE_SECS=0
fi

setup() {
	test_setup agent ipv6 python3 nsenter ping
	modprobe pktgen 2>/dev/null || skip_all "no pktgen module"
	ns_create "$NS_G" "$NS_M"
	ns_veth "$NS_G" c1 "" g1 || fail "cannot create c1"
	ns_veth "$NS_G" c2 "" g2 || fail "cannot create c2"
}

# pktgen_start NS DELAY_NS DEV...: pktgen in NS, one device per kernel
# thread (CPU), sending from 64 source MACs until pktgen_stop. The frames
# go to a MAC nobody has (flooded like a broadcast): pktgen's IPv4 header
# from 0.0.0.0 to 0.0.0.0 in a broadcast frame makes every receiving stack
# allocate (and RCU-free) a route per frame, which the debug kernel under
# emulation frees slower than 2000 frames/s bring them: its memory ran out.
pktgen_start() {
	local ns=$1 delay=$2 i=0 dev
	shift 2
	pg() { nsrun "$ns" sh -c "echo '$2' > /proc/net/pktgen/$1"; }
	pg kpktgend_0 rem_device_all
	pg kpktgend_1 rem_device_all
	for dev in "$@"; do
		pg "kpktgend_$i" "add_device $dev"
		pg "$dev" "clone_skb 0"
		pg "$dev" "pkt_size 60"
		pg "$dev" "delay $delay"
		pg "$dev" "count 0"
		pg "$dev" "dst_mac 02:00:00:32:ff:ff"
		pg "$dev" "src_mac 02:c$i:00:00:00:00"
		pg "$dev" "src_mac_count 64"
		i=$((i + 1))
	done
	nsrun "$ns" sh -c 'echo start > /proc/net/pktgen/pgctrl' >/dev/null 2>&1 &
	PKTGEN_PID=$!
	defer nsrun "$ns" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
}

pktgen_stop() {
	nsrun "$1" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	wait "$PKTGEN_PID" 2>/dev/null || true
}

# sender_start DEV: send frames out of DEV (this netns) whenever it exists
# and is up, until killed.
sender_start() {
	python3 -I -S -c '
import socket, sys, time
frame = bytes.fromhex("ffffffffffff02000000c2c2") + b"\x88\xb5" + bytes(46)
while True:
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((sys.argv[1], 0))
        for _ in range(20):
            s.send(frame)
        s.close()
        time.sleep(0.002)	# at most 10000 frames/s: load, not a flood
    except OSError:
        time.sleep(0.02)
' "$1" >/dev/null 2>&1 &
	SENDER_PID=$!
	defer kill "$SENDER_PID"
}

# check_counters BR: the bridge's counters are consistent; prints the sum
# of the ports' rx_packets.
check_counters() {
	flowbr -j stats "$1" | python3 -I -S -c '
import json, sys
j = json.load(sys.stdin)
s, ports = j["stats"], [p["stats"] for p in j["ports"]]
rx = sum(p["rx_packets"] for p in ports)
plost = sum(p["upcalls_lost"] for p in ports)
slack = 256	# counted on other CPUs while the dump read them
bad = []
every = list(s.values()) + [v for p in ports for v in p.values() if isinstance(v, int)]
if any(v < 0 or v > 1 << 60 for v in every):
    bad.append("absurd value")
# Packets the agent executes through the table are looked up too.
if s["hit"] + s["missed"] > rx + s["executed"] + slack:
    bad.append("hit+missed > rx of the ports (%d) + executed" % rx)
if s["upcalls"] + s["lost"] + s["dedup"] > s["missed"] + slack:
    bad.append("upcalls+lost+dedup > missed")
if s["fallback"] > s["lost"] + s["dedup"] + slack:
    bad.append("fallback > lost+dedup")
if abs(plost - s["lost"]) > slack:
    bad.append("ports upcalls_lost %d != lost" % plost)
if s["executed"] > s["upcalls"] + slack:
    bad.append("executed > upcalls")
if bad:
    sys.exit("counters: %s: %s" % (", ".join(bad), json.dumps(s, sort_keys=True)))
print(rx)
'
}

leftovers() {
	local out
	out=$(flowbr list-br)
	[ -z "$out" ] || echo "bridges: $out"
	out=$(ip -o link show | grep -E ': (fchn|fchi|fchm|fchmi)[:@]' || true)
	[ -z "$out" ] || echo "links: $out"
	out=$(ip -o link show | grep -E ': c[12]@' | grep master || true)
	[ -z "$out" ] || echo "enslaved: $out"
}

refcnt() {
	cat /sys/module/flowbr/refcnt
}

# slab_top: the three slab caches holding the most memory, MemFree, and the
# fullest netlink socket's receive queue (flowbrd's upcalls wait there).
# (The debug kernel's full churn, run after nl_fuzz's full form on
# 2026-12-07, found 909096 skbuff_head_cache objects in use and memory
# exhausted 1087 s into a churn meant to last 60 s: this says where.)
slab_top() {
	awk 'NR > 2 { printf "%s %.0fMB\n", $1, $2 * $4 / 1048576 }' /proc/slabinfo |
		sort -k2 -n -r -t' ' | head -n 3 | tr '\n' ' '
	awk '$1 == "MemFree:" { printf "free %dMB", $2 / 1024 }' /proc/meminfo
	awk 'NR > 1 && $5 > m { m = $5; pid = $3 }
		END { printf ", netlink rmem %dkB (port id %d)", m / 1024, pid }' /proc/net/netlink
}

test_churn() {
	local end iters=0 rx total=0 t0 t1 out
	agent_start --handlers 1 || fail "cannot start flowbrd"
	pktgen_start "$NS_G" 1000000 g1 g2	# 1000 frames/s each
	sender_start fchi
	dmesg_mark churn
	t0=$SECONDS
	end=$((SECONDS + CHURN_SECS))
	# For CHURN_SECS, and at least 3 times however slow the VM is.
	while [ "$SECONDS" -lt "$end" ] || [ "$iters" -lt 3 ]; do
		iters=$((iters + 1))
		t1=$SECONDS
		flowbr add-br "$BR" || fail "iteration $iters: add-br failed"
		flowbr add-port "$BR" c1 tag=10 || fail "iteration $iters: add-port c1 failed"
		flowbr add-port "$BR" c2 tag=10 || fail "iteration $iters: add-port c2 failed"
		flowbr add-port "$BR" fchi type=internal tag=10 ||
			fail "iteration $iters: add-port fchi failed"
		ip link set fchi up
		sleep 0.2
		rx=$(check_counters "$BR") || fail "iteration $iters: $rx"
		total=$((total + rx))
		if [ $((iters % 2)) = 1 ]; then
			flowbr del-port "$BR" c1 || fail "iteration $iters: del-port c1 failed"
			flowbr del-port "$BR" fchi || fail "iteration $iters: del-port fchi failed"
		fi
		flowbr del-br "$BR" || fail "iteration $iters: del-br failed"
		# A slow iteration (over 10 s, times TIME_SCALE): say where the memory is.
		[ $((SECONDS - t1)) -le $((10 * TIME_SCALE)) ] ||
			log "iteration $iters took $((SECONDS - t1)) s: $(slab_top)"
	done
	log "$iters create/delete iterations in $((SECONDS - t0)) s; $total frames counted in by the ports; $(slab_top)"
	pktgen_stop "$NS_G"
	kill "$SENDER_PID"
	check kill -0 "$(agent_pid)"	# flowbrd followed it all
	log "flowbrd: $(agent_stat events 2>/dev/null) events, $(agent_stat upcalls) upcalls, $(agent_stat flows_installed) flows installed"
	check agent_stop
	check test "$total" -ge 100
	out=$(leftovers)
	check_eq "$out" "" "leftovers"
	check_eq "$(refcnt)" 0 "module refcount"
	check unload_module
	check_fail module_loaded
	check_no_splat
	load_module || fail "cannot load the module again"
}

test_race() {
	local i how rc out fout p won_del=0 won_dev=0 fc ports fpid end
	br_create fchr || fail "add-br fchr failed"
	dmesg_mark race
	end=$((SECONDS + RACE_SECS))
	for i in $(seq "$RACE_ITERS"); do
		if [ "$RACE_SECS" -gt 0 ] && [ "$i" -gt 10 ] && [ "$SECONDS" -ge "$end" ]; then
			log "stopping after $((i - 1)) races: ${RACE_SECS}s passed"
			break
		fi
		ip link add rcv0 type veth peer name rcp0 || fail "iteration $i: veth"
		ip link set rcv0 up
		p=$((1 + i % 7))	# numbers reused, but not each time
		flowbr add-port fchr rcv0 tag=5 port_no="$p" || fail "iteration $i: add-port failed"
		flowbr add-flow fchr "in_port=$p,vlan=5,dl_src=02:00:00:32:01:01,dl_dst=02:00:00:32:01:02" \
			actions=0 || fail "iteration $i: add-flow failed"
		flowbr add-flow fchr "in_port=0,vlan=5,dl_src=02:00:00:32:01:02,dl_dst=02:00:00:32:01:01" \
			"actions=$p:5" || fail "iteration $i: add-flow failed"
		# Flows to the port keep being added while it goes: none may
		# stay behind.
		python3 -I -S "$FBFLOWS" fchr --in-port 0 --vlan 5 --src 02:c5:00:00:00:00 \
			--count 100000 --dst 02:00:00:32:01:01 --out "$p" --batch 32 \
			--until-error >"$FLOWBR_TMP/fbflows" 2>&1 &
		fpid=$!
		# Once the first batches are in (python starts slowly in the VM).
		wait_for 20 eval '[ "$(flowbr -j show fchr | jval 0.flow_count)" -ge 34 ]' ||
			fail "iteration $i: no flows from fbflows: $(cat "$FLOWBR_TMP/fbflows")"
		if [ $((i % 2)) = 0 ]; then
			how="ip link del"
			ip link del rcv0 &
		else
			how="move to netns $NS_M"
			ip link set rcv0 netns "$NS_M" &
		fi
		rc=0
		out=$(flowbr del-port fchr rcv0 2>&1) || rc=$?
		wait $! || fail "iteration $i: $how failed"
		wait "$fpid" || true
		# Flows went in until the port was gone, then failed.
		fout=$(cat "$FLOWBR_TMP/fbflows")
		[[ "$fout" != *" failed=0 "* ]] ||
			fail "iteration $i: flows to the port never failed: $fout"
		if [ "$rc" = 0 ]; then
			won_del=$((won_del + 1))
		else
			won_dev=$((won_dev + 1))
			[[ "$out" == *"No such port"* ]] ||
				fail "iteration $i: del-port failed with an unexpected error: $out"
		fi
		read -r fc ports < <(flowbr -j show fchr | python3 -I -S -c '
import json, sys
b = json.load(sys.stdin)[0]
print(b["flow_count"], ",".join(p["name"] for p in b["ports"]))')
		[ "$fc" = 0 ] || fail "iteration $i ($how): $fc flows left"
		[ "$ports" = fchr ] || fail "iteration $i ($how): ports left: $ports"
		! link_exists rcv0 || fail "iteration $i: rcv0 still in this netns"
		! link_exists rcp0 || ip link del rcp0 2>/dev/null || true
		ip -n "$NS_M" link del rcv0 2>/dev/null || true
	done
	log "$((won_del + won_dev)) races: del-port won $won_del, the netdev's removal won $won_dev"
	check test $((won_del + won_dev)) -ge 10
	check_no_splat
}

test_rmmod_agent() {
	local apid rc out p1 p2 p3 old_fam new_fam tries
	ns_veth "$NS_P" fchp 10.32.0.1/24 || fail "veth"
	ns_veth "$NS_Q" fchq 10.32.0.2/24 || fail "veth"
	ip -n "$NS_P" link set eth0 address "$MAC_P"
	ip -n "$NS_Q" link set eth0 address "$MAC_Q"
	flowbr add-br fchm || fail "add-br fchm failed"
	check flowbr add-port fchm fchp tag=7
	check flowbr add-port fchm fchq tag=7
	check flowbr add-port fchm fchmi type=internal tag=7
	agent_start || fail "cannot start flowbrd"
	apid=$(agent_pid)
	ping_ok "$NS_P" 10.32.0.2
	wait_for 5 eval 'fdb_port fchm 7 "$MAC_P" >/dev/null' || fail "P not learned"
	old_fam=$(genl_family_id flowbr)
	dmesg_mark rmmod
	nsrun "$NS_P" ping -q -i 0.02 10.32.0.2 >/dev/null 2>&1 &
	p1=$!
	defer kill "$p1"
	nsrun "$NS_Q" ping -q -i 0.02 10.32.0.1 >/dev/null 2>&1 &
	p2=$!
	defer kill "$p2"
	# New source MACs all the time: upcalls in flight during rmmod.
	nsrun "$NS_P" python3 -I -S -c '
import socket, struct, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
i = 0
while True:
    s.send(bytes.fromhex("ffffffffffff02d0") + struct.pack("!I", i) + b"\x88\xb5" + bytes(46))
    i += 1
    if i % 50 == 0:
        time.sleep(0.01)
' >/dev/null 2>&1 &
	p3=$!
	defer kill "$p3"
	sleep 2
	check test "$(br_stat fchm upcalls)" -gt 0
	# rmmod does not wait: a netlink dump in progress (flowbrd's
	# revalidator dumps the flows every second) holds the module for a
	# moment, and rmmod says so. Retry like an administrator would.
	for tries in $(seq 30); do
		rc=0
		out=$(rmmod flowbr 2>&1) || rc=$?
		[ "$rc" != 0 ] || break
		[[ "$out" == *"in use"* ]] || break
		sleep 0.1
	done
	log "rmmod tried $tries times"
	if [ "$rc" != 0 ]; then
		# Refusing is acceptable only with a reason, and nothing broken.
		log "rmmod refused: $out"
		check_contains "$out" "in use" "rmmod's reason"
		check module_loaded
		ping_ok "$NS_P" 10.32.0.2
		kill "$p1" "$p2" "$p3" 2>/dev/null || true
		check agent_stop
		check flowbr del-br fchm
		check unload_module
	else
		log "rmmod succeeded under traffic with flowbrd running"
		check_fail module_loaded
		check_fail link_exists fchm
		check_fail link_exists fchmi
		check_not_contains "$(ip -o link show dev fchp)" master "fchp after rmmod"
		# flowbrd saw its family go and stopped.
		wait_for 10 eval '! kill -0 "$apid" 2>/dev/null' ||
			fail "flowbrd ($apid) still runs after rmmod"
		rm -f "$FLOWBRD_PIDFILE"
		check_contains "$(cat "$FLOWBRD_LOG")" "the flowbr module was unloaded" "flowbrd log"
		kill "$p1" "$p2" "$p3" 2>/dev/null || true
	fi
	check_no_splat
	# Reload, restart: a working, learning bridge again.
	load_module || fail "cannot load the module again"
	new_fam=$(genl_family_id flowbr)
	log "family id before $old_fam, after the reload $new_fam"
	flowbr add-br fchm || fail "add-br fchm after the reload failed"
	defer flowbr del-br fchm
	check flowbr add-port fchm fchp tag=7
	check flowbr add-port fchm fchq tag=7
	agent_start || fail "flowbrd does not start after the reload"
	check test "$(flowbr -j show fchm | jval 0.upcall_pids)" != "[]"
	ping_ok "$NS_P" 10.32.0.2
	wait_for 5 eval 'fdb_port fchm 7 "$MAC_P" >/dev/null' || fail "P not learned after the reload"
	check test "$(flows_count fchm dl_src="$MAC_P" 2>/dev/null)" -ge 1
	check_no_splat
}

setup
ktap_plan 3
run_subtest "churn: bridges and ports created and deleted for ${CHURN_SECS}s under traffic; nothing left, rmmod works" test_churn
if [ "$RACE_SECS" -gt 0 ]; then
	races="up to $RACE_ITERS times in ${RACE_SECS}s (at least 10)"
else
	races="$RACE_ITERS times"
fi
run_subtest "race: netdev removal vs del-port, $races: one wins, nothing left" test_race
run_subtest "rmmod with flowbrd running under traffic: clean; flowbrd exits; reload and restart work" test_rmmod_agent
agent_log 10
ktap_finished
