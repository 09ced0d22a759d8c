# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink for the flowbr selftests (python3 standard library).

Shared by fb_nlreq.py (one request at a time, for the security and bad-input
tests), nl_fuzz.py (the fuzzer) and bench/fbflows.py (pipelined batches of
requests): the uapi header's enums and defines, attribute packing and
parsing, the socket, the family lookup and the error message (extack) of an
NLMSG_ERROR.
"""
import errno
import os
import re
import select
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 1, 2, 4, 8
NLM_F_ROOT, NLM_F_MATCH, NLM_F_EXCL = 0x100, 0x200, 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200	# in NLMSG_ERROR
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 1 << 15, 1 << 14
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2


def enum(text, name):
    """{NAME: value} of `enum name` in the header text."""
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


def define(text, name):
    """The number a `#define name N` gives."""
    return int(re.search(r"#define %s\s+\(?([0-9]+)" % name, text).group(1))


UAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "kmod", "uapi", "linux", "flowbr.h")


class Uapi:
    """The flowbr uapi header: enums as dicts, a few defines; .names has
    every enumerator of every enum (those with plain numbers)."""

    def __init__(self, path=UAPI):
        text = open(path).read()
        self.names = {}
        for name in re.findall(r"^enum (\w+) \{", text, re.M):
            self.names.update(enum(text, name))
        self.CMD = enum(text, "flowbr_cmd")
        self.ATTR = enum(text, "flowbr_attr")
        self.KEY = enum(text, "flowbr_key_attr")
        self.ACT = enum(text, "flowbr_action_attr")
        self.OUT = enum(text, "flowbr_output_attr")
        self.max_ports = define(text, "FLOWBR_MAX_PORTS")
        self.bitmap_len = define(text, "FLOWBR_VLAN_BITMAP_LEN")


def nla(t, data):
    """One attribute, padded; the payload is cut to what nla_len holds."""
    data = data[:0xffff - 4]
    n = 4 + len(data)
    return struct.pack("=HH", n, t) + data + b"\0" * (-n % 4)


def attrs(data):
    """Parse attributes: yield (type, payload)."""
    off = 0
    while off + 4 <= len(data):
        ln, t = struct.unpack_from("=HH", data, off)
        if ln < 4 or off + ln > len(data):
            break
        yield t, data[off + 4:off + ln]
        off += (ln + 3) & ~3


def nlmsg(typ, flags, seq, cmd, payload, version=1, reserved=0):
    """A generic netlink message (padded to 4 bytes)."""
    body = struct.pack("=BBH", cmd & 0xff, version & 0xff,
                       reserved & 0xffff) + payload
    m = struct.pack("=IHHII", 16 + len(body), typ, flags & 0xffff, seq,
                    0) + body
    return m + b"\0" * (-len(m) % 4)


def split(data):
    """A datagram as a list of (type, flags, seq, payload)."""
    out, off = [], 0
    while off + 16 <= len(data):
        ln, typ, flags, seq, _ = struct.unpack_from("=IHHII", data, off)
        if ln < 16:
            break
        out.append((typ, flags, seq, data[off + 16:off + ln]))
        off += (ln + 3) & ~3
    return out


def error(flags, body):
    """(errno, extack message) of an NLMSG_ERROR payload; errno 0 = ack."""
    err = -struct.unpack_from("=i", body)[0] if len(body) >= 4 else -1
    msg = ""
    if flags & NLM_F_ACK_TLVS and len(body) >= 20:
        # After the error code: the request's header, or all of it
        # unless capped.
        off = 4 + (16 if flags & NLM_F_CAPPED else
                   struct.unpack_from("=I", body, 4)[0])
        for t, v in attrs(body[(off + 3) & ~3:]):
            if t == NLMSGERR_ATTR_MSG:
                msg = v.rstrip(b"\0").decode(errors="replace")
    return err, msg


class Sock:
    """A bound NETLINK_GENERIC socket with extended acks."""

    def __init__(self, rcvbuf=1 << 20, cap_ack=False):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        if cap_ack:
            self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.bind((0, 0))
        # One buffer for every datagram (recv(1 MiB) allocates a megabyte
        # per call: slow in the VM, with thousands of error replies).
        self.buf = bytearray(1 << 20)

    def close(self):
        self.s.close()

    def send(self, data):
        """0, or the errno sendmsg() failed with."""
        try:
            self.s.send(data)
            return 0
        except OSError as e:
            return e.errno

    def recv_msgs(self, timeout):
        """One datagram as split() gives it, None on timeout, or
        [("enobufs", 0, 0, b"")] when the socket overran."""
        r, _, _ = select.select([self.s], [], [], timeout)
        if not r:
            return None
        try:
            n = self.s.recv_into(self.buf)
        except OSError as e:
            if e.errno == errno.ENOBUFS:
                return [("enobufs", 0, 0, b"")]
            raise
        return split(bytes(memoryview(self.buf)[:n]))

    def request(self, typ, cmd, payload, seq, timeout=5):
        """Send one request with NLM_F_ACK; (errno, extack, [replies])."""
        self.send(nlmsg(typ, NLM_F_REQUEST | NLM_F_ACK, seq, cmd, payload))
        replies = []
        while True:
            msgs = self.recv_msgs(timeout)
            if msgs is None:
                return -1, "no answer", replies
            for t, flags, sq, body in msgs:
                if sq != seq:
                    continue
                if t != NLMSG_ERROR:
                    replies.append(body)
                    continue
                err, msg = error(flags, body)
                return err, msg, replies


    def recv_until_ack(self, seq, timeout=30):
        """Read the answers to a pipelined batch whose last request (only)
        asked for an acknowledgement with sequence number SEQ, until that
        acknowledgement: ([errno of each failed request], [payloads of the
        other answers to SEQ]). Raises TimeoutError if it does not come."""
        errors, replies = [], []
        while True:
            msgs = self.recv_msgs(timeout)
            if msgs is None:
                raise TimeoutError("no acknowledgement of request %d" % seq)
            for t, flags, sq, body in msgs:
                if t == "enobufs":
                    raise OSError(errno.ENOBUFS, "netlink socket overran")
                if t == NLMSG_ERROR:
                    err = error(flags, body)[0]
                    if err:
                        errors.append(err)
                    if sq == seq:
                        return errors, replies
                elif sq == seq and t != NLMSG_DONE:
                    replies.append(body)


def family_id(sock, name="flowbr"):
    """The id of generic netlink family NAME; raises OSError if absent."""
    err, msg, replies = sock.request(
        GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
        nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"), 1)
    if err:
        raise OSError(err, "family %s: %s" % (name, msg or os.strerror(err)))
    for body in replies:
        for t, v in attrs(body[4:]):
            if t == CTRL_ATTR_FAMILY_ID:
                return struct.unpack_from("=H", v)[0]
    raise OSError(errno.ENOENT, "family %s: no id in the answer" % name)
