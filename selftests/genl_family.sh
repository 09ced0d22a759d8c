#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family: registered as "flowbr" version 1 while the
# module is loaded, and `flowbr version` (text and JSON) reports the tool
# version, the module version and the family id the kernel assigned. It is
# usable without privilege and from any network namespace.

source "$(dirname "$0")/lib.sh"

require_root
require_cmd genl python3 setpriv
require_cli
[ -f "$FLOWBR_KO" ] || fail "$FLOWBR_KO not found: build it with 'make module'"

SRC_VERSION=$(sed -n 's/^#define FLOWBR_VERSION "\(.*\)"/\1/p' "$REPO/kmod/version.h")

test_genl_ctrl() {
	local id ver
	id=$(genl_family_id flowbr) || fail "genl ctrl get name flowbr: family not found"
	ver=$(genl_family_version flowbr)
	log "family flowbr: id $id, version $ver"
	check_eq "$ver" 1 "family version"
}

test_version_text() {
	local out id got
	id=$(genl_family_id flowbr) || fail "family not registered"
	out=$(flowbr version) || fail "flowbr version failed"
	printf '%s\n' "$out" | sed 's/^/#   /'
	check_contains "$out" "tool version: $SRC_VERSION" "flowbr version"
	check_contains "$out" "module version: $SRC_VERSION" "flowbr version"
	got=$(printf '%s\n' "$out" | sed -n 's/^.*family id:* *\(0x[0-9a-fA-F]*\|[0-9]*\).*$/\1/p' | head -n 1)
	[ -n "$got" ] || fail "no 'family id' line"
	check_eq "$((got))" "$id" "family id printed vs genl ctrl"
}

test_version_json() {
	local out id k
	id=$(genl_family_id flowbr) || fail "family not registered"
	out=$(flowbr -j version) || fail "flowbr -j version failed"
	log "$out"
	printf '%s' "$out" | json_valid || fail "flowbr -j version: not valid JSON"
	for k in tool_version module_version family_id; do
		printf '%s' "$out" | jval "$k" >/dev/null || fail "no key $k"
	done
	check_eq "$(printf '%s' "$out" | jval family_id)" "$id" "family_id"
	check_eq "$(printf '%s' "$out" | jval tool_version)" "$SRC_VERSION" "tool_version"
	check_eq "$(printf '%s' "$out" | jval module_version)" "$SRC_VERSION" "module_version"
	if [ -r /sys/module/flowbr/version ]; then
		check_eq "$(printf '%s' "$out" | jval module_version)" \
			"$(cat /sys/module/flowbr/version)" "module_version vs /sys/module/flowbr/version"
	fi
}

test_version_unprivileged() {
	local cli out
	cli=$(nobody_cli)
	out=$(as_nobody "$cli" version 2>&1) || { log "$out"; fail "flowbr version as uid 65534 failed"; }
	check_contains "$out" "module version: $SRC_VERSION" "flowbr version as uid 65534"
}

test_version_netns() {
	local out
	ns_create fbgenl
	out=$(ip netns exec fbgenl flowbr -j version) || fail "flowbr version in a netns failed"
	check_eq "$(printf '%s' "$out" | jval family_id)" "$(genl_family_id flowbr)" \
		"family_id seen from another netns"
}

check load_module || fail "cannot load the module"
ktap_plan 5
run_subtest "genl ctrl: family flowbr registered with version 1" test_genl_ctrl
run_subtest "flowbr version: tool and module version, genl family id" test_version_text
run_subtest "flowbr -j version: JSON with tool_version, module_version, family_id" test_version_json
run_subtest "flowbr version works without privilege" test_version_unprivileged
run_subtest "flowbr version works in another network namespace" test_version_netns
ktap_finished
