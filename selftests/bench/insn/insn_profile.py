#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions per frame per guest function, from `make bench-insn PROFILE=1`.

    insn_profile.py RAW_JSONL PROFILE_TXT [TOP]

PROFILE_TXT is what the TCG plugin (fbinsn.c, profile=FILE) wrote: at each
even mark M, "mark M" and one "ADDR COUNT" line per translated block
executed since mark M-1. Burst k of RAW_JSONL lies between marks 2k+1 and
2k+2, so its blocks are the section of mark 2k+2. As in insn_report.py, a run's two
bursts (N and 2N frames) give per-frame counts as (count(2N) - count(N)) /
N, here per block; blocks are named by the function that holds them:

- the kernel: the guest sent its /proc/kallsyms (functions outside
  modules, gzip + base64, one "kallsyms" record per boot);
- modules: the guest reported where each module's .text* sections are
  (type "ksect" records, first run of each system); the functions and
  their offsets come from the module file (objdump -t).

Prints, per scenario and system, the functions with the most instructions
per frame (mean over the runs), each module's total, and what is left
unnamed (user space, blocks outside any known function).
"""
import base64
import bisect
import gzip
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from report import NAMES, SYSTEMS, load  # noqa: E402

def read_profile(path):
    """{mark: {addr: count}}"""
    marks, cur = {}, None
    with open(path) as f:
        for line in f:
            a, b = line.split()
            if a == "mark":
                cur = marks.setdefault(int(b), {})
            elif cur is not None:
                cur[int(a, 16)] = cur.get(int(a, 16), 0) + int(b)
    return marks


class Symbols:
    """Sorted (start, name) pairs; name_of(addr) is the function at or
    below addr, within max_gap bytes (else None)."""

    def __init__(self):
        self.pairs = []

    def add(self, start, name):
        self.pairs.append((start, name))

    def done(self):
        self.pairs.sort()
        self.starts = [p[0] for p in self.pairs]

    def name_of(self, addr, max_gap=1 << 16):
        i = bisect.bisect_right(self.starts, addr) - 1
        if i < 0 or addr - self.pairs[i][0] > max_gap:
            return None
        return self.pairs[i][1]


def kernel_symbols(recs):
    syms = Symbols()
    rec = next((r for r in recs if r.get("type") == "kallsyms"), None)
    if rec:
        text = gzip.decompress(base64.b64decode(rec["data"])).decode()
        for line in text.splitlines():
            addr, name = line.split()
            syms.add(int(addr, 16), name)
    syms.done()
    return syms


def module_file(module, path, kernel):
    """The .ko the guest loaded: the path it sent (the same file system),
    else Debian's. flowbr is always sent: another build of the same source
    would name the wrong functions, so it stays unnamed without one."""
    if path:
        return path if os.path.exists(path) else None
    if module == "flowbr":
        return None
    for root, _, files in os.walk("/lib/modules/%s" % kernel):
        if module + ".ko" in files:
            return os.path.join(root, module + ".ko")
    return None


def module_functions(ko):
    """[(section, offset, name)] of the functions in a module file."""
    out = subprocess.run(["objdump", "-t", ko], capture_output=True,
                         text=True).stdout
    funcs = []
    for line in out.splitlines():
        # "ADDR FLAGS(7) SECTION\tSIZE NAME", F among the flags: a function
        m = re.match(r"^([0-9a-f]+) (.{7}) (\.text\S*)\s+[0-9a-f]+ (\S+)$", line)
        if m and "F" in m.group(2):
            funcs.append((m.group(3), int(m.group(1), 16), m.group(4)))
    return funcs


def main(raw_path, prof_path, top=15):
    recs = load(raw_path)
    meta = next((r for r in recs if r.get("type") == "meta"), {})
    kernel = meta.get("kernel", os.uname().release)
    ksyms = kernel_symbols(recs)
    prof = read_profile(prof_path)
    bursts = [r for r in recs if r.get("type") == "insn"]

    # (scen, sys) -> Symbols with the kernel's and the modules' functions
    tables, mods_of = {}, {}
    ko_funcs = {}
    for r in recs:
        if r.get("type") != "ksect":
            continue
        key = (r["scenario"], r["system"])
        t = tables.setdefault(key, Symbols())
        ko = module_file(r["module"], r.get("path"), kernel)
        base = int(str(r["addr"]), 16)
        mods_of.setdefault(key, set()).add(r["module"])
        if ko is None:
            # counted in the module's total, not in the function before it
            t.add(base, "(no symbols) [%s]" % r["module"])
            continue
        if ko not in ko_funcs:
            ko_funcs[ko] = module_functions(ko)
        for sect, off, name in ko_funcs[ko]:
            if sect == r["section"]:
                t.add(base + off, "%s [%s]" % (name, r["module"]))
    for t in tables.values():
        t.done()

    runs = {}
    for i, b in enumerate(bursts):
        b["blocks"] = prof.get(2 * i + 2, {})
        runs.setdefault((b["scenario"], b["system"], b["run"]), []).append(b)
    per = {}		# (scen, sys) -> {function: [per-frame count, one per run]}
    for (scen, sysname, run), bs in sorted(runs.items()):
        if len(bs) != 2:
            continue
        small, big = sorted(bs, key=lambda b: b["frames"])
        n = big["frames"] - small["frames"]
        mods = tables.get((scen, sysname))
        acc = {}
        for addr in set(small["blocks"]) | set(big["blocks"]):
            d = big["blocks"].get(addr, 0) - small["blocks"].get(addr, 0)
            name = (mods.name_of(addr) if mods else None) or \
                ksyms.name_of(addr) or \
                ("(user space)" if addr < 1 << 47 else "(unnamed kernel)")
            acc[name] = acc.get(name, 0) + d / n
        f = per.setdefault((scen, sysname), {})
        for name, v in acc.items():
            f.setdefault(name, []).append(v)

    print("flowbr bench-insn profile: guest instructions per frame per "
          "function (mean over runs), kernel %s" % kernel)
    if not ksyms.pairs:
        print("warning: no kallsyms record: kernel functions are unnamed")
    for scen in sorted({k[0] for k in per}):
        for sysname in [s for s in SYSTEMS if (scen, s) in per]:
            f = per[(scen, sysname)]
            mean = {name: sum(v) / len(v) for name, v in f.items()}
            total = sum(mean.values())
            print()
            print("%s %s: %.0f instructions per frame" %
                  (scen, NAMES[sysname], total))
            for mod in sorted(mods_of.get((scen, sysname), ())):
                tag = "[%s]" % mod
                s = sum(v for name, v in mean.items() if name.endswith(tag))
                if s >= 1:
                    print("  module %-24s %7.0f" % (mod, s))
            for name, v in sorted(mean.items(), key=lambda kv: -kv[1])[:top]:
                print("  %-48s %7.0f" % (name, v))
    return 0


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2],
                  int(sys.argv[3]) if len(sys.argv) == 4 else 15))
