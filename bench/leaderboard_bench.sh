#!/usr/bin/env bash
# Campaign leaderboard benchmark (issue 11): the in-memory engine against one SQLite GROUP BY
# per read over 100,000 reps and 1,000,000 deals (leaderboard_bench), then the same read over
# HTTP with wrk against `agora serve` on that data: requests/s and latency percentiles.
#
#   bench/leaderboard_bench.sh [DIR]    (DIR: reuse a folder leaderboard_bench filled)
#   BIN=build/release bench/leaderboard_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-build/ci}
dir=${1:-}
if [ -z "$dir" ]; then
  dir=$(mktemp -d)
  "$bin/bench/leaderboard_bench" "$dir"
fi
log=$(mktemp)
"$bin/app/agora" serve --data "$dir" --listen 127.0.0.1:0 --no-quotas >"$log.out" 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log" "$log.out"' EXIT
for _ in $(seq 1 600); do
  grep -q "listening on" "$log.out" 2>/dev/null && break
  sleep 0.5
done
addr=$(sed -n 's/^listening on //p' "$log.out")
token=$(curl -s "http://$addr/api/v1/auth/login" \
  -d '{"username":"bench.rep","password":"bench-password-1"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
url="http://$addr/api/v1/campaigns/1/leaderboard"
curl -s -o /dev/null -w "first answer: %{http_code}, %{size_download} bytes\n" \
  -H "Authorization: Bearer $token" "$url"
wrk -t2 -c8 -d10s --latency -H "Authorization: Bearer $token" "$url"
