#!/usr/bin/env bash
# Builds the web client into web/dist (gitignored) with the npm packages pinned by
# web/package-lock.json: `npm ci` only when node_modules is missing or the lockfile changed,
# then `npm run build` (vite; about a second). Needs node and npm (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.agora-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
npm run --silent build -- --logLevel warn
