#!/usr/bin/env python3
"""Layers point one way (docs/architecture.md): every #include "..." of a project file must name
a layer at or below the including file's layer, and only the driver implementations, models/
and cosim/ may include SystemC or Verilator headers. Exits 1 listing every violation.

    python3 tests/arch/check_layers.py [REPO_ROOT]
"""
import pathlib
import re
import sys

# layer -> the layers it may include (besides itself). Longest prefix wins.
ALLOWED = {
    "base": {"hw"},
    "hw": {"base"},
    "models/fp": {"base", "hw"},
    "tensor": {"base"},
    "models": {"base", "hw", "models/fp"},          # SystemC models: nothing of tensors
    "cosim": {"base", "hw", "models/fp", "models"},
    "traces": {"base", "hw"},
    "runtime": {"base", "hw", "tensor", "models/fp", "models", "cosim"},
    "frontends": {"base", "tensor"},
    "sim": {"base", "hw", "tensor", "models/fp", "models", "cosim", "runtime", "traces", "frontends"},
}
SYSTEMC_OK = ("models/", "cosim/", "runtime/tlm/", "runtime/rtl/", "tests/", "rtl/")
SYSTEMC_HEADERS = re.compile(r'#\s*include\s*[<"](systemc|tlm|tlm_utils/|verilated|V[a-z_]+\.h|sysc/)')
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def layer_of(rel):
    best = None
    for name in ALLOWED:
        if rel == name or rel.startswith(name + "/"):
            if best is None or len(name) > len(best):
                best = name
    return best


def violations(root):
    bad = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".h", ".hpp", ".cpp", ".cc") or not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("build", ".git")) or "/build" in rel.split("/")[0]:
            continue
        text = path.read_text(errors="replace")
        me = layer_of(rel)
        if me is not None:
            for inc in INCLUDE.findall(text):
                target = layer_of(inc)
                if target is None or target == me:
                    continue
                if target not in ALLOWED[me]:
                    bad.append(f"{rel}: includes \"{inc}\" ({target}/ is not below {me}/)")
        if not rel.startswith(SYSTEMC_OK) and SYSTEMC_HEADERS.search(text):
            bad.append(f"{rel}: includes a SystemC/Verilator header outside models/, cosim/, runtime/tlm, runtime/rtl")
    return bad


def self_test():
    """The checker must fire: a tree with one upward include and one stray SystemC include."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d)
        (root / "tensor").mkdir()
        (root / "models/tlm").mkdir(parents=True)
        (root / "tensor/a.cpp").write_text('#include "runtime/driver.h"\n#include <systemc>\n')
        (root / "models/tlm/b.cpp").write_text('#include "tensor/kernel.h"\n#include "base/check.h"\n')
        bad = violations(root)
        assert len(bad) == 3, bad
    print("self-test ok: upward includes and stray SystemC includes are reported")
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    bad = violations(root)
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} layering violation(s); see docs/architecture.md")
        return 1
    print("layers ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
