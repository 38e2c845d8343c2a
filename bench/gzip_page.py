#!/usr/bin/env python3
"""Bytes on the wire of a 50-item page, identity and gzip, and the time to serve it each way.

    bench/gzip_page.py [BUILD_DIR] [ROUNDS]   (default build/ci 200)

One account writes 50 posts of about 120 characters; GET /api/v1/feeds/home?limit=50 (an
ActivityStreams page) and GET /api/v1/users?limit=50 (a page of items, 50 accounts) are read
ROUNDS times each way on one keep-alive connection. Prints the body sizes and the median
request time with and without `Accept-Encoding: gzip`.
"""
import gzip, http.client, json, os, shutil, statistics, subprocess, sys, tempfile, time

build = sys.argv[1] if len(sys.argv) > 1 else "build/ci"
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
agora = os.path.join(build, "app", "agora")
data = tempfile.mkdtemp()
server = None
try:
    subprocess.run([agora, "user", "add", "--data", data, "--username", "admin",
                    "--display-name", "Admin", "--email", "admin@example.com", "--admin",
                    "--password-cost", "minimum"],
                   input="admin-password-1\n", text=True, check=True, capture_output=True)
    server = subprocess.Popen([agora, "serve", "--data", data, "--listen", "127.0.0.1:0",
                               "--no-quotas", "--password-cost", "minimum"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    host, port = server.stdout.readline().split()[-1].rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port))

    def call(method, path, body=None, token=None, headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        conn.request(method, path, json.dumps(body) if body is not None else None, h)
        r = conn.getresponse()
        payload = r.read()
        assert r.status < 300, (method, path, r.status, payload)
        return r, payload

    _, login = call("POST", "/api/v1/auth/login",
                    {"username": "admin", "password": "admin-password-1"})
    token = json.loads(login)["token"]
    for i in range(49):
        call("POST", "/api/v1/users", {"username": f"person{i}", "display_name": f"Person {i}",
                                       "email": f"person{i}@example.com",
                                       "password": "correct-horse-1"}, token)
    for i in range(50):
        call("POST", "/api/v1/posts", {"text": f"Post {i}: the quarterly numbers are in and the "
                                       f"team beat its target in three regions out of four. #q{i}"},
             token)
    for path in ("/api/v1/feeds/home?limit=50", "/api/v1/users?limit=50"):
        for label, headers in (("identity", {}), ("gzip", {"Accept-Encoding": "gzip"})):
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                r, payload = call("GET", path, token=token, headers=headers)
                times.append(time.perf_counter() - started)
            if label == "gzip":
                assert r.getheader("Content-Encoding") == "gzip"
                payload_size = len(payload)
                gzip.decompress(payload)
            else:
                payload_size = len(payload)
            print(f"{path} {label}: {payload_size} bytes, median "
                  f"{statistics.median(times) * 1000:.2f} ms over {rounds}")
finally:
    if server:
        server.kill()
        server.wait()
    shutil.rmtree(data, ignore_errors=True)
