#!/usr/bin/env bash
# Home page reads (20 items, keep-alive, 64 connections) against nginx serving the same bytes
# as a static file, with the server's RSS after the run: the `home` section of
# bench/run_all.sh on its own (the server and nginx pinned to core 0, wrk to core 1).
#
#   bench/home_page.sh [BUILD_DIR]      (default build/release, not rebuilt; needs nginx, wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release} exec bench/run_all.sh home
