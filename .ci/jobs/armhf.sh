#!/usr/bin/env bash
# CI job: the armhf cross build for the PYNQ-Z2 (static, Cortex-A9 + NEON) and its tests under
# qemu-arm -cpu cortex-a9: the board driver on fake device nodes, the glibc check of the
# program, and the cpu target's exact-op tests. Needs `bash scripts/setup.sh --armhf`.
# Bounded: only the targets those tests need are built (ccache-warm: about a minute).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v arm-linux-gnueabihf-g++ >/dev/null || ! command -v qemu-arm >/dev/null \
   || [[ ! -e /usr/lib/arm-linux-gnueabihf/libopenblas.a ]]; then
  echo "armhf: cross toolchain or armhf libraries missing: run bash scripts/setup.sh --armhf" >&2
  exit 1
fi
cmake --preset armhf >/dev/null
cmake --build build-armhf -j2 --target tinypynq test_board_driver test_tensor
ctest --test-dir build-armhf -L armhf --output-on-failure -j2
# A subset of the cpu target's suite under qemu (the whole suite takes minutes there).
ctest --test-dir build-armhf -R "Exact|Schedule|Grad\\." --output-on-failure -j2 --timeout 300
# The program itself runs under qemu as it would on the board.
qemu-arm -cpu cortex-a9 build-armhf/sim/tinypynq info
