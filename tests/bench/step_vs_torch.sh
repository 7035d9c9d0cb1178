#!/usr/bin/env bash
# One training step (Adam, batch 128) of tinypynq's cpu target beside PyTorch (Debian's
# python3-torch on OpenBLAS), same net and recipe, in the same run, alternating so that machine
# noise hits both alike; at 1 and 2 threads, each at its best setting (OpenBLAS threads for
# tinypynq, torch.set_num_threads for PyTorch). Prints each median and the ratio in wall time
# and in CPU time of the stepping thread (steadier when other jobs share the machine; at
# 2 threads only wall time counts the second thread). A benchmark, not a test.
#   bash tests/bench/step_vs_torch.sh mlp|cnn [build-dir] [rounds] [steps]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
model=${1:?usage: step_vs_torch.sh mlp|cnn [build-dir] [rounds] [steps]}
bin=${2:-$here/../../build}/sim/tinypynq
rounds=${3:-5}
case $model in
  mlp) steps=${4:-200}; warm=20 ;;
  cnn) steps=${4:-10}; warm=2 ;;
  *) echo "error: model must be mlp or cnn, got '$model'" >&2; exit 2 ;;
esac
[ -x "$bin" ] || { echo "error: $bin not built (run: bash scripts/build.sh)" >&2; exit 1; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "error: PyTorch missing (run: bash scripts/setup.sh --bench)" >&2; exit 1; }
# Both processes load the same OpenBLAS with the same OPENBLAS_CORETYPE (unset: its own detection,
# e.g. Cooperlake on an AVX-512 AMD EPYC; some machines force Haswell's AVX2 kernels in the
# environment, which makes both slower): say which kernels ran.
echo "OpenBLAS kernels (both): $("$bin" info | sed -n 's/^blas: OpenBLAS \(.*\) kernels$/\1/p') (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed "s/.*\"$1\": \([0-9.]*\).*/\1/"; }
for threads in 1 2; do
  tw=(); tc=(); pw=(); pc=()
  for ((r = 0; r < rounds; r++)); do
    j=$(OPENBLAS_NUM_THREADS=$threads "$bin" bench "$model-step" --steps "$steps" --warmup "$warm" --json)
    tw+=("$(field median_ms <<<"$j")"); tc+=("$(field cpu_median_ms <<<"$j")")
    j=$(/usr/bin/python3 "$here/torch_${model}_step.py" --steps "$steps" --warmup "$warm" --threads "$threads")
    pw+=("$(field median_ms <<<"$j")"); pc+=("$(field cpu_median_ms <<<"$j")")
  done
  a=$(printf '%s\n' "${tw[@]}" | median); b=$(printf '%s\n' "${pw[@]}" | median)
  c=$(printf '%s\n' "${tc[@]}" | median); d=$(printf '%s\n' "${pc[@]}" | median)
  printf '%s threads %d: tinypynq cpu %.3f ms/step   pytorch %.3f ms/step   speed-up %.2fx   (thread CPU time: %.3f vs %.3f ms, %.2fx)\n' \
    "$model" "$threads" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {print b / a}')" "$c" "$d" \
    "$(awk -v a="$c" -v b="$d" 'BEGIN {print b / a}')"
done
