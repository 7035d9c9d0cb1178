#!/usr/bin/env bash
# MLP training step (784-128-10, Adam, batch 128): tinypynq's cpu target beside PyTorch, in
# the same run, alternating (see step_vs_torch.sh). A benchmark, not a test.
#   bash tests/bench/mlp_step.sh [build-dir] [rounds]
exec bash "$(dirname "$0")/step_vs_torch.sh" mlp "${1:-$(dirname "$0")/../../build}" "${2:-5}"
