#!/usr/bin/env python3
"""Bytes on the wire of a 50-item page, identity and gzip, and the time to serve it each way.

    bench/gzip_page.py [BUILD_DIR] [ROUNDS]   (default build/ci 200)

One account writes 50 posts of about 120 characters; GET /api/v1/feeds/home?limit=50 (an
ActivityStreams page) and GET /api/v1/users?limit=50 (a page of items, 50 accounts) are read
ROUNDS times each way on one keep-alive connection. Prints the body sizes and the median
request time with and without `Accept-Encoding: gzip`.
"""
import gzip, os, shutil, statistics, sys, tempfile, time

from agora_server import ADMIN_PASSWORD, Server, add_admin

build = sys.argv[1] if len(sys.argv) > 1 else "build/ci"
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
agora = os.path.join(build, "app", "agora")
data = tempfile.mkdtemp()
server = None
try:
    add_admin(agora, data, extra=["--password-cost", "minimum"])
    server = Server(agora, data, ["--no-quotas", "--password-cost", "minimum"]).start()
    token = server.login("admin", ADMIN_PASSWORD)
    conn = server.connect()  # one keep-alive connection for every request
    call = server.api
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
                r, payload = server.request("GET", path, token=token, headers=headers, conn=conn)
                assert r.status == 200, (path, r.status)
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
        server.stop()
    shutil.rmtree(data, ignore_errors=True)
