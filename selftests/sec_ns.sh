#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sec_ns: a bridge can only be changed by someone with CAP_NET_ADMIN over
# its network namespace, for every change command (bridge, port, flow,
# flush, packet-execute), not only add-br/del-br (perm.sh):
#
#  - uid 65534 in the initial namespaces: EPERM;
#  - uid 65534 as root of its own user namespace, still in the initial
#    network namespace: EPERM (an unprivileged user namespace can only act
#    on network namespaces it owns);
#  - root of another network namespace, and uid 65534 as root of its own
#    user+network namespace: the bridge does not exist there (ENODEV), by
#    name or by ifindex, and is not listed by any dump;
#
# and after all that the bridge, its ports, flows and counters are exactly
# as before (no frame was sent by a refused PACKET_EXECUTE). Also: flowbrd's
# control socket is root's, mode 0600, and uid 65534 cannot connect to it.
#
#   bridge secb: sp1 (veth, tag=100), sp2 (veth, tag=100), one flow

# shellcheck disable=SC2119 # load_module without module parameters
source "$(dirname "$0")/lib.sh"

BR=secb
NS=sec-other
MAC1=02:00:00:5e:c0:01 MAC2=02:00:00:5e:c0:02
FRAME=ffffffffffff${MAC1//:/}88b5$(printf '%092d' 0)

setup() {
	local d
	test_setup python3 setpriv unshare
	# A copy of the client and the header that uid 65534 can read.
	d=$(mktemp -d /tmp/flowbr-sec.XXXXXX) || fail "mktemp"
	defer rm -rf "$d"
	chmod 0755 "$d"
	install -m 0644 "$UAPI_H" "$d/flowbr.h"
	install -m 0755 "$SELFTEST_DIR/fb_nlreq.py" "$d/fb_nlreq.py"
	install -m 0644 "$SELFTEST_DIR/fb_netlink.py" "$d/fb_netlink.py"
	SECDIR=$d
	# No IPv6 chatter on the veths: the counters must not move.
	ipv6_default_off || fail "cannot turn IPv6 off"
	br_create "$BR" || fail "add-br"
	if ! veth_pair sp1 sp1p || ! veth_pair sp2 sp2p ||
		! flowbr add-port "$BR" sp1 tag=100 ||
		! flowbr add-port "$BR" sp2 tag=100 ||
		! flowbr add-flow "$BR" "in_port=1,vlan=100,dl_src=$MAC1,dl_dst=$MAC2" actions=2; then
		fail "cannot set up $BR"
	fi
	IFINDEX=$(flowbr -j show "$BR" | jval 0.ifindex)
	ns_create "$NS" || fail "netns"
	STATE0=$(state)
	log_cmd flowbr show "$BR"
}

# state: the bridge, ports, flows (without times) and all counters.
state() {
	flowbr -j show
	flowbr dump-flows "$BR" | sed 's/ idle=[^ ]* age=[^ ]*//'
	flowbr -j stats "$BR"
}

# The change requests, one per line: CMD ATTR=TYPE:VALUE... ("@BR" is
# replaced by the bridge selector under test).
REQUESTS="BR_NEW BR_NAME=str:secnew
BR_DEL @BR
BR_SET @BR BR_MISS_POLICY=u8:1
BR_SET @BR BR_UPCALL_PIDS=hex:01000000
BR_SET @BR BR_FLOW_LIMIT=u32:5
PORT_NEW @BR PORT_NAME=str:secint PORT_TYPE=u8:1
PORT_NEW @BR PORT_NAME=str:sp2p
PORT_DEL @BR PORT_NAME=str:sp2
PORT_DEL @BR PORT_NO=u32:1
PORT_SET @BR PORT_NAME=str:sp1 PORT_TAG=u16:300
FLOW_NEW @BR KEY=key:2,100,$MAC2,$MAC1 ACTIONS=out:1
FLOW_NEW @BR KEY=key:1,100,$MAC1,$MAC2 ACTIONS=out:
FLOW_DEL @BR KEY=key:1,100,$MAC1,$MAC2
FLOW_FLUSH @BR
FLOW_FLUSH @BR PORT_NO=u32:1
PACKET_EXECUTE @BR KEY=key:1,100,$MAC1,$MAC2 PACKET=hex:$FRAME ACTIONS=out:2
PACKET_EXECUTE @BR KEY=key:1,100,$MAC1,$MAC2 PACKET=hex:$FRAME"

# try_all RUNNER SELECTOR WANT: send every request through RUNNER (a
# command prefix, one client for all) with the bridge named by SELECTOR;
# each must fail with errno WANT. BR_NEW is skipped for WANT=19 (creating
# a bridge in one's own namespace is allowed).
try_all() {
	local runner=$1 sel=$2 want=$3 out n bad
	out=$(while IFS= read -r line; do
		[ "$want" = 19 ] && [[ "$line" == BR_NEW* ]] && continue
		echo "${line//@BR/$sel}"
	done <<<"$REQUESTS" |
		$runner python3 -I -S "$SECDIR/fb_nlreq.py" "$SECDIR/flowbr.h" - 2>&1)
	n=$(grep -c -- ' -> ' <<<"$out" || true)
	bad=$(grep -v -- "(errno $want:" <<<"$out" || true)
	log "$n requests, want errno $want each"
	if [ -n "$bad" ]; then
		log "FAIL: not refused with errno $want:"
		printf '%s\n' "$bad" | sed 's/^/#   /'
		return 1
	fi
	[ "$n" -ge 16 ] || { log "FAIL: only $n answers"; return 1; }
}

check_state() {
	local now
	now=$(state)
	[ "$now" = "$STATE0" ] && return 0
	log "FAIL: the bridge changed:"
	diff <(echo "$STATE0") <(echo "$now") | sed 's/^/#   /'
	return 1
}

# nobody CMD...: run CMD as uid 65534.
nobody() {
	as_nobody "$@"
}

# nobody_userns CMD...: uid 65534, root of a new user namespace, in the
# initial network namespace.
nobody_userns() {
	as_nobody unshare -Ur "$@"
}

# nobody_netns CMD...: uid 65534, root of a new user and network namespace.
nobody_netns() {
	as_nobody unshare -Urn "$@"
}

# other_ns CMD...: root in another network namespace.
other_ns() {
	nsrun "$NS" "$@"
}

test_unpriv() {
	check try_all nobody "BR_NAME=str:$BR" 1
	check try_all nobody "BR_IFINDEX=u32:$IFINDEX" 1
	check_state
}

test_userns() {
	as_nobody unshare -Ur true 2>/dev/null ||
		skip "unprivileged user namespaces are disabled"
	check try_all nobody_userns "BR_NAME=str:$BR" 1
	check try_all nobody_userns "BR_IFINDEX=u32:$IFINDEX" 1
	check_state
	check_fail link_exists secnew
}

test_other_netns() {
	check try_all other_ns "BR_NAME=str:$BR" 19
	check try_all other_ns "BR_IFINDEX=u32:$IFINDEX" 19
	check_state
}

test_userns_netns() {
	as_nobody unshare -Urn true 2>/dev/null ||
		skip "unprivileged user namespaces are disabled"
	check try_all nobody_netns "BR_NAME=str:$BR" 19
	check try_all nobody_netns "BR_IFINDEX=u32:$IFINDEX" 19
	check_state
}

test_other_netns_read() {
	local out
	out=$(nsrun "$NS" flowbr -j show | python3 -I -S -c 'import json, sys; print(len(json.load(sys.stdin)))') ||
		fail "show in $NS"
	check_eq "$out" 0 "bridges seen from $NS"
	out=$(nsrun "$NS" flowbr list-br) || fail "list-br in $NS failed"
	check_eq "$out" "" "list-br in $NS"
	out=$(nsrun "$NS" flowbr dump-flows "$BR" 2>&1) && fail "dump-flows $BR in $NS succeeded: $out"
	check_contains "$out" "No such device" "dump-flows $BR in $NS"
	out=$(nsrun "$NS" flowbr show "$BR" 2>&1) && fail "show $BR in $NS succeeded: $out"
	out=$(nsrun "$NS" python3 -I -S "$SECDIR/fb_nlreq.py" "$SECDIR/flowbr.h" BR_GET "BR_IFINDEX=u32:$IFINDEX" 2>&1 || true)
	check_contains "$out" "(errno 19:" "BR_GET by ifindex in $NS"
	out=$(nsrun "$NS" python3 -I -S "$SECDIR/fb_nlreq.py" "$SECDIR/flowbr.h" FLOW_GET "BR_NAME=str:$BR" \
		"KEY=key:1,100,$MAC1,$MAC2" 2>&1 || true)
	check_contains "$out" "(errno 19:" "FLOW_GET in $NS"
	out=$(nsrun "$NS" python3 -I -S "$SECDIR/fb_nlreq.py" "$SECDIR/flowbr.h" PORT_GET "BR_NAME=str:$BR" \
		"PORT_NAME=str:sp1" 2>&1 || true)
	check_contains "$out" "(errno 19:" "PORT_GET in $NS"
}

test_agent_ctl() {
	local sock=/run/flowbr/flowbrd.ctl out
	require_agent
	[ ! -e "$sock" ] || skip "$sock exists: another flowbrd is running"
	agent_start || fail "flowbrd did not start"
	wait_for 10 test -S "$sock" || fail "no control socket $sock"
	log "$(stat -c '%A %U:%G %n' "$sock")"
	check_eq "$(stat -c '%a %u' "$sock")" "600 0" "mode and owner of $sock"
	check flowbr agent-stats >/dev/null
	# shellcheck disable=SC2016
	out=$(as_nobody python3 -I -S -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
    s.sendall(b"stats\n")
    print("CONNECTED", s.recv(100))
except OSError as e:
    print("REFUSED", e.errno)
' "$sock" 2>&1)
	log "uid 65534: $out"
	check_contains "$out" "REFUSED 13" "connect as uid 65534"
	out=$(as_nobody "$(nobody_cli)" agent-stats 2>&1) &&
		fail "flowbr agent-stats as uid 65534 succeeded: $out"
	log "agent-stats as uid 65534: $out"
	if as_nobody unshare -Ur true 2>/dev/null; then
		out=$(as_nobody unshare -Ur python3 -I -S -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
    print("CONNECTED")
except OSError as e:
    print("REFUSED", e.errno)
' "$sock" 2>&1)
		log "uid 65534 as root of a user namespace: $out"
		check_contains "$out" "REFUSED 13" "connect from a user namespace"
	fi
}

ktap_plan 6
setup
run_subtest "sec: uid 65534: every change command (bridge, port, flow, flush, execute) EPERM, nothing changed" test_unpriv
run_subtest "sec: uid 65534 as root of its own user namespace: EPERM on the initial netns, nothing changed" test_userns
run_subtest "sec: root of another netns: every change command ENODEV (name, ifindex), nothing changed" test_other_netns
run_subtest "sec: uid 65534 in its own user+net namespace: ENODEV, nothing changed" test_userns_netns
run_subtest "sec: another netns sees no bridge, port or flow of this one" test_other_netns_read
run_subtest "sec: flowbrd control socket is root's, 0600; uid 65534 cannot connect" test_agent_ctl
ktap_finished
