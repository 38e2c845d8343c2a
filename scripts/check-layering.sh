#!/usr/bin/env bash
# Include rules per library target: each folder may include only the folders below it in
# docs/architecture.md, so a domain folder cannot reach another domain, or server/ reach SQL,
# Xapian or the feed engine, even though one include root serves every target.
# Usage: check-layering.sh [SOURCE_DIR]; prints each forbidden include and exits 1 if any.
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

declare -A allowed=(
  [core]="core"
  [storage]="core storage"
  [profiles]="core storage profiles"
  [communities]="core storage communities"
  [posts]="core storage posts"
  [notifications]="core storage notifications"
  [sales]="core storage sales"
  [learning]="core storage learning"
  [feed]="core feed"
  [search]="core search"
  [identity]="core storage identity"
  [oidc]="core oidc"
  [services]="core storage profiles communities posts notifications sales learning feed search identity oidc services"
  [server]="core profiles communities posts notifications sales learning identity services server"
)

violations=0
for folder in "${!allowed[@]}"; do
  while IFS=: read -r file line include; do
    target=${include#*\"}
    target=${target%%/*}
    if [[ " ${allowed[$folder]} " != *" $target "* ]]; then
      echo "$file:$line: $folder/ may not include $target/ ($include)"
      violations=$((violations + 1))
    fi
  done < <(grep -rnE '^#include "[a-z_]+/' "$folder" --include='*.h' --include='*.cc' || true)
done

if ((violations > 0)); then
  echo "$violations forbidden include(s)"
  exit 1
fi
echo "layering: every include points down"
