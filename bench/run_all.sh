#!/usr/bin/env bash
# Runs every feed benchmark side by side with its comparator and prints the table that
# docs/performance.md records. Installs redis-server, nginx and wrk if missing.
#
#   bench/run_all.sh                    (about 4 minutes on 2 cores)
#   bench/run_all.sh home posting       (only those sections; any of: fanout memory home
#                                        posting durability restart crossover)
#   BIN=build/ci bench/run_all.sh home  (another build folder, not rebuilt)
#   SERVE_ARGS="--io-threads 1" bench/run_all.sh home posting   (extra flags for agora serve)
#
# Our side and the comparator run pinned to core 0 and their load generator to core 1.
# bench/home_page.sh is the `home` section alone, with the server's RSS after it.
set -euo pipefail
cd "$(dirname "$0")/.."
sections=${*:-fanout memory home posting durability restart crossover}
want() { [[ " $sections " == *" $1 "* ]]; }
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
command -v bc >/dev/null || need+=(bc)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
if [ -z "${BIN:-}" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release >/dev/null
fi
bin=${BIN:-build/release}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

# --- Redis on core 0 ------------------------------------------------------------------
if want fanout || want memory; then
taskset -c 0 redis-server --port 6399 --save '' --appendonly no --daemonize no \
  >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do redis-cli -p 6399 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# 1. Fan-out: the same deliveries through our engine and through Redis, pipelined.
ours=() ; mastodon=() ; twitter=()
if want fanout; then
for run in 1 2 3; do
  line=$(taskset -c 0 $bin/bench/feed_bench fanout "$work")
  deliveries=$(echo "$line" | field deliveries)
  ours+=("$(echo "$line" | field deliveries_per_s)")
  for style in mastodon twitter; do
    redis-cli -p 6399 flushall >/dev/null
    start=$(date +%s.%N)
    taskset -c 1 redis-cli -p 6399 --pipe <"$work/$style.resp" >/dev/null
    end=$(date +%s.%N)
    rate=$(echo "$deliveries / ($end - $start)" | bc -l)
    if [ $style = mastodon ]; then mastodon+=("$rate"); else twitter+=("$rate"); fi
  done
done
ours_fanout=$(printf '%s\n' "${ours[@]}" | median)
redis_mastodon=$(printf '%s\n' "${mastodon[@]}" | median)
redis_twitter=$(printf '%s\n' "${twitter[@]}" | median)
celebrity=$(for r in 1 2 3; do taskset -c 0 $bin/bench/feed_bench celebrity | field median_ms; done | median)
fi

# 2. Memory per timeline entry.
if want memory; then
line=$(taskset -c 0 $bin/bench/feed_bench memory "$work")
ours_bytes=$(echo "$line" | field bytes_per_entry)
entries=$(echo "$line" | field entries)
redis_bytes() {
  redis-cli -p 6399 flushall >/dev/null
  base=$(redis-cli -p 6399 info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')
  redis-cli -p 6399 --pipe <"$work/$1" >/dev/null
  used=$(redis-cli -p 6399 info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')
  echo "($used - $base) / $entries" | bc -l
}
redis_list_bytes=$(redis_bytes memory-lists.resp)
redis_zset_bytes=$(redis_bytes memory-zsets.resp)
redis-cli -p 6399 flushall >/dev/null
fi
rm -f "$work"/*.resp

# 3. Home page reads over HTTP vs nginx serving the same bytes.
data="$work/data"
if want home || want posting || want durability || want restart; then
$bin/app/agora demo --data "$data" >/dev/null
taskset -c 0 $bin/app/agora serve --data "$data" --listen 127.0.0.1:0 --no-quotas ${SERVE_ARGS:-} >"$work/out" 2>"$work/log" &
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
nginx_pid=$!
pids+=($nginx_pid)
sleep 0.5
fi
wrk_run() { taskset -c 1 wrk -t2 -c64 -d10s --latency "$@"; }
if want home; then
  home=$(wrk_run -H "Authorization: Bearer $token" "http://$addr/api/v1/feeds/home?limit=20")
  static=$(wrk_run "http://127.0.0.1:8099/home.json")
  home_bytes=$(wc -c <"$work/home.json")
  server_rss_kib=$(awk '/^VmRSS/ {print $2}' /proc/$server/status)
fi
rps() { echo "$1" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p'; }
p99() { echo "$1" | sed -n 's/^ *99% *\(.*\)$/\1/p'; }

# 4. Durable post creation over HTTP vs a raw SQLite loop, one row per transaction.
if want posting; then
  posting=$(TOKEN=$token wrk_run -s bench/post.lua "http://$addr/api/v1/posts")
  sqlite_rate=$(taskset -c 0 $bin/bench/feed_bench sqlite "$work" | field rows_per_s)
fi
if want home || want posting || want durability || want restart; then
  kill "$server" "$nginx_pid" 2>/dev/null || true
  wait "$server" "$nginx_pid" 2>/dev/null || true
fi
want durability && durability=$(python3 bench/durability_check.py "$bin/app/agora" "$data")

# Cold read after a restart: the first home page of a reader whose timeline is rebuilt from
# SQLite, then the same page warm. The store now holds the posts written above.
if want restart; then
taskset -c 0 $bin/app/agora serve --data "$data" --listen 127.0.0.1:0 --no-quotas >"$work/out2" 2>/dev/null &
server=$!
pids+=($server)
for _ in $(seq 100); do grep -q '^listening on' "$work/out2" && break; sleep 0.05; done
addr=$(sed -n 's/^listening on //p' "$work/out2")
reader_token=$(curl -s "http://$addr/api/v1/auth/login" \
  -d '{"username":"gabriel.laurent","password":"agora-demo-2026"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
home_time() {
  curl -s -o /dev/null -w '%{time_total}' "http://$addr/api/v1/feeds/home?limit=20" \
    -H "Authorization: Bearer $reader_token"
}
cold_ms=$(echo "$(home_time) * 1000" | bc -l)
warm_ms=$(echo "$(home_time) * 1000" | bc -l)
posts_in_store=$(sqlite3 "$data/agora.db" 'SELECT count(*) FROM posts' 2>/dev/null || echo '?')
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
fi

# 5. Read path crossover.
want crossover && crossover=$(taskset -c 0 $bin/bench/feed_bench crossover)

printf '\n| benchmark | Agora | comparator | ratio | goal |\n| --- | --- | --- | --- | --- |\n'
if want fanout; then
printf '| fan-out deliveries/s (median of 3) | %.0f | Redis ZADD+trim 400: %.0f | %.1fx | >= 20x |\n' \
  "$ours_fanout" "$redis_mastodon" "$(echo "$ours_fanout / $redis_mastodon" | bc -l)"
printf '| | | Redis LPUSH+LTRIM 800: %.0f | %.1fx | >= 20x |\n' \
  "$redis_twitter" "$(echo "$ours_fanout / $redis_twitter" | bc -l)"
printf '| one post to 50,000 followers (median of 3) | %s ms | | | <= 10 ms |\n' "$celebrity"
fi
want memory && printf '| bytes per timeline entry | %.2f | Redis list %.1f, zset %.1f | %.2fx / %.2fx | <= 16 |\n' \
  "$ours_bytes" "$redis_list_bytes" "$redis_zset_bytes" \
  "$(echo "$ours_bytes / $redis_list_bytes" | bc -l)" "$(echo "$ours_bytes / $redis_zset_bytes" | bc -l)"
want home && printf '| home page, 20 items (%s bytes), req/s (wrk 64 conns) | %s (p99 %s) | nginx static: %s (p99 %s) | %.2fx | >= 0.6x, p99 <= 2 ms |\n' \
  "$home_bytes" "$(rps "$home")" "$(p99 "$home")" "$(rps "$static")" "$(p99 "$static")" \
  "$(echo "$(rps "$home") / $(rps "$static")" | bc -l)"
want posting && printf '| durable posts/s over HTTP | %s (p99 %s) | raw SQLite loop: %s rows/s | %.2fx | >= 2.5x, p99 <= 5 ms |\n' \
  "$(rps "$posting")" "$(p99 "$posting")" "$sqlite_rate" "$(echo "$(rps "$posting") / $sqlite_rate" | bc -l)"
want durability && printf '| SIGKILL mid-run | %s | | | 0 missing |\n' "$durability"
want restart && printf '| first home page after restart (cold, %s posts in store) | %.1f ms (warm: %.1f ms) | | | fast |\n' \
  "$posts_in_store" "$cold_ms" "$warm_ms"
want home && echo "server RSS after the home page run: $server_rss_kib KiB"
if want crossover; then
  echo
  echo "$crossover"
fi
