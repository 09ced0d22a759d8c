#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dp_miss_policy: what the kernel does with misses when no agent is
# registered (miss_policy flood or drop).
#
#   netns dpmp-a (10.9.4.1) -- pa tag=100 --+
#   netns dpmp-b (10.9.4.2) -- pb tag=100 --+-- bridge dpmp (no agent)
#   netns dpmp-x (no IP)    -- px tag=100 --+
#
# With flood (the default) ping works, every miss being lost (no agent) and
# handled by the fallback. With drop (set-br, or add-br) ping fails and the
# misses are counted: bridge lost/fallback/missed, the ingress port's
# "miss" drops. dpmp-x sends exact numbers of raw frames.

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=dpmp
BR2=dpmp2
NS_A=dpmp-a NS_B=dpmp-b NS_X=dpmp-x
MAC_A=02:00:00:09:40:01 MAC_B=02:00:00:09:40:02 MAC_X=02:00:00:09:40:03
BCAST=ff:ff:ff:ff:ff:ff

# dp_port NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: netns NS (IPv6 off)
# whose eth0 (ADDR, MAC) is linked to HOSTIF, added to $BR.
dp_port() { host_port "$BR" "$@"; }

setup() {
	test_setup ipv6 tcpdump python3 nsenter ping

	br_create "$BR" || fail "add-br $BR failed"
	if ! dp_port "$NS_A" pa 10.9.4.1/24 "$MAC_A" tag=100 ||
		! dp_port "$NS_B" pb 10.9.4.2/24 "$MAC_B" tag=100 ||
		! dp_port "$NS_X" px "" "$MAC_X" tag=100; then
		fail "cannot build the topology"
	fi
}

# snap VAR: remember the bridge counters (JSON) in VAR.
snap() {
	printf -v "$1" '%s' "$(flowbr -j stats "$BR")"
}

# delta OLD NEW PATH: NEW's value at PATH minus OLD's.
delta() {
	echo $(($(jval "$3" <<<"$2") - $(jval "$3" <<<"$1")))
}

# ge VALUE MIN WHAT
ge() {
	[ "$1" -ge "$2" ] && return 0
	log "FAIL: $3: got $1, want at least $2"
	return 1
}

test_flood() {
	local s0 s1 d
	check_eq "$(flowbr -j show "$BR" | jval 0.miss_policy)" flood "default miss_policy"
	snap s0
	ping_ok "$NS_A" 10.9.4.2
	snap s1
	d=$(delta "$s0" "$s1" stats.missed)
	ge "$d" 4 "missed increase (ARP + 3 echo requests + replies)"
	check_eq "$(delta "$s0" "$s1" stats.lost)" "$d" "lost increase (= missed: no agent)"
	check_eq "$(delta "$s0" "$s1" stats.fallback)" "$d" "fallback increase (= missed)"
	check_eq "$(delta "$s0" "$s1" stats.hit)" 0 "hit increase"
	check_eq "$(delta "$s0" "$s1" stats.upcalls)" 0 "upcalls increase"
	check_eq "$(delta "$s0" "$s1" ports.name=pa.stats.drops.miss)" 0 "pa drops.miss increase"
	check_eq "$(delta "$s0" "$s1" ports.name=pa.stats.upcalls)" 0 "pa upcalls increase"
}

test_set_drop() {
	check flowbr set-br "$BR" miss_policy=drop
	check_eq "$(flowbr -j show "$BR" | jval 0.miss_policy)" drop "miss_policy after set-br"
}

test_drop() {
	local s0 s1 d cb
	ip -n "$NS_A" neigh flush dev eth0
	snap s0
	ping_fails "$NS_A" 10.9.4.2
	snap s1
	ge "$(delta "$s0" "$s1" ports.name=pa.stats.drops.miss)" 1 "pa drops.miss increase"
	d=$(delta "$s0" "$s1" stats.missed)
	ge "$d" 1 "missed increase"
	check_eq "$(delta "$s0" "$s1" stats.lost)" "$d" "lost increase (= missed)"
	check_eq "$(delta "$s0" "$s1" stats.fallback)" "$d" "fallback increase (= missed)"

	# Exact numbers: only dpmp-x's raw frames come in on px.
	pcap_start cb "$NS_B" eth0
	snap s0
	send_frames "$NS_X" eth0 "$BCAST" "$MAC_X" count=5
	send_frames "$NS_X" eth0 "$MAC_B" "$MAC_X" count=2
	snap s1
	check_eq "$(delta "$s0" "$s1" ports.name=px.stats.drops.miss)" 7 "px drops.miss increase"
	check_eq "$(delta "$s0" "$s1" ports.name=px.stats.rx_packets)" 7 "px rx_packets increase"
	ge "$(delta "$s0" "$s1" stats.lost)" 7 "lost increase"
	ge "$(delta "$s0" "$s1" stats.fallback)" 7 "fallback increase"
	ge "$(delta "$s0" "$s1" stats.missed)" 7 "missed increase"
	check_eq "$(delta "$s0" "$s1" ports.name=pb.stats.tx_packets)" 0 "pb tx_packets increase"
	check_eq "$(pcap_frames "$cb" "$MAC_X" any)" 0 "frames from dpmp-x seen on dpmp-b"
}

test_back_to_flood() {
	check flowbr set-br "$BR" miss_policy=flood
	check_eq "$(flowbr -j show "$BR" | jval 0.miss_policy)" flood "miss_policy"
	ping_ok "$NS_A" 10.9.4.2
}

test_add_br_drop() {
	local before
	br_create "$BR2" miss_policy=drop
	check_eq "$(flowbr -j show "$BR2" | jval 0.miss_policy)" drop "miss_policy of a new bridge"
	# Move pb over: a single-port bridge drops what it cannot flood, but
	# under drop it must count it as a miss on the port.
	check flowbr del-port "$BR" pb
	check flowbr add-port "$BR2" pb tag=100
	# Only the raw frames below may come in on pb: B's neighbour entries
	# from the earlier pings would send ARP probes into the window.
	ip -n "$NS_B" link set eth0 arp off
	ip -n "$NS_B" neigh flush dev eth0
	before=$(port_stat "$BR2" pb drops.miss)
	send_frames "$NS_B" eth0 "$BCAST" "$MAC_B" count=3
	check_eq "$(($(port_stat "$BR2" pb drops.miss) - before))" 3 "pb drops.miss increase"
}

ktap_plan 5
setup
run_subtest "miss flood: ping works without agent; misses lost + fallback, no hit/upcall" test_flood
run_subtest "miss policy: set-br miss_policy=drop is applied" test_set_drop
run_subtest "miss drop: ping fails; lost/fallback/missed and port miss drops rise (exact with raw frames)" test_drop
run_subtest "miss policy: back to flood, ping works again" test_back_to_flood
run_subtest "miss policy: add-br miss_policy=drop counts misses as drops" test_add_br_drop
ktap_finished
