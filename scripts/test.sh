#!/usr/bin/env bash
# Installs what is missing, checks the thread-safety annotations with Clang, then builds and
# runs every test twice: once with warnings as errors, once under AddressSanitizer and
# UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
for preset in ci asan; do
  echo "== $preset =="
  cmake --preset "$preset" >/dev/null
  # Needs the ci preset's compile_commands.json.
  if [ "$preset" = ci ]; then ./scripts/check-thread-safety.sh; fi
  cmake --build --preset "$preset"
  ctest --preset "$preset" -j2
done
