# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# System "flowbr": kmod/flowbr.ko with its agent genl-tool/flowbrd, which
# learns MAC addresses from upcalls and installs flows, as ovs-vswitchd does
# for Open vSwitch. Bridge defaults (miss_policy flood, upcall limits). The
# agent runs once for the whole benchmark (`flowbrd --detach`), serving
# every bridge the scenarios create; its MAC table is sized for the many
# source MACs of F5 and B1 (--fdb-limit, like Open vSwitch's
# mac-table-size): FLOWBR_BENCH_AGENT_ARGS replaces these arguments.
#
# Without the agent (not built, or FLOWBR_BENCH_AGENT=0), the flows of
# F1-F4 are installed by hand (flowbr add-flow) and the 100000 flows of F5
# by the netlink installer fbflows.py; B1 (flow setup by the agent) is then
# reported as "agent missing".

# shellcheck disable=SC2034 # read by run.sh
flowbr_name="flowbr"
FBR=fbr0
FLOWBR_CLI=${FLOWBR_CLI:-$REPO/genl-tool/flowbr}
FLOWBRD=${FLOWBRD:-$REPO/genl-tool/flowbrd}
FLOWBR_KO=${FLOWBR_KO:-$REPO/kmod/flowbr.ko}
FB_AGENT=0
FB_AGENT_PID=""

fbcli() { "$FLOWBR_CLI" "$@"; }

flowbr_start() {
	[ -f "$FLOWBR_KO" ] || { echo "$FLOWBR_KO not built (make)"; return 1; }
	[ -x "$FLOWBR_CLI" ] || { echo "$FLOWBR_CLI not built (make)"; return 1; }
	if ! grep -q '^flowbr ' /proc/modules; then
		insmod "$FLOWBR_KO" || return 1
	fi
	if [ "${FLOWBR_BENCH_AGENT:-1}" != 0 ] && [ -x "$FLOWBRD" ]; then
		FB_AGENT=1
		flowbr_agent_start || return 1
	else
		FB_AGENT=0
		msg "flowbr: agent ${FLOWBRD#"$REPO"/} missing: flows F1-F4 installed by hand, F5 by fbflows.py, no B1"
	fi
}

flowbr_stop() {
	flowbr_agent_stop
	grep -q '^flowbr ' /proc/modules && rmmod flowbr 2>/dev/null
	return 0
}

flowbr_version() {
	local v
	v=$(fbcli version 2>/dev/null | sed -n 's/^module version: *//p')
	echo "module ${v:-?}, $([ "$FB_AGENT" = 1 ] && echo "agent flowbrd" || echo "agent missing")"
}

flowbr_supports() {
	[ "$1" != B1 ] || [ "$FB_AGENT" = 1 ] || { echo "agent missing"; return 1; }
}
flowbr_learns() { [ "$FB_AGENT" = 1 ]; }

FB_AGENT_ARGS=${FLOWBR_BENCH_AGENT_ARGS:---fdb-limit 262144}

flowbr_agent_start() {
	local i
	# shellcheck disable=SC2086 # word splitting of the arguments
	"$FLOWBRD" $FB_AGENT_ARGS --detach --pidfile "$BENCH_TMP/flowbrd.pid" \
		</dev/null >>"$BENCH_TMP/flowbrd.log" 2>&1 || {
		echo "flowbrd did not start:"
		tail -n 5 "$BENCH_TMP/flowbrd.log"
		return 1
	}
	for i in $(seq 50); do
		FB_AGENT_PID=$(cat "$BENCH_TMP/flowbrd.pid" 2>/dev/null) && break
		sleep 0.1
	done
	if [ -z "$FB_AGENT_PID" ] || ! kill -0 "$FB_AGENT_PID" 2>/dev/null; then
		echo "flowbrd is not running:"
		tail -n 5 "$BENCH_TMP/flowbrd.log"
		return 1
	fi
	msg "flowbr: agent flowbrd running (pid $FB_AGENT_PID, $FB_AGENT_ARGS)"
}

flowbr_agent_stop() {
	local i
	[ -n "$FB_AGENT_PID" ] || return 0
	kill "$FB_AGENT_PID" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$FB_AGENT_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$FB_AGENT_PID" 2>/dev/null
	FB_AGENT_PID=""
}

# Stop the agent for a while (SIGSTOP), and let it go on.
flowbr_agent_pause() { [ -z "$FB_AGENT_PID" ] || kill -STOP "$FB_AGENT_PID"; }
flowbr_agent_resume() { [ -z "$FB_AGENT_PID" ] || kill -CONT "$FB_AGENT_PID"; }

# The agent must still be there (a crash is a result too).
flowbr_agent_check() {
	[ "$FB_AGENT" = 1 ] || return 0
	if [ -z "$FB_AGENT_PID" ] || ! kill -0 "$FB_AGENT_PID" 2>/dev/null; then
		echo "flowbrd is not running any more:"
		tail -n 5 "$BENCH_TMP/flowbrd.log"
		return 1
	fi
}

flowbr_attach() {
	local dev mode no
	fbcli add-br "$FBR" >/dev/null || return 1
	while read -r dev _ mode no; do
		if [ "$mode" = access ]; then
			fbcli add-port "$FBR" "$dev" "tag=$VID" "port_no=$no" >/dev/null || return 1
		else
			fbcli add-port "$FBR" "$dev" "trunks=$VID" "port_no=$no" >/dev/null || return 1
		fi
	done < <(switch_ports flowbr)
	flowbr_agent_check
}

flowbr_detach() {
	fbcli del-br "$FBR" >/dev/null 2>&1
	return 0
}

# flowbr_stat NAME: a counter of `flowbr -j stats` (flow_count, lost, ...).
flowbr_stat() {
	fbcli -j stats "$FBR" 2>/dev/null | tr -d '\n' |
		sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p"
}
flowbr_flows() { flowbr_stat flow_count; }
# flowbr_note: the bridge's miss counters, and the agent's revalidation
# passes (complete or idle-only) and the flows they read.
flowbr_note() {
	local ag
	"$FLOWBR_CLI" stats "$FBR" 2>/dev/null | sed -n 's/^bridge [^:]*: //p' | head -n 1 | tr -d '\n'
	ag=$("$FLOWBR_CLI" agent-stats 2>/dev/null |
		awk '$1 ~ /^(reval_passes|reval_idle_dumps|reval_flows|reval_max_ms)$/ { printf " %s=%s", $1, $2 }')
	[ -z "$ag" ] || printf ';%s' "$ag"
	echo
}
flowbr_lost() { flowbr_stat lost; }

# flowbr_install SCEN: without the agent, install the flows a learning agent
# would have installed (sender -> receivers).
flowbr_install() {
	local key="in_port=1,vlan=$VID,dl_src=$MAC_S" acts i
	case "$1" in
	F1 | F3) fbcli add-flow "$FBR" "$key,dl_dst=$(mac_r 0)" actions=2 ;;
	F2) fbcli add-flow "$FBR" "$key,dl_dst=$(mac_r 0)" "actions=2:$VID" ;;
	F4)
		acts=2
		for ((i = 1; i < NRCV; i++)); do acts+=",$((i + 2))"; done
		fbcli add-flow "$FBR" "$key,dl_dst=ff:ff:ff:ff:ff:ff" "actions=$acts"
		;;
	F5 | M1)
		python3 "$BENCH_DIR/fbflows.py" "$FBR" --in-port 1 --vlan "$VID" \
			--src "$SRC_BASE" --count "$NSRC" --dst "$DST" --out 2
		;;
	*) return 1 ;;
	esac
}
