#!/usr/bin/env bash
# packaging/nginx/agora.conf, run as written by a real nginx in front of the real agora: TLS 1.2
# (AEAD ciphers) and 1.3 only, HSTS, HTTP redirected to HTTPS, WebSocket upgrades passed through,
# and the client address agora sees is the one nginx wrote (a client's own X-Forwarded-For or
# Forwarded header changes nothing), with nginx's request id in agora's access log.
# Usage: nginx_tls_test.sh AGORA_BINARY NGINX_CONF. Exits 77 (skipped) without nginx or openssl.
set -euo pipefail
binary=$1
recipe=$2
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] && command -v openssl >/dev/null || { echo "nginx or openssl missing"; exit 77; }

work=$(mktemp -d)
chmod 755 "$work"  # nginx's workers run as nobody and write their temporary files here
server_pid=
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*"
  echo "--- agora log"; tail -20 "$work/agora.log"
  echo "--- nginx error log"; tail -20 "$work/error.log" 2>/dev/null || true
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

host=agora.example.com
http_port=$(free_port)
https_port=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host" -keyout "$work/privkey.pem" -out "$work/fullchain.pem" \
  2>/dev/null

mkdir -p "$work/data"
password='a long password for the proxy test'
"$binary" user add --data "$work/data" --username ops --display-name Ops --email ops@example.com \
  <<<"$password" >/dev/null
"$binary" serve --data "$work/data" --listen 127.0.0.1:0 --trusted-proxy 127.0.0.1/32 \
  --public-url "https://$host:$https_port" >"$work/agora.out" 2>"$work/agora.log" &
server_pid=$!
for _ in $(seq 100); do
  address=$(sed -n 's/^listening on //p' "$work/agora.out")
  [ -n "$address" ] && break
  sleep 0.1
done
[ -n "$address" ] || fail "agora printed no 'listening on' line"

# The recipe as written, with this test's ports, certificate and upstream; IPv4 loopback only.
sed -e "s#server 127.0.0.1:8080;#server $address;#" \
    -e "s#listen 80;#listen 127.0.0.1:$http_port;#" \
    -e "s#listen 443 ssl;#listen 127.0.0.1:$https_port ssl;#" \
    -e '/listen \[::\]/d' \
    -e "s#/etc/ssl/agora/#$work/#" "$recipe" >"$work/agora.conf"
grep -q "server $address;" "$work/agora.conf" || fail "the recipe's upstream line changed"
cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  include $work/agora.conf;
}
CONF
"$nginx" -p "$work" -e "$work/error.log" -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!

curl_tls=(curl -sS --cacert "$work/fullchain.pem" --resolve "$host:$https_port:127.0.0.1")
base="https://$host:$https_port"
for _ in $(seq 100); do
  "${curl_tls[@]}" -fo /dev/null "$base/readyz" 2>/dev/null && break
  sleep 0.1
done
"${curl_tls[@]}" -f "$base/readyz" >/dev/null || fail "/readyz through nginx over TLS"

# TLS: 1.3 and 1.2 answer, 1.1 is refused; HSTS on every answer.
"${curl_tls[@]}" -fo /dev/null --tlsv1.3 "$base/readyz" || fail "TLS 1.3 refused"
"${curl_tls[@]}" -fo /dev/null --tlsv1.2 --tls-max 1.2 "$base/readyz" || fail "TLS 1.2 refused"
if "${curl_tls[@]}" -o /dev/null --tlsv1.1 --tls-max 1.1 "$base/readyz" 2>/dev/null; then
  fail "TLS 1.1 was accepted"
fi
# TLS 1.2 with a CBC cipher (no AEAD) is refused, though OpenSSL's defaults would allow it.
if "${curl_tls[@]}" -o /dev/null --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-SHA \
  "$base/readyz" 2>/dev/null; then
  fail "TLS 1.2 with a CBC cipher was accepted"
fi
"${curl_tls[@]}" -D - -o /dev/null "$base/readyz" | grep -qi '^strict-transport-security: max-age=' ||
  fail "no Strict-Transport-Security header"

# Plain HTTP only redirects.
location=$(curl -sS -o /dev/null -w '%{redirect_url}' -H "Host: $host" "http://127.0.0.1:$http_port/api/v1/me")
[ "$location" = "https://$host/api/v1/me" ] || fail "HTTP redirected to '$location'"

# WebSocket: with a token, the upgrade reaches agora and is accepted (101); the same request
# without the upgrade headers answers 426, which is what a proxy dropping them would produce.
token=$("${curl_tls[@]}" -f -H 'Content-Type: application/json' \
  -d "{\"username\":\"ops\",\"password\":\"$password\"}" "$base/api/v1/auth/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || fail "login through nginx"
ws_status=$("${curl_tls[@]}" -o /dev/null -w '%{http_code}' --http1.1 --max-time 3 \
  -H "Authorization: Bearer $token" -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
  -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
  "$base/api/v1/stream" || true)
[ "$ws_status" = 101 ] || fail "a WebSocket upgrade through nginx answered $ws_status, not 101"
plain_status=$("${curl_tls[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
  "$base/api/v1/stream")
[ "$plain_status" = 426 ] || fail "a plain GET of the stream answered $plain_status, not 426"

# The client address: a request from 127.0.0.2 claiming other addresses is logged as 127.0.0.2.
"${curl_tls[@]}" -o /dev/null --interface 127.0.0.2 -H 'X-Forwarded-For: 203.0.113.9' \
  -H 'Forwarded: for=198.51.100.7' -H 'X-Request-Id: chosen-by-the-client' "$base/api/v1/me"
for _ in $(seq 50); do
  line=$(grep 'event=request' "$work/agora.log" | grep 'path=/api/v1/me' | tail -1 || true)
  [ -n "$line" ] && break
  sleep 0.1
done
[ -n "$line" ] || fail "no access log line for /api/v1/me"
echo "$line" | grep -q 'client=127.0.0.2' || fail "agora saw another client address: $line"
echo "$line" | grep -Eq 'request_id=[0-9a-f]{32}( |$)' || fail "not nginx's request id: $line"
echo "nginx recipe: TLS 1.2/1.3 only, HSTS, redirect, WebSocket upgrade, client address from the proxy"
