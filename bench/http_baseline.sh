#!/usr/bin/env bash
# Measures the two figures of the foundation: login latency (Argon2id at the interactive cost)
# and GET /api/v1/me throughput, on the sample company, with wrk from Debian.
# The server and wrk run pinned to different cores so they do not fight over one.
#
#   bench/http_baseline.sh [BUILD_DIR]     (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
agora="$build/app/agora"
[ -x "$agora" ] || { echo "build $agora first (cmake --preset release && cmake --build --preset release)"; exit 2; }

data=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
"$agora" demo --data "$data" >/dev/null
taskset -c 0 "$agora" serve --data "$data" --listen 127.0.0.1:0 --no-quotas >"$data/out" 2>"$data/log" &
server=$!
for _ in $(seq 100); do grep -q '^listening on' "$data/out" && break; sleep 0.05; done
addr=$(sed -n 's/^listening on //p' "$data/out")

login_body='{"username":"camille.martin","password":"agora-demo-2026"}'
token=$(curl -s "http://$addr/api/v1/auth/login" -d "$login_body" | sed 's/.*"token":"\([^"]*\)".*/\1/')

echo "== login latency: 20 sequential logins (Argon2id interactive) =="
for _ in $(seq 20); do
  curl -s -o /dev/null -w '%{time_total}\n' "http://$addr/api/v1/auth/login" -d "$login_body"
done | sort -n | awk '{t[NR]=$1} END {printf "login seconds: min %.3f  median %.3f  max %.3f\n", t[1], t[int((NR+1)/2)], t[NR]}'

echo "== GET /api/v1/me: wrk, 2 threads, 64 connections, 10 s, keep-alive =="
taskset -c 1 wrk -t2 -c64 -d10s --latency -H "Authorization: Bearer $token" "http://$addr/api/v1/me"

echo "== GET /healthz (no store, no auth): the same load, for comparison =="
taskset -c 1 wrk -t2 -c64 -d10s --latency "http://$addr/healthz"
