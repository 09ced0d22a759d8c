#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of `make bench`: boot the test VM once, run the benchmark driver
# (selftests/bench/run.sh) in it, and turn the raw results it prints on the
# serial output (between @@FBBENCH_RAW_BEGIN@@ and @@FBBENCH_RAW_END@@: the
# VM's file system is a throw-away overlay) into
#
#   build/bench/results.txt   the table, PASS/MISS per target
#   build/bench/results.json  everything, per run
#   build/bench/chart.svg     the chart
#   build/bench/raw.jsonl     the driver's raw records
#   build/bench/vm.log        the whole output of the VM run
#
#   bench.sh [--report-only]   (--report-only: redo the files from raw.jsonl)
#   bench.sh --insn [--report-only]
#        instructions per frame instead (make bench-insn), in build/bench-insn/:
#        the VM runs with the TCG plugin selftests/bench/insn/fbinsn.c, which
#        logs the guest's instruction count to marks.txt at each marker;
#        insn_report.py pairs the marks with the driver's records
#        (results.txt). F1-F4, 3 runs, 30000 + 60000 frames per run unless
#        FLOWBR_BENCH_SCENARIOS / _RUNS / _INSN_FRAMES say otherwise.
#
# Settings: see selftests/bench/run.sh (FLOWBR_BENCH_*); VM_TIMEOUT
# (default 1500 s) bounds the VM run. The VM boots with slab_nomerge (run.sh) so
# that the slab caches of the flows are accounted under their own names.

set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$DIR/../.." && pwd)
OUT=$REPO/build/bench
INSN=
if [ "${1:-}" = --insn ]; then
	INSN=1
	shift
	OUT=$REPO/build/bench-insn
	export FLOWBR_BENCH_INSN_FRAMES=${FLOWBR_BENCH_INSN_FRAMES:-30000}
	export FLOWBR_BENCH_SCENARIOS=${FLOWBR_BENCH_SCENARIOS:-F1 F2 F3 F4}
	export FLOWBR_BENCH_RUNS=${FLOWBR_BENCH_RUNS:-3}
fi
mkdir -p "$OUT"

if [ "${1:-}" != --report-only ]; then
	t0=$(date +%s)
	rc=0
	if [ -n "$INSN" ]; then
		CFLAGS="-O2 -Wall -Wextra -Werror"
		# shellcheck disable=SC2086 # CFLAGS: several words
		cc $CFLAGS -shared -fPIC -fvisibility=hidden -o "$OUT/fbinsn.so" "$DIR/insn/fbinsn.c"
		# shellcheck disable=SC2086
		cc $CFLAGS -o "$OUT/fbmark" "$DIR/insn/fbmark.c"
		rm -f "$OUT/marks.txt" "$OUT/profile.txt"
		export VM_PLUGIN="$OUT/fbinsn.so,out=$OUT/marks.txt"
		# Per-block counts too (insn_profile.py).
		[ -z "${FLOWBR_BENCH_PROFILE:-}" ] || VM_PLUGIN+=",profile=$OUT/profile.txt"
	fi
	VM_TIMEOUT=${VM_TIMEOUT:-1500} \
		"$REPO/selftests/vm/run.sh" \
		--script "$DIR/run.sh" 2>&1 | tee "$OUT/vm.log" |
		sed -u '/^@@FBBENCH_RAW_BEGIN@@/,/^@@FBBENCH_RAW_END@@/d' || rc=$?
	awk '/^@@FBBENCH_RAW_END@@/ { on = 0 } on; /^@@FBBENCH_RAW_BEGIN@@/ { on = 1 }' \
		"$OUT/vm.log" >"$OUT/raw.jsonl.tmp"
	if [ ! -s "$OUT/raw.jsonl.tmp" ]; then
		rm -f "$OUT/raw.jsonl.tmp"
		echo "bench: the VM run printed no results (status $rc); see $OUT/vm.log" >&2
		exit 1
	fi
	mv "$OUT/raw.jsonl.tmp" "$OUT/raw.jsonl"
	echo
fi
if [ -n "$INSN" ]; then
	python3 "$DIR/insn/insn_report.py" "$OUT/raw.jsonl" "$OUT/marks.txt" | tee "$OUT/results.txt"
	if [ -s "$OUT/profile.txt" ]; then
		python3 "$DIR/insn/insn_profile.py" "$OUT/raw.jsonl" "$OUT/profile.txt" |
			tee "$OUT/profile-results.txt"
	fi
else
	python3 "$DIR/report.py" "$OUT/raw.jsonl" "$OUT"
fi
if [ -n "${t0:-}" ]; then
	echo "make bench${INSN:+-insn}: $(($(date +%s) - t0)) s in all (VM boot included)"
	if [ -n "$INSN" ]; then
		echo "results: ${OUT#"$REPO"/}/results.txt, marks.txt, raw.jsonl"
	else
		echo "results: ${OUT#"$REPO"/}/results.txt, results.json, chart.svg"
	fi
fi
exit "${rc:-0}"
