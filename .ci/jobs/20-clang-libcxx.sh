#!/usr/bin/env bash
# CI job: clang++ with libc++ (macOS's standard library) over everything that does not link
# Debian's SystemC, Verilator or protobuf (all built against libstdc++): tensor, io, traces,
# the cpu target and the CLI. GoogleTest is built from Debian's source (/usr/src/googletest).
#   bash .ci/jobs/20-clang-libcxx.sh          # build-ci-libcxx/
set -euo pipefail
cd "$(dirname "$0")/../.."
B=build-ci-libcxx
J=${TINYPYNQ_JOBS:-2}
cmake -S . -B "$B" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="-stdlib=libc++" -DCMAKE_EXE_LINKER_FLAGS="-stdlib=libc++" \
  -DTINYPYNQ_WITH_SYSTEMC=OFF -DTINYPYNQ_WITH_VERILATOR=OFF -DTINYPYNQ_WITH_ONNX=OFF \
  -DTINYPYNQ_GTEST_SOURCE_DIR=/usr/src/googletest -DTINYPYNQ_WERROR=ON >/dev/null
cmake --build "$B" -j "$J"
# Every binary must really use libc++ (a stray libstdc++ would hide ABI differences).
if ldd "$B/sim/tinypynq" | grep -q 'libstdc++'; then
  echo "error: $B/sim/tinypynq links libstdc++" >&2
  exit 1
fi
ctest --test-dir "$B" -j "$J" --output-on-failure --timeout 900 -LE "install|slow"
