#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generic netlink fuzzer for the flowbr family (selftests/nl_fuzz.sh).

    nl_fuzz.py --uapi kmod/uapi/linux/flowbr.h --count N --seed S
               --prefix fz --devs fzd0,fzd1 --summary FILE

Sends COUNT generated requests on raw NETLINK_GENERIC sockets: every
command (and unknown ones), random/missing/truncated/oversized/wrongly
nested/out-of-range attributes, random nlmsg flags, genl versions and
reserved bytes, several requests per datagram, dumps interrupted mid-way,
and valid sequences (bridges, ports, flows, packets) in between.

Deterministic for a given seed (random.Random(seed)). Requests that change
state only ever name bridges created here (names starting with PREFIX):
the bridges present at start are protected by name and by ifindex, and any
bridge created during the run (whatever its name) is deleted at the end.

Every well-formed request that asks for an ack (NLM_F_ACK) must get an
answer (NLMSG_ERROR, or NLMSG_DONE for a dump) with its sequence number;
the summary (JSON) has the counts, "unanswered" among them.
Python 3 standard library only.
"""

import argparse
import errno
import hashlib
import json
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fb_netlink import (  # noqa: E402
    NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLM_F_ACK, NLM_F_DUMP, NLM_F_EXCL,
    NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, Sock, Uapi, attrs, family_id,
    nla)


def resolve_family(sock, name):
    try:
        return family_id(sock, name)
    except OSError as e:
        sys.exit("nl_fuzz: " + e.strerror)


class Fuzzer:
    def __init__(self, args):
        u = Uapi(args.uapi)
        self.CMD, self.A, self.KEY, self.ACT, self.OUT = \
            u.CMD, u.ATTR, u.KEY, u.ACT, u.OUT
        self.max_ports = u.max_ports
        self.bitmap_len = u.bitmap_len
        self.cmd_max = max(self.CMD.values())
        self.attr_max = max(self.A.values())
        self.rnd = random.Random(args.seed)
        self.prefix = args.prefix
        self.devs = [d for d in args.devs.split(",") if d]
        self.sock = Sock()
        self.family = resolve_family(self.sock, "flowbr")
        self.seq = 1000
        self.stats = dict(sent=0, expected=0, answered=0, unanswered=0,
                          errors={}, acks=0, dumps_done=0, datagrams=0,
                          unanswerable=0, send_errors={}, interrupted_dumps=0,
                          valid_ops=0, valid_ok=0, enobufs=0)
        self.unanswered_samples = []
        self.digest = hashlib.sha1()
        # Bridges present at start: never changed, never named.
        self.protected_names = set()
        self.protected_ifindex = set()
        for br in self.dump_bridges():
            self.protected_names.add(br[0])
            self.protected_ifindex.add(br[1])
        self.fuzz_br = ["%s%d" % (self.prefix, i) for i in range(4)]
        self.ports = ["%sp%d" % (self.prefix, i) for i in range(6)]
        self.macs = [bytes([2, 0, 0, 0xf2, 0, i]) for i in range(8)]

    # ---------------------------------------------------------- plumbing

    def nlmsg(self, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK,
              version=1, reserved=0, typ=None, seq=None):
        if seq is None:
            self.seq += 1
            seq = self.seq
        body = struct.pack("=BBH", cmd & 0xff, version & 0xff,
                           reserved & 0xffff) + payload
        m = struct.pack("=IHHII", 16 + len(body),
                        self.family if typ is None else typ,
                        flags & 0xffff, seq, 0) + body
        return seq, m + b"\0" * (-len(m) % 4)

    def transact(self, sock, msgs, timeout=5.0):
        """Send msgs [(seq, bytes, expect_answer)] in one datagram; wait for
        an answer to each expected one. Returns {seq: (err, data msgs)}."""
        data = b"".join(m[1] for m in msgs)
        want = {m[0] for m in msgs if m[2]}
        self.stats["sent"] += len(msgs)
        self.stats["datagrams"] += 1
        self.digest.update(data)
        e = sock.send(data)
        if e:
            # Refused by sendmsg() (e.g. EMSGSIZE over the send buffer):
            # the kernel never saw it, there is nothing to answer.
            k = errno.errorcode.get(e, str(e))
            self.stats["send_errors"][k] = self.stats["send_errors"].get(k, 0) + 1
            want = set()
        self.stats["expected"] += len(want)
        self.stats["unanswerable"] += len(msgs) - len(want)
        res = {}
        deadline = time.monotonic() + timeout
        pending = set(want)
        while pending:
            left = deadline - time.monotonic()
            got = sock.recv_msgs(max(left, 0)) if left > 0 else None
            if got is None:
                break
            for typ, flags, seq, body in got:
                if typ == "enobufs":
                    self.stats["enobufs"] += 1
                    continue
                if typ == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", body)[0] if len(body) >= 4 else -1
                    res.setdefault(seq, [None, []])[0] = err
                    self.count_err(err)
                elif typ == NLMSG_DONE:
                    res.setdefault(seq, [None, []])[0] = 0
                    self.stats["dumps_done"] += 1
                else:
                    res.setdefault(seq, [None, []])[1].append((typ, flags, body))
                    continue
                if seq in pending:
                    pending.discard(seq)
                    self.stats["answered"] += 1
        for seq in pending:
            self.stats["unanswered"] += 1
            if len(self.unanswered_samples) < 20:
                m = next(m for m in msgs if m[0] == seq)
                self.unanswered_samples.append(m[1][:64].hex())
        # Anything still queued (a dump's tail) is drained and dropped.
        while sock.recv_msgs(0) is not None:
            pass
        return res

    def count_err(self, err):
        if err == 0:
            self.stats["acks"] += 1
        k = "0" if err == 0 else errno.errorcode.get(err, str(err))
        self.stats["errors"][k] = self.stats["errors"].get(k, 0) + 1

    def dump_bridges(self, sock=None):
        sock = sock or self.sock
        seq, m = self.nlmsg(self.CMD["FLOWBR_CMD_BR_GET"], b"",
                            NLM_F_REQUEST | NLM_F_DUMP)
        sock.send(m)
        out = []
        while True:
            msgs = sock.recv_msgs(5)
            if msgs is None:
                return out
            for typ, _, sq, body in msgs:
                if sq != seq:
                    continue
                if typ in (NLMSG_DONE, NLMSG_ERROR):
                    return out
                name, ifi = None, None
                for t, v in attrs(body[4:]):
                    if t == self.A["FLOWBR_A_BR_NAME"]:
                        name = v.rstrip(b"\0").decode(errors="replace")
                    elif t == self.A["FLOWBR_A_BR_IFINDEX"]:
                        ifi = struct.unpack_from("=I", v)[0]
                out.append((name, ifi))

    # ---------------------------------------------------------- values

    def u8(self, v):
        return struct.pack("=B", v & 0xff)

    def u16(self, v):
        return struct.pack("=H", v & 0xffff)

    def u32(self, v):
        return struct.pack("=I", v & 0xffffffff)

    def rbytes(self, n):
        return self.rnd.randbytes(n)

    def ifname(self):
        r = self.rnd.random()
        if r < 0.6:
            return self.rnd.choice(self.fuzz_br + self.ports + self.devs)
        if r < 0.7:
            return "lo"
        if r < 0.8:
            return self.prefix + "".join(self.rnd.choice("abcxyz0129.-_")
                                         for _ in range(self.rnd.randint(0, 14)))
        if r < 0.85:
            return ""
        if r < 0.9:
            return "a" * self.rnd.randint(15, 40)	# too long
        if r < 0.95:
            return self.prefix + self.rnd.choice(["/x", " x", "x:y", "%d", "..", "."])
        return "".join(chr(self.rnd.randint(1, 255)) for _ in range(self.rnd.randint(1, 16)))

    def strval(self, name):
        b = name.encode("latin-1")
        r = self.rnd.random()
        if r < 0.85:
            return b + b"\0"
        if r < 0.92:
            return b			# not NUL-terminated
        return b + b"\0" + self.rbytes(self.rnd.randint(1, 20))

    def intval(self, size, lo, hi):
        r = self.rnd.random()
        edge = [0, 1, hi, hi + 1, lo - 1, (1 << (8 * size)) - 1,
                1 << (8 * size - 1), 4094, 4095, 4096]
        if r < 0.6:
            v = self.rnd.randint(lo, hi)
        elif r < 0.85:
            v = self.rnd.choice(edge)
        else:
            v = self.rnd.getrandbits(8 * size)
        return struct.pack({1: "=B", 2: "=H", 4: "=I", 8: "=Q"}[size],
                           v & ((1 << (8 * size)) - 1))

    def mac(self):
        if self.rnd.random() < 0.8:
            return self.rnd.choice(self.macs)
        return self.rbytes(6)

    def key(self, valid=False):
        K = self.KEY
        parts = [nla(K["FLOWBR_KEY_IN_PORT"], self.intval(4, 0, 5) if not valid
                     else self.u32(self.rnd.randint(0, 3))),
                 nla(K["FLOWBR_KEY_VLAN"], self.intval(2, 0, 10) if not valid
                     else self.u16(self.rnd.choice([0, 10, 20]))),
                 nla(K["FLOWBR_KEY_ETH_SRC"], self.mac()),
                 nla(K["FLOWBR_KEY_ETH_DST"], self.mac())]
        if not valid:
            parts = self.mutate_list(parts, max(K.values()))
        return b"".join(parts)

    def output(self, valid=False):
        O = self.OUT
        port = self.rnd.randint(0, 3) if valid else None
        op = self.rnd.randint(0, 1)
        p = [nla(O["FLOWBR_OUT_PORT"], self.u32(port) if valid else self.intval(4, 0, 5))]
        if valid:
            p.append(nla(O["FLOWBR_OUT_TAG_OP"], self.u8(op)))
            if op:
                p.append(nla(O["FLOWBR_OUT_VID"], self.u16(self.rnd.randint(1, 4094))))
        else:
            p.append(nla(O["FLOWBR_OUT_TAG_OP"], self.intval(1, 0, 1)))
            p.append(nla(O["FLOWBR_OUT_VID"], self.intval(2, 1, 4094)))
            p = self.mutate_list(p, max(O.values()))
        return nla(self.ACT["FLOWBR_ACT_OUTPUT"] | NLA_F_NESTED, b"".join(p))

    def flood(self, valid=False):
        vlan = self.u16(self.rnd.choice([0, 10, 20, 4094])) if valid \
            else self.intval(2, 0, 4094)
        return nla(self.ACT["FLOWBR_ACT_FLOOD"], vlan)

    def actions(self, valid=False):
        n = self.rnd.choice([0, 1, 1, 2, 3, 8]) if valid or self.rnd.random() < 0.9 \
            else self.rnd.randint(0, 300)
        acts = [self.output(valid) for _ in range(n)]
        if self.rnd.random() < 0.3:	# FLOWBR_ACT_FLOOD, last when valid
            acts.append(self.flood(valid))
        if not valid:
            acts = self.mutate_list(acts, max(self.ACT.values()))
        return b"".join(acts)

    def frame(self):
        r = self.rnd.random()
        dst, src = self.mac(), self.mac()
        if r < 0.3:
            return dst + src + b"\x88\xb5" + self.rbytes(46)
        if r < 0.5:
            tpid = self.rnd.choice([b"\x81\x00", b"\x88\xa8", b"\x91\x00"])
            return dst + src + tpid + self.rbytes(2) + b"\x81\x00" + self.rbytes(self.rnd.randint(0, 50))
        if r < 0.6:
            return dst + src + b"\x81\x00" + self.rbytes(self.rnd.randint(0, 3))	# truncated tag
        if r < 0.7:
            return self.rbytes(self.rnd.randint(0, 20))	# short
        if r < 0.75:
            return dst + src + b"\x08\x00" + self.rbytes(self.rnd.randint(1500, 9000))	# > MTU
        return self.rbytes(self.rnd.randint(14, 200))

    def value(self, name):
        """A plausible (often valid, sometimes out-of-range) payload."""
        if name == "FLOWBR_A_BR_NAME":
            return self.strval(self.rnd.choice(self.fuzz_br) if self.rnd.random() < 0.8
                               else self.ifname())
        if name == "FLOWBR_A_PORT_NAME":
            return self.strval(self.ifname())
        if name == "FLOWBR_A_VERSION":
            return self.strval("1.0")
        if name in ("FLOWBR_A_BR_IFINDEX", "FLOWBR_A_PORT_IFINDEX"):
            return self.intval(4, 1, 64)
        if name == "FLOWBR_A_BR_FLOW_LIMIT":
            return self.intval(4, 1, 4000000)
        if name == "FLOWBR_A_BR_UPCALL_QUEUE":
            return self.intval(4, 1, 65536)
        if name in ("FLOWBR_A_BR_UPCALL_RATE", "FLOWBR_A_BR_FLOW_COUNT",
                    "FLOWBR_A_BR_FLOW_EXTERNAL", "FLOWBR_A_FEATURES"):
            return self.intval(4, 0, 100000)
        if name == "FLOWBR_A_BR_MISS_POLICY":
            return self.intval(1, 0, 1)
        if name == "FLOWBR_A_BR_UPCALL_PIDS":
            n = self.rnd.choice([0, 1, 2, 3, 1024, 1025])
            return b"".join(self.u32(self.rnd.getrandbits(32)) for _ in range(n)) + \
                (self.rbytes(self.rnd.randint(1, 3)) if self.rnd.random() < 0.1 else b"")
        if name == "FLOWBR_A_PORT_NO":
            return self.intval(4, 0, 5)
        if name == "FLOWBR_A_PORT_TYPE":
            return self.intval(1, 0, 1)
        if name == "FLOWBR_A_PORT_VLAN_MODE":
            return self.intval(1, 0, 3)
        if name in ("FLOWBR_A_PORT_TAG", "FLOWBR_A_VLAN"):
            return self.intval(2, 0, 4094)
        if name == "FLOWBR_A_PORT_TRUNKS":
            b = bytearray(self.bitmap_len)
            for _ in range(self.rnd.randint(0, 5)):
                v = self.rnd.randint(0, 4095)
                b[v // 8] |= 1 << (v % 8)
            r = self.rnd.random()
            if r < 0.1:
                return bytes(b[:self.rnd.randint(0, self.bitmap_len - 1)])
            if r < 0.15:
                return bytes(b) + self.rbytes(self.rnd.randint(1, 8))
            return bytes(b)
        if name == "FLOWBR_A_KEY":
            return self.key()
        if name == "FLOWBR_A_ACTIONS":
            return self.actions()
        if name == "FLOWBR_A_PACKET":
            return self.frame()
        if name in ("FLOWBR_A_MAC", "FLOWBR_A_MAC_SRC", "FLOWBR_A_MAC_DST"):
            return self.mac()
        if name == "FLOWBR_A_FLOW_IDLE_MIN":
            return self.intval(4, 1, 86400000)	# 1 ms .. a day
        if name == "FLOWBR_A_AGENT":			# a flag: no payload, or junk
            return b"" if self.rnd.random() < 0.8 else self.rbytes(self.rnd.randint(1, 4))
        if name in ("FLOWBR_A_BR_STATS", "FLOWBR_A_PORT_STATS",
                    "FLOWBR_A_FLOW_STATS"):
            return nla(self.rnd.randint(0, 12), self.rbytes(8))
        if name in ("FLOWBR_A_PORT_UPCALLS", "FLOWBR_A_PAD"):
            return self.rbytes(self.rnd.choice([0, 4, 8]))
        return self.rbytes(self.rnd.randint(0, 16))

    NESTED = ("FLOWBR_A_KEY", "FLOWBR_A_ACTIONS", "FLOWBR_A_BR_STATS",
              "FLOWBR_A_PORT_STATS", "FLOWBR_A_FLOW_STATS")

    def attr(self, name):
        t = self.A[name]
        if name in self.NESTED:
            t |= NLA_F_NESTED
        return nla(t, self.value(name))

    def mutate_attr(self, a):
        """Damage one encoded attribute."""
        ln, t = struct.unpack_from("=HH", a)
        data = a[4:ln]
        r = self.rnd.randint(0, 9)
        if r == 0:			# truncated payload
            return nla(t, data[:self.rnd.randint(0, max(len(data) - 1, 0))])
        if r == 1:			# oversized payload
            return nla(t, data + self.rbytes(self.rnd.randint(1, 64)))
        if r == 2:			# flip the nested flag
            return nla(t ^ NLA_F_NESTED, data)
        if r == 3:			# byte order flag
            return nla(t | NLA_F_NET_BYTEORDER, data)
        if r == 4:			# random payload
            return nla(t, self.rbytes(self.rnd.randint(0, 32)))
        if r == 5:			# nested garbage / wrong nesting
            return nla(t | NLA_F_NESTED, nla(self.rnd.randint(0, 40), data))
        if r == 6:			# deep nesting
            inner = data
            for _ in range(self.rnd.randint(2, 40)):
                inner = nla(self.rnd.randint(0, 8) | NLA_F_NESTED, inner)
            return nla(t | NLA_F_NESTED, inner)
        if r == 7:			# bad nla_len, kept inside the message
            bad = self.rnd.choice([0, 1, 3, ln + 4, ln + 100, 0xffff])
            return struct.pack("=HH", min(bad, 0xffff), t) + a[4:]
        if r == 8:			# unknown type
            return nla(self.rnd.choice([self.attr_max + 1, self.attr_max + 7,
                                        0x3fff, 0]), data)
        return nla(t, data[::-1])

    def mutate_list(self, parts, maxtype):
        """Drop, duplicate, reorder, damage or add list items."""
        parts = list(parts)
        for _ in range(self.rnd.choice([0, 0, 1, 1, 2, 3])):
            r = self.rnd.random()
            if r < 0.25 and parts:
                parts.pop(self.rnd.randrange(len(parts)))
            elif r < 0.4 and parts:
                parts.append(self.rnd.choice(parts))
            elif r < 0.5:
                self.rnd.shuffle(parts)
            elif r < 0.85 and parts:
                i = self.rnd.randrange(len(parts))
                parts[i] = self.mutate_attr(parts[i])
            else:
                parts.append(nla(self.rnd.randint(0, maxtype + 3), self.rbytes(self.rnd.randint(0, 12))))
        return parts

    # ---------------------------------------------------------- safety

    def unsafe(self, cmd, payload):
        """Would this request change a bridge that is not ours?"""
        if cmd == self.CMD["FLOWBR_CMD_BR_GET"] or cmd == self.CMD["FLOWBR_CMD_PORT_GET"] \
           or cmd == self.CMD["FLOWBR_CMD_FLOW_GET"] or cmd == self.CMD["FLOWBR_CMD_GET_INFO"]:
            return False
        for t, v in attrs(payload):
            t &= ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)
            if t == self.A["FLOWBR_A_BR_NAME"]:
                if v.split(b"\0", 1)[0].decode("latin-1") in self.protected_names:
                    return True
            elif t == self.A["FLOWBR_A_BR_IFINDEX"] and len(v) >= 4:
                if struct.unpack_from("=I", v)[0] in self.protected_ifindex:
                    return True
        return False

    # ---------------------------------------------------------- generators

    CMD_ATTRS = {
        "FLOWBR_CMD_GET_INFO": [],
        "FLOWBR_CMD_BR_NEW": ["BR_NAME", "BR_FLOW_LIMIT", "BR_MISS_POLICY",
                              "BR_UPCALL_QUEUE", "BR_UPCALL_RATE", "BR_UPCALL_PIDS"],
        "FLOWBR_CMD_BR_DEL": ["BR_NAME", "BR_IFINDEX"],
        "FLOWBR_CMD_BR_GET": ["BR_NAME", "BR_IFINDEX"],
        "FLOWBR_CMD_BR_SET": ["BR_NAME", "BR_IFINDEX", "BR_FLOW_LIMIT",
                              "BR_MISS_POLICY", "BR_UPCALL_QUEUE",
                              "BR_UPCALL_RATE", "BR_UPCALL_PIDS"],
        "FLOWBR_CMD_PORT_NEW": ["BR_NAME", "PORT_NAME", "PORT_IFINDEX", "PORT_TYPE",
                                "PORT_NO", "PORT_VLAN_MODE", "PORT_TAG", "PORT_TRUNKS"],
        "FLOWBR_CMD_PORT_DEL": ["BR_NAME", "PORT_NAME", "PORT_NO"],
        "FLOWBR_CMD_PORT_GET": ["BR_NAME", "PORT_NAME", "PORT_NO"],
        "FLOWBR_CMD_PORT_SET": ["BR_NAME", "PORT_NAME", "PORT_NO", "PORT_VLAN_MODE",
                                "PORT_TAG", "PORT_TRUNKS"],
        "FLOWBR_CMD_FLOW_NEW": ["BR_NAME", "KEY", "ACTIONS", "AGENT"],
        "FLOWBR_CMD_FLOW_DEL": ["BR_NAME", "KEY", "AGENT"],
        "FLOWBR_CMD_FLOW_GET": ["BR_NAME", "KEY", "FLOW_IDLE_MIN"],
        "FLOWBR_CMD_FLOW_FLUSH": ["BR_NAME", "PORT_NO", "VLAN", "MAC", "AGENT",
                                  "MAC_SRC", "MAC_DST"],
        "FLOWBR_CMD_UPCALL": ["BR_IFINDEX", "BR_NAME", "KEY", "PACKET"],
        "FLOWBR_CMD_PACKET_EXECUTE": ["BR_NAME", "KEY", "ACTIONS", "PACKET"],
    }

    def random_request(self, single=True):
        """(seq, bytes, expect_answer) of one fuzzed request, or None. Only
        a request sent alone (@single) may have a bad nlmsg_len, since the
        kernel ignores the rest of a datagram after one."""
        rnd = self.rnd
        r = rnd.random()
        if r < 0.9:
            cname = rnd.choice(list(self.CMD_ATTRS))
            cmd = self.CMD[cname]
            names = ["FLOWBR_A_" + n for n in self.CMD_ATTRS[cname]]
        else:
            cmd = rnd.choice([0, self.cmd_max + 1, rnd.randint(0, 255)])
            names = []
        if rnd.random() < 0.15 or not names:
            names = names + rnd.sample(sorted(self.A), rnd.randint(0, 4))
        parts = [self.attr(n) for n in names if rnd.random() < 0.85]
        parts = self.mutate_list(parts, self.attr_max)
        if rnd.random() < 0.03:		# a lot of attributes
            parts = parts * rnd.randint(2, 50)
        payload = b"".join(parts)
        if rnd.random() < 0.02:		# raw garbage after the header
            payload = self.rbytes(rnd.randint(0, 64))

        flags = NLM_F_REQUEST | NLM_F_ACK
        r = rnd.random()
        if r < 0.1:
            flags |= NLM_F_DUMP
        elif r < 0.15:
            flags |= NLM_F_EXCL
        elif r < 0.25:
            flags = rnd.getrandbits(16) | NLM_F_ACK
        elif r < 0.27:
            flags = NLM_F_ACK			# not a request: acked, not run
        elif r < 0.3:
            flags = rnd.getrandbits(16) & ~NLM_F_ACK
        version = 1 if rnd.random() < 0.9 else rnd.choice([0, 2, 255])
        reserved = 0 if rnd.random() < 0.9 else rnd.getrandbits(16)
        if self.unsafe(cmd, payload):
            return None
        seq, m = self.nlmsg(cmd, payload, flags, version, reserved)
        r = rnd.random()
        expect = bool(flags & NLM_F_ACK)
        if r < 0.01:			# genl header cut short
            k = rnd.randint(0, 3)
            m = struct.pack("=I", 16 + k) + m[4:16 + k]
            m += b"\0" * (-len(m) % 4)
        elif r < 0.015 and single:	# nlmsg_len past the end: ignored
            m = struct.pack("=I", len(m) + rnd.randint(1, 100)) + m[4:]
            expect = False
        elif r < 0.02:			# control message types: acked, not run
            m = m[:4] + struct.pack("=H", rnd.randint(0, 15)) + m[6:]
        return seq, m, expect

    # ---------------------------------------------------------- valid ops

    def valid(self, cmd, parts, flags=NLM_F_REQUEST | NLM_F_ACK):
        self.stats["valid_ops"] += 1
        seq, m = self.nlmsg(self.CMD[cmd], b"".join(parts), flags)
        res = self.transact(self.sock, [(seq, m, True)])
        err = res.get(seq, [None])[0]
        if err == 0:
            self.stats["valid_ok"] += 1
        return err

    def valid_op(self):
        A, rnd = self.A, self.rnd
        br = rnd.choice(self.fuzz_br)
        brn = nla(A["FLOWBR_A_BR_NAME"], br.encode() + b"\0")
        r = rnd.random()
        if r < 0.08:
            self.valid("FLOWBR_CMD_BR_NEW", [brn])
        elif r < 0.12:
            self.valid("FLOWBR_CMD_BR_DEL", [brn])
        elif r < 0.25:
            internal = rnd.random() < 0.5 or not self.devs
            name = rnd.choice(self.ports) if internal else rnd.choice(self.devs)
            p = [brn, nla(A["FLOWBR_A_PORT_NAME"], name.encode() + b"\0")]
            if internal:
                p.append(nla(A["FLOWBR_A_PORT_TYPE"], self.u8(1)))
            if rnd.random() < 0.5:
                p.append(nla(A["FLOWBR_A_PORT_TAG"], self.u16(rnd.choice([10, 20]))))
            self.valid("FLOWBR_CMD_PORT_NEW", p)
        elif r < 0.32:
            name = rnd.choice(self.ports + self.devs)
            self.valid("FLOWBR_CMD_PORT_DEL", [brn, nla(A["FLOWBR_A_PORT_NAME"], name.encode() + b"\0")])
        elif r < 0.4:
            name = rnd.choice(self.ports + self.devs)
            self.valid("FLOWBR_CMD_PORT_SET", [brn, nla(A["FLOWBR_A_PORT_NAME"], name.encode() + b"\0"),
                                               nla(A["FLOWBR_A_PORT_TAG"], self.u16(rnd.choice([0, 10, 20])))])
        elif r < 0.7:
            for _ in range(rnd.randint(1, 20)):
                self.valid("FLOWBR_CMD_FLOW_NEW", [brn, nla(A["FLOWBR_A_KEY"] | NLA_F_NESTED, self.key(True)),
                                                   nla(A["FLOWBR_A_ACTIONS"] | NLA_F_NESTED, self.actions(True))])
        elif r < 0.75:
            self.valid("FLOWBR_CMD_FLOW_DEL", [brn, nla(A["FLOWBR_A_KEY"] | NLA_F_NESTED, self.key(True))])
        elif r < 0.8:
            p = [brn]
            if rnd.random() < 0.5:
                p.append(nla(A["FLOWBR_A_VLAN"], self.u16(rnd.choice([0, 10, 20]))))
            self.valid("FLOWBR_CMD_FLOW_FLUSH", p)
        elif r < 0.9:
            p = [brn, nla(A["FLOWBR_A_KEY"] | NLA_F_NESTED,
                          nla(self.KEY["FLOWBR_KEY_IN_PORT"], self.u32(rnd.randint(0, 3)))),
                 nla(A["FLOWBR_A_PACKET"], self.frame())]
            if rnd.random() < 0.5:
                p.append(nla(A["FLOWBR_A_ACTIONS"] | NLA_F_NESTED, self.actions(True)))
            self.valid("FLOWBR_CMD_PACKET_EXECUTE", p)
        else:
            self.valid("FLOWBR_CMD_BR_SET", [brn, nla(A["FLOWBR_A_BR_MISS_POLICY"], self.u8(rnd.randint(0, 1))),
                                             nla(A["FLOWBR_A_BR_FLOW_LIMIT"], self.u32(rnd.choice([1000, 200000])))])

    def interrupted_dump(self):
        """Start a dump on a new socket, read part of it, then close the
        socket or send other requests on it."""
        A, rnd = self.A, self.rnd
        s = Sock()
        try:
            cmd = rnd.choice(["FLOWBR_CMD_FLOW_GET", "FLOWBR_CMD_FLOW_GET",
                              "FLOWBR_CMD_PORT_GET", "FLOWBR_CMD_BR_GET"])
            p = b""
            if cmd != "FLOWBR_CMD_BR_GET" and rnd.random() < 0.9:
                p = nla(A["FLOWBR_A_BR_NAME"], rnd.choice(self.fuzz_br).encode() + b"\0")
            if cmd == "FLOWBR_CMD_FLOW_GET" and rnd.random() < 0.5:
                # the idle filter: none, some or all of the flows
                p += nla(A["FLOWBR_A_FLOW_IDLE_MIN"], self.u32(rnd.choice([1, 50, 1000, 86400000])))
            seq, m = self.nlmsg(self.CMD[cmd], p, NLM_F_REQUEST | NLM_F_DUMP)
            self.stats["sent"] += 1
            self.stats["interrupted_dumps"] += 1
            s.send(m)
            s.recv_msgs(2)			# the first part, at most
            r = rnd.random()
            if r < 0.4:
                return			# closed mid-dump
            if r < 0.7:			# other requests while it is open
                reqs = []
                for _ in range(rnd.randint(1, 4)):
                    q = self.random_request(False)
                    if q:
                        reqs.append(q)
                if reqs:
                    self.transact(s, reqs)
                return
            # a second dump on the same socket while the first is running
            seq2, m2 = self.nlmsg(self.CMD[cmd], p, NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK)
            self.transact(s, [(seq2, m2, True)])
        finally:
            s.close()

    # ---------------------------------------------------------- main

    def run(self, count, progress, budget=0):
        t0 = time.monotonic()
        next_progress = progress
        while self.stats["sent"] < count:
            if budget and time.monotonic() - t0 > budget:
                print("# nl_fuzz: time budget of %d s used up" % budget, flush=True)
                break
            r = self.rnd.random()
            if r < 0.04:
                self.valid_op()
            elif r < 0.045:
                self.interrupted_dump()
            elif r < 0.1:
                reqs = []
                for _ in range(self.rnd.randint(2, 16)):
                    q = self.random_request(False)
                    if q:
                        reqs.append(q)
                if reqs:
                    self.transact(self.sock, reqs)
            else:
                q = self.random_request()
                if q:
                    self.transact(self.sock, [q])
            if progress and self.stats["sent"] >= next_progress:
                next_progress += progress
                print("# nl_fuzz: %d sent, %d unanswered, %.0f s" %
                      (self.stats["sent"], self.stats["unanswered"],
                       time.monotonic() - t0), flush=True)
        self.stats["seconds"] = round(time.monotonic() - t0, 1)

    def cleanup(self):
        """Delete every bridge created during the run."""
        deleted = []
        for name, ifi in self.dump_bridges():
            if name in self.protected_names or ifi in self.protected_ifindex:
                continue
            seq, m = self.nlmsg(self.CMD["FLOWBR_CMD_BR_DEL"],
                                nla(self.A["FLOWBR_A_BR_IFINDEX"], self.u32(ifi)))
            self.sock.send(m)
            while True:
                msgs = self.sock.recv_msgs(10)
                if msgs is None or any(x[0] == NLMSG_ERROR and x[2] == seq for x in msgs):
                    break
            deleted.append(name)
        self.stats["cleanup_deleted"] = deleted


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--uapi", required=True)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="fz")
    ap.add_argument("--devs", default="")
    ap.add_argument("--summary", default="")
    ap.add_argument("--progress", type=int, default=10000)
    ap.add_argument("--no-cleanup", action="store_true")
    ap.add_argument("--budget", type=int, default=0,
                    help="stop after this many seconds even if COUNT is not reached")
    args = ap.parse_args()
    f = Fuzzer(args)
    print("# nl_fuzz: seed %d, %d requests, family %d, protected %s" %
          (args.seed, args.count, f.family, sorted(f.protected_names)), flush=True)
    f.run(args.count, args.progress, args.budget)
    if not args.no_cleanup:
        f.cleanup()
    f.stats["unanswered_samples"] = f.unanswered_samples
    f.stats["digest"] = f.digest.hexdigest()
    out = json.dumps(f.stats, sort_keys=True)
    print("# nl_fuzz: " + out, flush=True)
    if args.summary:
        with open(args.summary, "w") as fh:
            fh.write(out + "\n")


if __name__ == "__main__":
    main()
