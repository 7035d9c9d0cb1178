#!/usr/bin/env bash
# tlm/cpu for the MLP and the CNN training steps (batch 128, Adam) in one run: each model's
# `tinypynq bench tlm-vs-cpu` runs cpu, tlm, cpu in one process (alternating) and reports the
# ratio in wall time and in process CPU time. A benchmark, not a test.
#   bash tests/bench/tlm_vs_cpu.sh [build-dir] [mlp-steps] [cnn-steps]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build}/sim/tinypynq
[ -x "$bin" ] || { echo "error: $bin not built (run: bash scripts/build.sh)" >&2; exit 1; }
field() { sed "s/.*\"$1\": \([0-9.]*\).*/\1/"; }
for spec in "mlp ${2:-20} 3" "cnn ${3:-3} 1"; do
  set -- $spec
  j=$(OPENBLAS_NUM_THREADS=1 "$bin" bench tlm-vs-cpu --model "$1" --steps "$2" --warmup "$3" --json)
  printf '%s: cpu %.3f ms/step, tlm %.3f ms/step -> tlm/cpu %.2fx wall; in process CPU time %.3f vs %.3f ms -> %.2fx\n' \
    "$1" "$(field cpu_median_ms <<<"$j")" "$(field tlm_median_ms <<<"$j")" "$(field tlm_over_cpu <<<"$j")" \
    "$(field cpu_cpu_time_ms <<<"$j")" "$(field tlm_cpu_time_ms <<<"$j")" "$(field tlm_over_cpu_in_cpu_time <<<"$j")"
done
