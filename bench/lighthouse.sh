#!/usr/bin/env bash
# Lighthouse mobile (slow 4G and 3G) on the member home, a forum thread, the counselor
# booking page, the market home and a business page, logged in, on a bench data set.
#   bench/lighthouse.sh [small|large]     (default small; build it first: make bench)
# Installs lighthouse@12 with npm into bench/.lighthouse once; Debian's Chromium via CHROME_PATH.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="$HERE/.lighthouse"
if [ ! -x "$DIR/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$DIR" && (cd "$DIR" && npm install --silent --no-audit --no-fund lighthouse@12)
fi
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
exec "$HERE/../.venv/bin/python" "$HERE/lighthouse.py" "${1:-small}"
