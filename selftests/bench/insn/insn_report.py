#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions per frame, from a `make bench-insn` run.

    insn_report.py RAW_JSONL MARKS_TXT

RAW_JSONL holds the driver's records (selftests/bench/run.sh): each
"type": "insn" record is one burst, bracketed in the guest by two runs of
fbmark; MARKS_TXT is what the TCG plugin (fbinsn.c) logged at each mark, in
the same order. Record k goes with marks 2k and 2k+1. Per run of a system
in a scenario there are two bursts, of N and 2N frames; the guest's
instructions per frame are (I(2N) - I(N)) / N, which cancels what a burst
costs besides its frames. A burst that did not arrive whole (fewer than
sent x receivers delivered, or more than 0.1% over) is reported and its run
left out. Prints a table of the
medians over runs (spread = (max - min) / median), with ratios flowbr /
other system (below 1: flowbr executes fewer instructions per frame).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from report import NAMES, SYSTEMS, load, summary  # noqa: E402
TITLES = {"F1": "F1 access -> access", "F2": "F2 access -> trunk (push)",
          "F3": "F3 trunk -> access (pop)",
          "F4": "F4 broadcast (per frame sent)"}


def main(raw_path, marks_path):
    recs = load(raw_path)
    bursts = [r for r in recs if r.get("type") == "insn"]
    marks = [int(line.split()[-1]) for line in open(marks_path)
             if line.startswith("mark ")]
    if len(marks) != 2 * len(bursts):
        sys.exit("insn_report: %d marks for %d bursts (want 2 per burst)" %
                 (len(marks), len(bursts)))
    for i, b in enumerate(bursts):
        b["insns"] = marks[2 * i + 1] - marks[2 * i]
        # A stray frame or two (ARP, a late frame) may arrive as well.
        want = b["sent"] * b["receivers"]
        b["whole"] = want <= b["delivered"] <= want + max(2, want // 1000)

    per = {}		# (scen, sys) -> [instructions per frame, one per run]
    problems = []
    runs = {}
    for b in bursts:
        runs.setdefault((b["scenario"], b["system"], b["run"]), []).append(b)
    for (scen, sysname, run), bs in sorted(runs.items()):
        bs.sort(key=lambda b: b["frames"])
        if len(bs) != 2:
            problems.append("%s %s run %s: %d bursts" % (scen, sysname, run,
                                                          len(bs)))
            continue
        small, big = bs
        bad = [b for b in bs if not b["whole"]]
        if bad:
            problems.append("%s %s run %s: left out: %s" % (
                scen, sysname, run, ", ".join(
                    "%d of %d x %d delivered" % (b["delivered"], b["sent"],
                                                 b["receivers"]) for b in bad)))
            continue
        per.setdefault((scen, sysname), []).append(
            (big["insns"] - small["insns"]) / (big["frames"] - small["frames"]))

    meta = next((r for r in recs if r.get("type") == "meta"), {})
    systems = [s for s in SYSTEMS
               if any(k[1] == s for k in per)]
    scens = sorted({k[0] for k in per})
    print("flowbr bench-insn: kernel %s, %s vCPUs (one TCG thread), %s frames "
          "per burst (and twice that), guest instructions per frame, median "
          "of %s runs" % (meta.get("kernel", "?"), meta.get("cpus", "?"),
                          meta.get("insn_frames", "?"), meta.get("runs", "?")))
    print()
    head = "%-31s" % "scenario" + "".join("%-18s" % NAMES[s] for s in systems)
    others = [s for s in systems if s != "flowbr"]
    if "flowbr" in systems:
        head += "".join("fb/%-7s" % s for s in others)
    print(head)
    print("-" * len(head))
    med = {}
    for scen in scens:
        line = "%-31s" % TITLES.get(scen, scen)
        for s in systems:
            v = per.get((scen, s))
            if not v:
                line += "%-18s" % "-"
                continue
            st = summary(v)
            med[(scen, s)] = st["median"]
            line += "%-18s" % ("%.0f ±%.1f%%" % (st["median"],
                                                 st["spread_pct"] or 0))
        if "flowbr" in systems:
            for s in others:
                if (scen, "flowbr") in med and (scen, s) in med:
                    line += "%-10s" % ("%.2fx" % (med[(scen, "flowbr")] /
                                                  med[(scen, s)]))
                else:
                    line += "%-10s" % "-"
        print(line)
    if "veth" in systems:
        print()
        print("Added to a bare veth hop (instructions per frame):")
        for scen in scens:
            if (scen, "veth") not in med:
                continue
            print("  %-29s" % TITLES.get(scen, scen) + "  ".join(
                "%s +%.0f" % (NAMES[s], med[(scen, s)] - med[(scen, "veth")])
                for s in systems if s != "veth" and (scen, s) in med))
    if problems:
        print()
        print("Left out:")
        for p in problems:
            print("  " + p)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
