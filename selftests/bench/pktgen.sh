#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Send bursts with the kernel's pktgen, one after the other, in the current
# network namespace (pktgen is per namespace: run this with
# `ip netns exec NS`), and count what arrives. One process for a whole
# sequence keeps the overhead small on a slow (emulated) machine.
#
#   pktgen.sh DEV [key=value...] [-- DEV [key=value...]]...
#
#   count=N         send N frames (default 1000)
#   duration=S      send for S seconds instead (count 0, then stop)
#   dst_mac=MAC     destination (default broadcast)
#   src_mac=MAC     source (default DEV's address)
#   src_mac_count=N cycle through N source MACs counted up from src_mac
#   vlan=VID        insert an 802.1Q tag (in the frame data)
#   size=N          frame size without FCS (default 60: 64-byte frames)
#   delay=NS        gap between frames in ns (default 0: full rate)
#   rx=DEV[,DEV]    count rx_packets of these devices (summed) around the
#                   burst (read before it, and 0.2 s after it ends)
#   wit=DEV         the same for a witness device, reported apart
#   then=S          sleep S seconds after the burst
#
# Prints one line per burst: "dev=DEV sent=N usec=N[ rx=N wit=N]" (frames
# sent and pktgen's own duration). Frames are UDP 10.255.0.1:9 ->
# 10.255.0.2:9 from kpktgend_0 (CPU 0), clone_skb 0 (a new skb per frame,
# as veth needs).

set -u
PG=/proc/net/pktgen
[ -d "$PG" ] || { echo "pktgen.sh: $PG missing (modprobe pktgen)" >&2; exit 1; }

# nap SECONDS: sleep without a process per call (read times out on a pipe
# nobody writes to).
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD" _; }

pgset() { # FILE CMD
	if ! echo "$2" >"$PG/$1"; then
		echo "pktgen.sh: '$2' > $1 failed" >&2
		exit 1
	fi
}

# add_dev DEV: add DEV to kpktgend_0. rem_device_all only flags the thread
# and waits 125 ms; a slow (debug, emulated) kernel may not have let go of
# the device yet ("interface already used", EBUSY): try again for 10 s.
add_dev() {
	local i
	for ((i = 0; i < 100; i++)); do
		echo "add_device $1" 2>/dev/null >"$PG/kpktgend_0" && return 0
		nap 0.1
	done
	pgset kpktgend_0 "add_device $1"
}

# rx_sum DEV[,DEV...]: sum of their rx_packets (bash builtins only).
rx_sum() {
	local d v sum=0
	for d in ${1//,/ }; do
		read -r v <"/sys/class/net/$d/statistics/rx_packets" || exit 1
		sum=$((sum + v))
	done
	echo "$sum"
}

burst() {
	local dev=$1 kv count=1000 duration="" dst_mac=ff:ff:ff:ff:ff:ff
	local src_mac="" src_mac_count=0 vlan="" size=60 delay=0 rx="" wit=""
	local then="" res r0=0 w0=0 r1 w1 runner out line
	shift
	for kv in "$@"; do
		case "$kv" in
		count=* | duration=* | dst_mac=* | src_mac=* | src_mac_count=* | \
			vlan=* | size=* | delay=* | rx=* | wit=* | then=*)
			local "$kv" ;;
		*) echo "pktgen.sh: unknown argument '$kv'" >&2; exit 2 ;;
		esac
	done

	# The same frames from the same device as the previous burst: only
	# the count changes.
	if [ "$dev $size $delay $dst_mac $src_mac $src_mac_count $vlan" != "$LAST_CONFIG" ]; then
		LAST_CONFIG="$dev $size $delay $dst_mac $src_mac $src_mac_count $vlan"
		pgset kpktgend_0 rem_device_all
		add_dev "$dev"
		pgset "$dev" "clone_skb 0"
		pgset "$dev" "pkt_size $size"
		pgset "$dev" "delay $delay"
		pgset "$dev" "dst_mac $dst_mac"
		[ -z "$src_mac" ] || pgset "$dev" "src_mac $src_mac"
		pgset "$dev" "src_mac_count $src_mac_count"
		pgset "$dev" "dst_min 10.255.0.2"
		pgset "$dev" "dst_max 10.255.0.2"
		pgset "$dev" "src_min 10.255.0.1"
		pgset "$dev" "src_max 10.255.0.1"
		if [ -n "$vlan" ]; then
			pgset "$dev" "vlan_id $vlan"
			pgset "$dev" "vlan_p 0"
			pgset "$dev" "vlan_cfi 0"
		else
			pgset "$dev" "vlan_id 65535"
		fi
	fi

	[ -z "$rx" ] || r0=$(rx_sum "$rx")
	[ -z "$wit" ] || w0=$(rx_sum "$wit")
	if [ -n "$duration" ]; then
		pgset "$dev" "count 0"
		echo start >"$PG/pgctrl" &
		runner=$!
		nap "$duration"
		echo stop >"$PG/pgctrl"
		wait "$runner"
	else
		[ "$count" -gt 0 ] || { echo "pktgen.sh: count=0 needs duration=" >&2; exit 2; }
		pgset "$dev" "count $count"
		echo start >"$PG/pgctrl"
	fi

	# Result: OK: 1129844(c1125370+d4474) usec, 100000 (60byte,0frags)
	res=""
	while read -r line; do
		if [[ "$line" == Result:* ]]; then
			res=$line
			break
		fi
	done <"$PG/$dev"
	if [[ "$res" =~ ^Result:\ OK:\ ([0-9]+)\(.*usec,\ ([0-9]+)\  ]]; then
		out="dev=$dev sent=${BASH_REMATCH[2]} usec=${BASH_REMATCH[1]}"
	else
		echo "pktgen.sh: $dev: no result: $res" >&2
		exit 1
	fi
	if [ -n "$rx$wit" ]; then
		nap 0.2
		r1=$r0 w1=$w0
		[ -z "$rx" ] || r1=$(rx_sum "$rx")
		[ -z "$wit" ] || w1=$(rx_sum "$wit")
		out+=" rx=$((r1 - r0)) wit=$((w1 - w0))"
	fi
	echo "$out"
	[ -z "$then" ] || nap "$then"
}

LAST_CONFIG=""
[ $# -gt 0 ] || { echo "usage: pktgen.sh DEV [key=value...] [-- DEV ...]..." >&2; exit 2; }
args=()
for a in "$@" --; do
	if [ "$a" = -- ]; then
		[ ${#args[@]} -eq 0 ] || burst "${args[@]}"
		args=()
	else
		args+=("$a")
	fi
done
