#!/usr/bin/env bash
# Looks at a trace as a person would, without a network: loads a Chrome trace-event / Perfetto
# JSON file into speedscope (an offline trace viewer from npm, served from 127.0.0.1) in Debian's
# headless Chromium, prints the tracks it made and every import warning (slices that do not
# nest, B without E), and writes a PNG screenshot. A developer tool, not run by the tests:
# ui.perfetto.dev needs a network, and Chromium's chrome://tracing is gone since about v130.
#   bash traces/tools/view_trace.sh TRACE.json OUT.png [--thread SUBSTR | --threads A,B,C [--crop PX]]
#        [--window-us A:B | --window F0:F1] [--all] [--size WxH]     (options: view_trace.js)
# Exit 0 imported; 2 the viewer reported an import error (printed); 3 nothing shown before the
# timeout; 1 usage or launch error. First use installs chromium (apt) and speedscope +
# playwright-core (npm, pinned) into $TINYPYNQ_VIEWER_DIR (default ~/.cache/tinypynq/viewer).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 2 ]]; then sed -n 2,11p "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 1; fi
export TINYPYNQ_VIEWER_DIR="${TINYPYNQ_VIEWER_DIR:-$HOME/.cache/tinypynq/viewer}"
sudo=()
[[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
if [[ ! -x /usr/bin/chromium ]]; then
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 -y -q update >&2
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 -y -q install chromium nodejs npm >&2
fi
command -v node >/dev/null || { echo "view_trace.sh: node (Node.js) is needed: apt-get install nodejs npm" >&2; exit 1; }
d="$TINYPYNQ_VIEWER_DIR"
if [[ ! -f "$d/node_modules/speedscope/dist/release/index.html" || ! -d "$d/node_modules/playwright-core" ]]; then
  mkdir -p "$d"
  [[ -f "$d/package.json" ]] || echo '{"private":true}' >"$d/package.json"
  (cd "$d" && npm install --no-audit --no-fund speedscope@1.25.0 playwright-core@1.65.1 >&2)
fi
# Debian's /usr/bin/chromium wrapper prints a harmless "[: ...: unexpected operator": filtered.
exec node "$here/view_trace.js" "$@" 2> >(grep -v 'unexpected operator$' >&2)
