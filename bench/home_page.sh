#!/usr/bin/env bash
# Home page reads (20 items, keep-alive, 64 connections) against nginx serving the same bytes
# as a static file: section 3 of bench/run_all.sh on its own, with the server's RSS after the
# run. The server and nginx run pinned to core 0, wrk to core 1.
#
#   bench/home_page.sh [BUILD_DIR]      (default build/release; needs nginx and wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

data="$work/data"
$bin/app/agora demo --data "$data" >/dev/null
taskset -c 0 $bin/app/agora serve --data "$data" --listen 127.0.0.1:0 --no-quotas >"$work/out" 2>"$work/log" &
server=$!
pids+=($server)
for _ in $(seq 100); do grep -q '^listening on' "$work/out" && break; sleep 0.05; done
addr=$(sed -n 's/^listening on //p' "$work/out")
token=$(curl -s "http://$addr/api/v1/auth/login" \
  -d '{"username":"camille.martin","password":"agora-demo-2026"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
curl -s "http://$addr/api/v1/feeds/home?limit=20" -H "Authorization: Bearer $token" >"$work/home.json"
mkdir -p "$work/www"
cp "$work/home.json" "$work/www/home.json"
cat >"$work/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:8099; root $work/www;
  location / { default_type application/json; } } }
CONF
taskset -c 0 nginx -c "$work/nginx.conf" &
pids+=($!)
sleep 0.5
wrk_run() { taskset -c 1 wrk -t2 -c64 -d10s --latency "$@"; }
rps() { echo "$1" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p'; }
p99() { echo "$1" | sed -n 's/^ *99% *\(.*\)$/\1/p'; }
home=$(wrk_run -H "Authorization: Bearer $token" "http://$addr/api/v1/feeds/home?limit=20")
static=$(wrk_run "http://127.0.0.1:8099/home.json")
rss_kib=$(awk '/^VmRSS/ {print $2}' /proc/$server/status)
printf '| home page, 20 items (%s bytes), wrk 64 conns | %s req/s (p99 %s) | nginx static: %s req/s (p99 %s) | %.2fx |\n' \
  "$(wc -c <"$work/home.json")" "$(rps "$home")" "$(p99 "$home")" "$(rps "$static")" "$(p99 "$static")" \
  "$(echo "$(rps "$home") / $(rps "$static")" | bc -l)"
echo "server RSS after the run: $rss_kib KiB"
