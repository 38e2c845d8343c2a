#!/usr/bin/env bash
# The web client's end-to-end tests (web/tests/e2e.mjs), as CTest runs them: builds web/dist
# first so the tests never run a stale client, then drives Chromium against `agora serve`.
# Usage: web-e2e.sh AGORA_BINARY SCREENSHOT_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build-web.sh"
cd "$root/web"
exec node tests/e2e.mjs "$1" "$2"
