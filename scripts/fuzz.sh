#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (preset `fuzz`: clang-14, ASan + UBSan) and runs each for
# SECONDS (default 30, what scripts/test.sh gives) from its seed corpus, fuzz/corpus/<target>/.
# Runs start from FUZZ_SEED (default 1), so a short run in CI takes the same path on every
# machine and a failure there reproduces; set FUZZ_SEED=0 for a fresh random path.
# Fails on the first crash, leak, sanitizer finding or timeout; the input that did it is left in
# build/fuzz/findings/<target>/ (turn it into a seed and a unit test, then fix it). New inputs
# the run found go to build/fuzz/corpus/<target>/ (not the repository), so seeds stay small.
#
# Usage: [FUZZ_SERVER=1] scripts/fuzz.sh [SECONDS] [TARGET...]
# FUZZ_SERVER=1 adds the targets over the server (ids_fuzz, api_json_fuzz, http_request_fuzz,
# websocket_fuzz), which need every library instrumented (-DAGORA_FUZZ_SERVER=ON).
# Nightly, longer: FUZZ_SERVER=1 FUZZ_JOBS=2 scripts/fuzz.sh 3600   (an hour per target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
targets=("$@")
server=${FUZZ_SERVER:-0}
for target in "${targets[@]}"; do
  case $target in ids_fuzz | api_json_fuzz | http_request_fuzz | websocket_fuzz) server=1 ;; esac
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=(utf8_fuzz json_fuzz text_entities_fuzz search_query_fuzz)
  [ "$server" = 1 ] && targets+=(ids_fuzz api_json_fuzz http_request_fuzz websocket_fuzz)
fi

cmake --preset fuzz -DAGORA_FUZZ_SERVER=$([ "$server" = 1 ] && echo ON || echo OFF) >/dev/null
cmake --build build/fuzz -j"${FUZZ_BUILD_JOBS:-2}" --target "${targets[@]}"

work=$(mktemp -d /tmp/agora-fuzz-run-XXXXXX)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work  # the targets' temporary data folders and indexes
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=$PWD/fuzz/ubsan.supp}

run() {
  local target=$1 corpus=build/fuzz/corpus/$1 findings=build/fuzz/findings/$1
  mkdir -p "$corpus" "$findings"
  local log=build/fuzz/$target.log
  if build/fuzz/fuzz/"$target" "$corpus" fuzz/corpus/"$target" -max_total_time="$seconds" \
      -timeout=20 -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1 -seed="${FUZZ_SEED:-1}" \
      -artifact_prefix="$findings/" >"$log" 2>&1; then
    local runs cov
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
    echo "fuzz $target: ok, ${runs:-?} executions in ${seconds}s, ${cov:-no coverage line}"
  else
    echo "fuzz $target: FAILED, input in $findings/ (log: $log)"
    tail -40 "$log"
    return 1
  fi
}

failed=0
jobs=${FUZZ_JOBS:-1}
if [ "$jobs" -le 1 ]; then
  for target in "${targets[@]}"; do run "$target" || failed=1; done
else
  pids=()
  for target in "${targets[@]}"; do
    run "$target" & pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then wait "${pids[0]}" || failed=1; pids=("${pids[@]:1}"); fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
fi
exit $failed
