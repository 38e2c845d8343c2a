#!/usr/bin/env bash
# The systemd unit in packaging/ is valid, keeps its sandbox (systemd's own exposure score),
# and its ExecStart line, run as written with this build's binary, serves /readyz.
# Usage: systemd_unit_test.sh AGORA_BINARY UNIT_FILE
set -euo pipefail
binary=$1
unit=$2
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# verify resolves ExecStart's binary: point it at the one under test.
sed "s#/usr/local/bin/agora#$binary#" "$unit" >"$work/agora.service"
(cd "$work" && systemd-analyze verify --man=no agora.service)
(cd "$work" && systemd-analyze security --offline=true --threshold=20 agora.service >/dev/null) || {
  echo "the unit's exposure score went above 2.0 (systemd-analyze security --offline=true)"
  exit 1
}

# The ExecStart command line, with the state folder and a free port for this test.
exec_start=$(sed -n 's/^ExecStart=//p' "$work/agora.service")
exec_start=${exec_start//\/var\/lib\/agora/$work\/data}
mkdir -p "$work/data"
# shellcheck disable=SC2086  # ExecStart is split into words as systemd splits it
AGORA_LISTEN=127.0.0.1:0 $exec_start >"$work/out" 2>"$work/log" &
server_pid=$!
for _ in $(seq 100); do
  address=$(sed -n 's/^listening on //p' "$work/out")
  [ -n "$address" ] && break
  sleep 0.1
done
[ -n "$address" ] || { echo "no 'listening on' line"; cat "$work/log"; exit 1; }
for _ in $(seq 100); do
  if curl -fsS "http://$address/readyz" >/dev/null 2>&1; then
    echo "ExecStart serves /readyz on $address"
    exit 0
  fi
  sleep 0.1
done
echo "/readyz never answered"; cat "$work/log"; exit 1
