#!/usr/bin/env bash
# Fails on clang-format drift and on clang-tidy findings (.clang-tidy names the checks; every
# finding is an error). Needs build/ci/compile_commands.json: run after `cmake --preset ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t sources < <(git ls-files '*.cc' '*.h')
if ! clang-format --dry-run --Werror "${sources[@]}"; then
  echo "clang-format: run clang-format -i on the files above"
  exit 1
fi
echo "clang-format: clean"

# Tests, benchmarks and fuzz targets (built by the fuzz preset only) are left to the compiler's
# warnings; the checks guard the product code.
mapfile -t checked < <(git ls-files '*.cc' | grep -Ev '^(tests|bench|fuzz)/')
run-clang-tidy-14 -p build/ci -j "$(nproc)" -quiet "${checked[@]}" >build/clang-tidy.log 2>&1 || {
  grep -E "(warning|error):" build/clang-tidy.log | sort -u
  echo "clang-tidy: findings above (full log in build/clang-tidy.log)"
  exit 1
}
echo "clang-tidy: clean"
