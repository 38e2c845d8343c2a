#!/usr/bin/env python3
"""Home-stream reads for a member of 50 communities, side by side with a reader who follows
50 authors instead (same number of posts), both with wrk on the same server.

    bench/communities_home.py [BUILD_DIR]      (default build/release; needs wrk)

The server runs pinned to core 0, wrk to core 1, 64 keep-alive connections, 10 s each.
"""
import os, re, shutil, subprocess, sys, tempfile

from agora_server import ADMIN_PASSWORD, Server, add_admin

build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
agora = os.path.join(build, "app", "agora")
data = tempfile.mkdtemp()
server = None
try:
    add_admin(agora, data)
    server = Server(agora, data, ["--no-quotas"], core=0).start()
    call, login = server.api, server.login
    admin = login("admin", ADMIN_PASSWORD)
    tokens = {}
    for name in ["member.reader", "follow.reader"] + [f"author{i}" for i in range(50)]:
        call("POST", "/api/v1/users", {"username": name, "display_name": name,
                                       "email": name + "@example.com",
                                       "password": "password-123"}, admin)
        tokens[name] = login(name, "password-123")
    ids = {name: call("GET", "/api/v1/me", token=tokens[name])["id"] for name in tokens}
    for i in range(50):
        author = f"author{i}"
        community = call("POST", "/api/v1/communities",
                         {"name": f"Community {i}", "visibility": "private"}, tokens[author])["id"]
        call("POST", f"/api/v1/communities/{community}/invitations",
             {"user_id": ids["member.reader"]}, tokens[author])
        call("POST", f"/api/v1/communities/{community}/invitations/accept",
             token=tokens["member.reader"])
        call("POST", f"/api/v1/users/{ids[author]}/follow", token=tokens["follow.reader"])
        for n in range(10):
            call("POST", "/api/v1/posts", {"text": f"community post {n} #c{i}",
                                           "community_id": community}, tokens[author])
            call("POST", "/api/v1/posts", {"text": f"company post {n} #a{i}"}, tokens[author])

    results = {}
    for reader in ["member.reader", "follow.reader"]:
        out = subprocess.run(["taskset", "-c", "1", "wrk", "-t2", "-c64", "-d10s", "--latency",
                              "-H", "Authorization: Bearer " + tokens[reader],
                              f"http://{server.host}:{server.port}/api/v1/feeds/home?limit=20"],
                             capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        p99 = re.search(r"99%\s+(\S+)", out).group(1)
        results[reader] = (rps, p99)
    m, f = results["member.reader"], results["follow.reader"]
    print("| home reader | req/s | p99 |\n| --- | --- | --- |")
    print(f"| member of 50 private communities | {m[0]:.0f} | {m[1]} |")
    print(f"| follower of 50 authors | {f[0]:.0f} | {f[1]} |")
    print(f"ratio communities / follows: {m[0] / f[0]:.2f}")
finally:
    if server:
        server.stop()
    shutil.rmtree(data, ignore_errors=True)
