#!/usr/bin/env bash
# Lighthouse (mobile, default slow-4G throttling) on key pages of a running server.
#   bench/lighthouse.sh http://127.0.0.1:5000 [cookie-header-for-logged-in-pages]
# Needs Node.js and Debian's Chromium; installs Lighthouse into /tmp/rp-lighthouse once.
set -euo pipefail
BASE="${1:-http://127.0.0.1:5000}"
COOKIE="${2:-}"
DIR=/tmp/rp-lighthouse
if [ ! -x "$DIR/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$DIR" && (cd "$DIR" && npm install --silent lighthouse@12)
fi
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
PAGES="/ /login /register /privacy"
EXTRA=()
if [ -n "$COOKIE" ]; then
  printf '{"Cookie": "%s"}' "$COOKIE" > "$DIR/headers.json"
  EXTRA=(--extra-headers="$DIR/headers.json")
  PAGES="/forum/ /counseling /trainings /kur /inbox /account"
fi
for page in $PAGES; do
  out="$DIR/report.json"
  CHROME_PATH=/usr/bin/chromium "$DIR/node_modules/.bin/lighthouse" "$BASE$page" --quiet "${EXTRA[@]}" \
    --chrome-flags="$FLAGS" --only-categories=performance,accessibility,best-practices \
    --output=json --output-path="$out" >/dev/null 2>&1
  python3 -c "
import json; r = json.load(open('$out')); c = r['categories']
print('$page', ' '.join(f'{k}={round(v[\"score\"] * 100)}' for k, v in c.items()))"
done
