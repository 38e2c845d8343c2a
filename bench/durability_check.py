#!/usr/bin/env python3
"""Creates posts from several threads, SIGKILLs the server mid-run, restarts it, and counts
acknowledged posts that are missing. Usage: durability_check.py AGORA DATA_DIR"""
import http.client, json, os, signal, subprocess, sys, threading, time

agora, data = sys.argv[1], sys.argv[2]

def start():
    proc = subprocess.Popen([agora, "serve", "--data", data, "--listen", "127.0.0.1:0", "--no-quotas"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    host, port = line.strip().split()[-1].rsplit(":", 1)
    return proc, host, int(port)

def call(host, port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = conn.getresponse()
    return response.status, response.read()

proc, host, port = start()
status, body = call(host, port, "POST", "/api/v1/auth/login",
                    {"username": "camille.martin", "password": "agora-demo-2026"})
token = json.loads(body)["token"]
acknowledged, lock, stop = [], threading.Lock(), threading.Event()

def writer(n):
    i = 0
    while not stop.is_set():
        i += 1
        try:
            status, body = call(host, port, "POST", "/api/v1/posts",
                                {"text": f"durability {n}-{i}"}, token)
        except Exception:
            return  # the server died mid-request: not acknowledged
        if status == 201:
            with lock:
                acknowledged.append(json.loads(body)["id"])

threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
for t in threads:
    t.start()
time.sleep(3)
proc.send_signal(signal.SIGKILL)
proc.wait()
stop.set()
for t in threads:
    t.join()

proc, host, port = start()
missing = sum(1 for post_id in acknowledged
              if call(host, port, "GET", f"/api/v1/posts/{post_id}", token=token)[0] != 200)
proc.send_signal(signal.SIGTERM)
proc.wait()
print(f"durability acknowledged={len(acknowledged)} missing_after_sigkill={missing}")
sys.exit(1 if missing else 0)
