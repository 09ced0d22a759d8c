#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the CPU time goes: one benchmark scenario on one or more systems,
# with `perf record` (cpu-clock: TCG has no hardware counters) over the
# whole VM while pktgen sends, and the top of `perf report`. Runs as root
# inside the test VM:
#
#   selftests/vm/run.sh --script selftests/bench/profile.sh [SCEN [SYS...]]
#
# SCEN: F1-F4 (steady traffic for FLOWBR_PROFILE_SECONDS, default 4) or B1
# (the burst and what follows it for that long). SYS: veth lbr ovs flowbr
# (default: veth flowbr). FLOWBR_PROFILE_CALLERS=1 adds call graphs.

set -u
FLOWBR_BENCH_SOURCE_ONLY=1
# shellcheck source=selftests/bench/run.sh
source "$(dirname "${BASH_SOURCE[0]}")/run.sh"

SCEN=${1:-F1}
shift || true
SYSLIST=${*:-veth flowbr}
SECS=${FLOWBR_PROFILE_SECONDS:-4}
PERF=$(command -v perf) || { echo "profile: perf missing"; exit 1; }

report() { # FILE
	local g=()
	[ "${FLOWBR_PROFILE_CALLERS:-0}" = 0 ] || g=(-G)
	"$PERF" report -i "$1" --stdio --no-children "${g[@]}" --sort sym \
		--percent-limit 0.7 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 70
}

rm -rf "$BENCH_TMP"
mkdir -p "$BENCH_TMP"
: >"$RAW"
modprobe veth && modprobe 8021q && modprobe pktgen || exit 1
for k in $(pgrep -x 'ksoftirqd/[0-9]+'); do chrt -f -p 50 "$k" >/dev/null; done
sysctl -qw net.core.devconf_inherit_init_net=1
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid

g=()
[ "${FLOWBR_PROFILE_CALLERS:-0}" = 0 ] || g=(-g)
for sys in $SYSLIST; do
	"${sys}_start" || { echo "profile: $sys did not start"; continue; }
	scen_roles "$SCEN" || exit 1
	setup_one "$sys" "$SCEN" || continue
	if [ "$SCEN" = B1 ]; then
		reply then=1
		pktgen "$sys" "${RE[@]}" >/dev/null
		traffic "$sys"
		"$PERF" record -a "${g[@]}" -e cpu-clock -F 499 -o "$BENCH_TMP/perf.$sys" \
			-- sleep "$SECS" 2>/dev/null &
		pid=$!
		res=$(pktgen "$sys" "${TA[@]}" count="$NSRC")
		wait "$pid"
		msg "$SCEN $sys: $res; $("${sys}_note" 2>/dev/null) flows=$("${sys}_flows")"
	else
		prepare "$sys" "$SCEN" >/dev/null 2>&1
		traffic "$sys"
		rx_args "$sys"
		"$PERF" record -a "${g[@]}" -e cpu-clock -F 499 -o "$BENCH_TMP/perf.$sys" \
			-- sleep "$SECS" 2>/dev/null &
		pid=$!
		res=$(pktgen "$sys" "${TA[@]}" duration="$SECS" "${RA[@]}")
		wait "$pid"
		kv_split "$res"
		msg "$SCEN $sys: $((KV[rx] * 1000000 / KV[usec])) pps ($res)"
	fi
	echo "---- perf report: $SCEN $sys"
	report "$BENCH_TMP/perf.$sys"
	teardown_one "$sys"
	"${sys}_stop" >/dev/null 2>&1
done
