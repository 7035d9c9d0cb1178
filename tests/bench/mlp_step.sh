#!/usr/bin/env bash
# MLP training step (784-128-10, Adam, batch 128): tinypynq's cpu target beside PyTorch
# (Debian's python3-torch on OpenBLAS), in the same run, alternating so that machine noise
# hits both alike. Prints each median and the ratio; a benchmark, not a test.
#   bash tests/bench/mlp_step.sh [build-dir] [rounds]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build}/sim/tinypynq
rounds=${2:-5}
[ -x "$bin" ] || { echo "error: $bin not built (run: bash scripts/build.sh)" >&2; exit 1; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "error: PyTorch missing (run: bash scripts/setup.sh --bench)" >&2; exit 1; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for threads in 1 2; do
  tp=(); pt=()
  for ((r = 0; r < rounds; r++)); do
    tp+=("$(OPENBLAS_NUM_THREADS=$threads "$bin" bench mlp-step --steps 200 --json | sed 's/.*"median_ms": \([0-9.]*\).*/\1/')")
    pt+=("$(/usr/bin/python3 "$here/torch_mlp_step.py" --steps 200 --threads "$threads" | sed 's/.*"median_ms": \([0-9.]*\).*/\1/')")
  done
  a=$(printf '%s\n' "${tp[@]}" | median); b=$(printf '%s\n' "${pt[@]}" | median)
  printf 'threads %d: tinypynq cpu %.3f ms/step   pytorch %.3f ms/step   speed-up %.2fx\n' \
    "$threads" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {print b / a}')"
done
