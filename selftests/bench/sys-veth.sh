# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# System "veth": no switch at all. The sender's veth end is paired with the
# receiver's directly (see lib.sh), which is the limit a switch between two
# veth pairs can approach. Broadcast to 8 ports, learning bursts and flow
# memory do not apply.

# shellcheck disable=SC2034 # read by run.sh
veth_name="bare veth"
veth_start() { return 0; }
veth_stop() { return 0; }
veth_version() { echo "kernel $(uname -r)"; }
# veth_supports SCEN: or print why not
veth_supports() {
	case "$1" in F1 | F2 | F3 | F5) return 0 ;; esac
	echo "no switch"
	return 1
}
veth_learns() { return 1; }
veth_attach() { return 0; }
veth_detach() { return 0; }
veth_flows() { echo 0; }
veth_lost() { echo 0; }
