#!/bin/sh
# The outside checks of docs/openapi.yaml (issue 16): Redocly CLI (recommended-strict, see
# redocly.yaml) and Spectral (spectral:oas, see .spectral.yaml) lint it with no problem left,
# and openapi-typescript at its default settings generates types that a small typed client
# (usage.ts) compiles against with tsc --strict. The tools come from this folder's
# package-lock.json (scripts/install-deps.sh runs npm ci here); nothing is downloaded.
# Exit 77 (ctest: skipped) when node is absent.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
spec="$here/../../docs/openapi.yaml"
if ! command -v node >/dev/null 2>&1; then
  echo "node is absent: the OpenAPI checks are skipped"
  exit 77
fi
if [ ! -d "$here/node_modules/@redocly/cli" ]; then
  echo "tests/openapi/node_modules is missing: run scripts/install-deps.sh" >&2
  exit 1
fi
bin="$here/node_modules/.bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1

echo "== Redocly"
"$bin/redocly" lint "$spec" --config "$here/redocly.yaml" --format=stylish
echo "== Spectral"
"$bin/spectral" lint "$spec" --ruleset "$here/.spectral.yaml" --fail-severity=hint -f text
echo "== openapi-typescript, then tsc --strict"
"$bin/openapi-typescript" "$spec" -o "$work/agora.ts"
cp "$here/usage.ts" "$work/usage.ts"
"$bin/tsc" --strict --noEmit --target es2022 --module nodenext --moduleResolution nodenext \
  "$work/usage.ts"
echo "OpenAPI checks passed"
