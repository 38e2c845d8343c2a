#!/usr/bin/env bash
# Profiles our side of a benchmark while it runs: runs CMD, and each time a new descendant
# process whose command line matches TRIGGER starts (e.g. the load generator, `wrk`), records
# `perf record -g` of the descendant matching TARGET (e.g. `agora serve`) until the trigger
# exits, into OUT.1, OUT.2, ... (at most MAX of them). CMD's own output goes to stdout.
#
#   bench/profile_during.sh OUT TARGET TRIGGER MAX -- CMD [ARGS...]
#   bench/profile_during.sh /tmp/home 'agora serve' '^wrk .*feeds/home' 1 -- bench/home_page.sh
#
# Summaries: perf report -i OUT.1 --no-children --percent-limit 2 --stdio
# Sampling at 999 Hz keeps perf's own share of the two cores small.
set -euo pipefail
out=$1 target=$2 trigger=$3 max=$4
shift 4
[ "$1" = "--" ] && shift
"$@" &
root=$!

descendants() {  # pid and full command line of every descendant of $1
  local kids
  kids=$(pgrep -P "$1" || true)
  for k in $kids; do
    echo "$k $({ tr '\0' ' ' <"/proc/$k/cmdline"; } 2>/dev/null || true)"
    descendants "$k"
  done
}
find_one() { descendants "$root" | sed 's/^\([0-9]*\) /\1\t/' | awk -F'\t' -v re="$1" '$2 ~ re {print $1; exit}'; }

n=0 seen=""
while kill -0 "$root" 2>/dev/null && [ "$n" -lt "$max" ]; do
  t=$(find_one "$trigger")
  if [ -n "$t" ] && [ "$t" != "$seen" ]; then
    p=$(find_one "$target")
    if [ -n "$p" ]; then
      n=$((n + 1))
      seen=$t
      perf record -F 999 -g -p "$p" -o "$out.$n" >/dev/null 2>"$out.$n.log" &
      perf_pid=$!
      while kill -0 "$t" 2>/dev/null; do sleep 0.1; done
      kill -INT "$perf_pid" 2>/dev/null || true
      wait "$perf_pid" 2>/dev/null || true
      echo "profile_during: $out.$n (pid $p while $t ran)" >&2
    fi
  fi
  sleep 0.1
done
wait "$root"
