#!/usr/bin/env bash
# Runs Clang's thread-safety analysis (-Wthread-safety, core/thread_annotations.h) over every
# non-test source, and fails on any finding.
#
# Each file is compiled with its own command from the ci preset's compile_commands.json (so the
# same defines and include paths), with clang++ in place of the compiler, syntax only, two at
# a time. Needs `cmake --preset ci` first. Usage: scripts/check-thread-safety.sh [build dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
clang=${CLANG:-clang++-14}
db="$build/compile_commands.json"
[ -f "$db" ] || { echo "no $db: run 'cmake --preset ci' first" >&2; exit 2; }

# The commands' warning flags are dropped (GCC builds apply them): this check reports the
# analysis only.
extra="-fsyntax-only -Wthread-safety -Werror=thread-safety"

# The heaviest files (Beast, Asio) first, so the two jobs end together.
jq -r --arg root "$PWD/" '[.[] | select(.file | ltrimstr($root) | startswith("tests/") | not)]
  | sort_by(.file | test("/(server|app|bench)/") | not) | .[].command' "$db" |
  sed -E "s#^[^ ]+ #$clang #; s# -o [^ ]+##; s# -c # #; s# -W[^ ]+##g; s#\$# $extra#" |
  xargs -d '\n' -P 2 -I '{}' sh -c '{}'
echo "thread-safety analysis: no findings"
