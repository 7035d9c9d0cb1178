#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tinypynq - generate the PL contract's C++ header and SystemVerilog package from hw/pl_contract.json.

    python3 hw/gen_contract.py hw/pl_contract.json --cpp build/generated/hw/tp_contract.h \\
        --sv build/generated/hw/tp_contract_pkg.sv
    python3 hw/gen_contract.py hw/pl_contract.json --docs docs/hw-spec.md --update-docs
    python3 hw/gen_contract.py hw/pl_contract.json --docs docs/hw-spec.md --check-docs
    python3 hw/gen_contract.py bad.json --check          # validate only

The contract is validated first (duplicate names and opcodes, overlapping registers, windows and
fields, fields outside 32 bits, offsets outside their window, unknown references); every problem
is printed as "<file>: <entry>: <message>" and the exit status is 1. Outputs are deterministic
and are only rewritten when their bytes change, so the build stays incremental.
Format of the contract: docs/hw-contract.md. Python 3 standard library only.
"""
import argparse
import json
import os
import re
import sys
import tempfile

ACCESS = ("RW", "RO", "W1C", "WO")
OPERAND_TYPES = ("f32", "i32", "bool")
NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
PHASE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class ContractError(Exception):
    pass


class Checker:
    """Collects every problem (not just the first) so one run names all of them."""

    def __init__(self, path):
        self.path = path
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{self.path}: {where}: {msg}")

    def need(self, obj, key, where, types):
        if not isinstance(obj, dict):
            self.err(where, "expected an object")
            return None
        if key not in obj:
            self.err(where, f"missing key '{key}'")
            return None
        v = obj[key]
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in _as_tuple(types)):
            self.err(f"{where}.{key}", f"expected {_type_names(types)}, got {json.dumps(v)}")
            return None
        return v

    def number(self, obj, key, where, lo=0, hi=(1 << 64) - 1, optional=False):
        if optional and (not isinstance(obj, dict) or key not in obj):
            return None
        v = self.need(obj, key, where, (int, str))
        if v is None:
            return None
        if isinstance(v, str):
            try:
                n = int(v, 0)
            except ValueError:
                self.err(f"{where}.{key}", f"'{v}' is not a number (write 0x... or decimal)")
                return None
        else:
            n = v
        if n < lo or n > hi:
            self.err(f"{where}.{key}", f"{n:#x} is outside {lo:#x}..{hi:#x}")
            return None
        return n

    def name(self, obj, key, where, regex=NAME_RE):
        v = self.need(obj, key, where, str)
        if v is not None and not regex.match(v):
            self.err(f"{where}.{key}", f"'{v}' is not a valid name (expected {regex.pattern})")
            return None
        return v

    def unique(self, items, what, where):
        seen = {}
        for label, key in items:
            if key in seen:
                self.err(label, f"duplicate {what} {key!r} (also {seen[key]})")
            else:
                seen[key] = label


def _as_tuple(t):
    return t if isinstance(t, tuple) else (t,)


def _type_names(t):
    names = {int: "a number", str: "a string", list: "a list", dict: "an object", bool: "true/false"}
    return " or ".join(names.get(x, x.__name__) for x in _as_tuple(t))


def parse_bits(c, f, where):
    """'7:4' or '8' -> (lsb, width); None (and an error) when malformed or outside 32 bits."""
    b = c.need(f, "bits", where, str)
    if b is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*(?::\s*(\d+)\s*)?", b)
    if not m:
        c.err(f"{where}.bits", f"'{b}' is not 'msb:lsb' or 'bit'")
        return None
    msb = int(m.group(1))
    lsb = int(m.group(2)) if m.group(2) is not None else msb
    if msb < lsb:
        c.err(f"{where}.bits", f"'{b}': msb {msb} is below lsb {lsb}")
        return None
    if msb > 31:
        c.err(f"{where}.bits", f"'{b}' is outside the 32-bit register (bits 31:0)")
        return None
    return lsb, msb - lsb + 1


def check_fields(c, fields, where, reg_access=None):
    """Validated fields: list of dicts with name, lsb, width, access, doc, value."""
    out = []
    if not isinstance(fields, list):
        c.err(where, "fields: expected a list")
        return out
    used = {}
    for i, f in enumerate(fields):
        fw = f"{where}.fields[{i}]"
        name = c.name(f, "name", fw)
        if name:
            fw = f"{where}.{name}"
        bits = parse_bits(c, f, fw)
        acc = c.need(f, "access", fw, str)
        if acc is not None and acc not in ACCESS:
            c.err(f"{fw}.access", f"'{acc}' is not one of {', '.join(ACCESS)}")
        value = None
        if isinstance(f, dict) and "value" in f:
            value = c.number(f, "value", fw, 0, 0xFFFFFFFF)
            if value is not None and bits and value >= (1 << bits[1]):
                c.err(f"{fw}.value", f"{value} does not fit the field's {bits[1]} bits")
        if bits:
            for b in range(bits[0], bits[0] + bits[1]):
                if b in used:
                    c.err(fw, f"bit {b} overlaps field {used[b]}")
                    break
            for b in range(bits[0], bits[0] + bits[1]):
                used.setdefault(b, name)
        if name and bits:
            out.append({"name": name, "lsb": bits[0], "width": bits[1], "access": acc or "RW",
                        "doc": f.get("doc", "") if isinstance(f, dict) else "", "value": value})
    c.unique([(f"{where}.{f['name']}", f["name"]) for f in out], "field", where)
    return out


def load(path):
    try:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except OSError as e:
        raise ContractError(f"{path}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        raise ContractError(f"{path}: line {e.lineno} column {e.colno}: invalid JSON: {e.msg}")
    c = Checker(path)
    m = validate(c, raw)
    if c.errors:
        raise ContractError("\n".join(c.errors))
    return m


def validate(c, raw):
    """The checked model the emitters use (numbers parsed, references resolved)."""
    if not isinstance(raw, dict):
        c.err("(top)", "expected a JSON object")
        return None
    m = {"path": c.path}
    sv = c.number(raw, "schema_version", "(top)", 1, 1000)
    if sv is not None and sv != 1:
        c.err("schema_version", f"{sv} is not supported by this generator (it reads schema 1)")
    m["schema_version"] = sv
    hv = c.need(raw, "hw_spec_version", "(top)", str)
    if hv is not None and not re.fullmatch(r"\d+\.\d+", hv):
        c.err("hw_spec_version", f"'{hv}' is not 'major.minor'")
        hv = None
    m["hw_spec_version"] = hv

    gp0 = c.need(raw, "gp0", "(top)", dict) or {}
    m["gp0_base"] = c.number(gp0, "base", "gp0", 0, 0xFFFFFFFF)
    m["gp0_size"] = c.number(gp0, "size", "gp0", 1, 1 << 32)

    # ---- blocks: registers and field layouts
    blocks = c.need(raw, "blocks", "(top)", dict) or {}
    m["blocks"] = {}
    for bname, b in blocks.items():
        bw = f"blocks.{bname}"
        if not isinstance(b, dict):
            c.err(bw, "expected an object")
            continue
        prefix = c.need(b, "prefix", bw, str)
        if prefix is not None and not re.fullmatch(r"[a-z][a-z0-9_]*", prefix):
            c.err(f"{bw}.prefix", f"'{prefix}' is not a lower-case identifier")
        layouts = {}
        for lname, fields in (b.get("layouts") or {}).items():
            if not NAME_RE.match(lname):
                c.err(f"{bw}.layouts.{lname}", "not a valid layout name")
            layouts[lname] = check_fields(c, fields, f"{bw}.layouts.{lname}")
        regs = []
        for i, r in enumerate(c.need(b, "registers", bw, list) or []):
            rw = f"{bw}.registers[{i}]"
            rname = c.name(r, "name", rw)
            if rname:
                rw = f"{bw}.{rname}"
            off = c.number(r, "offset", rw, 0, 0xFFFFFFFF)
            if off is not None and off % 4:
                c.err(f"{rw}.offset", f"{off:#x} is not word-aligned")
            acc = c.need(r, "access", rw, str)
            if acc is not None and acc not in ACCESS:
                c.err(f"{rw}.access", f"'{acc}' is not one of {', '.join(ACCESS)}")
            reset = None
            if isinstance(r, dict) and r.get("reset") == "per unit":
                reset = "per unit"
            else:
                reset = c.number(r, "reset", rw, 0, 0xFFFFFFFF)
            layout = None
            fields = []
            if isinstance(r, dict) and "layout" in r:
                layout = r["layout"]
                if layout not in layouts:
                    c.err(f"{rw}.layout", f"no layout '{layout}' in {bw}.layouts")
                else:
                    fields = layouts[layout]
                if "fields" in r:
                    c.err(rw, "has both 'layout' and 'fields'")
            elif isinstance(r, dict) and "fields" in r:
                fields = check_fields(c, r["fields"], rw, acc)
                layout = rname
            if rname is None or off is None:
                continue
            regs.append({"name": rname, "offset": off, "access": acc, "reset": reset,
                         "layout": layout, "fields": fields, "doc": r.get("doc", "")})
        c.unique([(f"{bw}.{r['name']}", r["name"]) for r in regs], "register", bw)
        by_off = {}
        for r in regs:
            if r["offset"] in by_off:
                c.err(f"{bw}.{r['name']}", f"offset {r['offset']:#x} overlaps register {by_off[r['offset']]}")
            else:
                by_off[r["offset"]] = r["name"]
        m["blocks"][bname] = {"name": bname, "prefix": prefix or bname, "doc": b.get("doc", ""),
                              "layouts": layouts, "registers": sorted(regs, key=lambda r: r["offset"])}
    c.unique([(f"blocks.{k}", v["prefix"]) for k, v in m["blocks"].items()], "block prefix", "blocks")

    # ---- windows (a tree: PL_TOP holds the unit windows)
    m["windows"] = []

    def walk(lst, where, parent):
        for i, w in enumerate(lst if isinstance(lst, list) else []):
            ww = f"{where}[{i}]"
            name = c.name(w, "name", ww)
            if name:
                ww = f"windows.{name}"
            base = c.number(w, "base", ww, 0, 0xFFFFFFFF)
            size = c.number(w, "size", ww, 4, 1 << 32)
            block = w.get("block") if isinstance(w, dict) else None
            if block is not None and block not in m["blocks"]:
                c.err(f"{ww}.block", f"no block '{block}' in blocks")
                block = None
            if name is None or base is None or size is None:
                continue
            # A register window is decoded by its low address bits: power-of-two size, aligned.
            # A window holding others (PL_TOP) only needs 4 KiB granularity.
            if block is not None and size & (size - 1):
                c.err(f"{ww}.size", f"{size:#x} is not a power of two")
            elif block is not None and base % size:
                c.err(f"{ww}.base", f"{base:#x} is not aligned to the window size {size:#x}")
            elif base % 0x1000 or size % 0x1000:
                c.err(ww, f"base {base:#x} / size {size:#x} are not multiples of 4 KiB")
            if parent is not None and (base < parent["base"] or base + size > parent["base"] + parent["size"]):
                c.err(ww, f"{base:#x}..{base + size - 1:#x} is outside its parent {parent['name']}")
            if parent is None and m["gp0_base"] is not None and m["gp0_size"] is not None and (
                    base < m["gp0_base"] or base + size > m["gp0_base"] + m["gp0_size"]):
                c.err(ww, f"{base:#x}..{base + size - 1:#x} is outside GP0")
            rec = {"name": name, "base": base, "size": size, "block": block, "unit": w.get("unit"),
                   "hp_port": w.get("hp_port"), "doc": w.get("doc", ""), "parent": parent["name"] if parent else None}
            m["windows"].append(rec)
            if block is not None:
                for r in m["blocks"][block]["registers"]:
                    if r["offset"] + 4 > size:
                        c.err(f"blocks.{block}.{r['name']}",
                              f"offset {r['offset']:#x} is outside window {name} (size {size:#x})")
            if isinstance(w, dict) and "children" in w:
                walk(w["children"], f"{ww}.children", rec)

    walk(c.need(raw, "windows", "(top)", list) or [], "windows", None)
    c.unique([(f"windows.{w['name']}", w["name"]) for w in m["windows"]], "window", "windows")
    for parent in [None] + [w["name"] for w in m["windows"]]:
        sib = sorted((w for w in m["windows"] if w["parent"] == parent), key=lambda w: w["base"])
        for a, b in zip(sib, sib[1:]):
            if a["base"] + a["size"] > b["base"]:
                c.err(f"windows.{b['name']}", f"{b['base']:#x} overlaps window {a['name']} "
                      f"({a['base']:#x}..{a['base'] + a['size'] - 1:#x})")
    win = {w["name"]: w for w in m["windows"]}

    # ---- interrupts, errors, limits, phases
    m["irqs"] = []
    for i, q in enumerate(c.need(raw, "irqs", "(top)", list) or []):
        qw = f"irqs[{i}]"
        n = c.name(q, "name", qw)
        line = c.number(q, "line", f"irqs.{n or i}", 0, 15)
        if n is not None and line is not None:
            m["irqs"].append({"name": n, "line": line, "doc": q.get("doc", "")})
    c.unique([(f"irqs.{q['name']}", q["name"]) for q in m["irqs"]], "interrupt", "irqs")
    c.unique([(f"irqs.{q['name']}", q["line"]) for q in m["irqs"]], "IRQ_F2P line", "irqs")

    m["errors"] = []
    for i, e in enumerate(c.need(raw, "errors", "(top)", list) or []):
        n = c.name(e, "name", f"errors[{i}]")
        v = c.number(e, "value", f"errors.{n or i}", 0, 15)
        if n is not None and v is not None:
            m["errors"].append({"name": n, "value": v, "doc": e.get("doc", "")})
    c.unique([(f"errors.{e['name']}", e["name"]) for e in m["errors"]], "error", "errors")
    c.unique([(f"errors.{e['name']}", e["value"]) for e in m["errors"]], "error code", "errors")

    m["limits"] = []
    for i, e in enumerate(c.need(raw, "limits", "(top)", list) or []):
        n = c.name(e, "name", f"limits[{i}]")
        v = c.number(e, "value", f"limits.{n or i}", 0, (1 << 63) - 1)
        if n is not None and v is not None:
            m["limits"].append({"name": n, "value": v, "doc": e.get("doc", "")})
    c.unique([(f"limits.{e['name']}", e["name"]) for e in m["limits"]], "limit", "limits")

    m["phases"] = []
    for i, p in enumerate(c.need(raw, "phases", "(top)", list) or []):
        n = c.name(p, "name", f"phases[{i}]", PHASE_RE)
        if n is not None:
            m["phases"].append({"name": n, "doc": p.get("doc", "")})
    c.unique([(f"phases.{p['name']}", p["name"]) for p in m["phases"]], "phase", "phases")
    phase_names = {p["name"] for p in m["phases"]}

    # ---- units
    m["units"] = []
    unit_block = m["blocks"].get("unit")
    irq_names = {q["name"] for q in m["irqs"]}
    for i, u in enumerate(c.need(raw, "units", "(top)", list) or []):
        uw = f"units[{i}]"
        n = c.name(u, "name", uw, PHASE_RE)
        if n:
            uw = f"units.{n}"
        uid = c.number(u, "id", uw, 0, 7)
        short = c.name(u, "short", uw)
        idv = c.number(u, "id_value", uw, 0, 0xFFFFFFFF)
        wname = c.need(u, "window", uw, str)
        if wname is not None and wname not in win:
            c.err(f"{uw}.window", f"no window '{wname}'")
        elif wname is not None and win[wname]["block"] != "unit":
            c.err(f"{uw}.window", f"window '{wname}' is not a unit register block")
        irq = c.need(u, "irq", uw, str)
        if irq is not None and irq not in irq_names:
            c.err(f"{uw}.irq", f"no interrupt '{irq}' in irqs")
        ph = c.need(u, "phase", uw, str)
        if ph is not None and ph not in phase_names:
            c.err(f"{uw}.phase", f"no phase '{ph}' in phases")
        scalars = c.need(u, "scalars", uw, bool)
        sizes = c.need(u, "sizes", uw, list) or []
        if len(sizes) > 3:
            c.err(f"{uw}.sizes", "a unit has at most 3 sizes (SIZE0..SIZE2)")
        ufields = {}
        for rname, fl in ((u.get("fields") or {}) if isinstance(u, dict) else {}).items():
            fw = f"{uw}.fields.{rname}"
            if unit_block is None or rname not in {r["name"] for r in unit_block["registers"]}:
                c.err(fw, f"no register '{rname}' in the unit block")
                continue
            ufields[rname] = check_fields(c, fl, fw)
        opf = c.need(u, "opcode_field", uw, str)
        opfield = None
        if opf is not None:
            opfield = next((f for f in ufields.get("OP", []) if f["name"] == opf), None)
            if opfield is None:
                c.err(f"{uw}.opcode_field", f"no field '{opf}' in {uw}.fields.OP")
        if None in (n, uid, short, idv, wname):
            continue
        m["units"].append({"name": n, "id": uid, "short": short, "id_value": idv, "window": wname,
                           "irq": irq, "phase": ph, "scalars": bool(scalars), "sizes": sizes,
                           "fields": ufields, "opcode_field": opfield})
    c.unique([(f"units.{u['name']}", u["name"]) for u in m["units"]], "unit", "units")
    c.unique([(f"units.{u['name']}", u["id"]) for u in m["units"]], "unit id", "units")
    c.unique([(f"units.{u['name']}", u["short"]) for u in m["units"]], "unit short name", "units")
    c.unique([(f"units.{u['name']}", u["window"]) for u in m["units"]], "unit window", "units")
    ids = sorted(u["id"] for u in m["units"])
    if ids != list(range(len(ids))):
        c.err("units", f"unit ids must be 0..{len(ids) - 1} without gaps (ROUTE = id + 1), got {ids}")
    m["units"].sort(key=lambda u: u["id"])
    for w in m["windows"]:
        if w["block"] == "unit" and w["unit"] not in {u["name"] for u in m["units"]}:
            c.err(f"windows.{w['name']}.unit", f"no unit '{w['unit']}' in units")

    # ---- opcodes
    flags = c.need(raw, "opcode_flags", "(top)", dict) or {}
    m["flags"] = [{"name": k, "doc": v} for k, v in flags.items()]
    units = {u["name"]: u for u in m["units"]}
    m["opcodes"] = []
    for i, o in enumerate(c.need(raw, "opcodes", "(top)", list) or []):
        ow = f"opcodes[{i}]"
        n = c.name(o, "name", ow)
        un = c.need(o, "unit", ow, str)
        if n and un:
            ow = f"opcodes.{un}.{n}"
        if un is not None and un not in units:
            c.err(f"{ow}.unit", f"no unit '{un}'")
            un = None
        v = c.number(o, "value", ow, 0, 0xFFFFFFFF)
        if v is not None and un is not None and units[un]["opcode_field"] is not None:
            wdt = units[un]["opcode_field"]["width"]
            if v >= (1 << wdt):
                c.err(f"{ow}.value", f"{v:#x} does not fit {un}'s opcode field "
                      f"OP.{units[un]['opcode_field']['name']} ({wdt} bits)")
        ops = c.need(o, "operands", ow, list)
        if ops is not None:
            if not 1 <= len(ops) <= 3:
                c.err(f"{ow}.operands", f"arity {len(ops)}: a command has 1 to 3 operands (streams A, B, C)")
            for t in ops:
                if t not in OPERAND_TYPES:
                    c.err(f"{ow}.operands", f"'{t}' is not one of {', '.join(OPERAND_TYPES)}")
        res = c.need(o, "result", ow, str)
        if res is not None and res not in OPERAND_TYPES:
            c.err(f"{ow}.result", f"'{res}' is not one of {', '.join(OPERAND_TYPES)}")
        ii = c.number(o, "ii", ow, 1, 15, optional=True)
        lat = c.number(o, "latency", ow, 0, 255, optional=True)
        fl = c.need(o, "flags", ow, list) or []
        for f in fl:
            if f not in flags:
                c.err(f"{ow}.flags", f"unknown flag '{f}' (opcode_flags has {', '.join(flags)})")
        if None in (n, un, v, ops, res):
            continue
        m["opcodes"].append({"unit": un, "name": n, "value": v, "operands": ops, "result": res,
                             "ii": ii or 0, "latency": lat or 0, "flags": fl,
                             "has_timing": ii is not None and lat is not None})
    for un in units:
        mine = [o for o in m["opcodes"] if o["unit"] == un]
        c.unique([(f"opcodes.{un}.{o['name']}", o["name"]) for o in mine], f"{un} opcode name", "opcodes")
        c.unique([(f"opcodes.{un}.{o['name']}", o["value"]) for o in mine], f"{un} opcode value", "opcodes")
    return m


# ------------------------------------------------------------------------------------------ C++

def camel(s):
    return "".join(p[:1].upper() + p[1:] for p in s.split("_"))


def hex32(v):
    return f"0x{v >> 16:04X}'{v & 0xFFFF:04X}u"


def hexaddr(v):
    return f"0x{v >> 16:04X}'{v & 0xFFFF:04X}ull"


def emit_cpp(m):
    L = []
    a = L.append
    a("// GENERATED by hw/gen_contract.py from hw/pl_contract.json: do not edit (docs/hw-contract.md).")
    a("// The PL contract of docs/hw-spec.md for C++: address windows, register offsets and fields,")
    a("// opcodes, error codes, unit and phase names. The runtime, the TLM models, the reports and the")
    a("// tests use these names; the RTL uses the same values from tp_contract_pkg.sv.")
    a("//")
    a("//   uint64_t a = hw::win::VEC_BASE + hw::unit::STATUS;")
    a("//   if (st & hw::unit::STATUS_DONE.mask) { auto code = hw::unit::STATUS_ERR_CODE.get(st); }")
    a("//   const hw::OpcodeInfo* i = hw::find_opcode(hw::Unit::kVector, 0x13);   // EXP2, arity 1")
    a("#pragma once")
    a("")
    a("#include <cstdint>")
    a("")
    a("namespace tinypynq::hw {")
    a("")
    a(f"inline constexpr int kSchemaVersion = {m['schema_version']};")
    a(f"inline constexpr const char* kHwSpecVersion = \"{m['hw_spec_version']}\";")
    a("")
    a("// A bit field of a 32-bit register: mask is in place (shifted).")
    a("struct Field {")
    a("  uint8_t shift, width;")
    a("  uint32_t mask;")
    a("  constexpr uint32_t get(uint32_t reg) const { return (reg & mask) >> shift; }")
    a("  constexpr uint32_t put(uint32_t v) const { return (v << shift) & mask; }")
    a("};")
    a("enum class Access : uint8_t { kRW, kRO, kW1C, kWO };")
    a("")

    def field_lines(prefix, fields, indent=""):
        out = []
        for f in fields:
            mask = ((1 << f["width"]) - 1) << f["lsb"]
            doc = f" // {f['access']}: {f['doc']}" if f["doc"] else f" // {f['access']}"
            out.append(f"{indent}inline constexpr Field {prefix}_{f['name']}{{{f['lsb']}, {f['width']}, "
                       f"{hex32(mask)}}};{doc}")
            if f["value"] is not None:
                out.append(f"{indent}inline constexpr uint32_t {prefix}_{f['name']}_VALUE = {f['value']};")
        return out

    # windows
    a("// ---- address windows (M_AXI_GP0); *_OFFSET: offset inside the parent window")
    a("namespace win {")
    a(f"inline constexpr uint64_t GP0_BASE = {hexaddr(m['gp0_base'])}, GP0_SIZE = {hexaddr(m['gp0_size'])};")
    for w in m["windows"]:
        doc = f"  // {w['doc']}" if w["doc"] else ""
        a(f"inline constexpr uint64_t {w['name']}_BASE = {hexaddr(w['base'])}, {w['name']}_SIZE = "
          f"{hexaddr(w['size'])};{doc}")
        if w["parent"]:
            parent = next(p for p in m["windows"] if p["name"] == w["parent"])
            a(f"inline constexpr uint32_t {w['name']}_OFFSET = {hex32(w['base'] - parent['base'])};")
    a("}  // namespace win")
    a("")

    # blocks
    for b in m["blocks"].values():
        a(f"// ---- {b['doc']}")
        a(f"namespace {b['prefix']} {{")
        for r in b["registers"]:
            a(f"inline constexpr uint32_t {r['name']} = 0x{r['offset']:02X};  // {r['access']}: {r['doc']}")
        for r in b["registers"]:
            if r["reset"] != "per unit" and r["reset"] is not None:
                a(f"inline constexpr uint32_t {r['name']}_RESET = {hex32(r['reset'])};")
        for lname, fields in b["layouts"].items():
            L.extend(field_lines(lname, fields))
        for r in b["registers"]:
            if r["fields"] and r["layout"] == r["name"]:
                L.extend(field_lines(r["name"], r["fields"]))
        a(f"}}  // namespace {b['prefix']}")
        a("")

    # units
    a("// ---- PL units: ids (SYS.ROUTE = id + 1, SYS.BUSY bit id), names, unit-specific fields")
    a("enum class Unit : uint8_t {")
    for u in m["units"]:
        a(f"  k{camel(u['name'])} = {u['id']},")
    a("};")
    a(f"inline constexpr int kNumUnits = {len(m['units'])};")
    irq_line = {q["name"]: q["line"] for q in m["irqs"]}
    phase_idx = {p["name"]: i for i, p in enumerate(m["phases"])}
    a("struct UnitInfo {")
    a("  Unit unit;")
    a("  const char* name;        // \"vector\": traces, reports, messages")
    a("  const char* short_name;  // \"VEC\": the window")
    a("  uint64_t base;           // register window")
    a("  uint32_t id_value;       // the ID register")
    a("  int irq;                 // IRQ_F2P line")
    a("  int phase;               // index into kPhaseNames of its busy time")
    a("  bool scalars;            // SCALAR_A..C exist")
    a("  int num_sizes;           // SIZE0.. used")
    a("};")
    a("inline constexpr UnitInfo kUnits[kNumUnits] = {")
    for u in m["units"]:
        a(f"    {{Unit::k{camel(u['name'])}, \"{u['name']}\", \"{u['short']}\", win::{u['window']}_BASE, "
          f"{hex32(u['id_value'])}, {irq_line.get(u['irq'], -1)}, {phase_idx.get(u['phase'], -1)}, "
          f"{'true' if u['scalars'] else 'false'}, {len(u['sizes'])}}},")
    a("};")
    a("constexpr const UnitInfo& unit_info(Unit u) { return kUnits[static_cast<int>(u)]; }")
    a("constexpr const char* unit_name(Unit u) { return kUnits[static_cast<int>(u)].name; }")
    a("")
    for u in m["units"]:
        ns = u["short"].lower()
        a(f"namespace {ns} {{  // {u['name']} unit")
        a(f"inline constexpr uint32_t ID_VALUE = {hex32(u['id_value'])};")
        for rname, fields in u["fields"].items():
            L.extend(field_lines(rname, fields))
            if fields and all(f["value"] is not None for f in fields):
                v = sum(f["value"] << f["lsb"] for f in fields)
                a(f"inline constexpr uint32_t {rname}_VALUE = {hex32(v)};")
        a(f"}}  // namespace {ns}")
    a("")

    # opcodes
    a("// ---- opcodes: one enum per unit (the value written to its OP opcode field)")
    for u in m["units"]:
        en = f"{camel(u['short'].lower())}Op"
        a(f"enum class {en} : uint8_t {{")
        for o in (o for o in m["opcodes"] if o["unit"] == u["name"]):
            a(f"  {o['name']} = 0x{o['value']:02X},")
        a("};")
    a("enum class Operand : uint8_t { kF32, kI32, kBool };")
    a("inline constexpr const char* kOperandNames[] = {\"f32\", \"i32\", \"bool\"};")
    for i, f in enumerate(m["flags"]):
        a(f"inline constexpr uint32_t kFlag{camel(f['name'])} = 1u << {i};  // {f['doc']}")
    a("struct OpcodeInfo {")
    a("  Unit unit;")
    a("  uint32_t value;")
    a("  const char* name;")
    a("  uint8_t arity;            // operands = streams A, B, C in order")
    a("  Operand operand[3];       // encoding of each operand (unused: kF32)")
    a("  Operand result;")
    a("  uint8_t ii;               // issue interval, cycles per beat (0: not a beat pipeline, §8)")
    a("  uint8_t latency;          // P: input-beat acceptance to output TVALID (0: see §8)")
    a("  uint32_t flags;           // kFlag*")
    a("};")
    ot = {"f32": "Operand::kF32", "i32": "Operand::kI32", "bool": "Operand::kBool"}
    a(f"inline constexpr int kNumOpcodes = {len(m['opcodes'])};")
    a("inline constexpr OpcodeInfo kOpcodes[kNumOpcodes] = {")
    for o in m["opcodes"]:
        uu = next(u for u in m["units"] if u["name"] == o["unit"])
        ops = [ot[t] for t in o["operands"]] + ["Operand::kF32"] * (3 - len(o["operands"]))
        fl = " | ".join(f"kFlag{camel(f)}" for f in o["flags"]) or "0"
        a(f"    {{Unit::k{camel(uu['name'])}, 0x{o['value']:02X}, \"{o['name']}\", {len(o['operands'])}, "
          f"{{{', '.join(ops)}}}, {ot[o['result']]}, {o['ii']}, {o['latency']}, {fl}}},")
    a("};")
    for u in m["units"]:
        a(f"inline constexpr int kNum{camel(u['short'].lower())}Opcodes = "
          f"{sum(1 for o in m['opcodes'] if o['unit'] == u['name'])};")
    a("// nullptr: the unit has no such opcode (its START is rejected with BAD_OP).")
    a("constexpr const OpcodeInfo* find_opcode(Unit u, uint32_t value) {")
    a("  for (const OpcodeInfo& o : kOpcodes)")
    a("    if (o.unit == u && o.value == value) return &o;")
    a("  return nullptr;")
    a("}")
    a("")

    # errors, irqs, limits, phases
    a("// ---- STATUS.ERR_CODE")
    a("enum class ErrCode : uint8_t {")
    for e in m["errors"]:
        a(f"  {e['name']} = {e['value']},  // {e['doc']}")
    a("};")
    a("constexpr const char* err_code_name(uint32_t code) {")
    a("  switch (code) {")
    for e in m["errors"]:
        a(f"    case {e['value']}: return \"{e['name']}\";")
    a("    default: return \"?\";")
    a("  }")
    a("}")
    a("")
    a("// ---- IRQ_F2P lines")
    a("namespace irq {")
    for q in m["irqs"]:
        a(f"inline constexpr int {q['name']} = {q['line']};  // {q['doc']}")
    a("}  // namespace irq")
    a("")
    a("namespace limits {")
    for e in m["limits"]:
        a(f"inline constexpr uint64_t {e['name']} = {e['value']};  // {e['doc']}")
    a("}  // namespace limits")
    a("")
    # tables: the whole contract as data, for tools, messages and the JSON-vs-C++ test
    a("// ---- the contract as tables (windows, registers, fields) for tools, messages and tests")
    a("struct WindowInfo { const char* name; uint64_t base, size; const char* block; const char* parent; };")
    a(f"inline constexpr int kNumWindows = {len(m['windows'])};")
    a("inline constexpr WindowInfo kWindows[kNumWindows] = {")
    for w in m["windows"]:
        blk = f"\"{w['block']}\"" if w["block"] else "nullptr"
        par = f"\"{w['parent']}\"" if w["parent"] else "nullptr"
        a(f"    {{\"{w['name']}\", {hexaddr(w['base'])}, {hexaddr(w['size'])}, {blk}, {par}}},")
    a("};")
    acc = {"RW": "Access::kRW", "RO": "Access::kRO", "W1C": "Access::kW1C", "WO": "Access::kWO"}
    a("struct RegisterInfo { const char* block; const char* name; uint32_t offset; Access access;")
    a("                      bool per_unit_reset; uint32_t reset; };")
    regs = [(b["name"], r) for b in m["blocks"].values() for r in b["registers"]]
    a(f"inline constexpr int kNumRegisters = {len(regs)};")
    a("inline constexpr RegisterInfo kRegisters[kNumRegisters] = {")
    for bn, r in regs:
        pu = r["reset"] == "per unit"
        a(f"    {{\"{bn}\", \"{r['name']}\", 0x{r['offset']:02X}, {acc[r['access']]}, "
          f"{'true' if pu else 'false'}, {hex32(0 if pu else r['reset'])}}},")
    a("};")
    a("// owner: a block's layout or register (\"axi_dma.DMACR\", \"unit.STATUS\") or a unit's register")
    a("// (\"vector.OP\"); has_value: the field reads a fixed build value.")
    a("struct FieldInfo { const char* owner; const char* name; Field field; Access access; bool has_value;")
    a("                   uint32_t value; };")
    fl = []
    for b in m["blocks"].values():
        for ln, fs in b["layouts"].items():
            fl += [(f"{b['name']}.{ln}", f) for f in fs]
        for r in b["registers"]:
            if r["fields"] and r["layout"] == r["name"]:
                fl += [(f"{b['name']}.{r['name']}", f) for f in r["fields"]]
    for u in m["units"]:
        for rn, fs in u["fields"].items():
            fl += [(f"{u['name']}.{rn}", f) for f in fs]
    a(f"inline constexpr int kNumFields = {len(fl)};")
    a("inline constexpr FieldInfo kFields[kNumFields] = {")
    for owner, f in fl:
        mask = ((1 << f["width"]) - 1) << f["lsb"]
        hv = f["value"] is not None
        a(f"    {{\"{owner}\", \"{f['name']}\", {{{f['lsb']}, {f['width']}, {hex32(mask)}}}, {acc[f['access']]}, "
          f"{'true' if hv else 'false'}, {f['value'] if hv else 0}}},")
    a("};")
    a("")
    a("// ---- phases of the predicted board time, in report order")
    a("enum class Phase : int {")
    for p in m["phases"]:
        a(f"  k{camel(p['name'])},  // {p['doc']}")
    a("  kCount")
    a("};")
    a(f"inline constexpr int kNumPhases = {len(m['phases'])};")
    a("inline constexpr const char* kPhaseNames[kNumPhases] = {")
    a("    " + ", ".join(f"\"{p['name']}\"" for p in m["phases"]) + "};")
    a("constexpr const char* phase_name(Phase p) { return kPhaseNames[static_cast<int>(p)]; }")
    a("")
    a("}  // namespace tinypynq::hw")
    check_collisions(L, "C++ header")
    return "\n".join(L) + "\n"


def check_collisions(lines, what):
    """Two contract entries that generate the same identifier (a field named RESET next to a
    register's _RESET value, say) are an error in the contract, reported before any compiler."""
    scope, seen, dup = ["<top>"], {}, []
    for ln in lines:
        mo = re.match(r"\s*(?:namespace|package) (\w+)", ln)
        if mo and not ln.rstrip().endswith(";"):
            scope.append(mo.group(1))
            continue
        if re.match(r"\s*(?:}\s*// namespace|endpackage)", ln):
            scope.pop()
            continue
        mo = re.match(r"\s*(?:inline constexpr|localparam)\s+[\w:\[\]\s']*?\b([A-Za-z_]\w*)\s*(?:=|\{)", ln)
        if mo:
            for name in [mo.group(1)] + re.findall(r",\s*([A-Za-z_]\w*)\s*=", ln):
                key = (tuple(scope), name)
                if key in seen:
                    dup.append(f"{'::'.join(scope[1:]) or '(top)'}::{name}")
                seen[key] = True
    if dup:
        raise ContractError(f"the {what} would define these names twice (rename a register or field): "
                            + ", ".join(dup))


# ------------------------------------------------------------------------------------------- SV

def sv_hex(width, v):
    return f"{width}'h{v:0{(width + 3) // 4}X}"


def emit_sv(m):
    L = []
    a = L.append
    a("// GENERATED by hw/gen_contract.py from hw/pl_contract.json: do not edit (docs/hw-contract.md).")
    a("// The PL contract of docs/hw-spec.md for the RTL: window decode, register offsets (inside a")
    a("// 64 KiB window), field positions, IDs, opcodes with their (arity, II, P), error codes.")
    a("// Name scheme: <BLOCK>_<REG> offset, <BLOCK>_<REG>_<FIELD>_LSB/_W, <UNIT>_OPCODE_<OP>.")
    a("// Compile it before every other file. Use qualified names (tp_contract_pkg::UNIT_STATUS).")
    a("package tp_contract_pkg;")
    a("")
    a("  // A contract package defines every name; each module uses the few it needs.")
    a("  /* verilator lint_off UNUSEDPARAM */")
    a("")
    a(f"  localparam int unsigned SCHEMA_VERSION = {m['schema_version']};")
    a("")
    a("  // ---- windows: base addresses on GP0; *_OFFSET inside the parent window")
    for w in m["windows"]:
        a(f"  localparam logic [31:0] WIN_{w['name']}_BASE = {sv_hex(32, w['base'])};")
        a(f"  localparam int unsigned WIN_{w['name']}_SIZE = 32'h{w['size']:X};")
        if w["parent"]:
            parent = next(p for p in m["windows"] if p["name"] == w["parent"])
            off = w["base"] - parent["base"]
            bits = max(1, (parent["size"] - 1).bit_length())
            a(f"  localparam logic [{bits - 1}:0] WIN_{w['name']}_OFFSET = {sv_hex(bits, off)};")
            a(f"  localparam int unsigned WIN_{w['name']}_INDEX = {off // w['size']};  // offset / size")
    sizes = {w["size"] for w in m["windows"] if w["parent"]}
    if len(sizes) == 1:
        a(f"  localparam int unsigned WIN_BITS = {(sizes.pop() - 1).bit_length()};  // offset bits inside a unit/SYS window")
    a("")
    for b in m["blocks"].values():
        P = b["prefix"].upper()
        a(f"  // ---- {b['doc']}")
        for r in b["registers"]:
            a(f"  localparam logic [15:0] {P}_{r['name']} = {sv_hex(16, r['offset'])};")
        for r in b["registers"]:
            if r["reset"] not in (None, "per unit"):
                a(f"  localparam logic [31:0] {P}_{r['name']}_RESET = {sv_hex(32, r['reset'])};")
        groups = list(b["layouts"].items()) + [(r["name"], r["fields"]) for r in b["registers"]
                                                if r["fields"] and r["layout"] == r["name"]]
        for lname, fields in groups:
            for f in fields:
                a(f"  localparam int unsigned {P}_{lname}_{f['name']}_LSB = {f['lsb']}, "
                  f"{P}_{lname}_{f['name']}_W = {f['width']};")
        a("")
    a("  // ---- units (SYS.ROUTE = id + 1, SYS.BUSY bit id)")
    a(f"  localparam int unsigned NUM_UNITS = {len(m['units'])};")
    for u in m["units"]:
        S = u["short"]
        a(f"  localparam int unsigned UNIT_{u['name'].upper()} = {u['id']};")
        a(f"  localparam logic [31:0] {S}_ID_VALUE = {sv_hex(32, u['id_value'])};")
        for rname, fields in u["fields"].items():
            for f in fields:
                a(f"  localparam int unsigned {S}_{rname}_{f['name']}_LSB = {f['lsb']}, "
                  f"{S}_{rname}_{f['name']}_W = {f['width']};")
                if f["value"] is not None:
                    a(f"  localparam logic [31:0] {S}_{rname}_{f['name']}_VALUE = {sv_hex(32, f['value'])};")
            if fields and all(f["value"] is not None for f in fields):
                v = sum(f["value"] << f["lsb"] for f in fields)
                a(f"  localparam logic [31:0] {S}_{rname}_VALUE = {sv_hex(32, v)};")
    a("")
    irq = {q["name"]: q["line"] for q in m["irqs"]}
    a("  // ---- IRQ_F2P lines")
    for q in m["irqs"]:
        a(f"  localparam int unsigned IRQ_{q['name']} = {q['line']};")
    a("")
    errw = 4
    unit_blk = m["blocks"].get("unit")
    if unit_blk:
        for r in unit_blk["registers"]:
            for f in r["fields"]:
                if r["name"] == "STATUS" and f["name"] == "ERR_CODE":
                    errw = f["width"]
    a("  // ---- STATUS.ERR_CODE")
    for e in m["errors"]:
        a(f"  localparam logic [{errw - 1}:0] ERR_{e['name']} = {errw}'d{e['value']};")
    a("")
    a("  // ---- limits")
    for e in m["limits"]:
        if e["value"] < (1 << 32):
            a(f"  localparam logic [31:0] {e['name']} = 32'd{e['value']};")
        else:
            a(f"  localparam logic [63:0] {e['name']} = 64'd{e['value']};")
    a("")
    a("  // ---- opcodes (value of the unit's OP opcode field)")
    for u in m["units"]:
        S = u["short"]
        w = u["opcode_field"]["width"] if u["opcode_field"] else 32
        mine = [o for o in m["opcodes"] if o["unit"] == u["name"]]
        for o in mine:
            a(f"  localparam logic [{w - 1}:0] {S}_OPCODE_{o['name']} = {sv_hex(w, o['value'])};")
        if mine and w <= 8:
            mask = sum(1 << o["value"] for o in mine)
            a(f"  // bit i set <=> opcode i is defined")
            a(f"  localparam logic [{(1 << w) - 1}:0] {S}_OPCODE_DEFINED = {sv_hex(1 << w, mask)};")
        timed = [o for o in mine if o["has_timing"]]
        if timed and w <= 8 and len(timed) == len(mine):
            lat_w = max(1, max(o["latency"] for o in timed).bit_length())
            a("")
            a(f"  // {S} opcode table: {{valid, arity[1:0], ii2, lat[{lat_w - 1}:0]}} (a plain vector: yosys 0.23")
            a(f"  // cannot return structs from package functions); ii2 = issue interval 2, lat = P.")
            a(f"  localparam int unsigned {S}_LAT_W = {lat_w};")
            fn = f"{S.lower()}_op_info"
            a(f"  function automatic logic [{lat_w + 3}:0] {fn}(input logic [{w - 1}:0] code);")
            a(f"    logic [{lat_w + 3}:0] r;")
            a("    unique case (code)")
            for o in timed:
                ii2 = 1 if o["ii"] == 2 else 0
                a(f"      {S}_OPCODE_{o['name']}: r = {{1'b1, 2'd{len(o['operands'])}, 1'b{ii2}, "
                  f"{lat_w}'d{o['latency']}}};")
            a(f"      default: r = '0;")
            a("    endcase")
            a(f"    {fn} = r;")
            a("  endfunction")
            maxlat = max(o["latency"] for o in timed)
            a(f"  localparam int unsigned {S}_PMAX = {maxlat};  // longest P of the table")
    a("")
    a("  /* verilator lint_on UNUSEDPARAM */")
    a("")
    a("endpackage")
    check_collisions(L, "SystemVerilog package")
    return "\n".join(L) + "\n"


# ----------------------------------------------------------------------------------------- docs

def fmt_hex(v, digits=8):
    s = f"{v:0{digits}X}"
    return "0x" + "_".join(s[max(0, i - 4):i] for i in range(len(s), 0, -4)[::-1])


def doc_tables(m):
    """name -> markdown table; docs/hw-spec.md holds each between GENERATED markers."""
    t = {}
    rows = ["| base          | slave                                    | HP port |",
            "|---------------|------------------------------------------|---------|"]
    for w in m["windows"]:
        if w["name"] == "PL_TOP":
            continue
        rows.append(f"| `{fmt_hex(w['base'])}` | {w['doc']} | {w['hp_port'] or '–'} |")
    t["address-map"] = rows

    def reg_table(block, extra=None):
        rows = ["| offset | name | access | reset | content |", "|---|---|---|---|---|"]
        for r in block["registers"]:
            reset = "per unit" if r["reset"] == "per unit" else fmt_hex(r["reset"])
            content = r["doc"]
            fields = r["fields"]
            if fields and r["layout"] == r["name"]:
                content += ": " + "; ".join(
                    f"{_bits(f)} {f['name']} ({f['access']})" + (f" {f['doc']}" if f["doc"] else "")
                    for f in fields)
            if extra:
                content += extra(r)
            rows.append(f"| 0x{r['offset']:02X} | {r['name']} | {r['access']} | {reset} | {content} |")
        return rows

    t["sys-registers"] = reg_table(m["blocks"]["sys"])

    def unit_extra(r):
        parts = []
        for u in m["units"]:
            if r["name"] == "ID":
                parts.append(f"{u['short']} {fmt_hex(u['id_value'])}")
            elif r["name"] in u["fields"] and r["name"] != "OP":
                fs = ", ".join(f"{f['name']} {_bits(f)}" + (f" = {f['value']}" if f["value"] is not None else "")
                               + (f" ({f['doc']})" if f["doc"] else "") for f in u["fields"][r["name"]])
                parts.append(f"{u['short']}: {fs}")
        return (" — " + " · ".join(parts)) if parts else ""

    t["unit-registers"] = reg_table(m["blocks"]["unit"], unit_extra)
    rows = ["| unit | OP field | bits | meaning |", "|---|---|---|---|"]
    for u in m["units"]:
        for f in u["fields"].get("OP", []):
            rows.append(f"| {u['name']} | {f['name']} | {_bits(f)} | {f['doc']} |")
    t["op-fields"] = rows
    rows = ["| ERR_CODE | name | meaning |", "|---|---|---|"]
    for e in m["errors"]:
        rows.append(f"| {e['value']} | {e['name']} | {e['doc']} |")
    t["err-codes"] = rows
    vec = [o for o in m["opcodes"] if o["unit"] == "vector"]
    rows = ["| code | op | arity | operands → result | II | P | flags |", "|---|---|---|---|---|---|---|"]
    for o in vec:
        rows.append(f"| 0x{o['value']:02X} | {o['name']} | {len(o['operands'])} | "
                    f"{', '.join(o['operands'])} → {o['result']} | {o['ii']} | {o['latency']} | "
                    f"{', '.join(o['flags'])} |")
    t["vec-opcodes"] = rows
    rows = ["| line | source |", "|---|---|"]
    for q in m["irqs"]:
        rows.append(f"| IRQ_F2P[{q['line']}] | {q['name']}: {q['doc']} |")
    t["irqs"] = rows
    dma = m["blocks"]["axi_dma"]
    rows = ["| offset | name | access | reset | content |", "|---|---|---|---|---|"]
    for r in dma["registers"]:
        rows.append(f"| 0x{r['offset']:02X} | {r['name']} | {r['access']} | {fmt_hex(r['reset'])} | {r['doc']}"
                    + (f" (fields: {r['layout']})" if r["layout"] else "") + " |")
    for lname, fields in dma["layouts"].items():
        rows.append(f"| | {lname} fields | | | " + "; ".join(
            f"{_bits(f)} {f['name']} ({f['access']})" for f in fields) + " |")
    t["dma-registers"] = rows
    return {k: "\n".join(v) + "\n" for k, v in t.items()}


def _bits(f):
    if f["width"] == 1:
        return f"[{f['lsb']}]"
    return f"[{f['lsb'] + f['width'] - 1}:{f['lsb']}]"


MARK = re.compile(r"(<!-- BEGIN GENERATED ([a-z0-9-]+) .*?-->\n)(.*?)(<!-- END GENERATED \2 -->)", re.S)


def sync_docs(m, doc_path, update):
    """Returns a list of problems (check) or rewrites the tables (update)."""
    try:
        with open(doc_path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as e:
        return [f"{doc_path}: cannot read: {e.strerror}"]
    tables = doc_tables(m)
    found = set()
    problems = []

    def repl(mo):
        name = mo.group(2)
        found.add(name)
        if name not in tables:
            problems.append(f"{doc_path}: generated table '{name}' is not one the generator knows "
                            f"({', '.join(sorted(tables))})")
            return mo.group(0)
        if mo.group(3) != tables[name]:
            problems.append(f"{doc_path}: table '{name}' differs from {m['path']} "
                            f"(run: python3 hw/gen_contract.py {m['path']} --docs {doc_path} --update-docs)")
        return mo.group(1) + tables[name] + mo.group(4)

    new = MARK.sub(repl, text)
    if not found:
        problems.append(f"{doc_path}: no '<!-- BEGIN GENERATED <table> -->' markers")
    if update:
        write_if_changed(doc_path, new)
        return [p for p in problems if "differs" not in p]
    return problems


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as fh:
            if fh.read() == text:
                return False
    except OSError:
        pass
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp_" + os.path.basename(path))
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)  # atomic: a reader never sees half a file
    return True


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("contract", help="hw/pl_contract.json")
    ap.add_argument("--cpp", help="write the C++ header here")
    ap.add_argument("--sv", help="write the SystemVerilog package here")
    ap.add_argument("--docs", help="markdown file with GENERATED table markers")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--update-docs", action="store_true", help="rewrite the tables in --docs")
    g.add_argument("--check-docs", action="store_true", help="fail if the tables in --docs differ")
    ap.add_argument("--check", action="store_true", help="only validate the contract")
    args = ap.parse_args(argv)
    try:
        m = load(args.contract)
    except ContractError as e:
        print(f"gen_contract: invalid PL contract:\n{e}", file=sys.stderr)
        return 1
    try:
        cpp, svp = emit_cpp(m), emit_sv(m)
    except ContractError as e:
        print(f"gen_contract: invalid PL contract:\n{args.contract}: {e}", file=sys.stderr)
        return 1
    if args.cpp:
        write_if_changed(args.cpp, cpp)
    if args.sv:
        write_if_changed(args.sv, svp)
    if args.docs:
        if not (args.update_docs or args.check_docs):
            print("gen_contract: --docs needs --update-docs or --check-docs", file=sys.stderr)
            return 2
        problems = sync_docs(m, args.docs, args.update_docs)
        if problems:
            print("gen_contract: " + "\n".join(problems), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
