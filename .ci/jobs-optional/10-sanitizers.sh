#!/usr/bin/env bash
# CI job: AddressSanitizer + UndefinedBehaviorSanitizer over the fast suites, built with clang++
# and libstdc++ (so this is also the "everything with clang" build: Debian's SystemC is built
# against libstdc++). Excluded: synthesis (label synth), the install test, label slow, and
# the longest RTL runs (TINYPYNQ_ASAN_EXCLUDE). -O1: sanitized Verilated models stay fast enough.
#   bash .ci/jobs/10-sanitizers.sh            # build-ci-asan/
set -euo pipefail
cd "$(dirname "$0")/../.."
B=build-ci-asan
J=${TINYPYNQ_JOBS:-2}
cmake -S . -B "$B" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" -DTINYPYNQ_SANITIZE="address;undefined" \
  -DTINYPYNQ_WERROR=OFF >/dev/null
cmake --build "$B" -j "$J"
# SystemC switches coroutine stacks: ASan's fake stacks would report false use-after-return.
export ASAN_OPTIONS="detect_stack_use_after_return=0:detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The longest RTL runs (training through the Verilated PL, waveform runs) are left to the main job.
ctest --test-dir "$B" -j "$J" --output-on-failure --timeout 900 -LE "synth|install|slow" \
  -E "${TINYPYNQ_ASAN_EXCLUDE:-RtlTrain|Rtl.*Cnn|Cnn.*Rtl|Waveform\.|OnRtl}" ${TINYPYNQ_ASAN_CTEST_ARGS:-}
