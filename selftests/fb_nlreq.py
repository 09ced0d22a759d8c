#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One flowbr generic netlink request, for the security tests.

    fb_nlreq.py UAPI_HEADER CMD [ATTR=TYPE:VALUE...]

sends FLOWBR_CMD_<CMD> with attributes FLOWBR_A_<ATTR> (numbers read from
the uapi header) and waits for the ack. TYPE: str, u8, u16, u32, hex
(binary), flag (no payload: NAME=flag:), vids (a FLOWBR_VLAN_BITMAP_LEN bitmap: comma-separated VIDs), key
(IN_PORT,VLAN,SRC,DST) or out (PORT/TAG_OP[/VID] or flood/VLAN for
FLOWBR_ACT_FLOOD, '+'-separated; empty for no action); KEY and ACTIONS are
sent nested. Prints "nlreq: ok" (exit 0)
or "nlreq: Error: EXTACK (errno N: TEXT)" on stderr (exit 1). With CMD "-",
reads one "CMD ATTR=TYPE:VALUE..." request per line of stdin and prints
"REQUEST -> RESULT" for each on stdout. Netlink itself is in
fb_netlink.py, next to this file.
"""
import os, struct, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fb_netlink import NLA_F_NESTED as NESTED, Sock, Uapi, family_id, nla  # noqa: E402

U = Uapi(sys.argv[1])
CMD, ATTR, KEY, ACT, OUT = U.CMD, U.ATTR, U.KEY, U.ACT, U.OUT

def mac(s):
    return bytes.fromhex(s.replace(":", ""))

def value(kind, v):
    if kind == "str":
        return v.encode() + b"\0"
    if kind in ("u8", "u16", "u32"):
        return struct.pack({"u8": "=B", "u16": "=H", "u32": "=I"}[kind], int(v, 0))
    if kind == "hex":
        return bytes.fromhex(v)
    if kind == "flag":
        return b""
    if kind == "vids":
        b = bytearray(4096 // 8)
        for vid in filter(None, v.split(",")):
            b[int(vid) // 8] |= 1 << (int(vid) % 8)
        return bytes(b)
    if kind == "key":
        p, vlan, src, dst = v.split(",")
        return (nla(KEY["FLOWBR_KEY_IN_PORT"], struct.pack("=I", int(p))) +
                nla(KEY["FLOWBR_KEY_VLAN"], struct.pack("=H", int(vlan))) +
                nla(KEY["FLOWBR_KEY_ETH_SRC"], mac(src)) +
                nla(KEY["FLOWBR_KEY_ETH_DST"], mac(dst)))
    if kind == "out":
        acts = b""
        for o in filter(None, v.split("+")):
            f = o.split("/")
            if f[0] == "flood":
                acts += nla(ACT["FLOWBR_ACT_FLOOD"], struct.pack("=H", int(f[1])))
                continue
            a = nla(OUT["FLOWBR_OUT_PORT"], struct.pack("=I", int(f[0])))
            if len(f) > 1:
                a += nla(OUT["FLOWBR_OUT_TAG_OP"], struct.pack("=B", int(f[1])))
            if len(f) > 2:
                a += nla(OUT["FLOWBR_OUT_VID"], struct.pack("=H", int(f[2])))
            acts += nla(ACT["FLOWBR_ACT_OUTPUT"] | NESTED, a)
        return acts
    sys.exit("nlreq: unknown type " + kind)

s = Sock(rcvbuf=1 << 16, cap_ack=True)
try:
    family = family_id(s)
except OSError as e:
    sys.exit("nlreq: no flowbr family: " + e.strerror)

def run(argv, seq):
    payload = b""
    for arg in argv[1:]:
        name, tv = arg.split("=", 1)
        kind, v = tv.split(":", 1)
        t = ATTR["FLOWBR_A_" + name]
        if name in ("KEY", "ACTIONS"):
            t |= NESTED
        payload += nla(t, value(kind, v))
    err, msg, _ = s.request(family, CMD["FLOWBR_CMD_" + argv[0]], payload, seq)
    if err:
        return "nlreq: Error: %s (errno %d: %s)" % (msg, err, os.strerror(err))
    return "nlreq: ok"


if sys.argv[2] == "-":
    # One request per line of stdin, one result line each on stdout.
    for n, line in enumerate(sys.stdin):
        if line.split():
            print("%s -> %s" % (line.strip(), run(line.split(), 2 + n)), flush=True)
    sys.exit(0)
out = run(sys.argv[2:], 2)
if out != "nlreq: ok":
    print(out, file=sys.stderr)
    sys.exit(1)
print(out)
