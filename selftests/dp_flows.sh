#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_flows: flows installed by hand (add-flow/del-flow/get-flow/dump-flows/
# flush-flows) and how the datapath follows them.
#
#   netns dpfl-a (10.9.5.1) -- pa port_no=1 tag=100 --+
#   netns dpfl-b (10.9.5.2) -- pb port_no=2 tag=100 --+-- bridge dpfl
#   netns dpfl-t            -- pt port_no=3 trunk   --+   (miss_policy=drop)
#
# With misses dropped, only installed flows forward: a ping pair works with
# its four flows and stops when one is removed. Flow counters are checked
# against exact numbers of raw frames, P:VID outputs against captures
# (VID pushed, PCP kept). Then the netlink contract: --strict (NLM_F_EXCL)
# on an existing key fails with EEXIST, a replace keeps the counters,
# dump-flows lists exactly what is installed, flush-flows filters by port
# (in or out), VLAN and MAC (source or destination), all combined, and the
# flow limit refuses one flow too many. dump-flows idle=TIME: the kernel
# lists only the flows not hit for TIME.

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=dpfl
BR2=dpfl2
NS_A=dpfl-a NS_B=dpfl-b NS_T=dpfl-t
MAC_A=02:00:00:09:50:0a MAC_B=02:00:00:09:50:0b MAC_T=02:00:00:09:50:0e
MAC_C=02:00:00:09:50:0c MAC_D=02:00:00:09:50:0d
BCAST=ff:ff:ff:ff:ff:ff

# dp_port NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: netns NS (IPv6 off)
# whose eth0 (ADDR, MAC) is linked to HOSTIF, added to $BR.
dp_port() { host_port "$BR" "$@"; }

setup() {
	test_setup ipv6 tcpdump python3 nsenter ping

	br_create "$BR" miss_policy=drop || fail "add-br $BR failed"
	if ! dp_port "$NS_A" pa 10.9.5.1/24 "$MAC_A" port_no=1 tag=100 ||
		! dp_port "$NS_B" pb 10.9.5.2/24 "$MAC_B" port_no=2 tag=100 ||
		! dp_port "$NS_T" pt "" "$MAC_T" port_no=3; then
		fail "cannot build the topology"
	fi
}

# fl IN_PORT VLAN SRC DST: a flow in the CLI's syntax.
fl() {
	echo "in_port=$1,vlan=$2,dl_src=$3,dl_dst=$4"
}

# flow_get BR FLOW PATH: a field of `flowbr -j get-flow`.
flow_get() {
	flowbr -j get-flow "$1" "$2" | jval "$3"
}

# flows BR: the installed flows, one "FLOW actions=ACTIONS" line each, sorted.
flows() {
	flowbr -j dump-flows "$1" | python3 -I -S -c '
import json, sys
out = []
for f in json.load(sys.stdin):
    acts = ",".join(str(a["port"]) + (":%d" % a["vid"] if "vid" in a else "")
                    for a in f["actions"]) or "drop"
    out.append("in_port=%d,vlan=%d,dl_src=%s,dl_dst=%s actions=%s" %
               (f["in_port"], f["vlan"], f["dl_src"], f["dl_dst"], acts))
print("\n".join(sorted(out)))
'
}

# expect_flows BR LINE...: the installed flows are exactly LINE...
expect_flows() {
	local br=$1 want got
	shift
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
	got=$(flows "$br")
	[ "$got" = "$want" ] && return 0
	log "FAIL: flows of $br differ from the expected ones:"
	diff <(echo "$want") <(echo "$got") | sed 's/^/#   /'
	return 1
}

# The four flows of a ping between A and B in VLAN 100.
PING_FLOWS=(
	"$(fl 1 100 "$MAC_A" "$BCAST") actions=2"
	"$(fl 2 100 "$MAC_B" "$BCAST") actions=1"
	"$(fl 1 100 "$MAC_A" "$MAC_B") actions=2"
	"$(fl 2 100 "$MAC_B" "$MAC_A") actions=1"
)
K_C=$(fl 1 100 "$MAC_A" "$MAC_C")
K_D=$(fl 1 100 "$MAC_A" "$MAC_D")

add_flow_line() {
	# shellcheck disable=SC2086 # "FLOW actions=..." is two arguments
	flowbr add-flow "$1" $2
}

test_no_flow() {
	check_eq "$(flows "$BR")" "" "flows"
	ping_fails "$NS_A" 10.9.5.2
}

test_follow() {
	local f hit0
	for f in "${PING_FLOWS[@]}"; do
		add_flow_line "$BR" "$f"
	done
	hit0=$(br_stat "$BR" hit)
	ping_ok "$NS_A" 10.9.5.2
	ping_ok "$NS_B" 10.9.5.1
	[ "$(br_stat "$BR" hit)" -gt "$hit0" ] || fail "bridge hit counter did not rise"
	[ "$(flow_get "$BR" "$(fl 1 100 "$MAC_A" "$MAC_B")" packets)" -ge 3 ] ||
		fail "A->B flow counted fewer than 3 packets"
	[ "$(flow_get "$BR" "$(fl 2 100 "$MAC_B" "$MAC_A")" packets)" -ge 3 ] ||
		fail "B->A flow counted fewer than 3 packets"
}

test_remove() {
	local out miss0
	out=$(flowbr -j del-flow "$BR" "$(fl 2 100 "$MAC_B" "$MAC_A")")
	[ "$(jval packets <<<"$out")" -ge 3 ] ||
		fail "del-flow did not report the final counters: $out"
	check_fail flowbr get-flow "$BR" "$(fl 2 100 "$MAC_B" "$MAC_A")" 2>/dev/null
	miss0=$(port_stat "$BR" pb drops.miss)
	ping_fails "$NS_A" 10.9.5.2
	[ "$(port_stat "$BR" pb drops.miss)" -ge $((miss0 + 2)) ] ||
		fail "pb drops.miss did not count the dropped replies"
	add_flow_line "$BR" "${PING_FLOWS[3]}"
	ping_ok "$NS_A" 10.9.5.2
}

# pstats BR PORT: "rx_packets rx_bytes tx_packets tx_bytes" of a port.
pstats() {
	flowbr -j stats "$1" "$2" | python3 -I -S -c '
import json, sys
s = json.load(sys.stdin)["ports"][0]["stats"]
print(s["rx_packets"], s["rx_bytes"], s["tx_packets"], s["tx_bytes"])'
}

test_counters() {
	local cb a0 b0 a1 b1 hit0
	check flowbr add-flow "$BR" "$K_C" actions=2
	check_eq "$(flow_get "$BR" "$K_C" packets)" 0 "packets of a new flow"
	# Nothing else from A or B in the window: a neighbour probe left over
	# from the pings before (A's seen in the debug kernel, B's unicast
	# reprobe of A in CI) would count in the bridge's hits.
	ip -n "$NS_A" link set eth0 arp off
	ip -n "$NS_B" link set eth0 arp off
	read -ra a0 <<<"$(pstats "$BR" pa)"
	read -ra b0 <<<"$(pstats "$BR" pb)"
	hit0=$(br_stat "$BR" hit)
	pcap_start cb "$NS_B" eth0
	send_frames "$NS_A" eth0 "$MAC_C" "$MAC_A" len=100 count=7
	check_eq "$(pcap_count "$cb" " $MAC_A > $MAC_C, ethertype Unknown \(0x88b5\), length 100")" 7 \
		"frames seen on B"
	check_eq "$(flow_get "$BR" "$K_C" packets)" 7 "flow packets"
	check_eq "$(flow_get "$BR" "$K_C" bytes)" 700 "flow bytes"
	check_eq "$(($(br_stat "$BR" hit) - hit0))" 7 "bridge hit increase"
	# The ports count the same frames (nothing else flows: no ARP, no IPv6).
	read -ra a1 <<<"$(pstats "$BR" pa)"
	read -ra b1 <<<"$(pstats "$BR" pb)"
	ip -n "$NS_A" link set eth0 arp on
	ip -n "$NS_B" link set eth0 arp on
	check_eq "$((a1[0] - a0[0])) $((a1[1] - a0[1]))" "7 700" "pa rx_packets rx_bytes increase"
	check_eq "$((b1[2] - b0[2])) $((b1[3] - b0[3]))" "7 700" "pb tx_packets tx_bytes increase"
}

# A flow whose only output is a port that is down: not sent, counted as
# the output port's drops.down; up again, the same flow delivers.
test_down_output() {
	local cb down0 k
	k=$(fl 1 100 "$MAC_A" 02:00:00:09:50:78)
	check flowbr add-flow "$BR" "$k" actions=2
	ip link set dev pb down
	down0=$(port_stat "$BR" pb drops.down)
	send_frames "$NS_A" eth0 02:00:00:09:50:78 "$MAC_A" count=3
	check_eq "$(($(port_stat "$BR" pb drops.down) - down0))" 3 "pb drops.down increase"
	ip link set dev pb up
	pcap_start cb "$NS_B" eth0
	send_frames "$NS_A" eth0 02:00:00:09:50:78 "$MAC_A" count=2
	check_eq "$(pcap_count "$cb" " $MAC_A > 02:00:00:09:50:78")" 2 "frames seen on B after pb up"
	check flowbr del-flow "$BR" "$k" >/dev/null
}

# An output to the ingress port is skipped and counted as a loop drop.
test_loop() {
	local ca cb loop0 k
	k=$(fl 1 100 "$MAC_A" 02:00:00:09:50:77)
	check flowbr add-flow "$BR" "$k" actions=1,2
	loop0=$(port_stat "$BR" pa drops.loop)
	pcap_start ca "$NS_A" eth0
	pcap_start cb "$NS_B" eth0
	send_frames "$NS_A" eth0 02:00:00:09:50:77 "$MAC_A" count=4
	check_eq "$(pcap_count "$cb" " $MAC_A > 02:00:00:09:50:77")" 4 "frames seen on B"
	# A's capture shows its own 4 frames, nothing reflected.
	check_eq "$(pcap_count "$ca" " $MAC_A > 02:00:00:09:50:77")" 4 "frames seen on A (sent only)"
	check_eq "$(($(port_stat "$BR" pa drops.loop) - loop0))" 4 "pa drops.loop increase"
	check flowbr del-flow "$BR" "$k" >/dev/null
	# The same with the ingress port as the only output (the hit path's
	# single-output shortcut must hand it to the general path).
	check flowbr add-flow "$BR" "$k" actions=1
	pcap_start ca "$NS_A" eth0
	send_frames "$NS_A" eth0 02:00:00:09:50:77 "$MAC_A" count=3
	check_eq "$(pcap_count "$ca" " $MAC_A > 02:00:00:09:50:77")" 3 "frames seen on A (sent only)"
	check_eq "$(($(port_stat "$BR" pa drops.loop) - loop0))" 7 "pa drops.loop increase"
	check flowbr del-flow "$BR" "$k" >/dev/null
}

test_push() {
	local cb ct
	check flowbr add-flow "$BR" "$K_D" actions=3:300,2
	pcap_start cb "$NS_B" eth0
	pcap_start ct "$NS_T" eth0
	# Priority-tagged (PCP 5) into access port 1: VLAN 100.
	send_frames "$NS_A" eth0 "$MAC_D" "$MAC_A" vid=0 pcp=5 count=3
	send_frames "$NS_A" eth0 "$MAC_D" "$MAC_A" count=2
	check_eq "$(pcap_frames "$ct" "$MAC_A" 300:5)" 3 "frames on the trunk tagged 300, p 5"
	check_eq "$(pcap_frames "$ct" "$MAC_A" 300:0)" 2 "frames on the trunk tagged 300, p 0"
	check_eq "$(pcap_frames "$ct" "$MAC_A" any)" 5 "frames on the trunk"
	check_eq "$(pcap_frames "$cb" "$MAC_A" untagged)" 5 "untagged frames on B"
	check_eq "$(flow_get "$BR" "$K_D" packets)" 5 "flow packets"
}

test_strict() {
	local err k rc acts
	if err=$(timeout 10 flowbr add-flow --strict "$BR" "$K_C" actions=3 2>&1); then
		fail "add-flow --strict on an existing key succeeded"
	fi
	log "add-flow --strict: $err"
	check_contains "$err" "exists" "error of add-flow --strict"
	check_contains "$err" "File exists" "error of add-flow --strict (EEXIST)"
	check_eq "$(flow_get "$BR" "$K_C" actions)" '[{"port": 2}]' "actions after a refused --strict"
	check_eq "$(flow_get "$BR" "$K_C" packets)" 7 "packets after a refused --strict"
	# --strict on a new key works, and returns (bounded: if no ack came
	# the CLI would wait forever).
	k=$(fl 1 100 "$MAC_A" 02:00:00:09:50:99)
	rc=0
	timeout 10 flowbr add-flow --strict "$BR" "$k" actions=drop || rc=$?
	acts=$(flow_get "$BR" "$k" actions 2>/dev/null || echo none)
	flowbr del-flow "$BR" "$k" >/dev/null 2>&1 || true
	check_eq "$rc" 0 "exit status of add-flow --strict on a new key (124: timed out)"
	check_eq "$acts" "[]" "actions of the flow added with --strict"
}

test_replace() {
	local n0 ct
	n0=$(flowbr -j show "$BR" | jval 0.flow_count)
	check flowbr add-flow "$BR" "$K_C" actions=2,3:100
	check_eq "$(flowbr -j show "$BR" | jval 0.flow_count)" "$n0" "flow_count after a replace"
	check_eq "$(flow_get "$BR" "$K_C" actions)" '[{"port": 2}, {"port": 3, "vid": 100}]' \
		"actions after the replace"
	check_eq "$(flow_get "$BR" "$K_C" packets)" 7 "packets after the replace"
	check_eq "$(flow_get "$BR" "$K_C" bytes)" 700 "bytes after the replace"
	pcap_start ct "$NS_T" eth0
	send_frames "$NS_A" eth0 "$MAC_C" "$MAC_A" len=100 count=2
	check_eq "$(pcap_frames "$ct" "$MAC_A" 100:0)" 2 "frames on the trunk (new action)"
	check_eq "$(flow_get "$BR" "$K_C" packets)" 9 "packets after 2 more frames"
	check_eq "$(flow_get "$BR" "$K_C" bytes)" 900 "bytes after 2 more frames"
}

test_dump() {
	local text
	expect_flows "$BR" "${PING_FLOWS[@]}" "$K_C actions=2,3:100" "$K_D actions=3:300,2"
	check_eq "$(flowbr -j show "$BR" | jval 0.flow_count)" 6 "flow_count"
	text=$(flowbr dump-flows "$BR")
	check_eq "$(grep -c 'packets=' <<<"$text")" 6 "lines of dump-flows"
	check_contains "$text" "$K_C packets=9 bytes=900 " "text dump-flows"
}

# idle_flows BR TIME: how many flows `dump-flows BR idle=TIME` lists.
idle_flows() {
	flowbr -j dump-flows "$1" "idle=$2" | python3 -I -S -c '
import json, sys
print(len(json.load(sys.stdin)))'
}

# secs MS: MS milliseconds as seconds for sleep.
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

test_idle() {
	local out n t=$((1500 * TIME_SCALE))
	# Every flow idle for 2t, then K_C hit once: the kernel's filter
	# (idle=t: 1.5 s, times TIME_SCALE in a slow kernel, where the CLI
	# calls between the hit and the dump take longer) leaves it out and
	# lists the other 5, and none has been idle for an hour (a never-hit
	# flow counts from its creation).
	sleep "$(secs $((2 * t)))"
	send_frames "$NS_A" eth0 "$MAC_C" "$MAC_A" len=100 count=1
	out=$(flowbr -j dump-flows "$BR" "idle=${t}ms")
	check_not_contains "$(flowbr dump-flows "$BR" "idle=${t}ms")" "$K_C " "K_C in the text idle dump"
	check_eq "$(flow_get "$BR" "$K_C" packets)" 10 "packets of K_C after one more frame"
	n=$(python3 -I -S -c '
import json, sys
fl = json.load(sys.stdin)
print(len(fl), sum(1 for f in fl if f["idle_ms"] < int(sys.argv[1])))' "$t" <<<"$out")
	check_eq "$n" "5 0" "flows idle for $t ms (6 installed, 1 just hit), and of them idle for less"
	check_eq "$(idle_flows "$BR" 1h)" 0 "flows idle for an hour"
	sleep "$(secs $((t + 100)))"
	check_eq "$(idle_flows "$BR" "${t}ms")" 6 "flows idle for $t ms, $((t + 100)) ms after the hit"
	# Out of range: the CLI says so, and so does the kernel's policy.
	out=$(flowbr dump-flows "$BR" idle=25h 2>&1) && fail "dump-flows idle=25h succeeded"
	check_contains "$out" "out of range (1ms to 24h)" "CLI error of idle=25h"
	out=$(python3 -I -S "$SELFTEST_DIR/fb_nlreq.py" "$UAPI_H" FLOW_GET \
		"BR_NAME=str:$BR" FLOW_IDLE_MIN=u32:0 2>&1) && fail "FLOW_IDLE_MIN=0 accepted"
	check_contains "$out" "out of range" "kernel error of FLOW_IDLE_MIN=0"
	check_eq "$(flowbr -j show "$BR" | jval 0.flow_count)" 6 "flow_count after the idle dumps"
}

# A flow read in the tick of its last hit is not idle. The datapath stores
# a hit as jiffies | 1, a tick ahead on an even tick; read back as such,
# jiffies - used was (unsigned long)-1, a flow idle for 2^32 - 4 ms, which
# flowbrd expired as idle (seen in agent_expiry, 2026-12-07). A fast ping
# hits the flow in every tick while get-flow reads it again and again.
test_idle_busy() {
	local k out idle age pid p0 n=0 max=0
	k=$(fl 1 100 "$MAC_A" "$MAC_B")
	p0=$(flow_get "$BR" "$k" packets)
	# 500 pings a second: two in every tick (HZ=250), and CPU left over.
	nsrun "$NS_A" ping -i 0.002 -q -w "$((6 * TIME_SCALE))" 10.9.5.2 >"$FLOWBR_TMP/pingf" 2>&1 &
	pid=$!
	wait_for 10 eval '[ "$(flow_get "$BR" "$k" packets)" -gt "$p0" ]' ||
		{ kill "$pid"; fail "the ping did not start"; }
	while kill -0 "$pid" 2>/dev/null; do
		out=$(flowbr -j get-flow "$BR" "$k") || fail "get-flow $k failed"
		# (bash, not jval: a python3 per read would make reads rare)
		[[ "$out" =~ \"idle_ms\":\ *([0-9]+) ]] || fail "no idle_ms: $out"
		idle=${BASH_REMATCH[1]}
		[[ "$out" =~ \"age_ms\":\ *([0-9]+) ]] || fail "no age_ms: $out"
		age=${BASH_REMATCH[1]}
		n=$((n + 1))
		[ "$idle" -gt "$max" ] && max=$idle
		[ "$idle" -le "$age" ] || { kill "$pid"; fail "read $n: idle $idle ms in a flow $age ms old"; }
	done
	wait "$pid" || { cat "$FLOWBR_TMP/pingf"; fail "the fast ping got no reply"; }
	log "$n reads of the flow during a fast ping, longest idle $max ms:" \
	    "$(grep -o '[0-9]* packets transmitted' "$FLOWBR_TMP/pingf")"
	check test "$n" -ge 20
	check test "$max" -lt $((1000 * TIME_SCALE))
}

# flush BR FILTERS... WANT: flush-flows BR FILTERS must report WANT deleted.
flush() {
	local br=$1 want=${*: -1} out
	out=$(flowbr -j flush-flows "${@:1:$#-1}") || { log "FAIL: flush-flows ${*:2:$#-2} failed"; return 1; }
	check_eq "$(jval deleted <<<"$out")" "$want" "flowbr flush-flows $br ${*:2:$#-2}: deleted"
}

test_flush() {
	local f1 f2 f3 f4 f5 f6 f
	flush "$BR" 6
	check_eq "$(flows "$BR")" "" "flows after flushing all"
	f1="$(fl 1 100 "$MAC_A" "$MAC_B") actions=2"
	f2="$(fl 2 100 "$MAC_B" "$MAC_A") actions=1"
	f3="$(fl 3 300 "$MAC_T" "$MAC_A") actions=1"
	f4="$(fl 3 200 "$MAC_T" "$MAC_B") actions=2"
	f5="$(fl 1 100 "$MAC_A" "$MAC_T") actions=3:100"
	f6="$(fl 2 100 "$MAC_B" "$MAC_T") actions=drop"
	for f in "$f1" "$f2" "$f3" "$f4" "$f5" "$f6"; do
		add_flow_line "$BR" "$f"
	done
	expect_flows "$BR" "$f1" "$f2" "$f3" "$f4" "$f5" "$f6"
	flush "$BR" vlan=200 1
	expect_flows "$BR" "$f1" "$f2" "$f3" "$f5" "$f6"
	flush "$BR" port=3 2			# in_port 3 (f3) and output 3 (f5)
	expect_flows "$BR" "$f1" "$f2" "$f6"
	flush "$BR" "mac=$MAC_T" 1		# destination T (f6)
	expect_flows "$BR" "$f1" "$f2"
	add_flow_line "$BR" "$f3"
	flush "$BR" port=2 "mac=$MAC_A" 2	# f1, f2; not f3 (MAC A, port 3 -> 1)
	expect_flows "$BR" "$f3"
	flush "$BR" port=pt vlan=300 "mac=$MAC_T" 1
	expect_flows "$BR"
	flush "$BR" 0
}

# The kernel counts, per port, the flows that name it: a port's flush skips
# the walk when none does. Wrong counts show as a flush missing flows (a
# replaced flow's new output not counted) or as a WARNING when the port
# goes (a count left behind).
test_flush_src_dst() {
	local f1 f2 f7 f n
	flush "$BR" 0
	f1="$(fl 1 100 "$MAC_A" "$MAC_B") actions=2"
	f2="$(fl 2 100 "$MAC_B" "$MAC_A") actions=1"
	f7="$(fl 1 100 "$MAC_A" "$MAC_T") actions=3:100"
	for f in "$f1" "$f2" "$f7"; do
		add_flow_line "$BR" "$f"
	done
	flush "$BR" "dl_dst=$MAC_A" 1		# f2; not f1, f7 (from A)
	expect_flows "$BR" "$f1" "$f7"
	flush "$BR" "dl_src=$MAC_B" 0
	flush "$BR" "dl_src=$MAC_A" "dl_dst=$MAC_T" 1	# f7
	expect_flows "$BR" "$f1"
	flush "$BR" port=3 0
	# f1's output moves from port 2 to port 3.
	check flowbr add-flow "$BR" "$(fl 1 100 "$MAC_A" "$MAC_B")" actions=3:100
	flush "$BR" port=2 0
	flush "$BR" port=3 1
	# Deleted one by one: the counts follow del-flow too.
	add_flow_line "$BR" "$f7"
	add_flow_line "$BR" "$f2"
	check flowbr del-flow "$BR" "$(fl 1 100 "$MAC_A" "$MAC_T")"
	flush "$BR" port=3 0
	add_flow_line "$BR" "$f7"
	# The port goes with its flow; its number comes back with none.
	check flowbr del-port "$BR" pt
	n=$(flowbr -j show "$BR" | jval 0.flow_count)
	check_eq "$n" 1 "flow_count after del-port pt (f2 is left)"
	check flowbr add-port "$BR" pt port_no=3
	flush "$BR" port=3 0
	flush "$BR" port=1 1			# f2 (out 1)
	check_no_splat
	check_contains "$(flowbr version)" flush_src_dst "features in flowbr version"
}

flow_external() {
	flowbr -j show "$BR" | jval 0.flow_external
}

# The kernel counts the flow changes not marked as the agent's own
# (FLOWBR_A_AGENT): flowbrd revalidates every flow when it moves.
test_external() {
	local e0 k kk
	k=$(fl 1 100 "$MAC_A" 02:00:00:09:5f:10)
	kk="1,100,$MAC_A,02:00:00:09:5f:10"
	check_contains "$(flowbr version)" flow_external "flowbr version's features"
	e0=$(flow_external)
	check flowbr add-flow "$BR" "$k" actions=2
	check_eq "$(flow_external)" $((e0 + 1)) "flow_external after add-flow"
	check flowbr add-flow "$BR" "$k" actions=2,3
	check_eq "$(flow_external)" $((e0 + 2)) "flow_external after replacing the flow"
	check flowbr del-flow "$BR" "$k"
	check_eq "$(flow_external)" $((e0 + 3)) "flow_external after del-flow"
	if flowbr del-flow "$BR" "$k" 2>/dev/null; then
		fail "del-flow of a missing flow succeeded"
	fi
	flush "$BR" "mac=02:00:00:09:5f:10" 0
	check_eq "$(flow_external)" $((e0 + 3)) "flow_external after a failed del-flow and an empty flush"
	# The agent's own changes.
	check nlreq FLOW_NEW BR_NAME=str:"$BR" KEY=key:"$kk" ACTIONS=out:2 AGENT=flag:
	check_eq "$(flow_get "$BR" "$k" actions)" '[{"port": 2}]' "actions of the flow added with AGENT"
	check_eq "$(flow_external)" $((e0 + 3)) "flow_external after FLOW_NEW with AGENT"
	check nlreq FLOW_DEL BR_NAME=str:"$BR" KEY=key:"$kk" AGENT=flag:
	check_eq "$(flow_external)" $((e0 + 3)) "flow_external after FLOW_DEL with AGENT"
	check nlreq FLOW_NEW BR_NAME=str:"$BR" KEY=key:"$kk" ACTIONS=out:2 AGENT=flag:
	check nlreq FLOW_FLUSH BR_NAME=str:"$BR" MAC=hex:020000095f10 AGENT=flag:
	check_eq "$(flow_external)" $((e0 + 3)) "flow_external after FLOW_FLUSH with AGENT"
	check_eq "$(flows "$BR" | grep -c 02:00:00:09:5f:10 || true)" 0 "flows left of the AGENT flush"
	# A flush that deletes flows counts once.
	check flowbr add-flow "$BR" "$k" actions=2
	check flowbr add-flow "$BR" "$(fl 2 100 02:00:00:09:5f:10 "$MAC_A")" actions=1
	flush "$BR" "mac=02:00:00:09:5f:10" 2
	check_eq "$(flow_external)" $((e0 + 6)) "flow_external after 2 add-flow and a flush of 2"
}

test_limit() {
	local err i
	br_create "$BR2" flow_limit=3
	for i in 1 2 3; do
		check flowbr add-flow "$BR2" "$(fl 0 0 "$MAC_A" "02:00:00:09:5f:0$i")" actions=drop
	done
	if err=$(flowbr add-flow "$BR2" "$(fl 0 0 "$MAC_A" 02:00:00:09:5f:04)" actions=drop 2>&1); then
		fail "a 4th flow was accepted with flow_limit=3"
	fi
	log "4th flow: $err"
	check_contains "$err" "Error: " "error of the 4th add-flow (extack)"
	check_contains "$err" "flow limit" "error of the 4th add-flow"
	check_eq "$(flowbr -j show "$BR2" | jval 0.flow_count)" 3 "flow_count"
	check_eq "$(flows "$BR2" | wc -l)" 3 "flows dumped"
	# At the limit, replacing an existing flow still works.
	check flowbr add-flow "$BR2" "$(fl 0 0 "$MAC_A" 02:00:00:09:5f:01)" actions=0
	check_eq "$(flow_get "$BR2" "$(fl 0 0 "$MAC_A" 02:00:00:09:5f:01)" actions)" '[{"port": 0}]' \
		"actions of the replaced flow"
}

ktap_plan 16
setup
run_subtest "flows: miss_policy=drop and no flow: ping fails" test_no_flow
run_subtest "flows: hand-installed flows are followed (ping A <-> B), hit counted" test_follow
run_subtest "flows: removing one flow stops the traffic (counted miss), re-adding restores it" test_remove
run_subtest "flows: flow, bridge hit and port rx/tx counters match the frames sent (7 x 100 B)" test_counters
run_subtest "flows: output to the ingress port skipped, counted loop" test_loop
run_subtest "flows: the only output down: not sent, counted drops.down; up again, delivered" test_down_output
run_subtest "flows: output P:VID pushes the VID and keeps the PCP; P untagged" test_push
run_subtest "flows: add-flow --strict: EEXIST on an existing key (flow unchanged), adds a new key" test_strict
run_subtest "flows: replacing a flow's actions keeps its counters" test_replace
run_subtest "flows: dump-flows lists exactly the installed flows" test_dump
run_subtest "flows: dump-flows idle=TIME lists only the flows idle that long (kernel filter)" test_idle
run_subtest "flows: a flow hit in the tick it is read is not idle (fast ping, get-flow)" test_idle_busy
run_subtest "flows: flush-flows by port (in/out), vlan, mac (src/dst) and combined" test_flush
run_subtest "flows: flush-flows dl_src=/dl_dst=; per-port flow counts follow add, replace, del, del-port" test_flush_src_dst
run_subtest "flows: flow_external counts add/del/flush not marked as the agent's (FLOWBR_A_AGENT)" test_external
run_subtest "flows: flow_limit=3 refuses the 4th flow with an extack message" test_limit
ktap_finished
