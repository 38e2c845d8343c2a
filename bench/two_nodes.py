#!/usr/bin/env python3
"""Two `agora serve` nodes on one throwaway PostgreSQL cluster (docs/scaling.md):

  latency  a post written through node A, timed until it arrives on a follower's WebSocket
           live stream on node B (and, for comparison, on A itself);
  writes   posts/s through one node, on PostgreSQL and on SQLite, with N concurrent writers;
  reads    home-page reads/s through one node, then spread over two.

    python3 bench/two_nodes.py build/ci/app/agora [--posts 300] [--seconds 10] [--clients 8]

The cluster runs with fsync on, as production would (unlike the tests'), on a unix socket in a
temporary folder; as root it runs as `nobody`. Every figure is printed with the load average
at its end: the machine is shared, so compare figures of one run only.
"""
import argparse
import base64
import glob
import os
import pwd
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agora_server import ADMIN_PASSWORD, Server  # noqa: E402


def as_cluster_user(argv):
    return (["runuser", "-u", "nobody", "--"] + argv) if os.geteuid() == 0 else argv


class Cluster:
    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins:
            sys.exit("PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are not installed")
        self.bin = bins[-1]
        self.dir = tempfile.mkdtemp(prefix="agora-bench-pg-")
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
        subprocess.run(as_cluster_user([self.bin + "/initdb", "-D", self.dir + "/data", "-U",
                                        "agora", "--auth=trust", "-E", "UTF8", "--locale=C",
                                        "--no-instructions"]),
                       check=True, capture_output=True)
        subprocess.run(as_cluster_user([self.bin + "/pg_ctl", "-D", self.dir + "/data", "-l",
                                        self.dir + "/server.log", "-w", "-o",
                                        "-c listen_addresses='' -k " + self.dir, "start"]),
                       check=True, capture_output=True)
        self.databases = 0

    def new_database(self):
        self.databases += 1
        name = "agora_bench_%d" % self.databases
        subprocess.run(["psql", "-h", self.dir, "-U", "agora", "-d", "postgres", "-c",
                        "CREATE DATABASE " + name], check=True, capture_output=True)
        return "postgresql:///%s?host=%s&user=agora" % (name, self.dir)

    def stop(self):
        subprocess.run(as_cluster_user([self.bin + "/pg_ctl", "-D", self.dir + "/data", "-m",
                                        "fast", "stop"]), capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def add_admin(agora, data, store=None):
    extra = ["--store", store] if store else []
    subprocess.run([agora, "user", "add", "--data", data, *extra, "--username", "admin",
                    "--display-name", "Admin", "--email", "admin@example.com", "--admin",
                    "--password-cost", "minimum"],
                   input=ADMIN_PASSWORD + "\n", text=True, check=True, capture_output=True)


class Stream:
    """A minimal WebSocket client of GET /api/v1/stream: text frames only, no masking needed
    from the server, enough to time messages."""

    def __init__(self, server, token):
        self.sock = socket.create_connection((server.host, server.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /api/v1/stream?access_token=%s HTTP/1.1\r\nHost: x\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           % (token, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("no upgrade: %r" % head)

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("stream closed")
            data += chunk
        return data

    def read(self):
        while True:
            first, second = self._exact(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._exact(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._exact(8))[0]
            payload = self._exact(length)
            opcode = first & 0x0F
            if opcode == 1:
                return payload.decode()
            if opcode == 9:  # ping: answer pong (masked, as a client must)
                mask = os.urandom(4)
                body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                self.sock.sendall(bytes([0x8A, 0x80 | len(body)]) + mask + body)


def load():
    return "%.2f" % os.getloadavg()[0]


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def latency(a, b, ana, ben, posts):
    """ms from sending the POST to A until the post event arrives on ben's stream on `b`."""
    stream = Stream(b, ben)
    # Subscribed once a first post arrives.
    a.api("POST", "/api/v1/posts", {"text": "warm-up"}, ana)
    while '"type":"post"' not in stream.read():
        pass
    out = []
    for i in range(posts):
        start = time.perf_counter()
        post = a.api("POST", "/api/v1/posts", {"text": "timed %d" % i}, ana)
        while True:
            message = stream.read()
            if '"type":"post"' in message and post["id"] in message:
                break
        out.append((time.perf_counter() - start) * 1000)
    stream.sock.close()
    return out


def hammer(servers, seconds, clients, action):
    """Calls action(server, conn, i) from `clients` threads spread over `servers` for
    `seconds`; returns calls per second."""
    done = [0] * clients
    stop = time.monotonic() + seconds

    def run(k):
        server = servers[k % len(servers)]
        conn = server.connect()
        i = 0
        while time.monotonic() < stop:
            action(server, conn, k * 1_000_000 + i)
            i += 1
        done[k] = i

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def write_rate(server, token, seconds, clients):
    def post(s, conn, i):
        response, _ = s.request("POST", "/api/v1/posts", {"text": "load %d" % i}, token,
                                conn=conn)
        assert response.status == 201, response.status
    return hammer([server], seconds, clients, post)


def read_rate(servers, token, seconds, clients):
    def home(s, conn, _):
        response, _ = s.request("GET", "/api/v1/feeds/home?limit=20", None, token, conn=conn)
        assert response.status == 200, response.status
    return hammer(servers, seconds, clients, home)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("agora")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    agora = os.path.abspath(args.agora)
    work = tempfile.mkdtemp(prefix="agora-two-nodes-")
    cluster = Cluster()
    servers = []
    try:
        store = cluster.new_database()
        add_admin(agora, work + "/admin", store)
        a = Server(agora, work + "/a", ["--store", store, "--node-id", "1", "--no-quotas"])
        b = Server(agora, work + "/b", ["--store", store, "--node-id", "2", "--no-quotas"])
        servers += [a.start(), b.start()]
        admin = a.login("admin", ADMIN_PASSWORD)
        tokens = {}
        for name in ("ana", "ben"):
            a.api("POST", "/api/v1/users", {"username": name, "display_name": name.title(),
                                            "email": name + "@example.com",
                                            "password": "correct-horse-1"}, admin)
            tokens[name] = a.login(name, "correct-horse-1")
        ana, ben = tokens["ana"], tokens["ben"]
        ana_id = a.api("GET", "/api/v1/users/@ana", None, ana)["id"]
        b.api("POST", "/api/v1/users/%s/follow" % ana_id, None, ben)

        same = latency(a, a, ana, ben, args.posts)
        cross = latency(a, b, ana, ben, args.posts)
        for label, values in (("A -> stream on A", same), ("A -> stream on B", cross)):
            print("latency %-18s posts=%d p50=%.1f ms p99=%.1f ms mean=%.1f ms load=%s"
                  % (label, len(values), pct(values, 50), pct(values, 99),
                     statistics.mean(values), load()))

        print("writes  PostgreSQL, one node  clients=%d  %.0f posts/s load=%s"
              % (args.clients, write_rate(a, ana, args.seconds, args.clients), load()))
        print("reads   home, one node        clients=%d  %.0f pages/s load=%s"
              % (args.clients, read_rate([a], ben, args.seconds, args.clients), load()))
        print("reads   home, two nodes       clients=%d  %.0f pages/s load=%s"
              % (args.clients, read_rate([a, b], ben, args.seconds, args.clients), load()))
        for s in servers:
            s.stop()
        servers.clear()

        add_admin(agora, work + "/sqlite")
        single = Server(agora, work + "/sqlite", ["--no-quotas"])
        servers.append(single.start())
        admin = single.login("admin", ADMIN_PASSWORD)
        single.api("POST", "/api/v1/users", {"username": "ana", "display_name": "Ana",
                                             "email": "ana@example.com",
                                             "password": "correct-horse-1"}, admin)
        ana = single.login("ana", "correct-horse-1")
        print("writes  SQLite, one node      clients=%d  %.0f posts/s load=%s"
              % (args.clients, write_rate(single, ana, args.seconds, args.clients), load()))
    finally:
        for s in servers:
            if s.alive():
                s.kill()
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
