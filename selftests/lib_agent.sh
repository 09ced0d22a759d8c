# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# flowbr selftests: starting flowbrd and reading its state (the agent tests' helpers).
# Sourced by lib.sh; tests source lib.sh only.

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
		flowbr -j agent-stats | jval "bridges.name=$2.$1"
	else
		flowbr -j agent-stats | jval "$1"
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
	flowbr -j show "$1" | jval "0.ports.name=$2.port_no"
}
