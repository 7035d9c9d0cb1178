#!/usr/bin/env bash
# CI job: every libFuzzer target (tests/fuzz/) for a short bounded time on a copy of its corpus
# and crashers (TINYPYNQ_FUZZ_SECONDS each, default 20), clang + ASan + UBSan, in the sanitizer job's build.
# A finding fails the job and leaves the crashing input in build-ci-asan/findings/<fuzzer>/.
#   TINYPYNQ_FUZZ_SECONDS=600 bash .ci/jobs/30-fuzz-smoke.sh   # the long runs of docs/reliability.md
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../lib/asan-build.sh
source .ci/lib/asan-build.sh  # the sanitizer job's build (it has the fuzzers): compiled once
B=$TP_ASAN_BUILD
J=${TINYPYNQ_JOBS:-2}
S=${TINYPYNQ_FUZZ_SECONDS:-20}
tp_asan_configure
# Every fuzzer with a corpus that this configuration has (fuzz_onnx needs the ONNX frontend).
fuzzers=""
for d in tests/fuzz/corpus/fuzz_*; do
  f=$(basename "$d")
  ninja -C "$B" -t query "$f" >/dev/null 2>&1 && fuzzers="$fuzzers $f"
done
# shellcheck disable=SC2086
cmake --build "$B" -j "$J" --target $fuzzers
rc=0
for f in $fuzzers; do
  work="$B/fuzz-work/$f" findings="$B/findings/$f"
  rm -rf "$work" && mkdir -p "$work" "$findings"
  cp tests/fuzz/corpus/"$f"/* "$work"/
  [ -d tests/fuzz/crashers/"$f" ] && cp tests/fuzz/crashers/"$f"/* "$work"/
  echo "--- $f: ${S}s"
  if ! "$B/tests/fuzz/$f" "$work" -max_total_time="$S" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$findings/" 2>"$B/fuzz-$f.log"; then
    tail -40 "$B/fuzz-$f.log"
    echo "error: $f found a problem: $(ls "$findings")" >&2
    rc=1
  fi
  grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$B/fuzz-$f.log" || true
done
exit $rc
