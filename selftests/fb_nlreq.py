#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One flowbr generic netlink request, for the security tests.

    fb_nlreq.py UAPI_HEADER CMD [ATTR=TYPE:VALUE...]

sends FLOWBR_CMD_<CMD> with attributes FLOWBR_A_<ATTR> (numbers read from
the uapi header) and waits for the ack. TYPE: str, u8, u16, u32, hex
(binary), vids (a FLOWBR_VLAN_BITMAP_LEN bitmap: comma-separated VIDs), key
(IN_PORT,VLAN,SRC,DST) or out (PORT/TAG_OP[/VID], '+'-separated; empty for
no output); KEY and ACTIONS are sent nested. Prints "nlreq: ok" (exit 0)
or "nlreq: Error: EXTACK (errno N: TEXT)" on stderr (exit 1). With CMD "-",
reads one "CMD ATTR=TYPE:VALUE..." request per line of stdin and prints
"REQUEST -> RESULT" for each on stdout. The same
client as dp_badinput.sh's, as a file that any user can run.
"""
import errno, os, re, socket, struct, sys

text = open(sys.argv[1]).read()

def enum(name):
    body = re.search(r"enum %s \{(.*?)\};" % name, text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    vals, n = {}, 0
    for item in (i.strip() for i in body.split(",")):
        if not item or item.startswith("__"):
            continue
        if "=" in item:
            k, v = (x.strip() for x in item.split("=", 1))
            if not re.fullmatch(r"(0x)?[0-9a-fA-F]+", v):
                continue
            item, n = k, int(v, 0)
        vals[item] = n
        n += 1
    return vals

CMD = enum("flowbr_cmd")
ATTR = enum("flowbr_attr")
KEY = enum("flowbr_key_attr")
ACT = enum("flowbr_action_attr")
OUT = enum("flowbr_output_attr")
NESTED = 1 << 15

def nla(t, data):
    n = 4 + len(data)
    return struct.pack("=HH", n, t) + data + b"\0" * (-n % 4)

def mac(s):
    return bytes.fromhex(s.replace(":", ""))

def value(kind, v):
    if kind == "str":
        return v.encode() + b"\0"
    if kind in ("u8", "u16", "u32"):
        return struct.pack({"u8": "=B", "u16": "=H", "u32": "=I"}[kind], int(v, 0))
    if kind == "hex":
        return bytes.fromhex(v)
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
            a = nla(OUT["FLOWBR_OUT_PORT"], struct.pack("=I", int(f[0])))
            if len(f) > 1:
                a += nla(OUT["FLOWBR_OUT_TAG_OP"], struct.pack("=B", int(f[1])))
            if len(f) > 2:
                a += nla(OUT["FLOWBR_OUT_VID"], struct.pack("=H", int(f[2])))
            acts += nla(ACT["FLOWBR_ACT_OUTPUT"] | NESTED, a)
        return acts
    sys.exit("nlreq: unknown type " + kind)

def request(s, family, cmd, payload, seq):
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    s.send(struct.pack("=IHHII", 16 + len(body), family, 1 | 4, seq, 0) + body)
    replies = []
    while True:
        data = s.recv(1 << 16)
        off = 0
        while off + 16 <= len(data):
            ln, typ, flags, sq, _ = struct.unpack_from("=IHHII", data, off)
            body = data[off + 16:off + ln]
            off += (ln + 3) & ~3
            if sq != seq:
                continue
            if typ != 2:		# NLMSG_ERROR (or the ack)
                replies.append(body)
                continue
            err, msg = -struct.unpack_from("=i", body)[0], ""
            if flags & 0x200:	# NLM_F_ACK_TLVS, after the capped header
                toff = 4 + (16 if flags & 0x100 else struct.unpack_from("=I", body, 4)[0])
                while toff + 4 <= len(body):
                    al, at = struct.unpack_from("=HH", body, toff)
                    if al < 4:
                        break
                    if at == 1:		# NLMSGERR_ATTR_MSG
                        msg = body[toff + 4:toff + al].rstrip(b"\0").decode()
                    toff += (al + 3) & ~3
            return err, msg, replies

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)	# NETLINK_GENERIC
s.setsockopt(270, 10, 1)	# SOL_NETLINK, NETLINK_CAP_ACK
s.setsockopt(270, 11, 1)	# NETLINK_EXT_ACK
s.bind((0, 0))
err, msg, replies = request(s, 0x10, 3, nla(2, b"flowbr\0"), 1)	# CTRL_CMD_GETFAMILY
if err:
    sys.exit("nlreq: no flowbr family: " + os.strerror(err))
family = None
attrs = replies[0][4:]
while len(attrs) >= 4:
    al, at = struct.unpack_from("=HH", attrs)
    if at == 1:		# CTRL_ATTR_FAMILY_ID
        family = struct.unpack_from("=H", attrs, 4)[0]
    attrs = attrs[(al + 3) & ~3:]

def run(argv, seq):
    payload = b""
    for arg in argv[1:]:
        name, tv = arg.split("=", 1)
        kind, v = tv.split(":", 1)
        t = ATTR["FLOWBR_A_" + name]
        if name in ("KEY", "ACTIONS"):
            t |= NESTED
        payload += nla(t, value(kind, v))
    err, msg, _ = request(s, family, CMD["FLOWBR_CMD_" + argv[0]], payload, seq)
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
