#!/usr/bin/env bash
# WebSocket fan-out: one author, N followers each holding a stream open, post-to-delivery
# latency p50/p99 over every receiver, server memory per connection; side by side with the
# same payload through a local redis-server PUBLISH to N subscribers. Prints the table that
# docs/performance.md records. Installs redis-server if missing.
#
#   bench/ws_bench.sh [N] [POSTS]        (default 10000 followers, 5 measured posts)
#   SERVE_ARGS="--io-threads 1" bench/ws_bench.sh    (extra flags for agora serve)
#   BIN=build/ci bench/ws_bench.sh                   (another build, not rebuilt)
#
# The server (and Redis) run pinned to core 0, the receivers to core 1.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
posts=${2:-5}
command -v redis-server >/dev/null || {
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server
}
ulimit -n "$(ulimit -Hn)"
bin=${BIN:-build/release}  # BIN=DIR: a build folder holding app/agora and bench/ws_fanout already
if [ -z "${BIN:-}" ]; then
  cmake --preset release >/dev/null
  cmake --build build/release --target agora ws_fanout >/dev/null
fi
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

taskset -c 0 redis-server --port 6399 --save '' --appendonly no --daemonize no \
  --maxclients $((n + 100)) >"$work/redis.log" 2>&1 &
redis=$!
pids+=($redis)

data="$work/data"
echo admin-password-1 | $bin/app/agora user add --data "$data" --username admin \
  --display-name Admin --email admin@example.com --admin --password-cost minimum >/dev/null
taskset -c 0 $bin/app/agora serve --data "$data" --listen 127.0.0.1:0 --no-quotas --password-cost minimum \
  --max-connections $((n + 1000)) --max-connections-per-address $((n + 1000)) ${SERVE_ARGS:-} >"$work/out" 2>"$work/log" &
server=$!
pids+=($server)
for _ in $(seq 100); do grep -qs '^listening on' "$work/out" && break; sleep 0.05; done
port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/out")
for _ in $(seq 50); do redis-cli -p 6399 ping >/dev/null 2>&1 && break; sleep 0.1; done

taskset -c 1 $bin/bench/ws_fanout --port "$port" --n "$n" --posts "$posts" \
  --server-pid "$server" --redis-port 6399 --redis-pid "$redis"
