# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# System "ovs": the Open vSwitch kernel datapath with Debian's
# ovs-vswitchd (the NORMAL action: MAC learning, tag=/trunks= ports). The
# daemons run with a private run directory under $BENCH_TMP/ovs, its own
# database created from the schema. Default settings, except that the MAC
# table is sized for the many source MACs of F5 and B1 (mac-table-size,
# default 2048: like flowbrd's --fdb-limit).
#
# A bridge "okeep" without ports stays for the whole run so that the
# datapath and its upcall handlers are set up once. The first ovs-vswitchd
# after a boot sometimes logs "Overriding n-handler-threads to 0" and then
# loses every upcall: then it is restarted (a restart works, sometimes only
# after a few seconds), so that the comparison is fair to it.

# shellcheck disable=SC2034 # read by run.sh
ovs_name="Open vSwitch"
OVS_RUN=$BENCH_TMP/ovs
OVS_DB=$OVS_RUN/conf.db
OVS_SOCK=$OVS_RUN/db.sock
OVS_CTL=$OVS_RUN/ovs-vswitchd.ctl
OVS_LOG=$OVS_RUN/ovs-vswitchd.log
OBR=obr0
OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

vsctl() { ovs-vsctl --db="unix:$OVS_SOCK" --timeout=60 "$@"; }
ovs_appctl() { ovs-appctl -t "$OVS_CTL" "$@"; }

ovs_env() {
	export OVS_RUNDIR=$OVS_RUN OVS_DBDIR=$OVS_RUN OVS_LOGDIR=$OVS_RUN
	export OVS_SYSCONFDIR=$OVS_RUN OVS_PKGDATADIR=/usr/share/openvswitch
}

ovs_pid() { cat "$OVS_RUN/$1.pid" 2>/dev/null; }

ovs_kill() { # NAME
	local pid i
	pid=$(ovs_pid "$1") || return 0
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	return 0
}

# ovs_log_mark: OVS_LOG_FROM = the first line of ovs-vswitchd's log that
# the next start writes.
ovs_log_mark() {
	OVS_LOG_FROM=1
	[ ! -f "$OVS_LOG" ] || OVS_LOG_FROM=$(($(wc -l <"$OVS_LOG") + 1))
}

# Start ovs-vswitchd (after ovs_log_mark); print the number of upcall
# handler threads it logged ("" if it logged none within 20 s).
ovs_vswitchd_start() {
	local line
	ovs-vswitchd "unix:$OVS_SOCK" --pidfile="$OVS_RUN/ovs-vswitchd.pid" \
		--unixctl="$OVS_CTL" --log-file="$OVS_LOG" --detach --no-chdir \
		>/dev/null 2>&1 || return 1
	for _ in $(seq 100); do
		line=$(tail -n "+$OVS_LOG_FROM" "$OVS_LOG" | grep -o 'Overriding n-handler-threads to [0-9]*' | tail -n 1)
		[ -z "$line" ] || break
		sleep 0.2
	done
	echo "${line##* }"
}

ovs_start() {
	local n try
	if ! command -v ovs-vswitchd >/dev/null || [ ! -r "$OVS_SCHEMA" ]; then
		echo "ovs-vswitchd or $OVS_SCHEMA not installed (openvswitch-switch)"
		return 1
	fi
	modprobe openvswitch || return 1
	ovs_env
	rm -rf "$OVS_RUN"
	mkdir -p "$OVS_RUN"
	ovsdb-tool create "$OVS_DB" "$OVS_SCHEMA" || return 1
	ovsdb-server "$OVS_DB" --remote="punix:$OVS_SOCK" \
		--pidfile="$OVS_RUN/ovsdb-server.pid" --unixctl="$OVS_RUN/ovsdb-server.ctl" \
		--log-file="$OVS_RUN/ovsdb-server.log" --detach --no-chdir >/dev/null 2>&1 || return 1
	vsctl --no-wait init || return 1
	vsctl --no-wait add-br okeep || return 1
	# Back-to-back restarts can all fail early after the boot (seen: three
	# within 2 s): wait a little longer before each new try.
	for try in 1 2 3 4 5 6; do
		ovs_log_mark
		n=$(ovs_vswitchd_start) || return 1
		if [ -n "$n" ] && [ "$n" -gt 0 ]; then
			msg "ovs: ovs-vswitchd runs $n upcall handler threads"
			# shellcheck disable=SC2034 # read by run.sh
			OVS_RESTARTS=$((try - 1))
			return 0
		fi
		if [ -n "$n" ]; then
			warn "ovs: ovs-vswitchd logged 'Overriding n-handler-threads to $n': restarting it in $try s"
		else
			warn "ovs: ovs-vswitchd logged no handler threads: restarting it in $try s"
		fi
		ovs_kill ovs-vswitchd
		sleep "$try"
	done
	echo "ovs-vswitchd did not start upcall handlers in 6 tries"
	return 1
}

# ovs_why: what ovs-vswitchd logged about its handlers and upcalls since
# it started, and the datapath's lost upcalls (when it forwards nothing).
ovs_why() {
	printf 'lost upcalls %s; ' "$(ovs_dp_stat lost)"
	tail -n "+${OVS_LOG_FROM:-1}" "$OVS_LOG" 2>/dev/null |
		grep -E 'handler|upcall|ERR|WARN' | tail -n 3 | tr '\n' ' '
}

# ovs_revive: restart ovs-vswitchd (its bridges and ports come back from
# the database): seen once in a boot, an ovs-vswitchd that logged 2
# handler threads at its start and then forwarded nothing at all.
ovs_revive() {
	local n
	ovs_kill ovs-vswitchd
	ovs_log_mark
	n=$(ovs_vswitchd_start) || return 1
	OVS_RESTARTS=$((${OVS_RESTARTS:-0} + 1))
	msg "ovs: ovs-vswitchd restarted: ${n:-no} upcall handler threads"
	[ -n "$n" ] && [ "$n" -gt 0 ]
}

ovs_stop() {
	vsctl --if-exists del-br "$OBR" 2>/dev/null
	vsctl --if-exists del-br okeep 2>/dev/null
	ovs_kill ovs-vswitchd
	ovs_kill ovsdb-server
	ovs-dpctl del-dp system@ovs-system 2>/dev/null
	return 0
}

ovs_version() {
	ovs-vswitchd --version | head -n 1 | sed 's/.*) //; s/^/ovs-vswitchd /'
}

ovs_supports() { return 0; }
ovs_learns() { return 0; }

ovs_attach() {
	local dev mode _ args=(add-br "$OBR" -- set bridge "$OBR"
		"other_config:mac-table-size=${OVS_MAC_TABLE_SIZE:-262144}")
	while read -r dev _ mode _; do
		if [ "$mode" = access ]; then
			args+=(-- add-port "$OBR" "$dev" "tag=$VID")
		else
			args+=(-- add-port "$OBR" "$dev" "trunks=$VID")
		fi
	done < <(switch_ports ovs)
	vsctl "${args[@]}"
}

ovs_detach() { vsctl --if-exists del-br "$OBR" 2>/dev/null; return 0; }

# ovs_dp_stat KEY [DP]: a number from `ovs-dpctl show` ("flows: N",
# "lost:N").
ovs_dp_stat() {
	ovs-dpctl show "${2:-system@ovs-system}" 2>/dev/null |
		sed -n "s/.*$1: *\([0-9]*\).*/\1/p" | head -n 1
}
ovs_flows() { ovs_dp_stat flows; }
ovs_lost() { ovs_dp_stat lost; }

# ovs_note: the upcall layer's flow limit (it adapts to how long a dump of
# the datapath's flows takes) and the last dump's duration.
ovs_note() {
	ovs_appctl upcall/show 2>/dev/null | awk '
		/flows *:/ { for (i = 1; i <= NF; i++) if ($i == "(limit") { l = $(i + 1); sub(/\)/, "", l) } }
		/dump duration/ { d = $NF }
		END { if (l != "") printf "ovs flow limit %s, dump duration %s", l, d }'
}

# Anything an OVS problem report would need.
ovs_diag() {
	ovs_appctl upcall/show 2>&1 | head -n 20
	ovs-dpctl show 2>&1 | head -n 5
	grep -E 'WARN|ERR' "$OVS_LOG" | tail -n 10
}
