#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the flowbr selftests (TEST_PROGS of selftests/Makefile) and print KTAP.
#
#   run_tests.sh            all tests
#   run_tests.sh NAME...    only these (with or without .sh)
#   run_tests.sh -l         list the tests
#
# Each test runs with the timeout of selftests/settings (timeout=N seconds;
# FLOWBR_TEST_TIMEOUT overrides), its output prefixed with "# ". Exit
# status 0 = ok, 4 = skip, anything else (or a timeout, or a kernel log
# splat during the test) = not ok. Ends with "N passed, N failed, N skipped"
# and exits 1 if any test failed.
#
# FLOWBR_TIME_BUDGET=SECONDS: start no test after that many seconds; the
# tests left are reported as skipped (for CI runs on a slow kernel).

set -u

DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=flowbr

list_tests() {
	# TEST_PROGS := a b \ (continued) ; TEST_PROGS += c
	awk '
		{ line = line $0 }
		/\\$/ { sub(/\\$/, " ", line); next }
		{
			if (line ~ /^[ \t]*TEST_PROGS[ \t]*[:+]?=/) {
				sub(/^[^=]*=/, "", line)
				printf "%s ", line
			}
			line = ""
		}' "$DIR/Makefile" | tr -s ' \t' '\n' | awk 'NF && !seen[$0]++'
}

mapfile -t all < <(list_tests)
if [ "${1:-}" = -l ]; then
	printf '%s\n' "${all[@]}"
	exit 0
fi

tests=()
if [ $# -gt 0 ]; then
	for want in "$@"; do
		want=${want%.sh}.sh
		found=""
		for t in "${all[@]}"; do
			if [ "$t" = "$want" ]; then found=$t; fi
		done
		if [ -z "$found" ]; then
			echo "run_tests.sh: unknown test '${want%.sh}'; the tests are: ${all[*]%.sh}" >&2
			echo "0 passed, 1 failed, 0 skipped"
			exit 1
		fi
		tests+=("$found")
	done
else
	tests=("${all[@]}")
fi

timeout=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$DIR/settings" 2>/dev/null | tail -n 1)
timeout=${FLOWBR_TEST_TIMEOUT:-${timeout:-300}}

patterns=$(mktemp)
trap 'rm -f "$patterns"' EXIT
grep -Ev '^(#|$)' "$DIR/splat-patterns.txt" >"$patterns" 2>/dev/null || true
can_dmesg=0
if dmesg >/dev/null 2>&1 && [ -w /dev/kmsg ]; then can_dmesg=1; fi

kmsg() {
	if [ "$can_dmesg" = 1 ]; then echo "flowbr-selftest: $*" >/dev/kmsg; fi
}

# What a test leaves behind when it is killed (its timeout, with a cleanup
# slower than the grace period in a debug kernel) would fail the next tests
# on names in use ("File exists"). In the test VM (or with FLOWBR_SWEEP=1),
# after a test that did not pass, the runner removes the flowbr bridges and
# flowbrd, then the network namespaces and links that were not there before
# the first test, and says what it removed.
grace=$((10 * ${FLOWBR_TIME_SCALE:-1}))
sweep=${FLOWBR_SWEEP:-0}
if [ -e /run/fbvm/job.sh ]; then sweep=${FLOWBR_SWEEP:-1}; fi
cli=${FLOWBR_CLI:-$DIR/../genl-tool/flowbr}
net_things() {
	ip netns list 2>/dev/null | awk '{ print "netns", $1 }'
	ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print "link", $2 }'
}
baseline=""
if [ "$sweep" = 1 ]; then baseline=$(net_things | sort); fi

sweep_leftovers() {
	local br kind name left=()
	pkill -KILL -x flowbrd 2>/dev/null && left+=("flowbrd")
	if [ -x "$cli" ] && [ -d /sys/module/flowbr ]; then
		for br in $("$cli" list-br 2>/dev/null); do
			"$cli" del-br "$br" >/dev/null 2>&1 && left+=("bridge $br")
		done
	fi
	while read -r kind name; do
		case "$kind" in
		netns) ip netns del "$name" 2>/dev/null && left+=("netns $name") ;;
		link) ip link del "$name" 2>/dev/null && left+=("link $name") ;;
		esac
	done < <(comm -13 <(echo "$baseline") <(net_things | sort))
	if [ ${#left[@]} -gt 0 ]; then
		echo "# removed what $1 left behind: ${left[*]}"
	fi
}

echo "TAP version 13"
echo "1..${#tests[@]}"

budget=${FLOWBR_TIME_BUDGET:-}
n=0
pass=0
fail=0
skip=0
failed=()
for t in "${tests[@]}"; do
	n=$((n + 1))
	echo "# selftests: $SUITE: $t"
	if [ -n "$budget" ] && [ "$SECONDS" -ge "$budget" ]; then
		echo "ok $n $SUITE: $t # SKIP time budget of ${budget}s used up"
		skip=$((skip + 1))
		continue
	fi
	if [ ! -x "$DIR/$t" ]; then
		echo "# Warning: file $t is missing or not executable"
		echo "not ok $n $SUITE: $t # missing or not executable"
		fail=$((fail + 1))
		failed+=("$t")
		continue
	fi
	log=$(mktemp)
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	before=0
	if [ "$can_dmesg" = 1 ]; then before=$(dmesg | wc -l); fi
	kmsg "begin $t"
	start=$SECONDS
	# timeout(1) puts the test in its own process group and, on expiry,
	# signals all of it: TERM, which runs the test's cleanup, then KILL
	# after $grace s; whatever the test left running is killed after.
	timeout -k "$grace" "$timeout" "$DIR/$t" </dev/null >"$fifo" 2>&1 &
	tpid=$!
	sed -u 's/^/# /' <"$fifo" | tee "$log" &
	spid=$!
	wait "$tpid"
	rc=$?
	kill -TERM -- "-$tpid" 2>/dev/null
	wait "$spid"
	rm -f "$fifo"
	secs=$((SECONDS - start))
	kmsg "end $t rc=$rc"

	directive=""
	if [ "$can_dmesg" = 1 ]; then
		splat=$(dmesg | tail -n "+$((before + 1))" | grep -Ef "$patterns" | head -n 40)
		if [ -n "$splat" ]; then
			echo "# kernel log splat during $t:"
			printf '%s\n' "$splat" | sed 's/^/#   /'
			rc=1
			directive=" # kernel splat"
		fi
	fi
	echo "# $t: exit status $rc after ${secs}s"
	case "$rc" in
	0)
		echo "ok $n $SUITE: $t"
		pass=$((pass + 1))
		;;
	4)
		reason=$(grep -oE 'SKIP.*' "$log" | tail -n 1 | sed -E 's/^SKIP:? *//')
		echo "ok $n $SUITE: $t # SKIP${reason:+ $reason}"
		skip=$((skip + 1))
		;;
	124 | 137)
		echo "not ok $n $SUITE: $t # TIMEOUT $timeout seconds"
		fail=$((fail + 1))
		failed+=("$t")
		;;
	*)
		echo "not ok $n $SUITE: $t # exit=$rc${directive}"
		fail=$((fail + 1))
		failed+=("$t")
		;;
	esac
	rm -f "$log"
	if [ "$sweep" = 1 ] && [ "$rc" != 0 ] && [ "$rc" != 4 ]; then
		sweep_leftovers "$t"
	fi
done

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
if [ "$fail" -gt 0 ]; then
	echo "# FAILED: ${failed[*]}"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
