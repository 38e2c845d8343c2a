#!/usr/bin/env python3
"""Slowloris: N clients send half a request head and then nothing; does the server close each
on its header deadline, and do other clients keep their latency meanwhile?

    bench/slow_headers.py [BUILD_DIR] [N] [HEADER_TIMEOUT_MS]   (default build/ci, 1000, 2000)

The slow clients connect from 127.0.0.2 to 127.0.0.9 (N/8 each, so the per-address cap, set to
N here, is not what closes them). Prints /healthz latency from a well-behaved client on one
kept-alive connection, first alone and then while the slow clients hold their connections,
and how long after its last byte each slow connection was closed, against the deadline.
"""
import os, selectors, socket, subprocess, sys, tempfile, time

build = sys.argv[1] if len(sys.argv) > 1 else "build/ci"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
deadline_ms = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
agora = os.path.join(build, "app", "agora")
data = tempfile.mkdtemp()
subprocess.run([agora, "user", "add", "--data", data, "--username", "admin",
                "--display-name", "Admin", "--email", "admin@example.com", "--admin",
                "--password-cost", "minimum"],
               input="admin-password-1\n", text=True, check=True, capture_output=True)
server = subprocess.Popen([agora, "serve", "--data", data, "--listen", "127.0.0.1:0",
                           "--password-cost", "minimum", "--header-timeout-ms", str(deadline_ms),
                           "--max-connections-per-address", str(n)],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def healthz_latencies(sock, seconds):
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    out = []
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        start = time.perf_counter()
        sock.sendall(request)
        reply = b""
        while not reply.endswith(b'"ok"}'):
            chunk = sock.recv(4096)
            assert chunk, "the server closed the well-behaved connection"
            reply += chunk
        out.append((time.perf_counter() - start) * 1000)
        time.sleep(0.01)
    return out


try:
    host, port = server.stdout.readline().split()[-1].rsplit(":", 1)
    port = int(port)
    good = socket.create_connection((host, port))
    alone = healthz_latencies(good, 3)

    selector = selectors.DefaultSelector()
    sent_at = {}
    for i in range(n):
        s = socket.socket()
        s.bind((f"127.0.0.{2 + i % 8}", 0))
        s.connect((host, port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sent_at[s] = time.perf_counter()
        selector.register(s, selectors.EVENT_READ)
    opened = time.perf_counter()
    under_attack = healthz_latencies(good, deadline_ms / 1000 * 0.8)

    closed_after = []
    refused = 0
    wait_until = opened + deadline_ms / 1000 * 3
    while sent_at and time.perf_counter() < wait_until:
        for key, _ in selector.select(timeout=0.1):
            s = key.fileobj
            try:
                data_in = s.recv(4096)
            except ConnectionResetError:
                data_in = b""
            if data_in.startswith(b"HTTP/1.1 503"):
                refused += 1
            if data_in:
                continue
            closed_after.append((time.perf_counter() - sent_at.pop(s)) * 1000)
            selector.unregister(s)
            s.close()
    after = healthz_latencies(good, 2)

    print(f"slow clients: {n}, header deadline {deadline_ms} ms")
    print(f"closed within {3 * deadline_ms} ms: {len(closed_after)} "
          f"(503 over a cap: {refused}; still open: {len(sent_at)})")
    if closed_after:
        print(f"closed after (ms): min {min(closed_after):.0f} p50 {percentile(closed_after, .5):.0f} "
              f"p99 {percentile(closed_after, .99):.0f} max {max(closed_after):.0f}")
    for name, values in (("alone", alone), ("with slow clients", under_attack), ("after", after)):
        print(f"/healthz {name}: n={len(values)} p50 {percentile(values, .5):.2f} ms "
              f"p99 {percentile(values, .99):.2f} ms max {max(values):.2f} ms")
finally:
    server.terminate()
    server.wait()
    subprocess.run(["rm", "-rf", data])
