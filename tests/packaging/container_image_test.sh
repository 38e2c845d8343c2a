#!/usr/bin/env bash
# Builds packaging/Containerfile and checks the container answers /readyz. Skipped (exit 77)
# where no container runtime answers: the CI machine has none.
set -euo pipefail
source_dir=$1
runtime=
for candidate in docker podman; do
  if command -v "$candidate" >/dev/null && timeout 10 "$candidate" info >/dev/null 2>&1; then
    runtime=$candidate
    break
  fi
done
[ -n "$runtime" ] || { echo "no container runtime answers: skipped"; exit 77; }

tag=agora-test:$$
name=agora-test-$$
trap '"$runtime" rm -f "$name" >/dev/null 2>&1; "$runtime" rmi "$tag" >/dev/null 2>&1' EXIT
"$runtime" build -f "$source_dir/packaging/Containerfile" -t "$tag" "$source_dir"
"$runtime" run -d --name "$name" -p 127.0.0.1::8080 "$tag"
port=$("$runtime" port "$name" 8080 | head -1 | sed 's/.*://')
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && { echo "image serves /readyz"; exit 0; }
  sleep 0.2
done
"$runtime" logs "$name"; exit 1
