#!/usr/bin/env bash
# Installs what is missing, checks style (clang-format, clang-tidy), then builds and runs every
# test twice: once with warnings as errors, once under AddressSanitizer and
# UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset ci >/dev/null
./scripts/check-style.sh
for preset in ci asan; do
  echo "== $preset =="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset" -j2
done
