#!/usr/bin/env bash
# Search benchmarks side by side: our Xapian index vs SQLite FTS5 on the same corpus and
# query mix (interleaved batch by batch and query by query), then the relevance figures on
# the labelled corpus. Prints the table that docs/search.md records.
#
#   bench/search_bench.sh [POSTS] [QUERIES]     (1,000,000 and 2,000 by default; about 6 min)
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-1000000}
queries=${2:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --preset release >/dev/null
cmake --build --preset release >"$work/build.log" || { tail -n 30 "$work/build.log"; exit 1; }

out=$(build/release/bench/search_bench speed "$work" "$posts" "$queries")
rel=$(build/release/bench/search_bench relevance)
v() { echo "$out$rel" | sed -n "s/.*\b$1=\([0-9.e+-]*\).*/\1/p" | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mib() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1048576 }'; }

echo "$out" | head -1
echo
echo "| measure | Agora (Xapian) | SQLite FTS5 | ratio |"
echo "| --- | --- | --- | --- |"
echo "| bulk indexing, docs/s | $(v xapian_index_docs_per_s) | $(v fts5_index_docs_per_s) | $(ratio "$(v xapian_index_docs_per_s)" "$(v fts5_index_docs_per_s)") |"
echo "| query p50, ms | $(v xapian_query_p50_ms) | $(v fts5_query_p50_ms) | $(ratio "$(v xapian_query_p50_ms)" "$(v fts5_query_p50_ms)") |"
echo "| query p99, ms | $(v xapian_query_p99_ms) | $(v fts5_query_p99_ms) | $(ratio "$(v xapian_query_p99_ms)" "$(v fts5_query_p99_ms)") |"
echo "| queries/s, 2 threads | $(v xapian_queries_per_s) | $(v fts5_queries_per_s) | $(ratio "$(v xapian_queries_per_s)" "$(v fts5_queries_per_s)") |"
echo "| freshness p50, ms | $(v xapian_freshness_p50_ms) (max $(v xapian_freshness_max_ms)) | $(v fts5_freshness_p50_ms) | |"
echo "| disk, MiB | $(mib "$(v xapian_disk_bytes)") | $(mib "$(v fts5_disk_bytes)") | $(ratio "$(v xapian_disk_bytes)" "$(v fts5_disk_bytes)") |"
echo "| hits returned (top 20 each) | $(v xapian_hits) | $(v fts5_hits) | |"
echo
echo "$rel" | head -1
echo
echo "| relevance (8 topics) | MRR | precision@5 |"
echo "| --- | --- | --- |"
echo "| experts, topic's name | $(v name_experts_mrr) | $(v name_experts_p_at_5) |"
echo "| experts, two related words | $(v related_experts_mrr) | $(v related_experts_p_at_5) |"
echo "| posts, topic's name | $(v name_posts_mrr) | $(v name_posts_p_at_5) |"
echo "| posts, two related words | $(v related_posts_mrr) | $(v related_posts_p_at_5) |"
