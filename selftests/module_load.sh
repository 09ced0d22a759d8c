#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload flowbr.ko repeatedly: every insmod/rmmod works, the
# generic netlink family comes and goes with the module, nothing is left
# behind (lsmod, /sys/module, netdevs), the kernel log stays clean, memory
# does not grow, and the module unloads while it still has bridges, also
# after a namespace holding a bridge was deleted.
#
# FLOWBR_LOAD_CYCLES (default 20), FLOWBR_LEAK_TOLERANCE_KB (Slab growth
# allowed over all cycles, default 512).

# shellcheck disable=SC2119 # shrink_slabs without arguments: every cache
source "$(dirname "$0")/lib.sh"

require_root
require_cmd insmod rmmod genl ip python3
[ -f "$FLOWBR_KO" ] || fail "$FLOWBR_KO not found: build it with 'make module'"

CYCLES=${FLOWBR_LOAD_CYCLES:-20}
SLAB_TOL_KB=${FLOWBR_LEAK_TOLERANCE_KB:-512}
VMALLOC_TOL_KB=512
PERCPU_TOL_KB=64

# mem_snapshot FILE: kernel memory counters after dropping caches.
mem_snapshot() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	echo 3 >/proc/sys/vm/drop_caches
	shrink_slabs
	awk '/^(Slab|VmallocUsed|Percpu):/ { sub(":", "", $1); print $1, $2 }' \
		/proc/meminfo >"$1.meminfo"
	# name, bytes in use
	awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo | sort >"$1.slabinfo"
}

link_count() { ip -o link show | wc -l; }

test_cycles() {
	local i
	unload_module
	dmesg_mark "load/unload cycles"
	link_count >"$FLOWBR_TMP/links.before"
	# One warm-up cycle: first-use allocations are not leaks.
	insmod "$FLOWBR_KO" || fail "insmod (warm-up) failed"
	rmmod flowbr || fail "rmmod (warm-up) failed"
	mem_snapshot "$FLOWBR_TMP/mem.before"
	for i in $(seq "$CYCLES"); do
		insmod "$FLOWBR_KO" || fail "cycle $i: insmod failed"
		module_loaded || fail "cycle $i: not in /proc/modules after insmod"
		genl_family_id flowbr >/dev/null ||
			fail "cycle $i: genl family 'flowbr' not registered after insmod"
		rmmod flowbr || fail "cycle $i: rmmod failed"
		check_fail module_loaded
		check_fail genl_family_id flowbr >/dev/null
	done
	mem_snapshot "$FLOWBR_TMP/mem.after"
	log "$CYCLES cycles done"
}

test_no_splat() {
	check_no_splat
}

test_clean() {
	local ok=0
	if lsmod | grep -qw '^flowbr'; then
		log "FAIL: lsmod still lists flowbr"
		ok=1
	fi
	if [ -e /sys/module/flowbr ]; then
		log "FAIL: /sys/module/flowbr still exists"
		ok=1
	fi
	if genl ctrl list 2>/dev/null | grep -qE 'Name: flowbr$'; then
		log "FAIL: genl ctrl list still shows the flowbr family"
		ok=1
	fi
	check_eq "$(link_count)" "$(cat "$FLOWBR_TMP/links.before")" "number of links" || ok=1
	return "$ok"
}

test_no_leak() {
	local b=$FLOWBR_TMP/mem.before a=$FLOWBR_TMP/mem.after k tol d ok=0
	[ -f "$a.meminfo" ] || fail "no memory snapshot (the cycles failed)"
	for k in Slab VmallocUsed Percpu; do
		case "$k" in
		Slab) tol=$SLAB_TOL_KB ;;
		VmallocUsed) tol=$VMALLOC_TOL_KB ;;
		Percpu) tol=$PERCPU_TOL_KB ;;
		esac
		d=$(($(awk -v k="$k" '$1 == k { print $2 }' "$a.meminfo") -
			$(awk -v k="$k" '$1 == k { print $2 }' "$b.meminfo")))
		log "$k: ${d} kB after $CYCLES cycles (tolerance $tol kB)"
		if [ "$d" -gt "$tol" ]; then
			log "FAIL: $k grew by $d kB"
			ok=1
		fi
	done
	log "slab caches that grew most (bytes):"
	join "$b.slabinfo" "$a.slabinfo" |
		awk '$3 - $2 > 0 { print $1, $3 - $2 }' | sort -k2 -nr | head -n 5 |
		sed 's/^/#   /'
	return "$ok"
}

test_cli_not_loaded() {
	local err
	require_cli
	unload_module
	if flowbr version >/dev/null 2>"$FLOWBR_TMP/err"; then
		fail "'flowbr version' succeeded without the module"
	fi
	err=$(cat "$FLOWBR_TMP/err")
	check_contains "$err" "not loaded" "stderr of 'flowbr version'"
}

test_rmmod_with_bridge() {
	require_cli
	unload_module
	dmesg_mark "rmmod with a bridge"
	check insmod "$FLOWBR_KO"
	check flowbr add-br lb0
	check link_exists lb0
	check flowbr add-port lb0 lbi1 type=internal
	check link_exists lbi1
	check rmmod flowbr
	check_fail link_exists lb0
	check_fail link_exists lbi1
	check_no_splat
}

test_rmmod_after_netns() {
	require_cli
	unload_module
	dmesg_mark "netns teardown"
	check insmod "$FLOWBR_KO"
	ns_create fbload
	check ip netns exec fbload flowbr add-br nb0
	check ip netns exec fbload flowbr add-port nb0 nbi1 type=internal
	check link_exists nb0 fbload
	check_fail link_exists nb0
	ip netns del fbload
	# netns cleanup is asynchronous; unloading must wait for it or work.
	sleep 1
	check unload_module
	check_no_splat
}

ktap_plan 7
run_subtest "insmod/rmmod $CYCLES times (genl family registered only while loaded)" test_cycles
run_subtest "no kernel log splat during load/unload" test_no_splat
run_subtest "nothing left after rmmod (lsmod, /sys/module, genl, links)" test_clean
run_subtest "no memory growth over $CYCLES cycles" test_no_leak
run_subtest "flowbr version without the module says it is not loaded" test_cli_not_loaded
run_subtest "rmmod with a bridge and internal port present removes them" test_rmmod_with_bridge
run_subtest "rmmod after deleting a netns that held a bridge" test_rmmod_after_netns
ktap_finished
