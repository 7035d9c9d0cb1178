# SPDX-License-Identifier: MIT
"""tinypynq - the tables of docs/hw-spec.md generated from the contract, between
<!-- BEGIN GENERATED name --> / <!-- END GENERATED name --> markers: rewritten (--update-docs) or
compared (--check-docs, the ctest hw_docs_tables).
"""
import re

from contract_model import write_if_changed


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
    rows = ["| bit | datapath | opcodes | board config key | LUT (yosys) | what |", "|---|---|---|---|---|---|"]
    for d in m["sfu_datapaths"]:
        rows.append(f"| {d['bit']} | {d['name']} | {', '.join(d['opcode_names'])} | `{d['config_key']}` | "
                    f"{d['luts']:,} | {d['doc']} |")
    rows.append(f"| | Horner chain | (EXP2, LOG2, SIN) | built with any of them | {m['sfu_horner_luts'] or 0:,} | "
                "the shared polynomial pipeline (tp_vec_horner) |")
    t["sfu-datapaths"] = rows
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
    # Blocks with register arrays and their own error codes (the view reader and writer of
    # pl_version 2): "<prefix>-registers" and "<prefix>-err-codes" (vr-registers, vw-err-codes).
    for blk in m["blocks"].values():
        if not blk["arrays"] and not blk["errors"]:
            continue
        rows = reg_table(blk)
        for x in blk["arrays"]:
            for e in x["registers"]:
                rows.append(f"| 0x{x['offset'] + e['offset']:02X} + 0x{x['stride']:X}·d | {x['name']}[d].{e['name']} | "
                            f"{e['access']} | {fmt_hex(e['reset'])} | {e['doc']}; d = 0 … {x['count'] - 1}, {x['doc']} |")
        # Layouts no register uses: words in DDR (the command queue's entry HEADER and RESULT).
        used = {r["layout"] for r in blk["registers"]}
        for lname, fields in blk["layouts"].items():
            if lname not in used:
                rows.append(f"| | {lname} (in DDR) | | | " + "; ".join(
                    f"{_bits(f)} {f['name']}: {f['doc']}" for f in fields) + " |")
        t[f"{blk['prefix']}-registers"] = rows
        rows = ["| ERR_CODE | name | when |", "|---|---|---|"]
        for e in blk["errors"]:
            rows.append(f"| {e['value']} | {e['name']} | {e['doc']} |")
        t[f"{blk['prefix']}-err-codes"] = rows
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
