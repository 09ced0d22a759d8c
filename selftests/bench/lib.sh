# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the benchmark driver (selftests/bench/run.sh): topologies of
# veth pairs and namespaces, pktgen bursts, receive counters, result records.
#
# Every system under test ("veth", "lbr", "ovs", "flowbr") gets its own
# one-letter prefix P, its own namespace Pns for the traffic ends and its
# own veth pairs, so that all systems can be set up side by side and be
# measured in turns:
#
#   netns Pns: s0 ---- P-s  (sender port)   \
#              r0 ---- P-r0 (receiver 0)     |  the switch of the system
#              ...                           |  (root namespace)
#              r7 ---- P-r7 (receiver 7)     |
#              w0 ---- P-w  (witness)       /
#
# The witness is one more port in the sender's VLAN that should see nothing
# of unicast traffic: if it does, the switch flooded instead of switching.
# The bare veth system has no switch: s0 is paired with r0 directly.
# The sender and the receivers share a namespace (one `ip netns exec` runs
# a whole measurement); frames to r0 are dropped by its IP layer (no
# address), the same for every system.

BENCH_TMP=${BENCH_TMP:-/tmp/fbbench}
RAW=$BENCH_TMP/raw.jsonl
VID=100

# MAC addresses of the sender, the witness and receiver i. The frames go
# to the receiver's own MAC: its IP layer gets them (and drops them: no
# address), as a VM's would.
MAC_S=02:00:00:00:00:10
MAC_W=02:00:00:00:00:30
mac_r() { printf '02:00:00:00:00:2%x' "$1"; }
# First source MAC of the many-flow scenarios (counted up by pktgen).
MAC_F5_BASE=02:05:00:00:00:00
MAC_B1_BASE=02:0b:00:00:00:00
MAC_M1_BASE=02:0a:00:00:00:00

msg() { printf '[%6ss] %s\n' $((${EPOCHREALTIME/./} / 1000000 - BENCH_T0)) "$*"; }
warn() { msg "WARNING: $*"; }
elapsed() { echo $((${EPOCHREALTIME/./} / 1000000 - BENCH_T0)); }
BENCH_T0=${BENCH_T0:-$((${EPOCHREALTIME/./} / 1000000))}

now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# emit KEY=VALUE...: append one JSON object to the raw results. Values that
# look like numbers are numbers, the others strings.
emit() {
	local kv k v out="" sep=""
	for kv in "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		if [[ "$v" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
			out+="$sep\"$k\": $v"
		else
			v=${v//\\/\\\\}
			v=${v//\"/\\\"}
			v=${v//$'\n'/ }
			v=${v//$'\t'/ }
			out+="$sep\"$k\": \"$v\""
		fi
		sep=", "
	done
	echo "{$out}" >>"$RAW"
}

# ------------------------------------------------------------------ scenarios

# scen_roles SCEN: set the topology and traffic of a scenario:
#   SND_MODE RCV_MODE  access|trunk (VLAN $VID either way)
#   NRCV WIT           number of receivers, 1 if there is a witness port
#   DST SVLAN RVLAN    destination MAC; VLAN tag of the sender's frames and
#                      of the receiver's replies ("" = untagged)
#   XVLAN              the tag the receivers get (bare veth sends that)
#   NSRC SRC_BASE      number of source MACs (1 = just the sender's)
scen_roles() {
	SND_MODE=access RCV_MODE=access NRCV=1 WIT=1 DST=$(mac_r 0)
	SVLAN="" RVLAN="" XVLAN="" NSRC=1 SRC_BASE=$MAC_S
	case "$1" in
	F1) ;;
	F2) RCV_MODE=trunk RVLAN=$VID XVLAN=$VID ;;
	F3) SND_MODE=trunk SVLAN=$VID ;;
	F4) NRCV=8 WIT=0 DST=ff:ff:ff:ff:ff:ff ;;
	F5) NSRC=$F5_FLOWS SRC_BASE=$MAC_F5_BASE ;;
	B1) NSRC=$B1_FLOWS SRC_BASE=$MAC_B1_BASE ;;
	M1) NSRC=$M1_FLOWS SRC_BASE=$MAC_M1_BASE ;;
	*) echo "unknown scenario $1" >&2; return 1 ;;
	esac
}

# traffic SYS: set TA to the pktgen.sh burst of the scenario's traffic
# (from s0); callers add count=N, duration=S, ... On the bare veth pair the
# sender sends what the switches deliver (tagged in F2, untagged in F3), so
# that the receiver's work is the same. (Arrays, not subshells: forks are
# slow in an emulated VM.)
traffic() {
	local vlan=$SVLAN
	[ "$1" != veth ] || vlan=$XVLAN
	TA=(s0 "dst_mac=$DST" "src_mac=$SRC_BASE")
	[ "$NSRC" -le 1 ] || TA+=("src_mac_count=$NSRC")
	[ -z "$vlan" ] || TA+=("vlan=$vlan")
}

# ------------------------------------------------------------------ topology

sys_prefix() {
	case "$1" in
	veth) echo v ;; lbr) echo l ;; ovs) echo o ;; flowbr) echo f ;;
	*) return 1 ;;
	esac
}

# switch_ports SYS: the switch-side devices, one per line, as
# "DEV ROLE MODE PORTNO" (ROLE s|r|w; PORTNO: a stable port number).
switch_ports() {
	local p i
	p=$(sys_prefix "$1")
	echo "$p-s s $SND_MODE 1"
	for ((i = 0; i < NRCV; i++)); do
		echo "$p-r$i r $RCV_MODE $((i + 2))"
	done
	[ "$WIT" = 0 ] || echo "$p-w w access 20"
}

# topo_up SYS: the namespace and veth pairs for the current scenario.
topo_up() {
	local sys=$1 p i ns
	p=$(sys_prefix "$sys")
	ns=${p}ns
	ip netns add "$ns" || return 1
	if [ "$sys" = veth ]; then
		ip -n "$ns" link add s0 type veth peer name r0 || return 1
	else
		{
			echo "link add $p-s type veth peer name s0 netns $ns"
			for ((i = 0; i < NRCV; i++)); do
				echo "link add $p-r$i type veth peer name r$i netns $ns"
			done
			[ "$WIT" = 0 ] || echo "link add $p-w type veth peer name w0 netns $ns"
		} | ip -batch - || return 1
	fi
	{
		echo "link set lo up"
		echo "link set s0 address $MAC_S up"
		for ((i = 0; i < NRCV; i++)); do
			echo "link set r$i address $(mac_r "$i") up"
		done
		[ "$WIT" = 0 ] || [ "$sys" = veth ] || echo "link set w0 address $MAC_W up"
	} | ip -n "$ns" -batch - || return 1
	if [ "$sys" != veth ]; then
		switch_ports "$sys" | while read -r dev _; do echo "link set $dev up"; done |
			ip -batch - || return 1
	fi
}

# topo_down SYS: delete the veth pairs (synchronously: their names are
# used again) and the namespace.
topo_down() {
	local p
	p=$(sys_prefix "$1")
	if [ "$1" = veth ]; then
		ip -n "${p}ns" link del s0 2>/dev/null
	else
		switch_ports "$1" | while read -r dev _; do echo "link del $dev"; done |
			ip -force -batch - 2>/dev/null
	fi
	ip netns del "${p}ns" 2>/dev/null
	return 0
}

# rx_args SYS: set RA to the pktgen.sh arguments that count the receivers
# (rx=r0,r1,...) and the witness (wit=w0), if there is one.
rx_args() {
	local i l=r0
	for ((i = 1; i < NRCV; i++)); do l+=",r$i"; done
	RA=("rx=$l")
	[ "$WIT" = 0 ] || [ "$1" = veth ] || RA+=(wit=w0)
}

# rx_counts SYS: print "RECEIVED WITNESS": rx_packets summed over the
# receivers, and of the witness (0 without one).
rx_counts() {
	local p files=() i
	p=$(sys_prefix "$1")
	for ((i = 0; i < NRCV; i++)); do files+=("/sys/class/net/r$i/statistics/rx_packets"); done
	if [ "$WIT" = 1 ] && [ "$1" != veth ]; then
		files+=(/sys/class/net/w0/statistics/rx_packets)
	fi
	ip netns exec "${p}ns" cat "${files[@]}" |
		awk -v n="$NRCV" 'NR <= n { r += $1; next } { w += $1 } END { printf "%d %d\n", r, w }'
}

# ------------------------------------------------------------------ pktgen

# pktgen SYS ARGS...: run pktgen.sh (bursts separated by --) in the
# system's namespace.
pktgen() {
	local p
	p=$(sys_prefix "$1")
	shift
	ip netns exec "${p}ns" bash "$BENCH_DIR/pktgen.sh" "$@"
}

# reply [KEY=VALUE...]: set RE to a pktgen.sh burst of a few frames from
# receiver 0 to the sender, so that a learning switch knows where the
# receiver is.
reply() {
	RE=(r0 count=5 "dst_mac=$MAC_S" "$@")
	[ -z "$RVLAN" ] || RE+=("vlan=$RVLAN")
}

# kv_get KEY STRING: the value of KEY=VALUE in a space-separated STRING.
kv_get() {
	local w
	for w in $2; do
		if [ "${w%%=*}" = "$1" ]; then
			echo "${w#*=}"
			return 0
		fi
	done
	return 1
}

# kv_split STRING: set KV[KEY]=VALUE for each KEY=VALUE word of STRING.
# shellcheck disable=SC2034 # read by run.sh
declare -A KV=()
kv_split() {
	local w
	KV=()
	for w in $1; do
		# shellcheck disable=SC2034 # read by run.sh
		[[ "$w" != *=* ]] || KV[${w%%=*}]=${w#*=}
	done
}

# ------------------------------------------------------------------ memory

# mem_snapshot FILE: /proc/meminfo and /proc/slabinfo, after a grace period
# for RCU callbacks that free memory.
mem_snapshot() {
	sync
	sleep 1
	{
		cat /proc/meminfo
		echo "@@slabinfo"
		cat /proc/slabinfo
	} >"$1"
}

# mem_field FILE NAME: a /proc/meminfo field in bytes.
mem_field() {
	awk -v f="$2:" '$1 == "@@slabinfo" { exit } $1 == f { print $2 * 1024; exit }' "$1"
}

# mem_kernel FILE: unreclaimable slab + per-CPU + vmalloc, in bytes.
mem_kernel() {
	echo $(($(mem_field "$1" SUnreclaim) + $(mem_field "$1" Percpu) + $(mem_field "$1" VmallocUsed)))
}

# slab_top BEFORE AFTER: the five slab caches that grew most, as
# "name:bytes,..." (bytes = num_objs * objsize).
slab_top() {
	awk '
		FNR == 1 { file++ }
		/^@@slabinfo/ { on[file] = 1; next }
		!on[file] || /^(slabinfo|#)/ { next }
		{ b = $3 * $4; if (file == 1) before[$1] = b; else d[$1] = b - before[$1] }
		END { for (k in d) if (d[k] > 0) printf "%d %s\n", d[k], k }' "$1" "$2" |
		sort -rn | head -n 5 | awk '{ printf "%s%s:%d", (NR > 1 ? "," : ""), $2, $1 }'
}
