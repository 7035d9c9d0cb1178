#!/usr/bin/env bash
# Installs every Debian package tinypynq needs (Debian 12). Idempotent: when everything is
# already installed it only runs dpkg-query and exits, without touching apt.
#   bash scripts/setup.sh           # build, test and run dependencies
#   bash scripts/setup.sh --bench   # also PyTorch + NumPy, used only by the benchmarks
#   bash scripts/setup.sh --armhf   # also the armhf cross build (docs/board.md): the cross
#                                   # compiler, qemu-user, and Debian's armhf libopenblas, zlib
#                                   # and gtest through multiarch (dpkg --add-architecture armhf)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git  # toolchain
  verilator libsystemc-dev libboost-dev yosys              # RTL and TLM targets
  libcli11-dev                                             # sim/ command line
  googletest libgtest-dev libgmock-dev                     # tests
  libopenblas-dev zlib1g-dev                               # cpu device BLAS, .gz datasets
  nlohmann-json3-dev                                       # board config and trace JSON
  dataset-fashion-mnist                                    # the main job's data set
  librsvg2-bin                                             # report --png: SVG plots to PNG (rsvg-convert)
  # ONNX import (frontends/onnx): Debian's libonnx carries the protobuf schema, the checker and
  # shape inference, a maintained and fuzzed parser for untrusted model files, which a
  # hand-written one would not be; libonnx-testdata is the ONNX backend test suite (ctest -L onnx),
  # python3-onnx checks the exported example models (scripts/export_models.py).
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata python3-onnx
  tcl                                                      # tclsh: dry run of hw/vivado/build_bitstream.tcl
  python3
)
armhf=0
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(python3-torch python3-numpy) ;;
    --armhf) armhf=1 ;;
    *) echo "usage: $0 [--bench] [--armhf]" >&2; exit 2 ;;
  esac
done
if [[ $armhf -eq 1 ]]; then
  # Header-only CLI11/nlohmann-json (arch: all) serve both builds; the libraries the armhf
  # binary links statically come from Debian's armhf packages (multiarch, /usr/lib/arm-linux-gnueabihf).
  packages+=(crossbuild-essential-armhf qemu-user
             libopenblas-dev:armhf zlib1g-dev:armhf libgtest-dev:armhf libgmock-dev:armhf)
fi

# Debian builds libsystemc-dev for amd64 only; elsewhere (e.g. armhf on the board) the tlm
# target is simply not built (TINYPYNQ_WITH_SYSTEMC=AUTO).
if [[ "$(dpkg --print-architecture)" != amd64 ]]; then
  kept=()
  for p in "${packages[@]}"; do [[ "$p" == libsystemc-dev ]] || kept+=("$p"); done
  packages=("${kept[@]}")
fi

missing=()
# `dpkg-query -W pkg:armhf` fails until the architecture is known, so add it first.
need_arch=0
if [[ $armhf -eq 1 ]] && ! dpkg --print-foreign-architectures | grep -qx armhf; then need_arch=1; fi
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]]; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 && $need_arch -eq 0 ]]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
echo "setup: installing ${missing[*]}"
# The lock timeout lets this wait for another apt run (e.g. unattended upgrades) instead of failing.
apt_opts=(-o DPkg::Lock::Timeout=600 -y -q)
if [[ $need_arch -eq 1 ]]; then
  echo "setup: adding the armhf architecture (multiarch) for the cross build"
  "${sudo[@]}" dpkg --add-architecture armhf
fi
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"
