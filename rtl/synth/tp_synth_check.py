#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Resource check of the PL top level with Debian's yosys (0.23): synth_xilinx for the 7-series
(XC7Z020 = xc7), then the LUT / FF / DSP48E1 / BRAM36 counts of `stat`, compared with the
XC7Z020 (53,200 LUT, 106,400 FF, 220 DSP48E1, 140 BRAM36). Exit status 1 if any is exceeded
or yosys fails. The Xilinx IP of the block design (AXI DMAs, interconnect) is not included.

  tp_synth_check.py --yosys yosys --top tinypynq_pl_top [--define TP_WITH_VEC] \
      [--param SfuDps=3] --work DIR -- a.sv b.sv ...

--param NAME=VALUE (repeatable) overrides a parameter of the top (yosys `chparam -set`; VALUE
an integer or a Verilog literal such as 6'h03).

Writes DIR/synth.ys (the script run), DIR/yosys.log and DIR/resources.json.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

LIMITS = {"LUT": 53200, "FF": 106400, "DSP48E1": 220, "BRAM36": 140}

# LUT-equivalents of the distributed-RAM / shift-register primitives (they occupy SLICEM LUTs)
LUTRAM = {"SRL16E": 1, "SRLC16E": 1, "SRLC32E": 1, "RAM32X1S": 1, "RAM32X1D": 2, "RAM64X1S": 1,
          "RAM64X1D": 2, "RAM128X1S": 2, "RAM128X1D": 4, "RAM256X1S": 4, "RAM32M": 4,
          "RAM64M": 4, "RAM32M16": 8, "RAM64M8": 8}
FFS = ("FDRE", "FDSE", "FDCE", "FDPE", "FDRE_1", "FDSE_1", "FDCE_1", "FDPE_1", "LDCE", "LDPE")


def parse_stat(text, top):
    """Cell counts of the whole design below `top`: the totals of the last `design hierarchy`
    section of `stat` (synth_xilinx keeps the hierarchy), else the top module's own section
    (a flat design has no hierarchy section)."""
    sections = re.split(r"^=== (.+?) ===\s*$", text, flags=re.M)
    cells = None
    for i in range(1, len(sections) - 1, 2):
        if sections[i] in ("design hierarchy", top):
            body = sections[i + 1]
            if sections[i] == "design hierarchy":
                body = body[body.find("Number of cells"):]
            elif cells is not None:
                continue
            cells = {}
            for m in re.finditer(r"^\s+([A-Za-z_][\w]*)\s+(\d+)\s*$", body, flags=re.M):
                cells[m.group(1)] = int(m.group(2))
    return cells


def module_luts(text, top):
    """LUTs (logic + LUTRAM/SRL, as summarize counts them) of every module below `top` in the
    last `stat`, including its submodules: {module: (LUT of one instance, instances)}. A module's
    section lists its own cells and its submodule instances as cell types. After chparam the top
    is named $paramod\\<top>\\<param>=...: then the first module of the hierarchy section."""
    sections = re.split(r"^=== (.+?) ===\s*$", text, flags=re.M)
    cells = {}
    for i in range(1, len(sections) - 1, 2):
        if sections[i] == "design hierarchy":
            m = re.search(r"^\s+(\S+)\s+1\s*$", sections[i + 1], flags=re.M)
            top = top if top in cells or not m else m.group(1)
            continue
        cells[sections[i]] = {m.group(1): int(m.group(2)) for m in
                              re.finditer(r"^\s+(\S+)\s+(\d+)\s*$", sections[i + 1], flags=re.M)}
    luts, count = {}, {}

    def visit(m, times):
        count[m] = count.get(m, 0) + times
        if m not in luts:
            own = {k: v for k, v in cells[m].items() if k not in cells}
            subs = {k: v for k, v in cells[m].items() if k in cells}
            luts[m] = summarize(own)["LUT"] + sum(v * visit(k, 0) for k, v in subs.items())
        for k, v in cells[m].items():
            if k in cells and times:
                visit(k, times * v)
        return luts[m]

    if top in cells:
        visit(top, 1)
    return {m: (luts[m], count[m]) for m in luts if count[m]}


def summarize(cells):
    lut_logic = sum(v for k, v in cells.items() if re.fullmatch(r"LUT[1-6]", k))
    lut_mem = sum(LUTRAM[k] * v for k, v in cells.items() if k in LUTRAM)
    ff = sum(v for k, v in cells.items() if k in FFS)
    dsp = cells.get("DSP48E1", 0)
    bram = cells.get("RAMB36E1", 0) + math.ceil(cells.get("RAMB18E1", 0) / 2)
    return {"LUT": lut_logic + lut_mem, "LUT_logic": lut_logic, "LUT_memory": lut_mem, "FF": ff,
            "DSP48E1": dsp, "BRAM36": bram, "RAMB36E1": cells.get("RAMB36E1", 0),
            "RAMB18E1": cells.get("RAMB18E1", 0), "CARRY4": cells.get("CARRY4", 0)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--yosys", default="yosys")
    ap.add_argument("--top", default="tinypynq_pl_top")
    ap.add_argument("--define", action="append", default=[])
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="parameter of the top (chparam -set), repeatable")
    ap.add_argument("--work", required=True)
    ap.add_argument("--modules", type=int, default=0, metavar="N",
                    help="also print the N modules with the most LUTs (with their submodules)")
    ap.add_argument("--max-use", type=float, default=100.0, metavar="PCT",
                    help="fail when a resource (with --reserve-lut) exceeds PCT %% of the XC7Z020 (default 100)")
    ap.add_argument("--reserve-lut", type=int, default=0, metavar="N",
                    help="LUTs of the PL outside this design (measured elsewhere or Xilinx IP estimates), "
                         "added to the LUT count for the --max-use check")
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--parse-only", action="store_true", help="re-read DIR/yosys.log, no yosys run")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    defines = " ".join("-D" + d for d in a.define)
    params = []
    for p in a.param:
        name, sep, value = p.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name) or not value or " " in value:
            ap.error(f"--param {p}: expected NAME=VALUE")
        params.append((name, value))
    script = os.path.join(a.work, "synth.ys")
    with open(script, "w") as f:
        f.write(f"read_verilog -sv {defines} {' '.join(a.sources)}\n")
        for name, value in params:  # re-elaborates the top with the value (before hierarchy)
            f.write(f"chparam -set {name} {value} {a.top}\n")
        f.write(f"synth_xilinx -top {a.top} -family xc7\n")
        f.write("stat\n")
    log = os.path.join(a.work, "yosys.log")
    t0 = time.time()
    r = subprocess.CompletedProcess([], 0, "", "")
    if not a.parse_only:
        r = subprocess.run([a.yosys, "-q", "-l", log, "-s", script], capture_output=True, text=True)
    secs = time.time() - t0
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        print(f"yosys failed (exit {r.returncode}), see {log}")
        return 1
    with open(log) as f:
        cells = parse_stat(f.read(), a.top)
    if not cells:
        print(f"no `stat` section for {a.top} in {log}")
        return 1
    res = summarize(cells)
    res["yosys_seconds"] = round(secs, 1)
    res["defines"] = a.define
    res["params"] = a.param
    with open(os.path.join(a.work, "resources.json"), "w") as f:
        json.dump(res, f, indent=2)
    print(f"yosys {a.top} ({' '.join(a.define + a.param) or 'no defines'}), synth_xilinx -family xc7, "
          f"{secs:.0f} s")
    ok = True
    for k, lim in LIMITS.items():
        over = res[k] > lim
        ok = ok and not over
        print(f"  {k:8s} {res[k]:7d} / {lim:6d}  ({100.0 * res[k] / lim:5.1f} %)"
              + ("  EXCEEDS XC7Z020" if over else ""))
    if a.max_use < 100.0 or a.reserve_lut:
        for k, lim in LIMITS.items():
            n = res[k] + (a.reserve_lut if k == "LUT" else 0)
            fits = n <= lim * a.max_use / 100.0
            ok = ok and fits
            extra = f" (with {a.reserve_lut} reserved)" if k == "LUT" and a.reserve_lut else ""
            print(f"  {k:8s} {n:7d}{extra} {'<=' if fits else '>'} {a.max_use:g} % of {lim}"
                  + ("" if fits else "  OVER THE MARGIN"))
    print(f"  (LUT = {res['LUT_logic']} logic + {res['LUT_memory']} LUTRAM/SRL; BRAM36 = "
          f"{res['RAMB36E1']} RAMB36E1 + {res['RAMB18E1']} RAMB18E1 / 2; CARRY4 {res['CARRY4']})")
    if a.modules > 0:
        with open(log) as f:
            mods = module_luts(f.read(), a.top)
        print("  LUT per module (one instance, with its submodules) x instances:")
        for m, (n, k) in sorted(mods.items(), key=lambda e: -e[1][0] * e[1][1])[:a.modules]:
            print(f"    {n:7d} x {k:3d}  {m}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
