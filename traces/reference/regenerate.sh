#!/usr/bin/env bash
# Regenerates the reference traces after an intended change of timing (docs/traces.md).
# tests/traces/test_trace_run.cpp (ReferenceTrace) runs the same commands and compares the
# summaries; keep the two lists equal. Explain the change in the commit that updates them.
#   bash traces/reference/regenerate.sh [build-dir]     # default build dir: build
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-build}/sim/tinypynq"
[[ -x "$bin" ]] || { echo "regenerate.sh: $bin not found (build first, or pass the build dir)" >&2; exit 1; }
# 2 MLP training steps at batch 16 on tlm (synthetic data: no dataset needed), no warm-up.
"$bin" bench mlp-step --target tlm --batch 16 --steps 2 --warmup 0 --trace "$here/mlp_b16_2steps.json" >/dev/null
plots="$(mktemp -d)"
"$bin" report "$here/mlp_b16_2steps.json" --out "$plots"
rm -rf "$plots"
