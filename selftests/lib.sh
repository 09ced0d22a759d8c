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

# ------------------------------------------------------------------ captures

# capture_start VAR DEV [NS]: start tcpdump on DEV (in netns NS) writing a
# pcap; store the capture handle in VAR. Returns once tcpdump listens.
# (Same as pcap_start VAR NS DEV.)
capture_start() {
	pcap_start "$1" "${3:-}" "$2"
}

# capture_stop HANDLE: stop the capture (flushing the pcap). Idempotent.
capture_stop() {
	pcap_stop "$1"
}

# count_packets HANDLE [FILTER...]: stop the capture, then print how many
# captured frames match the pcap-filter expression FILTER (all if none),
# i.e. `tcpdump -r FILE -e -nn FILTER | wc -l`.
# VLAN semantics: in a pcap file, tags are inline. `vlan` matches 802.1Q
# frames and shifts the offsets for the rest of the expression, so
# `vlan 100 and icmp` is "tagged 100 carrying ICMP", while `icmp` alone
# matches untagged ICMP only. Untagged only: `not vlan and ...`. Avoid
# `vlan` after `or`/`not` that are expected to see untagged offsets.
count_packets() {
	local h=$1
	shift
	capture_stop "$h"
	tcpdump -r "$h.pcap" -e -nn "$@" 2>/dev/null | wc -l
}

# capture_dump HANDLE [FILTER...]: log the captured frames (for debugging).
capture_dump() {
	local h=$1
	shift
	capture_stop "$h"
	tcpdump -r "$h.pcap" -e -nn "$@" 2>/dev/null | head -n 50 | sed 's/^/#   /'
}

# ------------------------------------------------------------------ JSON

# json_get PATH: read JSON on stdin and print the value at PATH, a
# dot-separated list of object keys, list indexes, or KEY=VALUE selecting
# the first list element whose KEY equals VALUE, e.g.
#	flowbr -j list-br | json_get 'bridges.name=solbr.stats.rx_packets'
# Scalars print bare (booleans as true/false), others as JSON. Fails when
# PATH is not there.
json_get() {
	python3 -c '
import json, sys
path = sys.argv[1]
try:
    v = json.load(sys.stdin)
except ValueError as e:
    sys.exit("json_get: invalid JSON: %s" % e)
for part in [p for p in path.split(".") if p]:
    try:
        if isinstance(v, list):
            if "=" in part:
                k, want = part.split("=", 1)
                v = next(e for e in v if isinstance(e, dict) and str(e.get(k)) == want)
            else:
                v = v[int(part)]
        elif isinstance(v, dict):
            v = v[part]
        else:
            raise KeyError(part)
    except (KeyError, IndexError, ValueError, StopIteration):
        sys.exit("json_get: %s: no %r" % (path, part))
if isinstance(v, bool):
    print("true" if v else "false")
elif isinstance(v, (dict, list)):
    print(json.dumps(v, sort_keys=True))
elif v is None:
    print("null")
else:
    print(v)
' "$1"
}

# stat_get PATH CLI-ARGS...: run `flowbr -j CLI-ARGS` and print PATH of its
# JSON output (see json_get), e.g. stat_get 'rx_packets' show-br solbr.
stat_get() {
	local path=$1
	shift
	flowbr -j "$@" | json_get "$path"
}

# json_valid: true if stdin is valid JSON.
json_valid() {
	python3 -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null
}

# ------------------------------------------------------------------ datapath
# Helpers of the datapath tests (dp_*.sh), appended by their owner.

# nsrun NS CMD...: run CMD in netns NS (the current one if NS is empty)
# with nsenter: much cheaper than `ip netns exec` in the slow test VM, but
# without its /etc/netns and /sys remounting.
nsrun() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		nsenter --net="/run/netns/$ns" -- "$@"
	else
		"$@"
	fi
}

# ping_ok NS ADDR [PING-OPTIONS...]: at least one reply to 3 pings.
ping_ok() {
	local ns=$1 addr=$2
	shift 2
	nsrun "$ns" ping -q -c 3 -i 0.2 -W 1 "$@" "$addr" >/dev/null 2>&1 && return 0
	log "FAIL: no reply to ping $addr${ns:+ from netns $ns}"
	return 1
}

# ping_fails NS ADDR [PING-OPTIONS...]: no reply to 2 pings.
ping_fails() {
	local ns=$1 addr=$2
	shift 2
	nsrun "$ns" ping -q -c 2 -i 0.2 -W 1 "$@" "$addr" >/dev/null 2>&1 || return 0
	log "FAIL: ping $addr${ns:+ from netns $ns} got a reply"
	return 1
}

# send_frames NS DEV DST SRC [KEY=VALUE...]: send raw Ethernet frames out
# of DEV (in netns NS) through a packet socket. Keys: count=N (1), len=N
# (frame length without FCS, default 60), type=ETHERTYPE (default 0x88b5,
# local experimental), vid=N adds a tag (vid=0: a priority tag), with
# pcp=N (0) and tpid=0x8100|0x88a8 (0x8100); inner=N adds a second,
# 802.1Q, tag under it.
send_frames() {
	local ns=$1
	shift
	nsrun "$ns" python3 -I -S -c '
import socket, struct, sys
dev, dst, src = sys.argv[1:4]
o = dict(a.split("=", 1) for a in sys.argv[4:])
mac = lambda s: bytes.fromhex(s.replace(":", ""))
hdr = mac(dst) + mac(src)
if "vid" in o:
    tci = (int(o.get("pcp", "0")) << 13) | int(o["vid"])
    hdr += struct.pack("!HH", int(o.get("tpid", "0x8100"), 0), tci)
if "inner" in o:
    hdr += struct.pack("!HH", 0x8100, int(o["inner"]))
hdr += struct.pack("!H", int(o.get("type", "0x88b5"), 0))
size = int(o.get("len", "60"))
frame = hdr + b"flowbr-selftest".ljust(max(size - len(hdr), 0), b"\0")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((dev, 0))
for _ in range(int(o.get("count", "1"))):
    s.send(frame)
' "$@"
}

# pcap_start VAR NS DEV: capture on DEV (in netns NS) into a pcap file and
# store the handle in VAR; returns once tcpdump listens. Unlike
# capture_start, the pid kept is tcpdump's own, so pcap_stop is quick.
pcap_start() {
	local var=$1 ns=$2 dev=$3 h pid
	h=$(mktemp "$FLOWBR_TMP/pcap.XXXXXX") || return 1
	if [ -n "$ns" ]; then
		nsenter --net="/run/netns/$ns" -- tcpdump -i "$dev" -nn -U \
			--immediate-mode -Z root -w "$h.pcap" 2>"$h.err" </dev/null &
	else
		tcpdump -i "$dev" -nn -U --immediate-mode -Z root \
			-w "$h.pcap" 2>"$h.err" </dev/null &
	fi
	pid=$!
	echo "$pid" >"$h.pid"
	defer kill "$pid"
	if ! wait_for 10 grep -q "listening on" "$h.err"; then
		log "tcpdump on $dev did not start:"
		sed 's/^/#   /' "$h.err"
		return 1
	fi
	printf -v "$var" '%s' "$h"
}

# pcap_stop HANDLE: let tcpdump catch up, stop it. Idempotent.
pcap_stop() {
	local pid
	pid=$(cat "$1.pid" 2>/dev/null) || return 0
	rm -f "$1.pid"
	sleep 0.5
	kill -TERM "$pid" 2>/dev/null || return 0
	wait_for 5 eval "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}

# pcap_lines HANDLE [FILTER...]: stop the capture and print one line per
# frame, the `tcpdump -e -nn` headline (a tag shows as "vlan N, p P").
pcap_lines() {
	local h=$1
	shift
	pcap_stop "$h"
	tcpdump -r "$h.pcap" -e -nn "$@" 2>/dev/null | grep -v '^[[:space:]]' || true
}

# pcap_count HANDLE ERE [FILTER...]: how many frames have a headline (see
# pcap_lines) matching the extended regexp ERE.
pcap_count() {
	local h=$1 re=$2
	shift 2
	pcap_lines "$h" "$@" | grep -cE -- "$re" || true
}

# nlreq CMD [ATTR=TYPE:VALUE...]: one raw flowbr request through
# fb_nlreq.py (see its header): what the CLI cannot or will not send. On
# an error it prints "Error: EXTACK (errno N: TEXT)" on stderr and exits 1.
nlreq() {
	python3 -I -S "$SELFTEST_DIR/fb_nlreq.py" "$UAPI_H" "$@"
}

# jval PATH: like json_get (same PATH syntax and output), but python3 starts
# without site packages: ~10 times quicker in the TCG VM, for tests that
# read many values.
jval() {
	python3 -I -S -c '
import json, sys
v = json.load(sys.stdin)
for step in filter(None, sys.argv[1].split(".")):
    if isinstance(v, list) and "=" in step:
        k, want = step.split("=", 1)
        found = [e for e in v if isinstance(e, dict) and str(e.get(k)) == want]
        if not found:
            sys.exit("jval: %s: nothing with %s" % (sys.argv[1], step))
        v = found[0]
    elif isinstance(v, list) and step.lstrip("-").isdigit() and -len(v) <= int(step) < len(v):
        v = v[int(step)]
    elif isinstance(v, dict) and step in v:
        v = v[step]
    else:
        sys.exit("jval: %s: no %s" % (sys.argv[1], step))
if isinstance(v, (dict, list)):
    print(json.dumps(v, sort_keys=True))
elif isinstance(v, bool):
    print(str(v).lower())
else:
    print("null" if v is None else v)
' "$1"
}

# port_stat BR PORT KEY: a counter of a flowbr port from `flowbr -j stats`,
# KEY as in its JSON: rx_packets, upcalls, drops.vlan_tagged, ...
port_stat() {
	flowbr -j stats "$1" "$2" | jval "ports.0.stats.$3"
}

# br_stat BR KEY: a bridge counter (hit, missed, lost, fallback, ...).
br_stat() {
	flowbr -j stats "$1" | jval "stats.$2"
}

# pcap_frames HANDLE SRC [TAG]: how many send_frames frames (ethertype
# 0x88b5) from MAC SRC the capture has, by TAG: untagged (the default),
# VID (tagged VID, any PCP), VID:PCP, or any (tagged or not).
pcap_frames() {
	local h=$1 src=$2 tag=${3:-untagged} re
	re=" $src > [^ ]+, ethertype"
	case "$tag" in
	any) ;;
	untagged) re+=" Unknown \(0x88b5\)" ;;
	*:*) re+=" 802\.1Q \(0x8100\), length [0-9]+: vlan ${tag%%:*}, p ${tag#*:}, ethertype Unknown \(0x88b5\)" ;;
	*) re+=" 802\.1Q \(0x8100\), length [0-9]+: vlan $tag, p [0-7], ethertype Unknown \(0x88b5\)" ;;
	esac
	pcap_count "$h" "$re"
}

# ------------------------------------------------------------------ agent
# Helpers of the agent tests (agent_*.sh), appended by their owner.

FLOWBRD=${FLOWBRD:-$REPO/genl-tool/flowbrd}
FLOWBRD_LOG="$FLOWBR_TMP/flowbrd.log"
FLOWBRD_PIDFILE="$FLOWBR_TMP/flowbrd.pid"

# require_agent: fail unless flowbrd has been built.
require_agent() {
	[ -x "$FLOWBRD" ] ||
		fail "$FLOWBRD not found: build it with 'make tools'"
}

# agent_start [FLOWBRD-OPTIONS...]: start flowbrd --detach (its log goes to
# $FLOWBRD_LOG); returns once it has registered with every bridge. It is
# stopped (SIGTERM) when the test exits. Without --max-idle, flows idle for
# 10 s (flowbrd's default) times TIME_SCALE expire.
agent_start() {
	case " $* " in
	*" --max-idle "*) ;;
	*) [ "$TIME_SCALE" = 1 ] || set -- --max-idle "$((10 * TIME_SCALE))s" "$@" ;;
	esac
	if ! "$FLOWBRD" --detach --pidfile "$FLOWBRD_PIDFILE" "$@" \
		2>>"$FLOWBRD_LOG"; then
		log "flowbrd $* did not start; its log:"
		tail -n 20 "$FLOWBRD_LOG" | sed 's/^/#   /'
		return 1
	fi
	defer agent_stop
}

# agent_pid: print the pid of the flowbrd started by agent_start.
agent_pid() {
	cat "$FLOWBRD_PIDFILE" 2>/dev/null
}

# agent_stop: SIGTERM flowbrd and wait (5 s, then SIGKILL) until it is
# gone. Idempotent.
agent_stop() {
	local pid
	pid=$(agent_pid) || return 0
	rm -f "$FLOWBRD_PIDFILE"
	kill -TERM "$pid" 2>/dev/null || return 0
	wait_for 5 eval "! kill -0 $pid 2>/dev/null" && return 0
	log "flowbrd ($pid) ignored SIGTERM: killing it"
	kill -KILL "$pid" 2>/dev/null
	return 1
}

# agent_kill: SIGKILL flowbrd (as a crash would) and wait until it is gone.
agent_kill() {
	local pid
	pid=$(agent_pid) || return 0
	rm -f "$FLOWBRD_PIDFILE"
	kill -KILL "$pid" 2>/dev/null || return 0
	wait_for 5 eval "! kill -0 $pid 2>/dev/null"
}

# agent_log: print flowbrd's log as diagnostics.
agent_log() {
	log "flowbrd log:"
	tail -n "${1:-30}" "$FLOWBRD_LOG" 2>/dev/null | sed 's/^/#   /'
}

# agent_stat KEY [BR]: a counter of `flowbr -j agent-stats`: agent-wide,
# or of bridge BR (macs, flows, registered, kernel_upcalls, ...).
agent_stat() {
	if [ -n "${2:-}" ]; then
		flowbr -j agent-stats | json_get "bridges.name=$2.$1"
	else
		flowbr -j agent-stats | json_get "$1"
	fi
}

# fdb_port BR VLAN MAC: print the port number flowbrd learned MAC on in
# VLAN (fails if it has not learned it).
fdb_port() {
	flowbr -j fdb-show "$1" | python3 -c '
import json, sys
vlan, mac = int(sys.argv[1]), sys.argv[2].lower()
for e in json.load(sys.stdin):
    if e["vlan"] == vlan and e["mac"] == mac:
        print(e["port"])
        sys.exit(0)
sys.exit(1)
' "$2" "$3"
}

# fdb_count BR [MAC-PREFIX]: how many MACs flowbrd learned on BR (starting
# with MAC-PREFIX, lower case, if given).
fdb_count() {
	flowbr -j fdb-show "$1" | python3 -c '
import json, sys
p = sys.argv[1].lower() if len(sys.argv) > 1 else ""
print(sum(1 for e in json.load(sys.stdin) if e["mac"].startswith(p)))
' ${2:+"$2"}
}

# flows_match BR [KEY=VALUE...]: print the flows of BR (one JSON object per
# line) whose fields equal the given values: in_port, vlan, dl_src, dl_dst;
# out=P matches flows with an output to port P, actions=LIST (e.g. "2",
# "1,3:100", "flood:100", "drop") flows with exactly those actions, in order.
flows_match() {
	local br=$1
	shift
	flowbr -j dump-flows "$br" | python3 -c '
import json, sys
want = dict(a.split("=", 1) for a in sys.argv[1:])
def act(a):
    if "flood" in a:
        return "flood:%d" % a["flood"]
    return "%d:%d" % (a["port"], a["vid"]) if "vid" in a else str(a["port"])
def acts(f):
    return ",".join(act(a) for a in f["actions"]) or "drop"
for f in json.load(sys.stdin):
    ok = True
    for k, v in want.items():
        if k == "out":
            ok &= any(a.get("port") == int(v) for a in f["actions"])
        elif k == "actions":
            ok &= acts(f) == v
        elif k in ("dl_src", "dl_dst"):
            ok &= f[k].lower() == v.lower()
        else:
            ok &= str(f[k]) == v
    if ok:
        print(json.dumps(f, sort_keys=True))
' "$@"
}

# flows_count BR [KEY=VALUE...]: how many flows flows_match prints.
flows_count() {
	flows_match "$@" | wc -l
}

# port_no BR PORT: print the number of port PORT (a name) of BR.
port_no() {
	flowbr -j show "$1" | json_get "0.ports.name=$2.port_no"
}
