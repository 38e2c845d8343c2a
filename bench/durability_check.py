#!/usr/bin/env python3
"""Creates posts from several threads, SIGKILLs the server mid-run, restarts it, and counts
acknowledged posts that are missing. Usage: durability_check.py AGORA DATA_DIR"""
import sys, threading, time

from agora_server import Server

agora, data = sys.argv[1], sys.argv[2]
server = Server(agora, data, ["--no-quotas"]).start()
token = server.login("camille.martin", "agora-demo-2026")
acknowledged, lock, stop = [], threading.Lock(), threading.Event()

def writer(n):
    i = 0
    while not stop.is_set():
        i += 1
        try:
            status, post = server.call("POST", "/api/v1/posts", {"text": f"durability {n}-{i}"},
                                       token, timeout=10)
        except Exception:
            return  # the server died mid-request: not acknowledged
        if status == 201:
            with lock:
                acknowledged.append(post["id"])

threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
for t in threads:
    t.start()
time.sleep(3)
server.kill()
stop.set()
for t in threads:
    t.join()

server.start()
missing = sum(1 for post_id in acknowledged
              if server.call("GET", f"/api/v1/posts/{post_id}", token=token)[0] != 200)
server.stop()
print(f"durability acknowledged={len(acknowledged)} missing_after_sigkill={missing}")
sys.exit(1 if missing else 0)
