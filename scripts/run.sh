#!/usr/bin/env bash
# Sets up, builds and runs the tinypynq CLI; with no arguments it runs the main job
# (trains the default model). Arguments are passed to the CLI: `bash scripts/run.sh --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >&2
if [[ ! -x build/sim/tinypynq ]]; then
  echo "run: build/sim/tinypynq was not built (is sim/ there yet?)" >&2
  exit 1
fi
exec build/sim/tinypynq "$@"
