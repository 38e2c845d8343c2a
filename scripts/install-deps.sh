#!/usr/bin/env bash
# Installs every Debian package Agora needs to build, run and test.
# Idempotent and quick when everything is present: apt runs only for missing packages.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libsqlite3-dev sqlite3 rapidjson-dev libxapian-dev libsodium-dev
  libicu-dev libspdlog-dev libcli11-dev libgtest-dev libgmock-dev curl wrk
  clang-format clang-tidy-14 python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
