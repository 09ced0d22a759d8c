#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bursts of frames from many source MACs, and a receiver that counts them
(agent_burst.sh, fault_agent.sh). Ethertype 0x88b5 (local experimental).

    fb_frames.py burst IFACE PREFIX DST N [TEXT]
        sends N frames to DST from PREFIX:00:00, PREFIX:00:01, ... (PREFIX:
        four bytes of MAC); prints the seconds it took.
    fb_frames.py rx IFACE PREFIX OUT [FIRST [GAP]]
        counts the frames from sources starting with PREFIX, from the first
        one (waiting up to FIRST s, default 120) until GAP s (default 5)
        without any; writes "DISTINCT DUPLICATES" to OUT, after creating
        OUT.ready once it listens.
"""
import socket
import struct
import sys
import time

ETH_P = 0x88b5
SO_RCVBUFFORCE = 33


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def burst(iface, prefix, dst, n, text="flowbr-burst"):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    pad = text.encode().ljust(46, b"\0")
    head, src = mac(dst), mac(prefix)
    t = time.monotonic()
    for i in range(int(n)):
        s.send(head + src + struct.pack("!H", i) + struct.pack("!H", ETH_P) + pad)
    print("%.3f" % (time.monotonic() - t))


def rx(iface, prefix, out, first="120", gap="5"):
    src = mac(prefix)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P))
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
    s.bind((iface, ETH_P))
    open(out + ".ready", "w").close()
    s.settimeout(float(first))
    seen, dup = set(), 0
    while True:
        try:
            f = s.recv(2048)
        except socket.timeout:
            break
        s.settimeout(float(gap))
        if f[6:6 + len(src)] != src:
            continue
        dup += f[6:12] in seen
        seen.add(f[6:12])
    with open(out, "w") as fh:
        fh.write("%d %d\n" % (len(seen), dup))


if __name__ == "__main__":
    cmds = {"burst": burst, "rx": rx}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
