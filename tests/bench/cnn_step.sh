#!/usr/bin/env bash
# The built-in CNN's training step (two 3x3 conv blocks + linear, Adam, batch 128): tinypynq's
# cpu target beside PyTorch, in the same run, alternating (see step_vs_torch.sh).
#   bash tests/bench/cnn_step.sh [build-dir] [rounds]
exec bash "$(dirname "$0")/step_vs_torch.sh" cnn "${1:-$(dirname "$0")/../../build}" "${2:-3}"
