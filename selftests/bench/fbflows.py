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
(kmod/uapi/linux/flowbr.h) by ../fb_netlink.py, so that this tool follows
the module.

With --ovs FILE it installs nothing and writes the same flows instead as
Open vSwitch datapath flows, the way ovs-vswitchd installs them for this
traffic (a UFID each, eth_type and ipv4(frag=no) matched), one per line,
for `ovs-dpctl add-flows DP FILE`; --out then gives datapath port numbers.

Used by the benchmark (selftests/bench) for the memory measurement and to
pre-install flows when the agent (flowbrd) is not available.
"""

import argparse
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from fb_netlink import (  # noqa: E402
    NLA_F_NESTED, NLM_F_ACK, NLM_F_REQUEST, Sock, Uapi, family_id, nla, nlmsg)


def nest(atype, *parts):
    return nla(atype | NLA_F_NESTED, b"".join(parts))


def mac_bytes(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise ValueError("bad MAC address %r" % s)
    return b


class Batcher:
    """Requests packed many to a datagram, only the last of each asking
    for an acknowledgement; the errors of a batch are collected."""

    def __init__(self):
        self.sock = Sock(cap_ack=True)
        self.family = family_id(self.sock)
        self.seq = 1

    def msg(self, cmd, attrs):
        """A request (without NLM_F_ACK) for run()."""
        return nlmsg(self.family, NLM_F_REQUEST, 0, cmd, attrs)

    def run(self, msgs):
        """Send MSGS in one datagram, the last one changed to ask for an
        acknowledgement; return the errno of each request that failed."""
        self.seq += 1
        last = bytearray(msgs[-1])
        struct.pack_into("=HI", last, 6, NLM_F_REQUEST | NLM_F_ACK, self.seq)
        err = self.sock.send(b"".join(msgs[:-1]) + bytes(last))
        if err:
            raise OSError(err, os.strerror(err))
        return self.sock.recv_until_ack(self.seq)[0]


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

    e = Uapi().names
    b = Batcher()

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
    # One template, the source MAC patched in: building each request from
    # its attributes would cost more than the kernel's work for it.
    template = b.msg(e["FLOWBR_CMD_FLOW_NEW"], attrs)
    src_off = template.index(placeholder)
    head, tail = template[:src_off], template[src_off + 6:]

    t0 = time.monotonic()
    failed = 0
    first_err = 0
    i = 0
    while i < args.count:
        n = min(args.batch, args.count - i)
        parts = []
        for k in range(i, i + n):
            parts.append(head + (src0 + k).to_bytes(6, "big") + tail)
        errs = b.run(parts)
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
              (failed, os.strerror(first_err)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
