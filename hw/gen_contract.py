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
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract_docs import sync_docs  # noqa: E402
from contract_emit import emit_cpp, emit_sv  # noqa: E402
from contract_model import ContractError, load, write_if_changed  # noqa: E402


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
