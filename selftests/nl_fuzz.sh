#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nl_fuzz: the flowbr generic netlink family survives a stream of generated
# requests (selftests/nl_fuzz.py): every command and unknown ones, random,
# missing, truncated, oversized, wrongly nested and out-of-range attributes,
# random nlmsg flags, genl versions and reserved fields, batches, dumps
# interrupted mid-way, and valid bridge/port/flow/packet operations in
# between, while a ping runs across a bridge the fuzzer must not touch.
#
# Pass: no kernel splat; every request that asked for an ack got an answer
# (matched by sequence number); the protected bridge, its ports and flows
# are unchanged and still forward; no memory growth (kmalloc slabs and
# per-CPU memory, measured after a warm-up run) and the module refcount is
# back; every bridge the fuzzer created is gone.
#
# FLOWBR_FUZZ_N: requests (default 100000 with FLOWBR_FULL=1, else 10000);
# FLOWBR_FUZZ_SEED: the seed (default 1); both are printed, and a failure
# reproduces with the same two values.
#
#   bridge nfz0 (protected): nfa (veth to netns nfz-a, tag 100),
#   nfb (veth to netns nfz-b, tag 100), nfi (internal, trunk), 3 flows
#   fzd0, fzd1: spare veths the fuzzer attaches to its own bridges (fz*)

# shellcheck disable=SC2119,SC2016 # helpers without arguments; eval strings
source "$(dirname "$0")/lib.sh"

BR=nfz0
NSA=nfz-a NSB=nfz-b
IPA=10.77.0.1 IPB=10.77.0.2
FUZZ=$SELFTEST_DIR/nl_fuzz.py
if full_tests; then
	N=${FLOWBR_FUZZ_N:-100000}
else
	N=${FLOWBR_FUZZ_N:-10000}
fi
# Stop fuzzing in time to finish within the runner's timeout (the check on
# the number sent then fails, saying so).
TIMEOUT=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$SELFTEST_DIR/settings" | tail -n 1)
TIMEOUT=${FLOWBR_TEST_TIMEOUT:-${TIMEOUT:-600}}
BUDGET=$((TIMEOUT > 300 ? TIMEOUT - 180 : TIMEOUT / 2))
SEED=${FLOWBR_FUZZ_SEED:-1}
WARMUP=$((N / 10 > 2000 ? N / 10 : 2000))
MAC1=02:00:00:0f:00:01 MAC2=02:00:00:0f:00:02 MAC3=02:00:00:0f:00:03

# state: the protected bridge, its ports and flows, without counters.
state() {
	flowbr -j show "$BR"
	flowbr -j dump-flows "$BR" | python3 -I -S -c '
import json, sys
flows = json.load(sys.stdin)
for f in flows:
    for k in ("packets", "bytes", "idle_ms", "age_ms"):
        f.pop(k, None)
print(json.dumps(sorted(flows, key=lambda f: json.dumps(f, sort_keys=True)), sort_keys=True))
'
}

# mem: "KMALLOC_BYTES PERCPU_KB" after dropping caches, letting RCU
# callbacks run and giving per-CPU slabs (and KASAN's quarantine) back.
mem() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 2
	echo 3 >/proc/sys/vm/drop_caches
	shrink_slabs
	awk '
		FILENAME == "/proc/slabinfo" && $1 ~ /^kmalloc-/ { k += $2 * $4 }
		FILENAME == "/proc/meminfo" && $1 == "Percpu:" { p = $2 }
		END { printf "%d %d\n", k, p }' /proc/slabinfo /proc/meminfo
}

# flow_objs: the flowbr_flow objects allocated (the cache's per-CPU slabs
# and KASAN's quarantine given back first), or "-" if the cache is merged
# into another one and has no line of its own (boot with slab_nomerge, as
# selftests/vm/run.sh does).
flow_objs() {
	shrink_slabs flowbr_flow
	awk '$1 == "flowbr_flow" { f = $2 } END { print f == "" ? "-" : f }' /proc/slabinfo
}

# bridge_flows: the flows held by every bridge, summed.
bridge_flows() {
	flowbr -j show | python3 -I -S -c '
import json, sys
print(sum(b.get("flow_count", 0) for b in json.load(sys.stdin)))'
}

refcnt() {
	cat /sys/module/flowbr/refcnt
}

fuzz() {
	python3 -I -S "$FUZZ" --uapi "$UAPI_H" --prefix fz --devs fzd0,fzd1 "$@"
}

summary() {
	jval "$1" <"$FLOWBR_TMP/summary.json"
}

setup() {
	test_setup python3 ping
	br_create "$BR" || fail "add-br $BR"
	ns_veth_to "$BR" "$NSA" nfa "$IPA/24" tag=100 || fail "port nfa"
	ns_veth_to "$BR" "$NSB" nfb "$IPB/24" tag=100 || fail "port nfb"
	flowbr add-port "$BR" nfi type=internal || fail "port nfi"
	if ! flowbr add-flow "$BR" "in_port=1,vlan=100,dl_src=$MAC1,dl_dst=$MAC2" actions=2 ||
		! flowbr add-flow "$BR" "in_port=2,vlan=100,dl_src=$MAC2,dl_dst=$MAC1" actions=1 ||
		! flowbr add-flow "$BR" "in_port=3,vlan=7,dl_src=$MAC3,dl_dst=$MAC1" actions=1,2:7; then
		fail "add-flow"
	fi
	if ! veth_pair fzd0 fzd0p || ! veth_pair fzd1 fzd1p; then
		fail "spare veths"
	fi
	if ! waitiface nfa || ! waitiface nfb; then
		fail "ports not up"
	fi
	ping_ok "$NSA" "$IPB" || fail "no traffic across $BR before fuzzing"
	STATE0=$(state)
	log_cmd flowbr show "$BR"
}

test_fuzz() {
	local un
	dmesg_mark "fuzz"
	log "FLOWBR_FUZZ_SEED=$SEED FLOWBR_FUZZ_N=$N (warm-up: seed $((SEED + 1000000)), $WARMUP requests)"
	# A warm-up run first, so that the memory baseline includes what the
	# kernel keeps cached (rhashtable buckets, netdev name caches, ...).
	fuzz --count "$WARMUP" --seed $((SEED + 1000000)) --progress 0 \
		--summary "$FLOWBR_TMP/warmup.json" || fail "the fuzzer failed (warm-up)"
	wait_for 10 eval '! flowbr list-br | grep -q "^fz"' || true
	MEM0=$(mem)
	REF0=$(refcnt)
	echo "$MEM0" >"$FLOWBR_TMP/mem0"
	echo "$REF0" >"$FLOWBR_TMP/ref0"
	nsrun "$NSA" ping -i 0.5 -W 1 "$IPB" >"$FLOWBR_TMP/ping.log" 2>&1 &
	echo $! >"$FLOWBR_TMP/ping.pid"
	defer kill "$!"
	SECONDS=0
	fuzz --count "$N" --seed "$SEED" --progress $((N / 5)) --budget "$BUDGET" \
		--summary "$FLOWBR_TMP/summary.json" || fail "the fuzzer failed"
	log "fuzzing took $SECONDS s"
	un=$(summary unanswered)
	log "sent $(summary sent) in $(summary datagrams) datagrams;" \
		"expected $(summary expected) answers, got $(summary answered);" \
		"valid ops $(summary valid_ok)/$(summary valid_ops) ok;" \
		"errors $(summary errors)"
	check_eq "$un" 0 "requests without an answer" ||
		fail "unanswered samples: $(summary unanswered_samples)"
	check test "$(summary sent)" -ge "$N" ||
		fail "only $(summary sent) of $N requests within $BUDGET s: raise FLOWBR_TEST_TIMEOUT"
	# The answers include real work, not only refusals.
	check test "$(summary valid_ok)" -gt 0
}

test_no_splat() {
	[ -n "$(cat "$FLOWBR_TMP/ref0" 2>/dev/null)" ] || fail "the fuzzer did not run"
	check_no_splat
}

test_state() {
	local now replies
	now=$(state)
	if [ "$now" != "$STATE0" ]; then
		diff <(echo "$STATE0") <(echo "$now") | sed 's/^/#   /'
		fail "the protected bridge changed"
	fi
	kill "$(cat "$FLOWBR_TMP/ping.pid")" 2>/dev/null || true
	replies=$(grep -c 'bytes from' "$FLOWBR_TMP/ping.log" || true)
	log "background ping during the fuzzing: $replies replies"
	check test "$replies" -gt 0
	check ping_ok "$NSA" "$IPB"
	check ping_ok "$NSB" "$IPA"
}

test_cleanup() {
	local left
	left=$(flowbr list-br | grep -v "^$BR\$" || true)
	check_eq "$left" "" "bridges left by the fuzzer"
	left=$(ip -o link show | awk -F': ' '$2 ~ /^fz/ && $2 !~ /^fzd[01]/ { print $2 }')
	check_eq "$left" "" "devices left by the fuzzer"
	check_eq "$(refcnt)" "$(cat "$FLOWBR_TMP/ref0")" "module refcount"
}

test_mem() {
	local k0 p0 k1 p1 dk dp objs flows
	read -r k0 p0 _ <"$FLOWBR_TMP/mem0" || fail "no baseline"
	read -r k1 p1 _ < <(mem)
	dk=$((k1 - k0))
	dp=$((p1 - p0))
	log "kmalloc slabs: $k0 -> $k1 bytes ($dk); percpu: $p0 -> $p1 kB ($dp)"
	# A leak of 16 bytes per request would be 16*N; allow noise below that
	# (at least 1 MiB) and 512 kB of per-CPU memory.
	check test "$dk" -lt $((16 * N > 1048576 ? 16 * N : 1048576))
	check test "$dp" -lt 512
	# Flows exactly: every flowbr_flow object allocated is a flow some
	# bridge holds, once the fuzzer's deleted flows have passed their RCU
	# grace period (slow in the debug kernel: wait for it).
	objs=$(flow_objs)
	if [ "$objs" = - ]; then
		log "flowbr_flow shares a merged slab cache here: its objects are not counted (boot with slab_nomerge)"
		return 0
	fi
	flows=$(bridge_flows)
	wait_for 30 eval '[ "$(flow_objs)" -le "$flows" ]' || true
	objs=$(flow_objs)
	log "flowbr_flow objects allocated: $objs; flows in bridges: $flows"
	check_eq "$objs" "$flows" "flowbr_flow objects allocated, against the flows in bridges"
}

# Found by the fuzzer: a "%d" in a name was expanded by
# register_netdevice(), so BR_NEW "x%d" made bridges x0, x1, ... under
# names nobody asked for.
test_template_names() {
	local out before
	before=$(ip -o link show | wc -l)
	out=$(python3 -I -S "$SELFTEST_DIR/fb_nlreq.py" "$UAPI_H" BR_NEW 'BR_NAME=str:nfz%d' 2>&1) &&
		fail "BR_NEW nfz%d accepted: $(flowbr list-br | tr '\n' ' ')"
	log "BR_NEW nfz%d: $out"
	check_contains "$out" "(errno 22:" "BR_NEW nfz%d"
	out=$(python3 -I -S "$SELFTEST_DIR/fb_nlreq.py" "$UAPI_H" PORT_NEW "BR_NAME=str:$BR" \
		'PORT_NAME=str:nfi%d' PORT_TYPE=u8:1 2>&1) &&
		fail "internal PORT_NEW nfi%d accepted"
	log "PORT_NEW nfi%d: $out"
	check_contains "$out" "(errno 22:" "PORT_NEW nfi%d"
	check_eq "$(flowbr list-br)" "$BR" "bridges"
	check_eq "$(ip -o link show | wc -l)" "$before" "number of network devices"
	check_eq "$(state)" "$STATE0" "the protected bridge"
}

# Found by the fuzzer (an EMSGSIZE answer): with FLOWBR_MAX_HANDLERS upcall
# pids a bridge message did not fit in NLMSG_DEFAULT_SIZE: BR_GET failed,
# the BR_SET event was lost, and a bridge dump ended early at that bridge,
# so the bridges after it were not listed.
test_max_handlers() {
	local pids out n
	br_create nfzh0 || fail "add-br nfzh0"
	br_create nfzh1 || fail "add-br nfzh1"
	pids=$(python3 -I -S -c 'import struct; print(b"".join(struct.pack("=I", 70000 + i) for i in range(1024)).hex())')
	out=$(python3 -I -S "$SELFTEST_DIR/fb_nlreq.py" "$UAPI_H" BR_SET BR_NAME=str:nfzh0 \
		"BR_UPCALL_PIDS=hex:$pids" 2>&1) || fail "BR_SET with 1024 upcall pids: $out"
	out=$(python3 -I -S "$SELFTEST_DIR/fb_nlreq.py" "$UAPI_H" BR_GET BR_NAME=str:nfzh0 2>&1)
	check_eq "$out" "nlreq: ok" "BR_GET of a bridge with 1024 upcall pids"
	out=$(flowbr list-br | sort | tr '\n' ' ')
	check_eq "$out" "$BR nfzh0 nfzh1 " "list-br (a dump) with 1024 upcall pids on nfzh0"
	n=$(flowbr -j show nfzh0 | jval 0.upcall_pids | python3 -I -S -c 'import json, sys; print(len(json.load(sys.stdin)))')
	check_eq "$n" 1024 "upcall pids shown"
	out=$(python3 -I -S "$SELFTEST_DIR/fb_nlreq.py" "$UAPI_H" BR_SET BR_NAME=str:nfzh0 \
		"BR_UPCALL_PIDS=hex:" 2>&1) || fail "BR_SET without upcall pids: $out"
	check flowbr del-br nfzh0
	check flowbr del-br nfzh1
}

ktap_plan 7
setup
run_subtest "fuzz: names with a %d template refused (bridge, internal port)" test_template_names
run_subtest "fuzz: a bridge with 1024 upcall pids can be read, dumped and shown" test_max_handlers
run_subtest "fuzz: $N requests (seed $SEED), each ack asked for answered" test_fuzz
run_subtest "fuzz: no kernel splat" test_no_splat
run_subtest "fuzz: protected bridge, ports and flows unchanged and forwarding" test_state
run_subtest "fuzz: every bridge and device the fuzzer made is gone, module refcount back" test_cleanup
run_subtest "fuzz: no memory growth (kmalloc, percpu, flow cache)" test_mem
ktap_finished
