#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark's raw records into a table, JSON and an SVG chart.

    report.py RAW.jsonl OUTDIR

RAW.jsonl holds one JSON object per line as selftests/bench/run.sh emits
them (type = meta, system, setup, run, after, learn, m1, b1, na, error,
end). Writes OUTDIR/results.json, OUTDIR/results.txt and OUTDIR/chart.svg
and prints the table. Standard library only; the SVG is written by hand.
"""

import json
import os
import statistics
import sys
from xml.sax.saxutils import escape

SYSTEMS = ["veth", "lbr", "ovs", "flowbr"]
NAMES = {"veth": "bare veth", "lbr": "Linux bridge", "ovs": "Open vSwitch",
         "flowbr": "flowbr"}
COLORS = {"veth": "#9e9e9e", "lbr": "#4e79a7", "ovs": "#f28e2b",
          "flowbr": "#59a14f"}
SCENARIOS = [
    ("F1", "F1 access -> access"),
    ("F2", "F2 access -> trunk (push)"),
    ("F3", "F3 trunk -> access (pop)"),
    ("F4", "F4 broadcast, 8 ports (rx sum)"),
    ("F5", "F5 established flows"),
]
# scenario -> [(other system, minimum ratio flowbr/other)]
TARGETS = {
    "F1": [("ovs", 1.2), ("lbr", 1.0), ("veth", 0.85)],
    "F2": [("ovs", 1.2), ("lbr", 1.0), ("veth", 0.85)],
    "F3": [("ovs", 1.2), ("lbr", 1.0), ("veth", 0.85)],
    "F4": [("ovs", 1.2), ("lbr", 1.0)],
    "F5": [("ovs", 1.2), ("lbr", 1.0)],
}
# Receivers per scenario (F4 counts the sum over 8 ports).
NRCV = {"F4": 8}
# A run "flooded" when the witness port got more than this share of what
# the receiver got: the frames were not switched as unicast.
FLOOD_SHARE = 0.01


def summary(values):
    """Median, min, max and spread (max - min) / median in % of @values."""
    med = statistics.median(values)
    return {"median": med, "min": min(values), "max": max(values),
            "spread_pct": round(100.0 * (max(values) - min(values)) / med, 1)
            if med else None}


def load(path):
    recs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                recs.append(json.loads(line))
            except ValueError as e:
                print("report.py: %s:%d: bad record (%s)" % (path, n, e),
                      file=sys.stderr)
    return recs


def kfmt(v):
    if v is None:
        return "-"
    if v >= 10e6:
        return "%.0fM" % (v / 1e6)
    if v >= 1e6:
        return "%.2fM" % (v / 1e6)
    if v >= 100e3:
        return "%.0fk" % (v / 1e3)
    if v >= 1e3:
        return "%.1fk" % (v / 1e3)
    return "%d" % v


def analyse(recs):
    meta = next((r for r in recs if r.get("type") == "meta"), {})
    end = next((r for r in recs if r.get("type") == "end"), {})
    out = {"meta": meta, "wall_ms": end.get("ms"), "systems": {},
           "scenarios": {}, "B1": {}, "M1": {}, "targets": [],
           "errors": [r for r in recs if r.get("type") == "error"]}
    for r in recs:
        if r.get("type") == "system":
            out["systems"][r["system"]] = {
                k: r.get(k) for k in ("name", "version", "status", "agent",
                                      "restarts")}
    agent = str(out["systems"].get("flowbr", {}).get("agent")) == "1"
    out["flowbr_agent"] = agent

    for scen, title in SCENARIOS:
        sc = {"title": title, "systems": {}, "ratios": {}}
        for s in SYSTEMS:
            runs = [r for r in recs if r.get("type") == "run" and
                    r.get("scenario") == scen and r.get("system") == s]
            na = next((r for r in recs if r.get("type") == "na" and
                       r.get("scenario") == scen and r.get("system") == s),
                      None)
            err = [r for r in recs if r.get("type") == "error" and
                   r.get("scenario") == scen and r.get("system") == s]
            setup = next((r for r in recs if r.get("type") == "setup" and
                          r.get("scenario") == scen and r.get("system") == s),
                         {})
            after = next((r for r in recs if r.get("type") == "after" and
                          r.get("scenario") == scen and r.get("system") == s),
                         {})
            e = {"status": "ok", "runs": [r["pps"] for r in runs]}
            if runs:
                e.update(summary([r["pps"] for r in runs]),
                         sent_pps=statistics.median(
                             [r["sent"] * 1e6 / r["usec"] for r in runs
                              if r.get("usec")]),
                         delivered_share=round(
                             sum(r["delivered"] for r in runs) /
                             max(1, sum(r["sent"] for r in runs)), 4))
                fl = [r for r in runs if r["delivered"] and
                      r["witness"] > FLOOD_SHARE * r["delivered"]]
                if fl:
                    e["flooded"] = "%d of %d runs" % (len(fl), len(runs))
                # More delivered than sent: packets queued earlier (upcalls
                # an agent executed late) arrived in the window.
                late = [r for r in runs
                        if r["delivered"] > (1 + FLOOD_SHARE) * r["sent"] *
                        (NRCV.get(scen, 1))]
                if late:
                    e["late"] = "%d of %d runs" % (len(late), len(runs))
            elif na:
                e["status"] = "n/a"
                e["reason"] = na.get("reason", "")
            else:
                e["status"] = "error" if err else "missing"
                if err:
                    e["reason"] = err[0].get("error", "")
            if setup.get("flows") is not None:
                e["flows"] = setup.get("flows")
            if setup.get("how"):
                e["flows_by"] = setup["how"]
            if after.get("note") or setup.get("note"):
                e["note"] = after.get("note") or setup.get("note")
            if after:
                e["flows_after"] = after.get("flows")
                if setup.get("lost") is not None and \
                        after.get("lost") is not None:
                    e["lost_during_runs"] = after["lost"] - setup["lost"]
            learn = next((r for r in recs if r.get("type") == "learn" and
                          r.get("scenario") == scen and
                          r.get("system") == s), None)
            if learn:
                e["learning"] = {k: learn[k] for k in ("passes", "ms",
                                                       "flows")}
            sc["systems"][s] = e
        fb = sc["systems"]["flowbr"].get("median")
        for s in ("veth", "lbr", "ovs"):
            o = sc["systems"][s].get("median")
            sc["ratios"][s] = round(fb / o, 3) if fb and o else None
        out["scenarios"][scen] = sc

    for r in recs:
        if r.get("type") == "b1":
            secs = r["ms"] / 1000.0
            out["B1"][r["system"]] = {
                "burst": r["burst"], "sent": r["sent"],
                "delivered": r["delivered"],
                "delivered_pct": round(100.0 * r["delivered"] / r["burst"], 1)
                if r["burst"] else None,
                "flows": r["flows"], "ms": r["ms"],
                "flows_per_s": round(r["flows"] / secs) if secs > 0 else None,
                "flows_end": r.get("flows_end"), "note": r.get("note", ""),
                "lost": r["lost"], "witness": r["witness"]}
        elif r.get("type") == "na" and r.get("scenario") == "B1":
            out["B1"][r["system"]] = {"status": "n/a", "reason": r["reason"]}
        elif r.get("type") == "m1":
            out["M1"][r["system"]] = {
                k: r.get(k) for k in ("how", "flows", "kernel_bytes",
                                      "slab_bytes", "percpu_bytes",
                                      "vmalloc_bytes", "slab_top")}
            out["M1"][r["system"]]["bytes_per_flow"] = \
                round(r["kernel_bytes"] / r["flows"]) if r["flows"] > 0 \
                else None

    out["targets"] = targets(out)
    return out


def targets(out):
    res = []

    def add(name, want, got, ok, note=""):
        if got is None:
            verdict = "n/a"
        else:
            verdict = "PASS" if ok else "MISS"
        res.append({"target": name, "want": want, "got": got,
                    "verdict": verdict, "note": note})

    for scen, tl in TARGETS.items():
        sc = out["scenarios"].get(scen)
        if not sc:
            continue
        fb = sc["systems"]["flowbr"]
        note = ""
        if fb.get("flooded"):
            note = "flowbr flooded in %s" % fb["flooded"]
        agentless = scen == "F5" and fb.get("flows_by") == "installer"
        for other, want in tl:
            r = sc["ratios"].get(other)
            name = "%s flowbr/%s" % (scen, NAMES[other])
            if agentless and r is not None:
                res.append({"target": name, "want": ">= %.2fx" % want,
                            "got": r, "verdict": "n/a",
                            "note": "agent missing: flows pre-installed"})
                continue
            add(name, ">= %.2fx" % want, r, r is not None and r >= want, note)
    b1 = out["B1"]
    fb, ovs = b1.get("flowbr", {}), b1.get("ovs", {})
    if fb.get("status") == "n/a":
        for name in ("B1 flowbr delivered", "B1 flowbr/OVS flows per s"):
            res.append({"target": name, "want": "", "got": None,
                        "verdict": "n/a", "note": fb.get("reason", "")})
    else:
        p = fb.get("delivered_pct")
        add("B1 flowbr delivered", ">= 95%", p, p is not None and p >= 95)
        f, o = fb.get("flows_per_s"), ovs.get("flows_per_s")
        r = round(f / o, 2) if f is not None and o else None
        add("B1 flowbr/OVS flows per s", ">= 3x", r, r is not None and r >= 3)
    m = out["M1"]
    f = m.get("flowbr", {}).get("bytes_per_flow")
    o = m.get("ovs", {}).get("bytes_per_flow")
    add("M1 bytes per flow flowbr < OVS", "< %s" % (o if o else "OVS"),
        f if (f is not None and o is not None) else None,
        f is not None and o is not None and f < o)
    return res


def table(out):
    meta = out["meta"]
    L = []
    L.append("flowbr benchmark: kernel %s, %s vCPUs, %s runs x %s s, "
             "64-byte frames, VLAN %s" % (meta.get("kernel"), meta.get("cpus"),
                                          meta.get("runs"),
                                          meta.get("duration"),
                                          meta.get("vlan")))
    for s in SYSTEMS:
        i = out["systems"].get(s)
        if i:
            L.append("  %-13s %s%s" % (NAMES[s] + ":", i.get("version") or "",
                                       "" if i.get("status") == "ok"
                                       else "  [%s]" % i.get("status")))
    L.append("Median delivered packets/s (spread = (max-min)/median); "
             "ratio = flowbr median / other median.")
    L.append("Absolute numbers are from software emulation: compare only "
             "within one run.")
    L.append("")
    hdr = "%-32s" % "scenario" + "".join("%-17s" % NAMES[s] for s in SYSTEMS)
    hdr += "%-10s%-9s%-9s" % ("fb/veth", "fb/lbr", "fb/ovs")
    L.append(hdr)
    L.append("-" * len(hdr))
    notes = []
    for scen, title in SCENARIOS:
        sc = out["scenarios"].get(scen)
        if not sc:
            continue
        if scen == "F5":
            title = "F5 %s established flows" % kfmt(
                out["meta"].get("f5_flows", 0))
        row = "%-32s" % title
        for s in SYSTEMS:
            e = sc["systems"][s]
            if e.get("median") is not None:
                cell = "%s ±%s%%" % (kfmt(e["median"]),
                                     ("%.0f" % e["spread_pct"])
                                     if e.get("spread_pct") is not None
                                     else "?")
                mark = ""
                if e.get("flooded"):
                    mark += "!"
                    notes.append("%s %s: flooded (the witness port got "
                                 "copies) in %s" % (scen, NAMES[s],
                                                    e["flooded"]))
                if e.get("flows_by") == "installer":
                    mark += "*"
                if e.get("late"):
                    mark += "+"
                    notes.append("%s %s: more delivered than sent (upcalls "
                                 "executed late) in %s" % (scen, NAMES[s],
                                                           e["late"]))
                cell += mark
                if e.get("note") and scen != "F5":
                    notes.append("%s %s: %s" % (scen, NAMES[s],
                                                e["note"].rstrip("; ")))
            else:
                cell = e["status"]
                if e.get("reason"):
                    notes.append("%s %s: %s: %s" % (scen, NAMES[s],
                                                    e["status"], e["reason"]))
            row += "%-17s" % cell
        for s in ("veth", "lbr", "ovs"):
            r = sc["ratios"].get(s)
            row += "%-10s" % ("%.2fx" % r if r is not None else "-") \
                if s == "veth" else "%-9s" % ("%.2fx" % r if r is not None
                                              else "-")
        L.append(row)
        if scen == "F5":
            for s in SYSTEMS:
                e = sc["systems"][s]
                if e.get("flows") is not None and s != "veth":
                    lr = e.get("learning")
                    notes.append("F5 %s: %s flows before the runs (%s)%s%s" % (
                        NAMES[s], e["flows"], e.get("flows_by", "learned"),
                        " after %d passes in %.0f s" % (lr["passes"],
                                                        lr["ms"] / 1000.0)
                        if lr else "",
                        ", %s upcalls lost during the runs" %
                        e["lost_during_runs"]
                        if e.get("lost_during_runs") else ""))
                    if e.get("note"):
                        notes.append("F5 %s after the runs: %s" % (NAMES[s],
                                                                  e["note"]))
    L.append("")
    if any(e.get("flows_by") == "installer"
           for e in out["scenarios"].get("F5", {}).get("systems", {}).values()):
        notes.append("* flows pre-installed by fbflows.py (agent missing)")

    b1 = out["B1"]
    if b1:
        L.append("B1 flow-setup burst: %s new source MACs at full rate into a "
                 "fresh bridge" % out["meta"].get("b1_flows"))
        L.append("%-16s%-22s%-18s%-16s%s" % ("system", "delivered",
                                             "flows installed", "flows/s",
                                             "upcalls lost"))
        for s in SYSTEMS:
            e = b1.get(s)
            if not e:
                continue
            if e.get("status") == "n/a":
                L.append("%-16s%s" % (NAMES[s], e.get("reason")))
                continue
            L.append("%-16s%-22s%-18s%-16s%s" % (
                NAMES[s], "%d (%.1f%%)" % (e["delivered"], e["delivered_pct"]),
                "%d in %.1f s" % (e["flows"], e["ms"] / 1000.0),
                kfmt(e["flows_per_s"]), e["lost"] if s != "lbr" else "-"))
            if e.get("flows_end") is not None and e["flows_end"] != e["flows"]:
                notes.append("B1 %s: %s flows at most, %s at the end" % (
                    NAMES[s], e["flows"], e["flows_end"]))
            if e.get("note"):
                notes.append("B1 %s: %s" % (NAMES[s], e["note"]))
        L.append("")
    m1 = out["M1"]
    if m1:
        L.append("M1 kernel memory per flow: %s flows installed (Linux "
                 "bridge: FDB entries learned);" % out["meta"].get("m1_flows"))
        L.append("   unreclaimable slab + percpu + vmalloc, after - before")
        L.append("%-16s%-10s%-12s%-22s%s" % ("system", "flows", "bytes/flow",
                                              "how", "largest slab growth"))
        for s in SYSTEMS:
            e = m1.get(s)
            if not e:
                continue
            top = ", ".join("%s %s" % (kv.split(":")[0],
                                       kfmt(int(kv.split(":")[1])) + "B")
                            for kv in (e.get("slab_top") or "").split(",")[:3]
                            if ":" in kv)
            L.append("%-16s%-10s%-12s%-22s%s" % (
                NAMES[s], e["flows"],
                e["bytes_per_flow"] if e["bytes_per_flow"] is not None else "-",
                e["how"], top))
        if any(m1[s].get("percpu_bytes") == 0 for s in m1):
            L.append("   (per-CPU memory shows only when new per-CPU pages get "
                     "populated: flowbr's per-flow")
            L.append("   counters, 2 x 24 bytes here, can come from the "
                     "pre-populated first chunk and not show)")
        L.append("")
    L.append("Targets")
    for t in out["targets"]:
        got = t["got"]
        if isinstance(got, float) and not t["target"].endswith("delivered"):
            got = "%.2fx" % got
        elif t["target"].endswith("delivered") and got is not None:
            got = "%.1f%%" % got
        L.append("  %-5s %-34s want %-10s got %-10s%s" % (
            t["verdict"], t["target"], t["want"], "-" if got is None else got,
            "  (%s)" % t["note"] if t["note"] else ""))
    if notes:
        L.append("")
        L.append("Notes")
        for n in notes:
            L.append("  " + n)
    if out["errors"]:
        L.append("")
        L.append("Errors")
        for e in out["errors"]:
            L.append("  %s %s: %s" % (e.get("scenario", ""),
                                      e.get("system", ""), e.get("error")))
    if out.get("wall_ms"):
        L.append("")
        L.append("benchmark time in the VM: %.0f s" % (out["wall_ms"] / 1000.0))
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------ SVG

def svg(out):
    pw, ph = 230, 220          # panel size
    top, left = 70, 20
    panels = []
    for scen, title in SCENARIOS:
        sc = out["scenarios"].get(scen)
        if sc:
            vals = {s: sc["systems"][s] for s in SYSTEMS}
            panels.append((title, "delivered packets/s (median, min-max)",
                           {s: (v.get("median"), v.get("min"), v.get("max"))
                            for s, v in vals.items()}))
    b1 = out["B1"]
    if b1:
        panels.append(("B1 burst: delivered", "% of the burst",
                       {s: (b1[s].get("delivered_pct"), None, None)
                        if s in b1 else (None, None, None) for s in SYSTEMS}))
        panels.append(("B1 burst: flow setup", "flows installed per s",
                       {s: (b1[s].get("flows_per_s"), None, None)
                        if s in b1 else (None, None, None) for s in SYSTEMS}))
    m1 = out["M1"]
    if m1:
        panels.append(("M1 kernel memory per flow", "bytes (lower is better)",
                       {s: (m1[s].get("bytes_per_flow"), None, None)
                        if s in m1 else (None, None, None) for s in SYSTEMS}))
    cols = 4
    rows = (len(panels) + cols - 1) // cols
    W = left * 2 + cols * pw
    H = top + rows * ph + 30
    o = []
    o.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" font-family="DejaVu Sans, Arial, '
             'sans-serif">' % (W, H, W, H))
    o.append('<rect width="100%" height="100%" fill="white"/>')
    meta = out["meta"]
    o.append('<text x="%d" y="24" font-size="16" font-weight="bold">%s</text>'
             % (left, escape("flowbr vs Linux bridge vs Open vSwitch vs bare "
                             "veth")))
    o.append('<text x="%d" y="42" font-size="11" fill="#444">%s</text>' % (
        left, escape("kernel %s, %s vCPUs (QEMU TCG), 64-byte frames, %s "
                     "runs x %s s; compare only within one run" % (
                         meta.get("kernel"), meta.get("cpus"),
                         meta.get("runs"), meta.get("duration")))))
    x = left
    for s in SYSTEMS:
        o.append('<rect x="%d" y="52" width="10" height="10" fill="%s"/>' %
                 (x, COLORS[s]))
        o.append('<text x="%d" y="61" font-size="11">%s</text>' %
                 (x + 14, escape(NAMES[s])))
        x += 110
    for i, (title, unit, vals) in enumerate(panels):
        px = left + (i % cols) * pw
        py = top + (i // cols) * ph
        o.append('<text x="%d" y="%d" font-size="12" font-weight="bold">%s'
                 '</text>' % (px + 8, py + 14, escape(title)))
        o.append('<text x="%d" y="%d" font-size="9" fill="#555">%s</text>' %
                 (px + 8, py + 27, escape(unit)))
        chart_top, chart_bot = py + 40, py + ph - 40
        vmax = max([v for tri in vals.values() for v in tri
                    if v is not None] or [1]) or 1
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>' %
                 (px + 10, chart_bot, px + pw - 15, chart_bot))
        bw = (pw - 40) / len(SYSTEMS)
        for k, s in enumerate(SYSTEMS):
            med, lo, hi = vals.get(s, (None, None, None))
            bx = px + 15 + k * bw
            if med is None:
                o.append('<text x="%.1f" y="%d" font-size="9" fill="#999" '
                         'text-anchor="middle">n/a</text>' %
                         (bx + bw / 2 - 3, chart_bot - 4))
            else:
                h = (chart_bot - chart_top) * med / vmax
                o.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                         'fill="%s"><title>%s: %s</title></rect>' % (
                             bx, chart_bot - h, bw - 6, h, COLORS[s],
                             escape(NAMES[s]), med))
                if lo is not None and hi is not None:
                    y1 = chart_bot - (chart_bot - chart_top) * lo / vmax
                    y2 = chart_bot - (chart_bot - chart_top) * hi / vmax
                    cx = bx + (bw - 6) / 2
                    o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" '
                             'stroke="#222"/>' % (cx, y1, cx, y2))
                    for y in (y1, y2):
                        o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" '
                                 'y2="%.1f" stroke="#222"/>' %
                                 (cx - 4, y, cx + 4, y))
                label = kfmt(med) if "%" not in unit else "%.0f%%" % med
                top_v = max(med, hi if hi is not None else med)
                o.append('<text x="%.1f" y="%.1f" font-size="9" '
                         'text-anchor="middle">%s</text>' % (
                             bx + (bw - 6) / 2,
                             chart_bot - (chart_bot - chart_top) * top_v / vmax
                             - 4, escape(label)))
            o.append('<text x="%.1f" y="%d" font-size="9" '
                     'text-anchor="middle">%s</text>' % (
                         bx + (bw - 6) / 2, chart_bot + 12,
                         escape({"veth": "veth", "lbr": "bridge",
                                 "ovs": "OVS", "flowbr": "flowbr"}[s])))
        ratio = None
        for scen, t in SCENARIOS:
            if t == title:
                ratio = out["scenarios"][scen]["ratios"]
        if ratio:
            txt = "flowbr/OVS %s  /bridge %s" % (
                "%.2fx" % ratio["ovs"] if ratio.get("ovs") else "-",
                "%.2fx" % ratio["lbr"] if ratio.get("lbr") else "-")
            o.append('<text x="%d" y="%d" font-size="9" fill="#333">%s</text>'
                     % (px + 10, chart_bot + 27, escape(txt)))
    passed = sum(1 for t in out["targets"] if t["verdict"] == "PASS")
    missed = sum(1 for t in out["targets"] if t["verdict"] == "MISS")
    o.append('<text x="%d" y="%d" font-size="11">%s</text>' % (
        left, H - 10, escape("targets: %d PASS, %d MISS, %d n/a (see "
                             "results.txt)" % (passed, missed,
                                               len(out["targets"]) - passed
                                               - missed))))
    o.append("</svg>")
    return "\n".join(o) + "\n"


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    recs = load(sys.argv[1])
    if not any(r.get("type") == "meta" for r in recs):
        print("report.py: no benchmark records in %s" % sys.argv[1],
              file=sys.stderr)
        return 1
    out = analyse(recs)
    os.makedirs(sys.argv[2], exist_ok=True)
    txt = table(out)
    with open(os.path.join(sys.argv[2], "results.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(sys.argv[2], "results.txt"), "w") as f:
        f.write(txt)
    with open(os.path.join(sys.argv[2], "chart.svg"), "w") as f:
        f.write(svg(out))
    sys.stdout.write(txt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
