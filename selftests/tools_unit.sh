#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools_unit: the userspace unit tests of genl-tool (`make -C genl-tool
# test`), one KTAP result per program: test_parse (the CLI's argument
# parsers) and test_upq (the agent's per-port upcall queues: FIFO per
# port, round-robin between ports, the byte limit and what it drops) and
# test_fdb (the agent's MAC table and the generation number that tells the
# revalidator when a pass must read every flow).
# Needs neither root nor the module.

source "$(dirname "$0")/lib.sh"

# unit PROG: run genl-tool/PROG; pass if it ends with "N passed, 0 failed"
# (N > 0) and exits 0. Its failure lines become diagnostics.
unit() {
	local prog="$REPO/genl-tool/$1" out rc=0 last
	[ -x "$prog" ] || fail "$prog not found: build it with 'make tools'"
	out=$("$prog" 2>&1) || rc=$?
	grep -v '^[0-9]* passed, [0-9]* failed$' <<<"$out" | sed 's/^/  /' |
		while IFS= read -r l; do log "$l"; done
	last=$(tail -n 1 <<<"$out")
	log "$1: $last"
	check_eq "$rc" 0 "exit status of $1"
	[[ "$last" =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]] ||
		fail "$1 did not end with 'N passed, 0 failed'"
}

ktap_plan 3
run_subtest "argument parsers (test_parse)" unit test_parse
run_subtest "agent upcall queues: per-port FIFO, round-robin, byte limit (test_upq)" unit test_upq
run_subtest "agent MAC table: learn, move, evict, age, remove, generation (test_fdb)" unit test_fdb
ktap_finished
