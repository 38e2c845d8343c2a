#!/usr/bin/env bash
# Installs what is missing, checks style (clang-format, clang-tidy) and the thread-safety
# annotations (Clang), then builds and runs every test twice: once with warnings as errors, once
# under AddressSanitizer and UndefinedBehaviorSanitizer; then runs each libFuzzer target of
# fuzz/ for 30 s (scripts/fuzz.sh, two at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset ci >/dev/null  # compile_commands.json for the checks
./scripts/check-style.sh
./scripts/check-thread-safety.sh
# Every `agora serve` a test starts (browser, SCIM, OIDC, crash cycles) runs without the queue
# deadline: two test processes on two cores make requests wait for a worker without any
# overload, and a 503 there would be a flaky test, not a finding. DispatcherTest covers it.
export AGORA_MAX_QUEUE_WAIT_MS=0
for preset in ci asan; do
  echo "== $preset =="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset" -j2
done
echo "== fuzz =="
FUZZ_JOBS=2 ./scripts/fuzz.sh 30
