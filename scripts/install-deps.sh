#!/usr/bin/env bash
# Installs every Debian package Agora needs to build, run and test, then builds the web client
# (scripts/build-web.sh: `npm ci` only when needed, then `npm run build` into web/dist).
# Then installs the npm packages the tests run: the OpenID provider (tests/oidc), scimmy
# (tests/scim), jsonld and activitystrea.ms (tests/as2), and the OpenAPI linters and client
# generator (tests/openapi), each with `npm ci`.
# Idempotent and quick when everything is present: apt runs only for missing packages.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libsqlite3-dev sqlite3 rapidjson-dev libxapian-dev libsodium-dev
  libpq-dev  # the PostgreSQL engine of storage/ (storage/postgres.cc)
  postgresql-15  # initdb and pg_ctl for the throwaway cluster of the storage tests
  libicu-dev libspdlog-dev libcli11-dev libgtest-dev libgmock-dev curl wrk
  zlib1g-dev  # gzip of large answers (server/compression.cc)
  libssl-dev ca-certificates  # OpenID Connect: HTTPS to the identity provider, ID token checks
  clang-format clang-tidy-14 python3  # scripts/check-style.sh
  clang-14 jq  # scripts/check-thread-safety.sh
  systemd  # systemd-analyze checks packaging/agora.service
  nginx openssl  # tests/packaging/nginx_tls_test.sh runs packaging/nginx/agora.conf
  libclang-rt-14-dev  # libFuzzer, ASan and UBSan runtimes for clang-14: scripts/fuzz.sh
  chromium  # the web client's end-to-end tests (web/tests/e2e.mjs)
)
# Node and npm build the web client. A newer Node from elsewhere (e.g. nodesource) will do;
# Debian's packages only when there is none.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  # Through env, since sudo drops the caller's environment: no package's debconf prompt may
  # wait for an answer.
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

./scripts/build-web.sh

# The SCIM conformance test's independent implementation (scimmy, pinned by its lockfile).
(cd tests/scim && npm ci --no-audit --no-fund)
# oidc-provider for tests/oidc (pinned by its package-lock.json); only when the lock changed.
if [ ! -f tests/oidc/node_modules/.package-lock.json ] ||
   [ tests/oidc/package-lock.json -nt tests/oidc/node_modules/.package-lock.json ]; then
  (cd tests/oidc && npm ci --no-audit --no-fund)
fi
# jsonld and activitystrea.ms for tests/as2 (pinned by its package-lock.json); only when the
# lock changed.
if [ ! -f tests/as2/node_modules/.package-lock.json ] ||
   [ tests/as2/package-lock.json -nt tests/as2/node_modules/.package-lock.json ]; then
  (cd tests/as2 && npm ci --no-audit --no-fund)
fi
# Redocly, Spectral, openapi-typescript and tsc for tests/openapi (pinned by its lockfile).
if [ ! -f tests/openapi/node_modules/.package-lock.json ] ||
   [ tests/openapi/package-lock.json -nt tests/openapi/node_modules/.package-lock.json ]; then
  (cd tests/openapi && npm ci --no-audit --no-fund)
fi
