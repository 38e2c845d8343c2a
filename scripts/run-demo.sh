#!/usr/bin/env bash
# Installs what is missing, builds the server and the web client, loads the sample company into
# ./data (once) and serves both on 127.0.0.1:8080: open http://127.0.0.1:8080/ in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh  # also builds the web client into web/dist
cmake --preset release >/dev/null
cmake --build --preset release
./build/release/app/agora demo --data ./data
echo "open http://127.0.0.1:8080/ (sign in as camille.martin, password agora-demo-2026)"
exec ./build/release/app/agora serve --data ./data --listen 127.0.0.1:8080 --web-root ./web/dist
