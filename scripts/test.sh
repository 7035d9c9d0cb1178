#!/usr/bin/env bash
# Sets up, builds and runs every test (ctest preset `default`; extra arguments go to ctest,
# e.g. `bash scripts/test.sh -L io`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --preset default "$@"
