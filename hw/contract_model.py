# SPDX-License-Identifier: MIT
"""tinypynq - the PL contract (hw/pl_contract.json) read and validated into a model the emitters
use (numbers parsed, references resolved). Every problem is collected, not just the first, and
named by its entry: "hw/pl_contract.json: blocks.unit.SIZE1: offset 0xc overlaps register SIZE0".
Python 3 standard library only; docs/hw-contract.md describes the format.
"""
import json
import os
import re
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


def check_errors(c, lst, where, vmax):
    """A list of error codes: name, value (0..vmax), doc; unique names and values."""
    out = []
    for i, e in enumerate(lst if isinstance(lst, list) else []):
        n = c.name(e, "name", f"{where}[{i}]")
        v = c.number(e, "value", f"{where}.{n or i}", 0, vmax)
        if n is not None and v is not None:
            out.append({"name": n, "value": v, "doc": e.get("doc", "")})
    if not isinstance(lst, list):
        c.err(where, "expected a list")
    c.unique([(f"{where}.{e['name']}", e["name"]) for e in out], "error", where)
    c.unique([(f"{where}.{e['name']}", e["value"]) for e in out], "error code", where)
    return out


def check_arrays(c, lst, bw):
    """Register arrays of a block: `count` copies of a register group `stride` bytes apart from
    `offset` (VR's DIM[d]: SHAPE, STRIDE, MLO, MHI at 0x40 + 0x10 * d)."""
    out = []
    if not isinstance(lst, list):
        c.err(f"{bw}.arrays", "expected a list")
        return out
    for i, x in enumerate(lst):
        xw = f"{bw}.arrays[{i}]"
        n = c.name(x, "name", xw)
        if n:
            xw = f"{bw}.{n}"
        off = c.number(x, "offset", xw, 0, 0xFFFFFFFF)
        cnt = c.number(x, "count", xw, 1, 256)
        stride = c.number(x, "stride", xw, 4, 0x10000)
        for k, v in (("offset", off), ("stride", stride)):
            if v is not None and v % 4:
                c.err(f"{xw}.{k}", f"{v:#x} is not word-aligned")
        els = []
        for j, r in enumerate(c.need(x, "registers", xw, list) or []):
            ew = f"{xw}.registers[{j}]"
            en = c.name(r, "name", ew)
            if en:
                ew = f"{xw}.{en}"
            eo = c.number(r, "offset", ew, 0, 0xFFFF)
            acc = c.need(r, "access", ew, str)
            if acc is not None and acc not in ACCESS:
                c.err(f"{ew}.access", f"'{acc}' is not one of {', '.join(ACCESS)}")
            reset = c.number(r, "reset", ew, 0, 0xFFFFFFFF)
            if eo is not None and (eo % 4 or (stride is not None and eo + 4 > stride)):
                c.err(f"{ew}.offset", f"{eo:#x} is not word-aligned or leaves the element (stride {stride:#x})")
            if None not in (en, eo, acc, reset):
                els.append({"name": en, "offset": eo, "access": acc, "reset": reset, "doc": r.get("doc", "")})
        c.unique([(f"{xw}.{e['name']}", e["name"]) for e in els], "array register", xw)
        if None not in (n, off, cnt, stride):
            out.append({"name": n, "offset": off, "count": cnt, "stride": stride, "doc": x.get("doc", ""),
                        "registers": sorted(els, key=lambda e: e["offset"])})
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
        arrays = check_arrays(c, b.get("arrays", []), bw)
        c.unique([(f"{bw}.{x['name']}", x["name"]) for x in regs + arrays], "register or array", bw)
        by_off = {}
        # Every word a register or an array element occupies: overlaps between them are errors.
        words = [(r["offset"], r["name"]) for r in regs]
        for x in arrays:
            for i in range(x["count"]):
                words += [(x["offset"] + i * x["stride"] + e["offset"], f"{x['name']}[{i}].{e['name']}")
                          for e in x["registers"]]
        for off, name in words:
            if off in by_off:
                c.err(f"{bw}.{name}", f"offset {off:#x} overlaps register {by_off[off]}")
            else:
                by_off[off] = name
        errors = check_errors(c, b.get("errors", []), f"{bw}.errors", 255)
        m["blocks"][bname] = {"name": bname, "prefix": prefix or bname, "doc": b.get("doc", ""),
                              "layouts": layouts, "registers": sorted(regs, key=lambda r: r["offset"]),
                              "arrays": arrays, "errors": errors,
                              "span": max([o + 4 for o, _ in words], default=0)}
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
            # A window may hold several instances of its block (VR0..VR2), `instance_stride` apart.
            inst = c.number(w, "instances", ww, 1, 16, optional=True) or 1
            istride = c.number(w, "instance_stride", ww, 4, size, optional=True) or size
            if istride % 4 or inst * istride > size:
                c.err(ww, f"{inst} instances {istride:#x} apart do not fit the window (size {size:#x}) "
                          "or the stride is not word-aligned")
            pv = w.get("pl_versions", [1, 2]) if isinstance(w, dict) else [1, 2]
            if not (isinstance(pv, list) and pv and all(v in (1, 2) for v in pv)):
                c.err(f"{ww}.pl_versions", f"{json.dumps(pv)}: expected a non-empty list of pl_version values (1, 2)")
                pv = [1, 2]
            rec = {"name": name, "base": base, "size": size, "block": block, "unit": w.get("unit"),
                   "hp_port": w.get("hp_port"), "doc": w.get("doc", ""), "parent": parent["name"] if parent else None,
                   "instances": inst, "instance_stride": istride, "pl_versions": sorted(set(pv))}
            m["windows"].append(rec)
            if block is not None:
                blk = m["blocks"][block]
                for r in blk["registers"]:
                    if r["offset"] + 4 > istride:
                        c.err(f"blocks.{block}.{r['name']}",
                              f"offset {r['offset']:#x} is outside window {name} ({'instance ' if inst > 1 else ''}"
                              f"size {istride:#x})")
                for x in blk["arrays"]:
                    end = x["offset"] + (x["count"] - 1) * x["stride"] + max((e["offset"] + 4 for e in x["registers"]), default=4)
                    if end > istride:
                        c.err(f"blocks.{block}.{x['name']}",
                              f"the array ends at {end:#x}, outside window {name} (size {istride:#x})")
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

    m["errors"] = check_errors(c, c.need(raw, "errors", "(top)", list) or [], "errors", 15)

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

    # ---- SFU datapaths (optional per PL build): every "sfu" opcode of the vector unit in exactly one
    m["sfu_datapaths"] = []
    vec_sfu = {o["name"]: o for o in m["opcodes"] if o["unit"] == "vector" and "sfu" in o["flags"]}
    owner = {}
    for i, d in enumerate(c.need(raw, "sfu_datapaths", "(top)", list) or []):
        dw = f"sfu_datapaths[{i}]"
        n = c.name(d, "name", dw)
        b = c.number(d, "bit", dw, 0, 7)
        key = c.need(d, "config_key", dw, str)
        ops = c.need(d, "opcodes", dw, list) or []
        luts = c.number(d, "luts", dw, 0, 1 << 20)
        if b is not None and b != i:
            c.err(f"{dw}.bit", f"{b}: bits must be 0..{i} in order (the list index), got {b} at {i}")
        if key is not None and not re.fullmatch(r"vec_sfu_[a-z0-9]+", key):
            c.err(f"{dw}.config_key", f"'{key}' is not 'vec_sfu_<name>'")
        for o in ops:
            if o not in vec_sfu:
                c.err(f"{dw}.opcodes", f"'{o}' is not a vector opcode with flag 'sfu' ({', '.join(vec_sfu)})")
            elif o in owner:
                c.err(f"{dw}.opcodes", f"'{o}' is already in datapath {owner[o]}")
            else:
                owner[o] = n
        if None in (n, b, key, luts):
            continue
        m["sfu_datapaths"].append({"name": n, "bit": b, "config_key": key, "luts": luts,
                                   "opcodes": [vec_sfu[o]["value"] for o in ops if o in vec_sfu],
                                   "opcode_names": ops, "doc": d.get("doc", "")})
    for o in vec_sfu:
        if o not in owner:
            c.err("sfu_datapaths", f"SFU opcode {o} is in no datapath")
    c.unique([(f"sfu_datapaths.{d['name']}", d["name"]) for d in m["sfu_datapaths"]], "SFU datapath name",
             "sfu_datapaths")
    m["sfu_horner_luts"] = c.number(raw, "sfu_horner_luts", "(top)", 0, 1 << 20)
    return m


# ------------------------------------------------------------------------------------------ C++


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
