#!/usr/bin/env bash
# CI job: AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer) over the fast
# suites, built with clang++ and libstdc++ (.ci/lib/asan-build.sh; the fuzz job reuses the same
# build). Excluded: synthesis (label synth), the install test, label slow, and the longest RTL
# runs (TINYPYNQ_ASAN_EXCLUDE: rtl training, the waveform runs, whose traced model is built
# unsanitized), and RtlTarget.WatchdogNamesAStalledDesign: its watchdog exception leaves a
# SystemC coroutine stack, after which ASan reports a stack-buffer-overflow in the next
# std::function built on the main stack (stale shadow of the abandoned frames, not a real
# overflow: the same recovery passes in Faults.HungUnit*). Everything else runs: tensor, io, traces, cpu/tlm/rtl op suite, models, cosim,
# faults, CLI, ONNX.
#   bash .ci/jobs/10-sanitizers.sh            # build-ci-asan/
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../lib/asan-build.sh
source .ci/lib/asan-build.sh
J=${TINYPYNQ_JOBS:-2}
tp_asan_configure
t0=$(date +%s)
cmake --build "$TP_ASAN_BUILD" -j "$J"
echo "--- sanitized build: $(( $(date +%s) - t0 ))s"
t0=$(date +%s)
# Also excluded: tests that throw out of a SystemC process after a hung unit or a lockstep
# mismatch. ASan then reports "ignoring requested __asan_handle_no_return: stack type: default
# top: 0x0" (it lost the stack bounds across SystemC's coroutine switches) and a stack
# use-after-scope/overflow on the next frames that reuse the unwound stack: the false positive it
# warns of (docs/reliability.md, "Sanitizers"). They pass in every other build.
ctest --test-dir "$TP_ASAN_BUILD" -j "$J" --output-on-failure --timeout 900 -LE "synth|install|slow" \
  -E "${TINYPYNQ_ASAN_EXCLUDE:-RtlTrain|RtlWriter|RtlQueueGivesTlmFigures|Rtl.*Cnn|Cnn.*Rtl|Waveform\.|OnRtl|WatchdogNamesAStalledDesign|Faults\.HungUnitIsDetected|Faults\.EveryKindInOneRunAndOnTheRtlTarget|RtlTarget\.Lockstep}" ${TINYPYNQ_ASAN_CTEST_ARGS:-}
echo "--- sanitized tests: $(( $(date +%s) - t0 ))s"
