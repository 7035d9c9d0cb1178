#!/usr/bin/env bash
# Shared by .ci/jobs/10-sanitizers.sh and .ci/jobs/30-fuzz-smoke.sh: one clang build with
# AddressSanitizer + UndefinedBehaviorSanitizer and the libFuzzer targets (TINYPYNQ_FUZZ), so
# CI compiles the sanitized tree once. clang + libstdc++: Debian's SystemC is built against
# libstdc++, so this is also the "everything with clang" build. -O1: sanitized Verilated models
# stay fast enough. Usage: source it, then tp_asan_configure; the build dir is $TP_ASAN_BUILD.
TP_ASAN_BUILD=${TINYPYNQ_ASAN_BUILD:-build-ci-asan}
tp_asan_configure() {
  cmake -S . -B "$TP_ASAN_BUILD" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" \
    -DTINYPYNQ_SANITIZE="address;undefined" -DTINYPYNQ_FUZZ=ON -DTINYPYNQ_WERROR=OFF >/dev/null
}
# SystemC switches coroutine stacks: ASan's fake stacks would report false use-after-return.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_stack_use_after_return=0:detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# SystemC's kernel never frees its own bookkeeping at exit (tests/sanitizers/lsan.supp).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0}"
