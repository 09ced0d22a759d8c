#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Install many flowbr flows fast, straight over generic netlink.

    fbflows.py BR --in-port P --vlan V --src MAC --count N --dst MAC
               --out P[:VID] [--out ...] [--batch 256] [--until-error]

installs N flows in_port=P,vlan=V,dl_src=MAC+i,dl_dst=DST (i = 0..N-1, the
source MAC counted up as a 48-bit number, the way pktgen's sequential
src_mac_count does) with the given outputs. Requests are packed many to a
datagram; only the last of each batch asks for an acknowledgement, so the
cost is close to the kernel's own. Prints "installed=N failed=N secs=S".
With --until-error it stops after the first batch that had an error.

The numbers of the attributes and commands are read from the UAPI header
(kmod/uapi/linux/flowbr.h) so that this tool follows the module.

With --ovs FILE it installs nothing and writes the same flows instead as
Open vSwitch datapath flows, the way ovs-vswitchd installs them for this
traffic (a UFID each, eth_type and ipv4(frag=no) matched), one per line,
for `ovs-dpctl add-flows DP FILE`; --out then gives datapath port numbers.

Used by the benchmark (selftests/bench) for the memory measurement and to
pre-install flows when the agent (flowbrd) is not available.
"""

import argparse
import errno
import os
import re
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLMSG_ERROR = 0x2
NLMSG_DONE = 0x3
NLA_F_NESTED = 0x8000
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

HERE = os.path.dirname(os.path.abspath(__file__))
UAPI = os.path.join(HERE, "..", "..", "kmod", "uapi", "linux", "flowbr.h")


def read_enums(path):
    """Map every enumerator of the header without explicit values to its
    value (enums that assign values, like the feature bits, are skipped)."""
    with open(path) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    values = {}
    for body in re.findall(r"enum\s+\w+\s*\{(.*?)\}", text, flags=re.S):
        names = [e.strip() for e in body.split(",") if e.strip()]
        if any("=" in n and not re.match(r"^\w+\s*=\s*__\w+\s*-\s*1$", n)
               for n in names):
            continue
        for i, n in enumerate(names):
            if "=" not in n:
                values[n] = i
    return values


def nla(atype, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, atype) + payload + b"\0" * ((4 - n % 4) % 4)


def nest(atype, *parts):
    return nla(atype | NLA_F_NESTED, b"".join(parts))


def mac_bytes(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise ValueError("bad MAC address %r" % s)
    return b


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, 0))
        self.seq = 1
        # One buffer for every datagram: recv(1 MiB) would allocate (and
        # the VM fault in) a megabyte per call, one per error reply.
        self.buf = bytearray(1 << 20)

    def msg(self, family, cmd, attrs, flags=NLM_F_REQUEST, seq=0):
        body = struct.pack("=BBH", cmd, 1, 0) + attrs
        return struct.pack("=IHHII", 16 + len(body), family, flags, seq,
                           0) + body

    def recv_until_ack(self, seq):
        """Read replies until the acknowledgement of @seq; return the list
        of errors (negative errno) seen for any message."""
        errors = []
        while True:
            n = self.sock.recv_into(self.buf)
            data = bytes(memoryview(self.buf)[:n])
            off = 0
            while off + 16 <= len(data):
                ln, mtype, _flags, mseq, _pid = struct.unpack_from(
                    "=IHHII", data, off)
                if ln < 16:
                    break
                if mtype == NLMSG_ERROR:
                    err = struct.unpack_from("=i", data, off + 16)[0]
                    if err:
                        errors.append(err)
                    if mseq == seq:
                        return errors
                elif mseq == seq and mtype != NLMSG_DONE:
                    self.last_reply = data[off:off + ln]
                off += (ln + 3) & ~3

    def family_id(self, name):
        self.seq += 1
        m = self.msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                     nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"),
                     NLM_F_REQUEST | NLM_F_ACK, self.seq)
        self.last_reply = None
        self.sock.send(m)
        errs = self.recv_until_ack(self.seq)
        if errs or not self.last_reply:
            raise OSError(-errs[0] if errs else errno.ENOENT,
                          "generic netlink family %r not found "
                          "(is the module loaded?)" % name)
        data = self.last_reply
        off = 20
        while off + 4 <= len(data):
            ln, atype = struct.unpack_from("=HH", data, off)
            if ln < 4:
                break
            if atype & 0x3fff == CTRL_ATTR_FAMILY_ID:
                return struct.unpack_from("=H", data, off + 4)[0]
            off += (ln + 3) & ~3
        raise OSError(errno.ENOENT, "no family id in the reply")


def write_ovs(args):
    src0 = int.from_bytes(mac_bytes(args.src), "big")
    acts = ",".join("push_vlan(vid=%s,pcp=0),%s" % (o.split(":")[1],
                                                     o.split(":")[0])
                    if ":" in o else o for o in args.out)
    match = ",eth_type(0x0800),ipv4(frag=no) " + acts + "\n"
    head = "recirc_id(0),in_port(%d)," % args.in_port
    with open(args.ovs, "w") as f:
        for i in range(args.count):
            m = (src0 + i).to_bytes(6, "big").hex(":")
            f.write("ufid:fb00%04x-0000-0000-0000-%012x,%seth(src=%s,dst=%s)%s"
                    % (args.in_port, i, head, m, args.dst, match))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bridge")
    ap.add_argument("--in-port", type=int, required=True)
    ap.add_argument("--vlan", type=int, default=0)
    ap.add_argument("--src", required=True, help="first source MAC")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--out", action="append", required=True,
                    help="output port, or PORT:VID to push a tag")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--until-error", action="store_true",
                    help="stop after the first batch with an error")
    ap.add_argument("--ovs", metavar="FILE",
                    help="write ovs-dpctl add-flows lines instead")
    args = ap.parse_args()
    if args.ovs:
        return write_ovs(args)

    e = read_enums(UAPI)
    g = Genl()
    fam = g.family_id("flowbr")

    acts = []
    for o in args.out:
        port, _, vid = o.partition(":")
        parts = [nla(e["FLOWBR_OUT_PORT"], struct.pack("=I", int(port)))]
        if vid:
            parts.append(nla(e["FLOWBR_OUT_TAG_OP"],
                             struct.pack("=B", e["FLOWBR_TAG_PUSH"])))
            parts.append(nla(e["FLOWBR_OUT_VID"], struct.pack("=H", int(vid))))
        acts.append(nest(e["FLOWBR_ACT_OUTPUT"], *parts))
    src0 = int.from_bytes(mac_bytes(args.src), "big")
    placeholder = b"\xee" * 6
    attrs = (nla(e["FLOWBR_A_BR_NAME"], args.bridge.encode() + b"\0") +
             nest(e["FLOWBR_A_KEY"],
                  nla(e["FLOWBR_KEY_IN_PORT"], struct.pack("=I", args.in_port)),
                  nla(e["FLOWBR_KEY_VLAN"], struct.pack("=H", args.vlan)),
                  nla(e["FLOWBR_KEY_ETH_SRC"], placeholder),
                  nla(e["FLOWBR_KEY_ETH_DST"], mac_bytes(args.dst))) +
             nest(e["FLOWBR_A_ACTIONS"], *acts))
    template = g.msg(fam, e["FLOWBR_CMD_FLOW_NEW"], attrs)
    src_off = template.index(placeholder)
    head, tail = template[:src_off], template[src_off + 6:]
    acked = bytearray(template)
    struct.pack_into("=H", acked, 6, NLM_F_REQUEST | NLM_F_ACK)
    ahead, atail = bytes(acked[:src_off]), bytes(acked[src_off + 6:])

    t0 = time.monotonic()
    failed = 0
    first_err = 0
    i = 0
    while i < args.count:
        n = min(args.batch, args.count - i)
        parts = []
        for k in range(i, i + n - 1):
            parts.append(head)
            parts.append((src0 + k).to_bytes(6, "big"))
            parts.append(tail)
        g.seq += 1
        last = bytearray(ahead + (src0 + i + n - 1).to_bytes(6, "big") + atail)
        struct.pack_into("=I", last, 8, g.seq)
        parts.append(bytes(last))
        g.sock.send(b"".join(parts))
        errs = g.recv_until_ack(g.seq)
        i += n
        if errs:
            failed += len(errs)
            first_err = first_err or errs[0]
            if args.until_error:
                break
    secs = time.monotonic() - t0
    print("installed=%d failed=%d secs=%.3f" % (i - failed, failed,
                                                 secs))
    if failed:
        print("fbflows: %d requests failed, first: %s" %
              (failed, os.strerror(-first_err)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
