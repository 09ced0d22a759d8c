# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# flowbr selftests: JSON, packets, captures and counters (the datapath tests' helpers).
# Sourced by lib.sh; tests source lib.sh only.

# ------------------------------------------------------------------ JSON

# jval PATH: read JSON on stdin and print the value at PATH, a dot-separated
# list of object keys, list indexes (negative from the end), or KEY=VALUE
# selecting the first list element whose KEY equals VALUE, e.g.
#	flowbr -j list-br | jval 'bridges.name=solbr.stats.rx_packets'
# Scalars print bare (booleans as true/false, None as null), others as
# JSON. Fails, saying which step, when PATH is not there. (python3 -I -S:
# without site packages it starts ~10 times quicker in the TCG VM.)
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

# stat_get PATH CLI-ARGS...: run `flowbr -j CLI-ARGS` and print PATH of its
# JSON output (see jval), e.g. stat_get 'rx_packets' show-br solbr.
stat_get() {
	local path=$1
	shift
	flowbr -j "$@" | jval "$path"
}

# json_valid: true if stdin is valid JSON.
json_valid() {
	python3 -I -S -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null
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
# store the handle in VAR; returns once tcpdump listens. The pid kept is
# tcpdump's own (not nsenter's), so pcap_stop is quick.
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
