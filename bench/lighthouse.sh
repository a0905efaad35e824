#!/usr/bin/env bash
# Lighthouse mobile (slow 4G and 3G) on the member home, a forum thread, the counselor
# booking page, the market home and a business page, logged in, on a bench data set.
#   bench/lighthouse.sh [small|large]     (default small; build it first: make bench)
# bench/lighthouse.py installs lighthouse@12 with npm into bench/.lighthouse once and
# runs it in Debian's headless Chromium (CHROME_PATH, default /usr/bin/chromium).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
exec "$HERE/../.venv/bin/python" "$HERE/lighthouse.py" "${1:-small}"
