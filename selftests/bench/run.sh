#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The side-by-side benchmark (`make bench`), run as root inside the test VM
# by selftests/vm/run.sh --script: the same scenarios on four systems in one
# boot, traffic from the kernel's pktgen, counted at the receivers.
#
#   veth    bare veth pair (the limit: no switch)
#   lbr     Linux bridge, vlan_filtering 1
#   ovs     Open vSwitch kernel datapath + ovs-vswitchd (NORMAL action)
#   flowbr  kmod/flowbr.ko + genl-tool/flowbrd
#
# Scenarios (64-byte frames, VLAN 100):
#   F1 access -> access          F2 access -> trunk (tag push)
#   F3 trunk -> access (pop)     F4 broadcast to 8 access ports
#   F5 100000 established flows (source MACs), after learning
#   B1 burst of 50000 new source MACs into a fresh bridge
#   M1 kernel memory per flow (20000 flows installed, or learned)
#
# F1-F4 set all systems up side by side, each on a fresh topology, and
# measure them in turns (round r starts with a different system), so that
# load that varies over time hits all alike. F5 and B1 run one system at a
# time (memory deltas need it), as does M1. Each measured run sends for
# FLOWBR_BENCH_DURATION seconds and counts rx_packets at the receiver.
#
# The raw results (one JSON object per line) are printed at the end between
# @@FBBENCH_RAW_BEGIN@@ and @@FBBENCH_RAW_END@@; selftests/bench/bench.sh
# (the host side of `make bench`) turns them into build/bench/.
#
# Settings (environment; FLOWBR_* variables reach the VM):
#   FLOWBR_BENCH_RUNS=5            measured runs per scenario and system
#   FLOWBR_BENCH_DURATION=1.5      seconds per run
#   FLOWBR_BENCH_SCENARIOS="F1 F2 F3 F4 F5 B1 M1"
#   FLOWBR_BENCH_SYSTEMS="veth lbr ovs flowbr"
#   FLOWBR_BENCH_F5_FLOWS=100000   FLOWBR_BENCH_B1_FLOWS=50000
#   FLOWBR_BENCH_M1_FLOWS=20000
#   FLOWBR_BENCH_LEARN_TIMEOUT=45  seconds a system may take to learn F5
#   FLOWBR_BENCH_AGENT=0           benchmark flowbr without its agent
#   FLOWBR_BENCH_AGENT_ARGS=...    extra arguments for flowbrd
#   FLOWBR_BENCH_INSN_FRAMES=N     count instructions instead of packets/s
#                                  (make bench-insn: F1-F4, see measure_insn)

set -u
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)
PATH="$REPO/genl-tool:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH REPO

RUNS=${FLOWBR_BENCH_RUNS:-5}
DURATION=${FLOWBR_BENCH_DURATION:-1.5}
SCENARIOS=${FLOWBR_BENCH_SCENARIOS:-F1 F2 F3 F4 F5 B1 M1}
M1_FLOWS=${FLOWBR_BENCH_M1_FLOWS:-20000}
SYSTEMS=${FLOWBR_BENCH_SYSTEMS:-veth lbr ovs flowbr}
F5_FLOWS=${FLOWBR_BENCH_F5_FLOWS:-100000}
B1_FLOWS=${FLOWBR_BENCH_B1_FLOWS:-50000}
LEARN_TIMEOUT=${FLOWBR_BENCH_LEARN_TIMEOUT:-45}
# Frames sent before each measured run, to bring back flows that idled out
# while the other systems were measured (not counted).
PRE_BURST=1000
INSN_FRAMES=${FLOWBR_BENCH_INSN_FRAMES:-}
FBMARK=$REPO/build/bench-insn/fbmark

# shellcheck source=selftests/bench/lib.sh
source "$BENCH_DIR/lib.sh"
for s in veth lbr ovs flowbr; do
	# shellcheck source=/dev/null
	source "$BENCH_DIR/sys-$s.sh"
done

declare -A DOWN=() # system -> why it is not available

# ------------------------------------------------------------------ phases

# prepare SYS SCEN: make the system ready to switch the scenario's traffic:
# learning systems see the receiver, then the sender (a warm-up burst), then
# the receiver again; flowbr without its agent gets its flows installed.
prepare() {
	local sys=$1 scen=$2 r
	if "${sys}_learns"; then
		reply then=0.3
		r=("${RE[@]}")
		traffic "$sys"
		pktgen "$sys" "${r[@]}" -- "${TA[@]}" count=2000 then=0.3 -- "${r[@]}" then=0.5 \
			>/dev/null || return 1
	elif [ "$sys" = flowbr ]; then
		flowbr_install "$scen" || return 1
	fi
}

# burst_rx SYS N: send N frames of the scenario's traffic; print how many
# the receivers got (summed).
burst_rx() {
	local res
	traffic "$1"
	rx_args "$1"
	res=$(pktgen "$1" "${TA[@]}" count="$2" "${RA[@]}") || return 1
	kv_split "${res##*$'\n'}"
	echo "${KV[rx]:-0}"
}

# forwards SYS: does the prepared system deliver a short burst (most of
# it: a learning switch may still flood the first frames)?
forwards() {
	local rx
	rx=$(burst_rx "$1" 200) || return 1
	[ "$rx" -ge $((100 * NRCV)) ]
}

# prepare_checked SYS SCEN: prepare, then check that the system forwards;
# a system with a SYS_revive hook (ovs-vswitchd that lost its upcall
# handlers after the start check) gets revived and prepared again, at most
# twice. Sets PREP_NOTE to what was done.
prepare_checked() {
	local sys=$1 scen=$2 try
	PREP_NOTE=
	for try in 1 2 3; do
		prepare "$sys" "$scen" >"$BENCH_TMP/prepare.log" 2>&1 || return 1
		forwards "$sys" && return 0
		if ! declare -F "${sys}_revive" >/dev/null || [ "$try" = 3 ]; then
			break
		fi
		warn "$scen $sys: a burst after learning did not arrive: $("${sys}_why" 2>/dev/null)"
		"${sys}_revive" || break
		PREP_NOTE+="revived after learning (try $try); "
	done
	echo "forwards nothing after learning" >>"$BENCH_TMP/prepare.log"
	return 1
}

# measure SYS SCEN RUN: one measured run: a short unmeasured burst (brings
# back flows that idled out while the other systems were measured), then
# traffic for $DURATION seconds, counted at the receivers.
measure() {
	local sys=$1 scen=$2 run=$3 res pps
	traffic "$sys"
	rx_args "$sys"
	if ! res=$(pktgen "$sys" "${TA[@]}" count=$PRE_BURST then=0.1 -- \
		"${TA[@]}" duration="$DURATION" "${RA[@]}") || [ -z "$res" ]; then
		emit type=error scenario="$scen" system="$sys" run="$run" error="pktgen failed"
		return 1
	fi
	kv_split "${res##*$'\n'}"
	pps=$((KV[rx] * 1000000 / (KV[usec] > 0 ? KV[usec] : 1)))
	emit type=run scenario="$scen" system="$sys" run="$run" sent="${KV[sent]}" \
		usec="${KV[usec]}" delivered="${KV[rx]}" witness="${KV[wit]}" pps="$pps"
	msg "$scen $sys run $run: $pps pps delivered (${KV[rx]} of ${KV[sent]} sent in $((KV[usec] / 1000)) ms, witness ${KV[wit]})"
}

# measure_insn SYS SCEN RUN (make bench-insn): the guest's instructions
# per frame, counted by the TCG plugin selftests/bench/insn/fbinsn.c, which
# logs its running total each time fbmark runs. Two bursts, of INSN_FRAMES
# and 2 x INSN_FRAMES frames, each between two marks: the difference of
# their counts over INSN_FRAMES frames cancels what a burst costs besides
# its frames (pktgen.sh's bash, pktgen's setup, the 0.2 s wait). First a
# short burst, repeated until it arrives whole, brings back idled-out
# flows; the daemons (flowbrd, ovs-vswitchd, ovsdb-server) are stopped
# during the bursts, so that a revalidation pass cannot land in one of them.
measure_insn() {
	local sys=$1 scen=$2 run=$3 n res rx try daemons='^(flowbrd|ovs-vswitchd|ovsdb-server)$'
	traffic "$sys"
	rx_args "$sys"
	for try in 1 2 3 4 5; do
		rx=$(burst_rx "$sys" "$PRE_BURST") || return 1
		[ "$rx" -lt $((PRE_BURST * NRCV)) ] || break
	done
	pkill -STOP "$daemons"
	for n in "$INSN_FRAMES" $((2 * INSN_FRAMES)); do
		"$FBMARK"
		res=$(pktgen "$sys" "${TA[@]}" count="$n" "${RA[@]}")
		"$FBMARK"
		kv_split "${res##*$'\n'}"
		emit type=insn scenario="$scen" system="$sys" run="$run" frames="$n" \
			sent="${KV[sent]:-0}" delivered="${KV[rx]:-0}" receivers="$NRCV" \
			witness="${KV[wit]:-0}" pre_tries="$try"
		msg "$scen $sys run $run: $n frames: ${KV[rx]:-0} delivered (marked)"
	done
	pkill -CONT "$daemons"
	[ -z "${FLOWBR_BENCH_PROFILE:-}" ] || [ "$run" != 1 ] || profile_sections "$sys" "$scen"
}

# profile_sections SYS SCEN (make bench-insn PROFILE=1): where the
# kernel's functions are (once per boot: /proc/kallsyms without the
# modules, compressed; Debian's System.map is a placeholder) and where
# each loaded module's code is, for insn_profile.py to name the blocks the
# plugin counted.
KALLSYMS_SENT=
profile_sections() {
	local sys=$1 scen=$2 f m s path
	if [ -z "$KALLSYMS_SENT" ]; then
		emit type=kallsyms data="$(awk 'NF == 3 && $2 ~ /^[tTwW]$/ { print $1, $3 }' \
			/proc/kallsyms | gzip -9 | base64 -w 0)"
		KALLSYMS_SENT=1
	fi
	for f in /sys/module/*/sections/.text*; do
		[ -r "$f" ] || continue
		m=${f#/sys/module/}
		m=${m%%/*}
		s=${f##*/}
		path=$(modinfo -n "$m" 2>/dev/null)
		[ "$m" != flowbr ] || path=$FLOWBR_KO	# insmod'ed from the tree
		emit type=ksect scenario="$scen" system="$sys" module="$m" section="$s" \
			addr="$(cat "$f")" path="$path"
	done
}

setup_one() { # SYS SCEN
	local sys=$1 scen=$2 why
	if [ -n "${DOWN[$sys]:-}" ]; then
		emit type=na scenario="$scen" system="$sys" reason="${DOWN[$sys]}"
		return 1
	fi
	if ! why=$("${sys}_supports" "$scen"); then
		emit type=na scenario="$scen" system="$sys" reason="$why"
		return 1
	fi
	if ! topo_up "$sys" >"$BENCH_TMP/setup.log" 2>&1 ||
		! "${sys}_attach" >>"$BENCH_TMP/setup.log" 2>&1; then
		cat "$BENCH_TMP/setup.log"
		emit type=error scenario="$scen" system="$sys" error="setup failed: $(tail -n 2 "$BENCH_TMP/setup.log")"
		teardown_one "$sys"
		return 1
	fi
}

teardown_one() {
	"${1}_detach"
	topo_down "$1"
}

# F1-F4: all systems side by side, measured in turns.
run_interleaved() {
	local scen=$1 sys active=() n k r
	scen_roles "$scen" || return 1
	msg "== $scen: setting up"
	for sys in $SYSTEMS; do
		setup_one "$sys" "$scen" || continue
		if ! prepare_checked "$sys" "$scen"; then
			cat "$BENCH_TMP/prepare.log"
			emit type=error scenario="$scen" system="$sys" \
				error="prepare failed: $(tail -n 1 "$BENCH_TMP/prepare.log")"
			teardown_one "$sys"
			continue
		fi
		emit type=setup scenario="$scen" system="$sys" flows="$("${sys}_flows")" \
			lost="$("${sys}_lost")" note="$PREP_NOTE"
		active+=("$sys")
	done
	n=${#active[@]}
	for ((r = 1; r <= RUNS; r++)); do
		for ((k = 0; k < n; k++)); do
			if [ -n "$INSN_FRAMES" ]; then
				measure_insn "${active[(k + r - 1) % n]}" "$scen" "$r"
			else
				measure "${active[(k + r - 1) % n]}" "$scen" "$r"
			fi
		done
	done
	for sys in "${active[@]}"; do
		emit type=after scenario="$scen" system="$sys" flows="$("${sys}_flows")" lost="$("${sys}_lost")"
		teardown_one "$sys"
	done
}

# learn_many SYS: F5 learning: passes over all source MACs at full rate,
# back to back, until the system holds 99% of the flows, has not gained for
# 15 s, or LEARN_TIMEOUT is up. (Open vSwitch needs the traffic to go on:
# its flow limit starts at 10000 and grows while its revalidators keep up;
# over the limit it deletes flows idle for more than 100 ms.)
learn_many() {
	local sys=$1 t0 pass=0 f best=0 tbest now
	t0=$(now_ms)
	tbest=$t0
	traffic "$sys"
	while :; do
		pass=$((pass + 1))
		pktgen "$sys" "${TA[@]}" count="$NSRC" >/dev/null || return 1
		f=$("${sys}_flows")
		f=${f:-0}
		now=$(now_ms)
		msg "F5 $sys: learning pass $pass: $f flows"
		[ "$f" -lt $((NSRC * 99 / 100)) ] || break
		[ $((now - t0)) -lt $((LEARN_TIMEOUT * 1000)) ] || break
		if [ "$f" -gt $((best + NSRC / 100)) ]; then
			best=$f
			tbest=$now
		fi
		[ $((now - tbest)) -lt 15000 ] || break
	done
	emit type=learn scenario=F5 system="$sys" passes="$pass" ms=$(($(now_ms) - t0)) flows="$f"
}

# settle SYS: wait (2 s at most: the flows must not idle out, agents
# delete flows idle for 10 s) until nothing arrives at the receivers any
# more: an agent may still be executing queued upcalls of the learning
# passes, which would count as delivered in the first run.
settle() {
	local prev=-1 r w i
	for i in 1 2 3 4; do
		read -r r w < <(rx_counts "$1")
		[ "$r" != "$prev" ] || return 0
		prev=$r
		sleep 0.5
	done
}

# refresh SYS: one more pass over all source MACs (not measured) after
# learning, so that every flow was used just before the runs: an agent
# still working through the upcalls of the last learning pass (or a slow
# settle) must not let the flows of the first MACs, which the runs send,
# idle out (10 s) in between.
refresh() {
	traffic "$1"
	pktgen "$1" "${TA[@]}" count="$NSRC" >/dev/null
	settle "$1"
}

# F5, one system at a time: learn (or install) the flows, then measure.
run_f5() {
	local sys=$1 r how=none
	scen_roles F5
	setup_one "$sys" F5 || return 0
	msg "== F5 $sys: $NSRC source MACs"
	if "${sys}_learns"; then
		how=learned
		reply then=0.5
		pktgen "$sys" "${RE[@]}" >/dev/null
		learn_many "$sys"
		settle "$sys"
		refresh "$sys"
	elif [ "$sys" = flowbr ]; then
		how=installer
		msg "F5 flowbr: installing $NSRC flows with fbflows.py (no agent)"
		flowbr_install F5 || emit type=error scenario=F5 system=flowbr error="fbflows.py failed"
	fi
	emit type=setup scenario=F5 system="$sys" flows="$("${sys}_flows")" lost="$("${sys}_lost")" \
		how="$how" note="$("${sys}_note" 2>/dev/null)"
	for ((r = 1; r <= RUNS; r++)); do
		measure "$sys" F5 "$r"
	done
	emit type=after scenario=F5 system="$sys" flows="$("${sys}_flows")" lost="$("${sys}_lost")" \
		note="$("${sys}_note" 2>/dev/null)"
	teardown_one "$sys"
}

# M1: kernel memory per flow: M1_FLOWS flows of the F5 kind installed
# straight into the datapath by an installer (flowbr: fbflows.py over
# netlink; Open vSwitch: `ovs-dpctl add-flows` on a datapath of its own,
# the flows as ovs-vswitchd would install them), or, for the Linux bridge,
# FDB entries learned from one pass of as many source MACs. The difference
# of unreclaimable slab + per-CPU + vmalloc memory before and after,
# divided by the flows that are there afterwards.
run_m1() {
	local sys=$1 f0 f1 m0 m1 how
	scen_roles M1
	if [ "$sys" = veth ]; then
		emit type=na scenario=M1 system=veth reason="no switch"
		return 0
	fi
	if [ -n "${DOWN[$sys]:-}" ]; then
		emit type=na scenario=M1 system="$sys" reason="${DOWN[$sys]}"
		return 0
	fi
	msg "== M1 $sys: $NSRC flows"
	case "$sys" in
	ovs)
		how="ovs-dpctl add-flows"
		python3 "$BENCH_DIR/fbflows.py" - --in-port 2 --src "$SRC_BASE" \
			--count "$NSRC" --dst "$DST" --out 3 --ovs "$BENCH_TMP/m1.flows" || return 0
		ovs-dpctl add-dp system@fbm1 2>/dev/null || {
			emit type=error scenario=M1 system=ovs error="ovs-dpctl add-dp failed"
			return 0
		}
		f0=$(ovs_dp_stat flows system@fbm1)
		mem_snapshot "$BENCH_TMP/mem0"
		ovs-dpctl add-flows system@fbm1 "$BENCH_TMP/m1.flows" 2>&1 | head -n 3
		mem_snapshot "$BENCH_TMP/mem1"
		f1=$(ovs_dp_stat flows system@fbm1)
		ovs-dpctl del-dp system@fbm1
		;;
	*)
		setup_one "$sys" M1 || return 0
		f0=$("${sys}_flows")
		if [ "$sys" = flowbr ]; then
			how="fbflows.py"
			flowbr_agent_pause # it would expire the installer's flows
			mem_snapshot "$BENCH_TMP/mem0"
			flowbr_install M1 || emit type=error scenario=M1 system=flowbr error="fbflows.py failed"
		else
			how="learned (fdb)"
			mem_snapshot "$BENCH_TMP/mem0"
			traffic "$sys"
			pktgen "$sys" "${TA[@]}" count="$NSRC" >/dev/null
		fi
		mem_snapshot "$BENCH_TMP/mem1"
		f1=$("${sys}_flows")
		[ "$sys" != flowbr ] || flowbr_agent_resume
		teardown_one "$sys"
		;;
	esac
	m0=$(mem_kernel "$BENCH_TMP/mem0")
	m1=$(mem_kernel "$BENCH_TMP/mem1")
	emit type=m1 system="$sys" how="$how" flows=$((f1 - f0)) \
		kernel_bytes=$((m1 - m0)) \
		slab_bytes=$(($(mem_field "$BENCH_TMP/mem1" SUnreclaim) - $(mem_field "$BENCH_TMP/mem0" SUnreclaim))) \
		percpu_bytes=$(($(mem_field "$BENCH_TMP/mem1" Percpu) - $(mem_field "$BENCH_TMP/mem0" Percpu))) \
		vmalloc_bytes=$(($(mem_field "$BENCH_TMP/mem1" VmallocUsed) - $(mem_field "$BENCH_TMP/mem0" VmallocUsed))) \
		slab_top="$(slab_top "$BENCH_TMP/mem0" "$BENCH_TMP/mem1")"
	msg "M1 $sys: $((f1 - f0)) flows ($how), kernel memory +$(((m1 - m0) / 1024)) KiB"
}

# B1: a burst of new source MACs at full rate into a fresh bridge. Flows
# installed = the most seen at once (polled every 0.25 s until the count
# has not changed for 2 s); the rate = that / the time from the start of
# the burst to when it was first seen.
run_b1() {
	local sys=$1 f0 l0 r0 w0 r1 w1 l1 res t1 tb tpeak peak f now tchange last usec
	scen_roles B1
	setup_one "$sys" B1 || return 0
	msg "== B1 $sys: $NSRC new source MACs at full rate"
	reply then=1
	pktgen "$sys" "${RE[@]}" >/dev/null
	f0=$("${sys}_flows")
	l0=$("${sys}_lost")
	read -r r0 w0 < <(rx_counts "$sys")
	traffic "$sys"
	res=$(pktgen "$sys" "${TA[@]}" count="$NSRC")
	t1=$(now_ms)
	if ! usec=$(kv_get usec "$res"); then
		# (an arithmetic error would end the whole driver, leaving the
		# agents running and the namespaces behind)
		emit type=error scenario=B1 system="$sys" error="pktgen failed: $res"
		teardown_one "$sys"
		return 0
	fi
	tb=$((t1 - usec / 1000)) # when the burst started
	peak=$("${sys}_flows")
	tpeak=$t1
	last=$peak
	tchange=$t1
	if [ "$sys" != lbr ]; then # the Linux bridge learns inline
		while :; do
			sleep 0.25
			f=$("${sys}_flows")
			f=${f:-0}
			now=$(now_ms)
			if [ "$f" -gt "$peak" ]; then
				peak=$f
				tpeak=$now
			fi
			if [ "$f" != "$last" ]; then
				last=$f
				tchange=$now
			fi
			if [ $((now - tchange)) -ge 2000 ] || [ $((now - t1)) -ge 30000 ]; then
				break
			fi
		done
	fi
	sleep 0.5
	read -r r1 w1 < <(rx_counts "$sys")
	l1=$("${sys}_lost")
	emit type=b1 system="$sys" burst="$NSRC" sent="$(kv_get sent "$res")" \
		burst_usec="$(kv_get usec "$res")" delivered=$((r1 - r0)) \
		witness=$((w1 - w0)) flows=$((peak - f0)) ms=$((tpeak - tb)) \
		flows_end=$((last - f0)) lost=$((l1 - l0)) note="$("${sys}_note" 2>/dev/null)"
	msg "B1 $sys: delivered $((r1 - r0)) of $NSRC, $((peak - f0)) flows in $((tpeak - tb)) ms ($((last - f0)) at the end), $((l1 - l0)) upcalls lost"
	teardown_one "$sys"
}

# ------------------------------------------------------------------ main

main() {
	local sys scen t0 rc
	rm -rf "$BENCH_TMP"
	mkdir -p "$BENCH_TMP"
	: >"$RAW"
	t0=$(now_ms)

	if ! modprobe veth || ! modprobe 8021q || ! modprobe pktgen; then
		echo "bench: cannot load veth, 8021q or pktgen"
		return 1
	fi
	# Softirq work deferred to ksoftirqd must not compete with pktgen for
	# CPU 0: then pktgen outruns the switch and what arrives depends on the
	# scheduler (F4 swung between 1 and 8 copies per frame). As a real-time
	# thread, ksoftirqd runs the deferred work at once, as if inline.
	local k
	for k in $(pgrep -x 'ksoftirqd/[0-9]+'); do chrt -f -p 50 "$k"; done
	# No IPv6 chatter (DAD, MLD, RS) on the test ports, in any namespace.
	sysctl -qw net.core.devconf_inherit_init_net=1
	sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

	if [ -n "$INSN_FRAMES" ] && [ ! -x "$FBMARK" ]; then
		echo "bench: $FBMARK missing (make bench-insn builds it)"
		return 1
	fi
	emit type=meta kernel="$(uname -r)" cpus="$(nproc)" runs="$RUNS" insn_frames="${INSN_FRAMES:-0}" \
		duration="$DURATION" f5_flows="$F5_FLOWS" b1_flows="$B1_FLOWS" m1_flows="$M1_FLOWS" \
		scenarios="$SCENARIOS" systems="$SYSTEMS" frame=64 vlan="$VID"

	for sys in $SYSTEMS; do
		if ! sys_prefix "$sys" >/dev/null; then
			echo "bench: unknown system $sys"
			return 1
		fi
		if "${sys}_start" >"$BENCH_TMP/start.log" 2>&1; then rc=0; else rc=1; fi
		cat "$BENCH_TMP/start.log"
		if [ "$rc" != 0 ]; then
			DOWN[$sys]="did not start: $(tail -n 1 "$BENCH_TMP/start.log")"
			warn "$sys ${DOWN[$sys]}"
		fi
		emit type=system system="$sys" name="$(eval echo "\$${sys}_name")" \
			version="$("${sys}_version" 2>/dev/null)" status="${DOWN[$sys]:-ok}" \
			agent="$([ "$sys" = flowbr ] && echo "$FB_AGENT" || echo -)" \
			restarts="$([ "$sys" = ovs ] && echo "${OVS_RESTARTS:-0}" || echo -)"
	done

	for scen in $SCENARIOS; do
		case "$scen" in
		F1 | F2 | F3 | F4) run_interleaved "$scen" ;;
		F5) for sys in $SYSTEMS; do run_f5 "$sys"; done ;;
		B1) for sys in $SYSTEMS; do run_b1 "$sys"; done ;;
		M1) for sys in $SYSTEMS; do run_m1 "$sys"; done ;;
		*) warn "unknown scenario $scen" ;;
		esac
	done

	if [ -z "${DOWN[ovs]:-}" ] && [[ " $SYSTEMS " == *" ovs "* ]]; then
		ovs_diag >"$BENCH_TMP/ovs-diag.txt" 2>&1
	fi
	for sys in $SYSTEMS; do "${sys}_stop" >/dev/null 2>&1; done
	emit type=end ms=$(($(now_ms) - t0))
	msg "done in $((($(now_ms) - t0) / 1000)) s"

	echo "@@FBBENCH_RAW_BEGIN@@"
	cat "$RAW"
	echo "@@FBBENCH_RAW_END@@"
}

main "$@"
