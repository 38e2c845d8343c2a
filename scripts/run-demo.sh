#!/usr/bin/env bash
# Installs what is missing, builds the server, loads the sample company into ./data (once)
# and serves it on 127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
./build/release/app/agora demo --data ./data
exec ./build/release/app/agora serve --data ./data --listen 127.0.0.1:8080
