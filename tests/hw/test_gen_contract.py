#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""hw/gen_contract.py: every validation rejects a broken contract with a message naming the
entry; the real contract generates deterministic output that is not rewritten when unchanged.

    python3 tests/hw/test_gen_contract.py <repo root>       (ctest: hw_gen_contract, label hw)
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = None


def run_gen(contract, *extra):
    """(exit status, stderr) of the generator on a contract given as a dict."""
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "c.json")
        with open(p, "w") as f:
            json.dump(contract, f)
        r = subprocess.run([sys.executable, os.path.join(ROOT, "hw", "gen_contract.py"), p, "--check", *extra],
                           capture_output=True, text=True)
        return r.returncode, r.stderr


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def real():
    with open(os.path.join(ROOT, "hw", "pl_contract.json")) as f:
        return json.load(f)


def reg(c, block, name):
    return next(r for r in c["blocks"][block]["registers"] if r["name"] == name)


def child(c, name):
    return next(w for w in c["windows"][3]["children"] if w["name"] == name)


class Rejects(unittest.TestCase):
    def reject(self, mutate, *needles):
        c = real()
        mutate(c)
        rc, err = run_gen(c)
        self.assertEqual(rc, 1, f"accepted a bad contract; stderr: {err}")
        for n in needles:
            self.assertIn(n, err)

    def test_the_real_contract_is_valid(self):
        rc, err = run_gen(real())
        self.assertEqual(rc, 0, err)

    def test_overlapping_registers(self):
        self.reject(lambda c: reg(c, "unit", "SIZE1").update(offset="0x0C"),
                    "blocks.unit.SIZE1", "offset 0xc overlaps register SIZE0")

    def test_unaligned_register(self):
        self.reject(lambda c: reg(c, "sys", "BUSY").update(offset="0x0E"), "blocks.sys.BUSY.offset", "not word-aligned")

    def test_overlapping_fields(self):
        self.reject(lambda c: reg(c, "unit", "STATUS")["fields"][3].update(bits="8:4"),
                    "blocks.unit.STATUS.W_RANGE", "bit 8 overlaps field ERR_CODE")

    def test_field_outside_32_bits(self):
        self.reject(lambda c: reg(c, "unit", "STATUS")["fields"][5].update(bits="33:32"),
                    "blocks.unit.STATUS.W_TLAST.bits", "outside the 32-bit register")

    def test_field_with_msb_below_lsb(self):
        self.reject(lambda c: reg(c, "unit", "STATUS")["fields"][3].update(bits="4:7"),
                    "blocks.unit.STATUS.ERR_CODE.bits", "msb 4 is below lsb 7")

    def test_duplicate_register_name(self):
        self.reject(lambda c: reg(c, "unit", "SIZE2").update(name="SIZE1"),
                    "blocks.unit.SIZE1", "duplicate register 'SIZE1'")

    def test_duplicate_field_name(self):
        self.reject(lambda c: reg(c, "unit", "STATUS")["fields"][5].update(name="W_RANGE"),
                    "duplicate field 'W_RANGE'")

    def test_duplicate_opcode_value(self):
        def m(c):
            next(o for o in c["opcodes"] if o["name"] == "SUB")["value"] = "0x01"
        self.reject(m, "opcodes.vector.SUB", "duplicate vector opcode value 1")

    def test_duplicate_opcode_name(self):
        def m(c):
            next(o for o in c["opcodes"] if o["name"] == "SUB")["name"] = "ADD"
        self.reject(m, "duplicate vector opcode name 'ADD'")

    def test_same_opcode_value_in_two_units_is_fine(self):
        rc, err = run_gen(real())  # reduce SUM and matmul MATMUL are both 0
        self.assertEqual(rc, 0, err)

    def test_opcode_wider_than_its_field(self):
        def m(c):
            next(o for o in c["opcodes"] if o["name"] == "INEG")["value"] = "0x40"
        self.reject(m, "opcodes.vector.INEG.value", "does not fit vector's opcode field OP.OPCODE (6 bits)")

    def test_opcode_arity(self):
        def m(c):
            next(o for o in c["opcodes"] if o["name"] == "ADD")["operands"] = ["f32"] * 4
        self.reject(m, "opcodes.vector.ADD.operands", "arity 4")

    def test_opcode_operand_type(self):
        def m(c):
            next(o for o in c["opcodes"] if o["name"] == "ADD")["operands"] = ["f16", "f32"]
        self.reject(m, "opcodes.vector.ADD.operands", "'f16' is not one of f32, i32, bool")

    def test_unknown_opcode_flag(self):
        def m(c):
            next(o for o in c["opcodes"] if o["name"] == "ADD")["flags"] = ["fast"]
        self.reject(m, "opcodes.vector.ADD.flags", "unknown flag 'fast'")

    def test_opcode_of_unknown_unit(self):
        def m(c):
            next(o for o in c["opcodes"] if o["name"] == "ADD")["unit"] = "conv"
        self.reject(m, "opcodes.conv.ADD.unit", "no unit 'conv'")

    def test_offset_outside_its_window(self):
        self.reject(lambda c: reg(c, "axi_dma", "S2MM_LENGTH").update(offset="0x10000"),
                    "blocks.axi_dma.S2MM_LENGTH", "outside window DMA0")

    def test_overlapping_windows(self):
        self.reject(lambda c: c["windows"][1].update(base="0x40000000"),
                    "windows.DMA1", "overlaps window DMA0")

    def test_child_window_outside_parent(self):
        self.reject(lambda c: child(c, "MMU").update(base="0x40070000"), "windows.MMU", "outside its parent PL_TOP")

    def test_window_not_aligned(self):
        self.reject(lambda c: c["windows"][2].update(base="0x40028000"), "windows.DMA2.base", "not aligned")

    def test_duplicate_window_name(self):
        self.reject(lambda c: child(c, "RED").update(name="VEC"), "duplicate window 'VEC'")

    def test_view_reader_array_overlaps_a_register(self):
        self.reject(lambda c: c["blocks"]["view_reader"]["arrays"][0].update(offset="0x20"),
                    "blocks.view_reader.DIM[0].SHAPE", "offset 0x20 overlaps register LINES")

    def test_view_reader_array_leaves_the_instance(self):
        # 6 dimensions of 0x10 from 0xC0 end at 0x120: past one reader's 0x100 bytes
        self.reject(lambda c: c["blocks"]["view_reader"]["arrays"][0].update(offset="0xC0"),
                    "blocks.view_reader.DIM", "outside window VR (size 0x100)")

    def test_view_reader_array_element_outside_its_stride(self):
        self.reject(lambda c: c["blocks"]["view_reader"]["arrays"][0]["registers"][3].update(offset="0x10"),
                    "blocks.view_reader.DIM.MHI.offset", "leaves the element")

    def test_instances_do_not_fit_the_window(self):
        vr = lambda c: next(w for w in c["windows"] if w["name"] == "VR")
        self.reject(lambda c: vr(c).update(instances=17), "windows.VR.instances", "outside")
        self.reject(lambda c: vr(c).update(instance_stride="0x800"), "windows.VR", "3 instances 0x800 apart do not fit")

    def test_bad_pl_versions(self):
        self.reject(lambda c: c["windows"][1].update(pl_versions=[3]), "windows.DMA1.pl_versions",
                    "expected a non-empty list")

    def test_duplicate_block_error_code(self):
        self.reject(lambda c: c["blocks"]["view_reader"]["errors"][7].update(value=6),
                    "blocks.view_reader.errors.BUSY", "duplicate error code 6")

    def test_unit_id_gap(self):
        self.reject(lambda c: c["units"][2].update(id=5), "unit ids must be 0..2 without gaps")

    def test_unit_references(self):
        self.reject(lambda c: c["units"][0].update(phase="pl_conv"), "units.vector.phase", "no phase 'pl_conv'")
        self.reject(lambda c: c["units"][0].update(irq="CONV"), "units.vector.irq", "no interrupt 'CONV'")
        self.reject(lambda c: c["units"][0].update(window="DMA0"), "units.vector.window", "not a unit register block")

    def test_field_value_too_wide(self):
        self.reject(lambda c: c["units"][0]["fields"]["CFG0"][0].update(value=256),
                    "units.vector.fields.CFG0.LANES.value", "does not fit")

    def test_duplicate_irq_line_and_error_code(self):
        self.reject(lambda c: c["irqs"][6].update(line=5), "duplicate IRQ_F2P line 5")
        self.reject(lambda c: c["errors"][3].update(value=2), "duplicate error code 2")

    def test_sfu_datapaths(self):
        self.reject(lambda c: c["sfu_datapaths"][1]["opcodes"].append("DIV"),
                    "sfu_datapaths[1].opcodes", "'DIV' is already in datapath DIV")
        self.reject(lambda c: c["sfu_datapaths"][0]["opcodes"].append("ADD"),
                    "sfu_datapaths[0].opcodes", "'ADD' is not a vector opcode with flag 'sfu'")
        self.reject(lambda c: c["sfu_datapaths"].pop(5), "SFU opcode SIN is in no datapath")
        self.reject(lambda c: c["sfu_datapaths"][2].update(bit=4), "sfu_datapaths[2].bit")
        self.reject(lambda c: c["sfu_datapaths"][2].update(config_key="mod"), "sfu_datapaths[2].config_key",
                    "'mod' is not 'vec_sfu_<name>'")

    def test_duplicate_phase(self):
        self.reject(lambda c: c["phases"][8].update(name="pl_reduce"), "duplicate phase 'pl_reduce'")

    def test_bad_access_and_number(self):
        self.reject(lambda c: reg(c, "sys", "ID").update(access="R"), "blocks.sys.ID.access", "'R' is not one of")
        self.reject(lambda c: reg(c, "sys", "ID").update(reset="TPYN"), "blocks.sys.ID.reset", "'TPYN' is not a number")

    def test_missing_key(self):
        self.reject(lambda c: reg(c, "sys", "ID").pop("offset"), "blocks.sys.ID", "missing key 'offset'")

    def test_generated_name_collision(self):
        # a CTRL field called RESET would generate CTRL_RESET twice (the field and the reset value)
        self.reject(lambda c: reg(c, "unit", "CTRL")["fields"].append({"name": "RESET", "bits": "3", "access": "RW"}),
                    "would define these names twice", "unit::CTRL_RESET")

    def test_wrong_schema_version(self):
        self.reject(lambda c: c.update(schema_version=2), "schema_version", "not supported")

    def test_invalid_json(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "c.json")
            with open(p, "w") as f:
                f.write('{"schema_version": 1,\n "gp0": }')
            r = subprocess.run([sys.executable, os.path.join(ROOT, "hw", "gen_contract.py"), p, "--check"],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("line 2", r.stderr)
            self.assertIn("invalid JSON", r.stderr)

    def test_all_problems_are_reported_at_once(self):
        def m(c):
            reg(c, "sys", "BUSY")["offset"] = "0x0E"
            c["irqs"][6]["line"] = 5
        self.reject(m, "blocks.sys.BUSY.offset", "duplicate IRQ_F2P line 5")


class Output(unittest.TestCase):
    def test_deterministic_and_not_rewritten_when_unchanged(self):
        gen = os.path.join(ROOT, "hw", "gen_contract.py")
        js = os.path.join(ROOT, "hw", "pl_contract.json")
        with tempfile.TemporaryDirectory() as d:
            h, sv = os.path.join(d, "a", "tp_contract.h"), os.path.join(d, "a", "tp_contract_pkg.sv")
            subprocess.run([sys.executable, gen, js, "--cpp", h, "--sv", sv], check=True)
            first = (read(h, "rb"), read(sv, "rb"))
            os.utime(h, (1, 1))
            os.utime(sv, (1, 1))
            subprocess.run([sys.executable, gen, js, "--cpp", h, "--sv", sv], check=True)
            self.assertEqual((read(h, "rb"), read(sv, "rb")), first)
            self.assertEqual(os.stat(h).st_mtime, 1, "an unchanged header was rewritten")
            self.assertEqual(os.stat(sv).st_mtime, 1, "an unchanged package was rewritten")
            self.assertEqual([f for f in os.listdir(os.path.dirname(h)) if f.startswith(".tmp")], [])

    def test_a_changed_offset_reaches_both_outputs(self):
        c = real()
        reg(c, "unit", "CYCLES_LO")["offset"] = "0x2C"
        with tempfile.TemporaryDirectory() as d:
            p, h, sv = (os.path.join(d, n) for n in ("c.json", "c.h", "c.sv"))
            with open(p, "w") as f:
                json.dump(c, f)
            subprocess.run([sys.executable, os.path.join(ROOT, "hw", "gen_contract.py"), p, "--cpp", h, "--sv", sv],
                           check=True)
            self.assertIn("inline constexpr uint32_t CYCLES_LO = 0x2C;", read(h))
            self.assertIn("localparam logic [15:0] UNIT_CYCLES_LO = 16'h002C;", read(sv))


if __name__ == "__main__":
    ROOT = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    unittest.main(verbosity=1)
