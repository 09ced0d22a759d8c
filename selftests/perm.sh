#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Privilege and namespace rules: changing state needs CAP_NET_ADMIN over the
# network namespace. An unprivileged user cannot create or delete bridges
# (EPERM, nothing created), root can; a user in its own user+net namespace
# can create a bridge there but does not see (or touch) the bridges of the
# initial namespace, and its bridge goes away with its namespace.

source "$(dirname "$0")/lib.sh"

require_root
require_cmd setpriv unshare ip
require_cli
[ -f "$FLOWBR_KO" ] || fail "$FLOWBR_KO not found: build it with 'make module'"

test_unpriv_add_br() {
	local cli err
	cli=$(nobody_cli)
	defer flowbr del-br t0
	if as_nobody "$cli" add-br t0 2>"$FLOWBR_TMP/err"; then
		fail "add-br as uid 65534 succeeded"
	fi
	err=$(cat "$FLOWBR_TMP/err")
	log "stderr: $err"
	check_contains "$err" "Operation not permitted" "stderr of add-br as uid 65534"
	check_fail link_exists t0
	check_not_contains "$(flowbr list-br)" t0 "flowbr list-br"
}

test_root_add_del_br() {
	defer flowbr del-br t0
	check flowbr add-br t0
	check link_exists t0
	check_contains "$(flowbr list-br)" t0 "flowbr list-br"
	check flowbr del-br t0
	check_fail link_exists t0
	check_not_contains "$(flowbr list-br)" t0 "flowbr list-br"
}

test_unpriv_del_br() {
	local cli err
	cli=$(nobody_cli)
	br_create t1
	if as_nobody "$cli" del-br t1 2>"$FLOWBR_TMP/err"; then
		fail "del-br as uid 65534 succeeded"
	fi
	err=$(cat "$FLOWBR_TMP/err")
	check_contains "$err" "Operation not permitted" "stderr of del-br as uid 65534"
	check link_exists t1
}

test_unpriv_read() {
	local cli out
	cli=$(nobody_cli)
	br_create t2
	out=$(as_nobody "$cli" list-br) || fail "list-br as uid 65534 failed"
	check_contains "$out" t2 "list-br as uid 65534"
}

# Runs as uid 65534 mapped to root in a new user and network namespace.
# shellcheck disable=SC2016
USERNS_SCRIPT='
cli=$1
ip link set lo up
if "$cli" add-br u0; then echo "ADD: ok"; else echo "ADD: failed"; fi
if ip link show u0 >/dev/null 2>&1; then echo "LINK: yes"; else echo "LINK: no"; fi
echo "LIST-BEGIN"; "$cli" list-br; echo "LIST-END"
echo "SHOW-BEGIN"; "$cli" show; echo "SHOW-END"
if "$cli" del-br t0init 2>/dev/null; then echo "DEL-INIT: ok"; else echo "DEL-INIT: failed"; fi
'

test_userns() {
	local cli out list show
	cli=$(nobody_cli)
	if ! as_nobody unshare -Urn true 2>/dev/null; then
		skip "unprivileged user namespaces are disabled"
	fi
	br_create t0init
	dmesg_mark "userns"
	out=$(as_nobody unshare -Urn bash -c "$USERNS_SCRIPT" userns "$cli" 2>&1) || true
	printf '%s\n' "$out" | sed 's/^/#   /'
	list=$(printf '%s\n' "$out" | sed -n '/^LIST-BEGIN$/,/^LIST-END$/p')
	show=$(printf '%s\n' "$out" | sed -n '/^SHOW-BEGIN$/,/^SHOW-END$/p')
	check_contains "$out" "ADD: ok" "add-br u0 in own user+net namespace"
	check_contains "$out" "LINK: yes" "link u0 in own namespace"
	check_contains "$list" u0 "list-br in own namespace"
	check_not_contains "$list" t0init "list-br in own namespace"
	check_not_contains "$show" t0init "show in own namespace"
	check_contains "$out" "DEL-INIT: failed" "del-br of the init namespace's bridge"
	# Back in the initial namespace: its bridge is intact, u0 is not here.
	check link_exists t0init
	check_fail link_exists u0
	check_not_contains "$(flowbr list-br)" u0 "list-br in the initial namespace"
	# The namespace is gone with its last process; its bridge with it.
	sleep 1
	check_no_splat
}

check load_module || fail "cannot load the module"
ktap_plan 5
run_subtest "unprivileged add-br fails with EPERM and creates nothing" test_unpriv_add_br
run_subtest "root add-br/del-br creates and removes the bridge device" test_root_add_del_br
run_subtest "unprivileged del-br fails with EPERM and keeps the bridge" test_unpriv_del_br
run_subtest "unprivileged list-br works (reading needs no privilege)" test_unpriv_read
run_subtest "user+net namespace: own bridge only, init namespace's invisible" test_userns
ktap_finished
