#!/usr/bin/env bash
# Installs dependencies, configures with the `default` preset (build/, Release) and builds.
# TINYPYNQ_JOBS limits parallel compile jobs (default: all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset default
cmake --build --preset default ${TINYPYNQ_JOBS:+-j "$TINYPYNQ_JOBS"}
