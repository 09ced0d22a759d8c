# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers for the flowbr selftests. A test script starts with
#
#	#!/bin/bash
#	source "$(dirname "$0")/lib.sh"
#
# and prints KTAP for its subtests (ktap_plan, run_subtest or ktap_ok/...,
# then ktap_finished, which exits 0 = pass, 1 = fail, 4 = skip).
# Everything a test creates through these helpers (namespaces, links,
# bridges, captures, the module it loaded) is removed when it exits, in the
# reverse order of creation; use `defer CMD...` for anything else.
# See Documentation/testing.md.

[ -z "${FLOWBR_LIB_SH:-}" ] || return 0
FLOWBR_LIB_SH=1

SELFTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SELFTEST_DIR/.." && pwd)
# The uapi header: netlink numbers for the python request tools.
UAPI_H=$REPO/kmod/uapi/linux/flowbr.h
FLOWBR_KO=${FLOWBR_KO:-$REPO/kmod/flowbr.ko}
FLOWBR_CLI=${FLOWBR_CLI:-$REPO/genl-tool/flowbr}
FLOWBR_SPLAT_PATTERNS="$SELFTEST_DIR/splat-patterns.txt"
# How many times slower than Debian's kernel (under TCG) the kernel runs:
# make check-debug sets FLOWBR_TIME_SCALE=5 for the debug kernel, where
# KASAN, kmemleak and lockdep slow every system call and packet. It
# multiplies wait_for's timeouts, flowbrd's default max-idle (agent_start)
# and the latency bounds the tests check; the counts they check stay.
TIME_SCALE=${FLOWBR_TIME_SCALE:-1}
case "$TIME_SCALE" in
[1-9] | [1-9][0-9]) ;;
*) echo "FLOWBR_TIME_SCALE=$TIME_SCALE: want a whole number from 1 to 99" >&2; exit 1 ;;
esac
PATH="$(dirname "$FLOWBR_CLI"):/usr/local/sbin:/usr/sbin:/sbin:$PATH"
export REPO FLOWBR_KO FLOWBR_CLI PATH

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TEST_NAME=$(basename "$0" .sh)
FLOWBR_TMP=$(mktemp -d "${TMPDIR:-/tmp}/flowbr-$TEST_NAME.XXXXXX") || exit 1
FLOWBR_DEFER="$FLOWBR_TMP/defer"
: >"$FLOWBR_DEFER"
# The CLI saves the configuration after each change and vsctl keeps
# external_ids: each test in its own files, not /etc/flowbr and /run/flowbr.
FLOWBR_CONF=${FLOWBR_CONF:-$FLOWBR_TMP/flowbr.conf}
FLOWBR_IDS_DIR=${FLOWBR_IDS_DIR:-$FLOWBR_TMP/external-ids}
export FLOWBR_CONF FLOWBR_IDS_DIR
FLOWBR_IN_SUBTEST=0

# ------------------------------------------------------------------ logging

# log MSG...: a diagnostic line ("# MSG"), part of the KTAP output.
log() { printf '# %s\n' "$*"; }

# log_cmd CMD...: run CMD, printing its output as diagnostics.
log_cmd() {
	log "\$ $*"
	"$@" 2>&1 | sed 's/^/#   /'
	return "${PIPESTATUS[0]}"
}

# ------------------------------------------------------------------ KTAP

KTAP_N=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0
KTAP_PLANNED=""

# ktap_plan N: print the KTAP header and plan for N subtests.
ktap_plan() {
	KTAP_PLANNED=$1
	echo "TAP version 13"
	echo "1..$1"
}

ktap_ok() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_N $*"
}

ktap_fail() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAIL=$((KTAP_FAIL + 1))
	echo "not ok $KTAP_N $*"
}

# ktap_skip DESC [REASON]
ktap_skip() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_N $1 # SKIP${2:+ $2}"
}

# ktap_result DESC RC: 0 = ok, 4 = skip, anything else = not ok.
ktap_result() {
	case "$2" in
	0) ktap_ok "$1" ;;
	"$KSFT_SKIP") ktap_skip "$1" ;;
	*) ktap_fail "$1" ;;
	esac
}

# ktap_finished: print the totals and exit 1 if anything failed (or the
# plan was not followed), 4 if everything was skipped, else 0.
ktap_finished() {
	local rc=$KSFT_PASS
	if [ -n "$KTAP_PLANNED" ] && [ "$KTAP_PLANNED" != "$KTAP_N" ]; then
		log "planned $KTAP_PLANNED subtests but ran $KTAP_N"
		rc=$KSFT_FAIL
	fi
	log "Totals: pass:$KTAP_PASS fail:$KTAP_FAIL xfail:0 xpass:0 skip:$KTAP_SKIP error:0"
	if [ "$KTAP_FAIL" -gt 0 ]; then
		rc=$KSFT_FAIL
	elif [ "$rc" = "$KSFT_PASS" ] && [ "$KTAP_PASS" = 0 ] && [ "$KTAP_SKIP" -gt 0 ]; then
		rc=$KSFT_SKIP
	fi
	exit "$rc"
}

# skip_all REASON: skip the whole test (before or instead of its subtests).
skip_all() {
	if [ -z "$KTAP_PLANNED" ]; then
		echo "TAP version 13"
		echo "1..0 # SKIP $*"
	else
		log "SKIP: $*"
	fi
	exit "$KSFT_SKIP"
}

# run_subtest DESC FUNC [ARGS...]: run FUNC in a subshell with `set -e` and
# report it as one KTAP result: ok if it returns 0, SKIP if it calls `skip`
# (or exits 4), not ok otherwise. Note that bash ignores `set -e` inside
# `if`, `&&` and `||` conditions: use `check`/`fail` for assertions there.
run_subtest() {
	local desc=$1 rc errexit=0
	shift
	case $- in *e*) errexit=1 ;; esac
	set +e
	rm -f "$FLOWBR_TMP/skip_reason"
	(
		# shellcheck disable=SC2030 # on purpose: only inside the subtest
		FLOWBR_IN_SUBTEST=1
		# A command failing outside check/fail ends the subtest: say
		# which one (not in the subshells and pipelines it starts).
		trap 'subtest_stopped $? "$BASH_COMMAND" '"$BASHPID" ERR
		set -eE
		"$@"
	)
	rc=$?
	[ "$errexit" = 0 ] || set -e
	case "$rc" in
	0) ktap_ok "$desc" ;;
	"$KSFT_SKIP") ktap_skip "$desc" "$(cat "$FLOWBR_TMP/skip_reason" 2>/dev/null)" ;;
	*) ktap_fail "$desc" ;;
	esac
	return 0
}

# subtest_stopped STATUS COMMAND PID: the ERR trap of run_subtest. Logs
# where the command was (file:line, function) and, when a function call
# failed (COMMAND is then its last `return N`), that line's text instead.
subtest_stopped() {
	local file=${BASH_SOURCE[1]} line=${BASH_LINENO[0]} cmd=$2
	[ "$BASHPID" = "$3" ] || return 0
	case "$cmd" in
	return*) cmd=$(sed -n "${line}{s/^[[:space:]]*//;p}" "$file" 2>/dev/null) ;;
	esac
	log "FAIL: ${file##*/}:$line (${FUNCNAME[1]}): '$cmd' returned $1"
}

# skip REASON: in a subtest, skip it; elsewhere, skip the whole test.
skip() {
	# shellcheck disable=SC2031
	if [ "$FLOWBR_IN_SUBTEST" = 1 ]; then
		echo "$*" >"$FLOWBR_TMP/skip_reason"
		exit "$KSFT_SKIP"
	fi
	skip_all "$@"
}

# fail MSG: log MSG and fail the current subtest (or the whole test).
fail() {
	log "FAIL: $*"
	exit "$KSFT_FAIL"
}

# ------------------------------------------------------------------ checks

# check CMD...: run CMD; if it fails, log it and return 1.
check() {
	if "$@"; then return 0; fi
	log "FAIL: command failed: $*"
	return 1
}

# check_fail CMD...: run CMD; if it succeeds, log it and return 1.
check_fail() {
	if ! "$@"; then return 0; fi
	log "FAIL: command succeeded but should have failed: $*"
	return 1
}

# check_eq GOT WANT WHAT: compare two strings.
check_eq() {
	if [ "$1" = "$2" ]; then return 0; fi
	log "FAIL: ${3:-value}: got '$1', want '$2'"
	return 1
}

# check_contains TEXT NEEDLE WHAT: TEXT contains NEEDLE (a fixed string).
check_contains() {
	if [[ "$1" == *"$2"* ]]; then return 0; fi
	log "FAIL: ${3:-output} does not contain '$2':"
	printf '%s\n' "$1" | sed 's/^/#   /'
	return 1
}

# check_not_contains TEXT NEEDLE WHAT
check_not_contains() {
	if [[ "$1" != *"$2"* ]]; then return 0; fi
	log "FAIL: ${3:-output} contains '$2':"
	printf '%s\n' "$1" | sed 's/^/#   /'
	return 1
}

# require_cmd CMD...: skip (the subtest or the test) if a command is missing.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
	done
}

# require_root: skip unless running as root.
require_root() {
	[ "$(id -u)" = 0 ] || skip "must run as root"
}

# require_cli: fail unless the flowbr CLI has been built.
require_cli() {
	[ -x "$FLOWBR_CLI" ] ||
		fail "$FLOWBR_CLI not found: build it with 'make tools'"
}

# wait_for TIMEOUT_S CMD...: poll CMD every 0.1 s until it succeeds; return 1
# if it still fails after TIMEOUT_S (times TIME_SCALE) seconds.
wait_for() {
	local end=$((SECONDS + $1 * TIME_SCALE))
	shift
	while true; do
		"$@" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# ------------------------------------------------------------------ cleanup

# defer CMD...: run CMD (errors ignored) when the test exits, in reverse
# order of registration. Works from subtests too.
defer() {
	local a
	for a in "$@"; do printf '%q ' "$a"; done >>"$FLOWBR_DEFER"
	echo >>"$FLOWBR_DEFER"
}

flowbr_cleanup() {
	local rc=$? line
	trap - EXIT
	set +e
	if [ -s "$FLOWBR_DEFER" ]; then
		while IFS= read -r line; do
			eval "$line" >/dev/null 2>&1 </dev/null
		done < <(tac "$FLOWBR_DEFER")
	fi
	rm -rf "$FLOWBR_TMP"
	exit "$rc"
}
trap flowbr_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ module

# module_loaded: true if flowbr is loaded.
module_loaded() {
	grep -q '^flowbr ' /proc/modules 2>/dev/null
}

# load_module [PARAMS...]: insmod $FLOWBR_KO (after the modules it depends
# on) unless flowbr is already loaded; a module this test loaded is
# unloaded again when the test exits.
# shellcheck disable=SC2120 # tests may pass module parameters
load_module() {
	local deps d
	module_loaded && return 0
	if [ ! -f "$FLOWBR_KO" ]; then
		log "$FLOWBR_KO not found: build it with 'make module'"
		return 1
	fi
	deps=$(modinfo -F depends "$FLOWBR_KO" 2>/dev/null | tr ',' ' ')
	for d in $deps; do
		modprobe "$d" || { log "modprobe $d (needed by flowbr) failed"; return 1; }
	done
	if ! insmod "$FLOWBR_KO" "$@"; then
		log "insmod $FLOWBR_KO failed; last kernel messages:"
		dmesg | tail -n 5 | sed 's/^/#   /'
		return 1
	fi
	defer unload_module
}

# unload_module: rmmod flowbr if loaded (retrying for up to 5 s while it is
# busy, e.g. until deferred work or RCU callbacks have run).
unload_module() {
	local _
	module_loaded || return 0
	for _ in $(seq 50); do
		rmmod flowbr 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod flowbr
}

# genl_family_id NAME: print the id (decimal) of generic netlink family
# NAME, as iproute2's `genl ctrl get` reports it; fails if not registered.
genl_family_id() {
	local id
	id=$(genl ctrl get name "$1" 2>/dev/null | sed -n 's/.*ID: *\(0x[0-9a-fA-F]*\).*/\1/p' | head -n 1)
	[ -n "$id" ] || return 1
	echo $((id))
}

# genl_family_version NAME: print the version (decimal) of family NAME.
genl_family_version() {
	local v
	v=$(genl ctrl get name "$1" 2>/dev/null | sed -n 's/.*Version: *\(0x[0-9a-fA-F]*\).*/\1/p' | head -n 1)
	[ -n "$v" ] || return 1
	echo $((v))
}

# shrink_slabs [CACHE...]: give the empty and per-CPU (partial) slabs of
# CACHE (default: every cache) back, so that /proc/slabinfo's active objects
# are the allocated ones. On KASAN kernels this also drains the quarantine,
# where freed objects stay (and count as active) until it is full: without
# it, any allocation churn looks like a leak. Objects freed by RCU count
# until their grace period has passed.
shrink_slabs() {
	local d
	if [ $# -gt 0 ]; then
		for d in "$@"; do
			echo 1 2>/dev/null >"/sys/kernel/slab/$d/shrink" || true
		done
		return 0
	fi
	for d in /sys/kernel/slab/*; do
		[ -L "$d" ] || echo 1 2>/dev/null >"$d/shrink" || true
	done
}

# ------------------------------------------------------------------ kernel log

# dmesg_mark [LABEL]: remember the end of the kernel log (and tag it there).
dmesg_mark() {
	dmesg | wc -l >"$FLOWBR_TMP/dmesg_mark"
	echo "flowbr-selftest: $TEST_NAME: ${1:-mark}" >/dev/kmsg 2>/dev/null || true
}

# dmesg_since_mark: kernel log lines since the last dmesg_mark.
dmesg_since_mark() {
	local n
	n=$(cat "$FLOWBR_TMP/dmesg_mark" 2>/dev/null || echo 0)
	dmesg | tail -n "+$((n + 1))"
}

# check_no_splat: fail (log the lines) if the kernel log has a WARNING, BUG,
# Oops, ... (selftests/splat-patterns.txt) since the last dmesg_mark.
check_no_splat() {
	local s
	s=$(dmesg_since_mark | grep -Ef <(grep -Ev '^(#|$)' "$FLOWBR_SPLAT_PATTERNS") || true)
	[ -z "$s" ] && return 0
	log "FAIL: kernel log splat:"
	printf '%s\n' "$s" | head -n 40 | sed 's/^/#   /'
	return 1
}

# ------------------------------------------------------------------ netns, links

# in_ns NS CMD...: run CMD in netns NS (in the current one if NS is empty).
in_ns() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$@"
	else
		"$@"
	fi
}

# ns_create NAME...: create network namespaces (lo up), deleted at exit.
ns_create() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || return 1
		defer ip netns del "$ns"
		# IPv4 only: IPv6 autoconf chatter (RS, MLD, DAD) would add
		# upcalls and frames at random times and make counts flaky.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
		ip -n "$ns" link set lo up || return 1
	done
}

# veth_pair A B [NS_A [NS_B]]: create a veth pair A<->B, move the ends into
# the given namespaces (if any) and set both up. Deleted at exit.
veth_pair() {
	local a=$1 b=$2 nsa=${3:-} nsb=${4:-}
	ip link add "$a" type veth peer name "$b" || return 1
	if [ -n "$nsa" ]; then
		ip link set "$a" netns "$nsa" || return 1
		defer ip -n "$nsa" link del "$a"
	else
		defer ip link del "$a"
	fi
	[ -z "$nsb" ] || ip link set "$b" netns "$nsb" || return 1
	ip ${nsa:+-n "$nsa"} link set "$a" up &&
		ip ${nsb:+-n "$nsb"} link set "$b" up
}

# ns_veth NS HOSTIF [ADDR/PLEN] [NSIF]: create namespace NS if needed and a
# veth pair HOSTIF (current namespace) <-> NSIF (default eth0, inside NS,
# with ADDR if given, IPv6 DAD off). Both ends up.
ns_veth() {
	local ns=$1 hostif=$2 addr=${3:-} nsif=${4:-eth0}
	[ -e "/run/netns/$ns" ] || ns_create "$ns" || return 1
	ip link add "$hostif" type veth peer name "$nsif" netns "$ns" || return 1
	defer ip link del "$hostif"
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$nsif.accept_dad=0" 2>/dev/null
	[ -z "$addr" ] || ip -n "$ns" addr add "$addr" dev "$nsif" || return 1
	ip -n "$ns" link set "$nsif" up && ip link set "$hostif" up
}

# ns_veth_to BR NS HOSTIF [ADDR/PLEN] [ADD-PORT OPTIONS...]: ns_veth, then
# attach HOSTIF to flowbr bridge BR with `flowbr add-port BR HOSTIF OPTIONS`.
ns_veth_to() {
	local br=$1 ns=$2 hostif=$3 addr=${4:-}
	shift $(($# < 4 ? $# : 4))
	ns_veth "$ns" "$hostif" "$addr" || return 1
	flowbr add-port "$br" "$hostif" "$@"
}

# ipv6_default_off: devices created from now on get no IPv6 (no autoconf
# chatter in captures and counters); restored when the test exits.
ipv6_default_off() {
	local old
	old=$(sysctl -n net.ipv6.conf.default.disable_ipv6) || return 1
	sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || return 1
	defer sysctl -qw "net.ipv6.conf.default.disable_ipv6=$old"
}

# full_tests: true when the long forms are asked for (FLOWBR_FULL=1, as
# make check-debug sets it by default); FLOWBR_FULL=0 or unset: short forms.
full_tests() {
	[ "${FLOWBR_FULL:-0}" = 1 ]
}

# test_setup [agent] [ipv6] [COMMAND...]: how most tests' setup starts: root,
# the CLI (and flowbrd with "agent"), the COMMANDs they run, the module
# loaded, and with "ipv6" no IPv6 on the interfaces created from now on
# (no router solicitations or DAD in the counters).
test_setup() {
	local agent=0 v6=0
	[ "${1:-}" = agent ] && { agent=1; shift; }
	[ "${1:-}" = ipv6 ] && { v6=1; shift; }
	require_root
	require_cli
	[ "$agent" = 0 ] || require_agent
	[ $# = 0 ] || require_cmd "$@"
	# shellcheck disable=SC2119 # the module without parameters
	load_module || fail "cannot load the module"
	[ "$v6" = 0 ] || ipv6_default_off || fail "cannot turn IPv6 off"
}

# host_port BR NS HOSTIF ADDR MAC [ADD-PORT OPTIONS...]: a host on a flowbr
# port: netns NS (IPv4 only) whose eth0 (ADDR unless empty, MAC) is a veth
# to HOSTIF, which is added to bridge BR with OPTIONS (BR "-": not added).
host_port() {
	local br=$1 ns=$2 hostif=$3 addr=$4 mac=$5
	shift 5
	ns_create "$ns" || return 1
	ns_veth "$ns" "$hostif" "$addr" || return 1
	ip -n "$ns" link set eth0 address "$mac" || return 1
	[ "$br" = - ] || flowbr add-port "$br" "$hostif" "$@"
}

# ns_vlan NS PARENT VID [ADDR/PLEN]: 802.1Q interface PARENT.VID in NS, up.
ns_vlan() {
	local ns=$1 parent=$2 vid=$3 addr=${4:-}
	ip -n "$ns" link add link "$parent" name "$parent.$vid" type vlan id "$vid" || return 1
	[ -z "$addr" ] || ip -n "$ns" addr add "$addr" dev "$parent.$vid" || return 1
	ip -n "$ns" link set "$parent.$vid" up
}

# link_exists DEV [NS]
link_exists() {
	ip ${2:+-n "$2"} link show dev "$1" >/dev/null 2>&1
}

# link_mac DEV [NS]: print the MAC address of DEV.
link_mac() {
	cat "/sys/class/net/$1/address" 2>/dev/null && return 0
	ip ${2:+-n "$2"} -o link show dev "$1" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

_iface_up() {
	local out
	out=$(ip ${2:+-n "$2"} -o link show dev "$1" 2>/dev/null) || return 1
	[[ "$out" == *"<"*UP*">"* ]] || return 1
	[[ "$out" == *"state UP"* || "$out" == *"state UNKNOWN"* ]]
}

# waitiface DEV [NS] [TIMEOUT_S=10]: wait until DEV exists, is up and its
# operational state is UP (or UNKNOWN, for devices without a carrier).
waitiface() {
	wait_for "${3:-10}" _iface_up "$1" "${2:-}" && return 0
	log "interface $1${2:+ (netns $2)} did not come up"
	return 1
}

# ------------------------------------------------------------------ bridges

# br_create NAME [OPTIONS...]: flowbr add-br, deleted again at exit.
br_create() {
	flowbr add-br "$@" || return 1
	defer flowbr del-br "$1"
}

# ------------------------------------------------------------------ unprivileged

# as_nobody CMD...: run CMD as uid/gid 65534 without supplementary groups
# (and so without capabilities). Use nobody_cli for the flowbr binary.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# nobody_cli: print the path of a copy of the flowbr CLI that uid 65534 can
# execute (the repository itself may not be readable to it).
nobody_cli() {
	local d
	if [ -z "${FLOWBR_NOBODY_DIR:-}" ]; then
		d=$(mktemp -d /tmp/flowbr-cli.XXXXXX) || return 1
		chmod 0755 "$d"
		install -m 0755 "$FLOWBR_CLI" "$d/flowbr" || return 1
		defer rm -rf "$d"
		FLOWBR_NOBODY_DIR=$d
	fi
	echo "$FLOWBR_NOBODY_DIR/flowbr"
}

# The datapath tests' and the agent tests' helpers.
# shellcheck source=selftests/lib_dp.sh
source "$SELFTEST_DIR/lib_dp.sh"
# shellcheck source=selftests/lib_agent.sh
source "$SELFTEST_DIR/lib_agent.sh"
