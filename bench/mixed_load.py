#!/usr/bin/env python3
"""Mixed load, soak and overload against the real `agora serve` on the sample company.

The workload (issue 17's "mixed load" row, issue 15's "Soak and overload"): home pages 60%,
community feeds 10%, single posts 10%, post search 8%, writes 10% (posts 6%, reactions 4%),
moderation 2% (the admin's report queue and community audit logs 1%, members filing reports
1%), plus live WebSocket streams (1,000 by default) held open by the sample people, which
receive the posts the writes make. The HTTP requests come from two wrk processes running
bench/mixed_load.lua (one for the reads, one for the writes, so each side has its own
latency figures) at a target rate: each connection waits a random exponential delay between
requests, so the offered load does not follow the server's speed.

Modes (run in this order when several are given; soak and overload need the maximum, which
--find-max measures or --max gives):
  --find-max        ramp the rate step by step until p99 (of reads or of writes) >= 10 ms or
                    the server stops keeping up; report the highest rate with p99 < 10 ms.
  --soak            --minutes M at --rate (default half of the maximum): 0 server errors,
                    read p95 < 50 ms, write p95 < 150 ms, the WAL bounded, and RSS growth
                    after --warm-minutes (default 5) <= 5% once the growth of the caches
                    bounded by bytes (/metrics: timelines, posts, stream items, the live
                    resume window; they fill for longer than a soak) is set aside; the raw
                    RSS growth is reported beside it.
  --overload        twice the maximum for --overload-seconds from many connections: excess
                    shed with 503/429, /healthz answered fast, no crash, and back to normal
                    within 30 s after (half the maximum with p99 < 10 ms, or within 1.5x of
                    its p99 measured just before the overload when the machine is too busy).
Every mode first measures the ceiling: nginx serving a home page as a static file (wrk,
64 connections, 10 s), as bench/run_all.sh does; the maximum is reported as a ratio of it.

The server runs pinned to core 0, nginx too (`taskset -c 0`); wrk, the WebSocket clients and
this script on core 1. The server runs with --no-quotas (one account writes far beyond them).

Usage: mixed_load.py AGORA [--find-max] [--soak] [--overload] [--minutes 10] [--max R]
       [--rate R] [--sockets 1000] [--step-seconds 10] [--start-rate 250] [--json FILE]
Exit status 1 when a mode misses its goal.
"""
import argparse
import json
import os
import random
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from agora_server import Server

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "agora-demo-2026"
WORDS = ["pilot", "pricing", "renewal", "banking", "migration", "sqlite", "onboarding",
         "roadmap", "contrat", "client", "formation", "négociation", "cloud", "security"]
READ_SHARE = 0.89  # home, community, post, search, moderation reads
GOAL_P99_MS = 10.0  # --p99-ms


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


# The server's caches bounded by bytes, as /metrics names them: timelines, posts, rendered
# stream items, the live resume window.
BOUNDED_CACHES = ("agora_feed_bytes", "agora_posts_cached_bytes",
                  "agora_stream_items_cached_bytes", "agora_stream_window_bytes")


class LoadedServer(Server):
    """The server under load, with what the soak watches."""

    def rss_kib(self):
        # taskset execs agora, so the pid is the server's.
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def bounded_cache_bytes(self):
        """What the server's bounded caches hold now, by /metrics (each fills up to its bound,
        so growth there is not a leak): {metric: bytes}."""
        _, text = self.request("GET", "/metrics")
        held = {}
        for line in text.decode().splitlines():
            name, _, value = line.partition(" ")
            if name in BOUNDED_CACHES:
                held[name] = int(float(value))
        return held

    def wal_bytes(self):
        try:
            return os.path.getsize(os.path.join(self.data, "agora.db-wal"))
        except OSError:
            return 0


def paged(server, path, token, limit):
    items, cursor = [], None
    while len(items) < limit:
        sep = "&" if "?" in path else "?"
        status, page = server.call(
            "GET", path + sep + "limit=100" + ("&cursor=" + cursor if cursor else ""), token=token)
        if status != 200:
            break
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return items


def prepare(server, people, log_in_threads=8):
    """Logs in `people` sample accounts; each gets the ids of posts it may read."""
    _, admin = server.call("POST", "/api/v1/auth/login",
                           {"username": "camille.martin", "password": PASSWORD})
    admin_token = admin["token"]
    usernames = [u["username"] for u in paged(server, "/api/v1/users", admin_token, people)]
    usernames = usernames[:people]
    tokens = {}
    lock = threading.Lock()

    def log_in(names):
        for name in names:
            status, answer = server.call("POST", "/api/v1/auth/login",
                                         {"username": name, "password": PASSWORD})
            if status == 200:
                with lock:
                    tokens[name] = answer["token"]

    workers = [threading.Thread(target=log_in, args=(usernames[i::log_in_threads],))
               for i in range(log_in_threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    users = []
    for name, token in sorted(tokens.items()):
        _, page = server.call("GET", "/api/v1/feeds/home?limit=50", token=token)
        posts = [item["object"]["agora:post"]["id"] for item in page.get("orderedItems", [])]
        if posts:
            users.append({"token": token, "posts": posts})
    communities = [c["id"] for c in paged(server, "/api/v1/communities", admin_token, 200)
                   if c["visibility"] == "open"]
    return {"admin": {"token": admin_token}, "users": users, "communities": communities,
            "words": [urllib.parse.quote(w) for w in WORDS]}


def write_lua_config(config, path):
    def lua(value):
        if isinstance(value, dict):
            return "{" + ",".join("[%s]=%s" % (lua(k), lua(v)) for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "{" + ",".join(lua(v) for v in value) + "}"
        return json.dumps(value, ensure_ascii=False)  # a quoted Lua string is the same
    with open(path, "w") as f:
        f.write("return " + lua(config) + "\n")


class LiveSockets:
    """WebSocket streams held open on one thread; counts the events they receive."""

    def __init__(self, server, tokens, count):
        self.sel = selectors.DefaultSelector()
        self.events = 0
        self.closed = 0
        self.open = 0
        self.stopping = False
        for i in range(count):
            token = tokens[i % len(tokens)]
            s = socket.create_connection((server.host, server.port))
            s.sendall(("GET /api/v1/stream?access_token=%s HTTP/1.1\r\nHost: %s:%d\r\n"
                       "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n"
                       % (token, server.host, server.port)).encode())
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = s.recv(4096)
                if not chunk:
                    break
                head += chunk
            if not head.startswith(b"HTTP/1.1 101"):
                raise SystemExit("stream %d refused: %r" % (i, head[:80]))
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ)
            self.open += 1
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        # The server pings at half its idle timeout and closes a stream that does not answer:
        # frames are parsed enough to answer pings and count text messages.
        buffers = {}
        while not self.stopping:
            for key, _ in self.sel.select(timeout=0.5):
                sock = key.fileobj
                try:
                    data = sock.recv(1 << 16)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    self.sel.unregister(sock)
                    sock.close()
                    buffers.pop(sock, None)
                    self.closed += 1
                    self.open -= 1
                    continue
                buffers[sock] = self.frames(sock, buffers.get(sock, b"") + data)

    def frames(self, sock, buf):
        """Consumes the whole frames at the start of `buf`; returns the rest."""
        while len(buf) >= 2:
            opcode, length, at = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if length == 126:
                if len(buf) < 4:
                    break
                length, at = int.from_bytes(buf[2:4], "big"), 4
            elif length == 127:
                if len(buf) < 10:
                    break
                length, at = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < at + length:
                break
            payload, buf = buf[at:at + length], buf[at + length:]
            if opcode == 0x1:
                self.events += 1
            elif opcode == 0x9:  # ping: a masked pong with the same payload (mask of zeros)
                try:
                    sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
                except OSError:
                    pass
        return buf

    def stop(self):
        self.stopping = True
        self.thread.join()
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()


def wrk(server, config_path, side, rate, connections, seconds):
    """Starts one wrk process for one side at `rate` requests/s; returns the Popen."""
    return subprocess.Popen(
        ["taskset", "-c", "1", "wrk", "-t1", "-c%d" % connections, "-d%ds" % seconds,
         "--timeout", "10s", "-s", os.path.join(HERE, "mixed_load.lua"),
         "http://%s:%d" % (server.host, server.port), "--", config_path, side,
         "%.3f" % max(rate, 0.1), str(connections)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wrk_result(proc):
    out, err = proc.communicate()
    for line in out.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
            return result
    raise SystemExit("wrk gave no result: %s %s" % (out[-500:], err[-500:]))


def status_count(result, pick):
    return sum(n for status, n in result["status"].items() if pick(int(status)))


def server_errors(result):
    return status_count(result, lambda s: s >= 500)


def shed(result):
    return status_count(result, lambda s: s in (429, 503))


def mixed(server, config_path, rate, seconds, read_conns=64, write_conns=16):
    """Runs both sides for `seconds` at `rate` in all; returns (reads, writes)."""
    reads = wrk(server, config_path, "reads", rate * READ_SHARE, read_conns, seconds)
    writes = wrk(server, config_path, "writes", rate * (1 - READ_SHARE), write_conns, seconds)
    return wrk_result(reads), wrk_result(writes)


def describe(rate, reads, writes):
    return ("target %6.0f/s  got %6.0f/s  reads p50 %.2f p95 %.2f p99 %.2f ms  "
            "writes p50 %.2f p95 %.2f p99 %.2f ms  5xx %d  socket errors %d" % (
                rate, reads["rate"] + writes["rate"], reads["p50_ms"], reads["p95_ms"],
                reads["p99_ms"], writes["p50_ms"], writes["p95_ms"], writes["p99_ms"],
                server_errors(reads) + server_errors(writes),
                reads["socket_errors"] + writes["socket_errors"]))


def nginx_ceiling(server, token, work):
    """Requests/s and p99 of nginx serving the same home page bytes as a static file."""
    conn = server.connect(timeout=10)
    conn.request("GET", "/api/v1/feeds/home?limit=20", headers={"Authorization": "Bearer " + token})
    page = conn.getresponse().read()
    conn.close()
    www = os.path.join(work, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "home.json"), "wb") as f:
        f.write(page)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write("daemon off; worker_processes 1; pid %s/nginx.pid; error_log %s/nginx.err;\n"
                "events { worker_connections 1024; }\n"
                "http { access_log off; server { listen 127.0.0.1:%d; root %s;\n"
                "  location / { default_type application/json; } } }\n" % (work, work, port, www))
    nginx = subprocess.Popen(["taskset", "-c", "0", "nginx", "-c", conf],
                             stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        out = subprocess.run(["taskset", "-c", "1", "wrk", "-t2", "-c64", "-d10s", "--latency",
                              "http://127.0.0.1:%d/home.json" % port],
                             capture_output=True, text=True, check=True).stdout
    finally:
        nginx.terminate()
        nginx.wait()
    rate = float(out.split("Requests/sec:")[1].split()[0])
    p99 = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("99%"))
    return rate, p99, len(page)


def find_max(server, config_path, seconds, rate):
    """Raises the rate by 25% a step until p99 >= GOAL_P99_MS or the server falls behind."""
    best, steps = None, []
    while rate < 200_000:
        reads, writes = mixed(server, config_path, rate, seconds)
        got = reads["rate"] + writes["rate"]
        p99 = max(reads["p99_ms"], writes["p99_ms"])
        errors = server_errors(reads) + server_errors(writes)
        log("find-max  " + describe(rate, reads, writes))
        steps.append({"target": rate, "got": got, "reads": reads, "writes": writes})
        if p99 >= GOAL_P99_MS or got < 0.9 * rate or errors:
            break
        best = got
        rate *= 1.25
    return best, steps


def healthz_probe(server, stop, samples):
    """/healthz once every 50 ms on a fresh connection, recording each latency in ms."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            status, _ = server.call("GET", "/healthz", timeout=10)
        except OSError:
            status = 0
        samples.append(((time.monotonic() - started) * 1000, status))
        time.sleep(0.05)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else float("nan")


def soak(server, config_path, rate, minutes, live):
    """`minutes` one-minute slices at `rate`; the first is the warm-up."""
    slices = []
    for minute in range(minutes):
        reads, writes = mixed(server, config_path, rate, 60)
        caches = server.bounded_cache_bytes()
        row = {"minute": minute + 1, "reads": reads, "writes": writes, "rss_kib": server.rss_kib(),
               "caches_kib": sum(caches.values()) // 1024, "caches": caches,
               "wal_bytes": server.wal_bytes(), "live_open": live.open,
               "live_events": live.events}
        slices.append(row)
        log("soak %2d  %s  RSS %d KiB  caches %d KiB  WAL %d KiB  streams open %d  events %d" % (
            minute + 1, describe(rate, reads, writes), row["rss_kib"], row["caches_kib"],
            row["wal_bytes"] // 1024, live.open, live.events))
        if not server.alive():
            break
    return slices


def overload(server, config_path, rate, seconds, normal_rate):
    """5 s at `normal_rate` (the baseline), then `seconds` at `rate` from many connections,
    /healthz probed throughout; then slices of 5 s at `normal_rate` until one is back to
    normal (p99 below GOAL_P99_MS, or at most 1.5 times the baseline's p99 on a machine too
    busy for that), for at most 30 s."""
    base_r, base_w = mixed(server, config_path, normal_rate, 5)
    baseline = max(base_r["p99_ms"], base_w["p99_ms"])
    normal = max(GOAL_P99_MS, 1.5 * baseline)
    log("baseline  " + describe(normal_rate, base_r, base_w))
    stop, samples = threading.Event(), []
    probe = threading.Thread(target=healthz_probe, args=(server, stop, samples))
    probe.start()
    reads, writes = mixed(server, config_path, rate, seconds, read_conns=2048, write_conns=256)
    stop.set()
    probe.join()
    log("overload  " + describe(rate, reads, writes) + "  shed %d" % (shed(reads) + shed(writes)))
    recovery, recovered_after = [], None
    ended = time.monotonic()
    while time.monotonic() - ended < 30 and server.alive():
        r, w = mixed(server, config_path, normal_rate, 5)
        recovery.append({"reads": r, "writes": w})
        log("recovery  " + describe(normal_rate, r, w))
        if max(r["p99_ms"], w["p99_ms"]) < normal and not server_errors(r) + server_errors(w):
            recovered_after = time.monotonic() - ended
            break
    return {"reads": reads, "writes": writes, "healthz": samples, "recovery": recovery,
            "recovered_after_s": recovered_after, "baseline_p99_ms": baseline,
            "normal_p99_ms": normal}


def main():
    global GOAL_P99_MS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("agora")
    parser.add_argument("--find-max", action="store_true")
    parser.add_argument("--soak", action="store_true")
    parser.add_argument("--overload", action="store_true")
    parser.add_argument("--max", type=float, help="the maximum rate, instead of --find-max")
    parser.add_argument("--rate", type=float, help="soak rate (default half the maximum)")
    parser.add_argument("--minutes", type=int, default=10)
    # Five: at half the maximum the resume window (4,096 events) and the stream items' working
    # set are full after about four minutes (docs/performance.md, "Soak RSS").
    parser.add_argument("--warm-minutes", type=int, default=5,
                        help="soak minutes counted as warm-up (RSS growth is measured after)")
    parser.add_argument("--overload-seconds", type=int, default=30)
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--step-seconds", type=int, default=10)
    parser.add_argument("--start-rate", type=float, default=250, help="find-max's first step")
    parser.add_argument("--p99-ms", type=float, default=GOAL_P99_MS,
                        help="find-max's latency bound (issue 17: 10 ms)")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--server-log", help="write the server's log (stderr) to this file")
    parser.add_argument("--serve-arg", action="append", default=[],
                        help="one more argument for agora serve (repeat it)")
    args = parser.parse_args()
    GOAL_P99_MS = args.p99_ms
    if not (args.find_max or args.soak or args.overload):
        parser.error("give --find-max, --soak and/or --overload")
    if (args.soak or args.overload) and not (args.find_max or args.max):
        args.find_max = True
    for tool in ("wrk", "nginx", "taskset"):
        if not shutil.which(tool):
            raise SystemExit("%s is missing (apt-get install wrk nginx-light util-linux)" % tool)
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    work = tempfile.mkdtemp(prefix="agora-mixed-")
    report = {"args": vars(args)}
    failed = []
    server = None
    try:
        data = os.path.join(work, "data")
        subprocess.run([args.agora, "demo", "--data", data], check=True,
                       stdout=subprocess.DEVNULL)
        # One address plays every client: lift the per-address cap past the overload's
        # connections and the streams.
        server = LoadedServer(args.agora, data,
                              ["--no-quotas", "--max-connections-per-address", "8000"]
                              + args.serve_arg, core=0, log_path=args.server_log).start()
        config = prepare(server, args.people)
        config_path = os.path.join(work, "config.lua")
        write_lua_config(config, config_path)
        log("%d people logged in, %d open communities" % (
            len(config["users"]), len(config["communities"])))
        live = LiveSockets(server, [u["token"] for u in config["users"]], args.sockets)
        log("%d live streams open" % live.open)

        ceiling, ceiling_p99, page_bytes = nginx_ceiling(server, config["admin"]["token"], work)
        report["nginx"] = {"rate": ceiling, "p99": ceiling_p99, "page_bytes": page_bytes}
        log("nginx ceiling: %.0f req/s (p99 %s) for the %d-byte home page" % (
            ceiling, ceiling_p99, page_bytes))

        maximum = args.max
        if args.find_max:
            maximum, steps = find_max(server, config_path, args.step_seconds, args.start_rate)
            report["find_max"] = {"max": maximum, "steps": steps}
            if maximum is None:
                raise SystemExit("even the first step missed p99 < %g ms" % GOAL_P99_MS)
            log("max %.0f req/s with p99 < %g ms: %.2fx the nginx ceiling (goal >= 0.4x at "
                "10 ms)" % (maximum, GOAL_P99_MS, maximum / ceiling))
            report["find_max"]["ratio"] = maximum / ceiling
            if maximum / ceiling < 0.4:
                failed.append("max %.2fx nginx < 0.4x" % (maximum / ceiling))

        if args.soak:
            rate = args.rate or maximum / 2
            slices = soak(server, config_path, rate, args.minutes, live)
            report["soak"] = {"rate": rate, "slices": slices}
            errors = sum(server_errors(s["reads"]) + server_errors(s["writes"]) for s in slices)
            read_p95 = max(s["reads"]["p95_ms"] for s in slices)
            write_p95 = max(s["writes"]["p95_ms"] for s in slices)
            warm, last = slices[min(args.warm_minutes, len(slices)) - 1], slices[-1]
            growth = (last["rss_kib"] - warm["rss_kib"]) / warm["rss_kib"]
            # What grew beyond the bounded caches' own growth: a leak would show here.
            unbounded = (last["rss_kib"] - warm["rss_kib"]
                         - (last["caches_kib"] - warm["caches_kib"])) / warm["rss_kib"]
            wal = max(s["wal_bytes"] for s in slices)
            summary = ("soak %d min at %.0f req/s: %d server errors, worst minute read p95 %.2f ms"
                       ", write p95 %.2f ms, RSS %d -> %d KiB (%+.1f%% after %d min of warm-up; "
                       "bounded caches %d -> %d KiB; %+.1f%% beside them), WAL max %d KiB, %d/%d "
                       "streams open, %d live events received" % (
                           len(slices), rate, errors, read_p95, write_p95, warm["rss_kib"],
                           last["rss_kib"], growth * 100, args.warm_minutes, warm["caches_kib"],
                           last["caches_kib"], unbounded * 100, wal // 1024, live.open,
                           args.sockets, live.events))
            log(summary)
            report["soak"]["summary"] = summary
            if errors or read_p95 >= 50 or write_p95 >= 150 or unbounded > 0.05:
                failed.append(summary)
            if not server.alive():
                failed.append("the server died during the soak")

        if args.overload:
            result = overload(server, config_path, 2 * maximum, args.overload_seconds,
                              maximum / 2)
            healthz = [ms for ms, status in result["healthz"] if status == 200]
            not_ok = sum(1 for _, status in result["healthz"] if status != 200)
            r, w = result["reads"], result["writes"]
            others = server_errors(r) + server_errors(w) - status_count(
                r, lambda s: s == 503) - status_count(w, lambda s: s == 503)
            summary = ("overload %d s at %.0f req/s offered: served %.0f req/s, shed %d "
                       "(429/503), other 5xx %d, socket errors %d, reads p99 %.1f ms; /healthz "
                       "p50 %.2f p99 %.2f max %.2f ms (%d probes, %d not 200); back to p99 < "
                       "%.1f ms (baseline p99 %.1f ms) after %s s; server %s" % (
                           args.overload_seconds, 2 * maximum, r["rate"] + w["rate"],
                           shed(r) + shed(w), others, r["socket_errors"] + w["socket_errors"],
                           r["p99_ms"], percentile(healthz, 50), percentile(healthz, 99),
                           max(healthz or [float("nan")]), len(result["healthz"]), not_ok,
                           result["normal_p99_ms"], result["baseline_p99_ms"],
                           ("%.1f" % result["recovered_after_s"]
                            if result["recovered_after_s"] is not None else "never (> 30)"),
                           "alive" if server.alive() else "DEAD"))
            log(summary)
            result["summary"] = summary
            result["healthz"] = {"p50": percentile(healthz, 50), "p99": percentile(healthz, 99),
                                 "max": max(healthz or [0]), "probes": len(result["healthz"]),
                                 "not_ok": not_ok}
            report["overload"] = result
            if (not server.alive() or result["recovered_after_s"] is None or others
                    or percentile(healthz, 99) >= 100 or not_ok):
                failed.append(summary)
        live.stop()
    finally:
        if server and server.alive():
            report["exit_status"] = server.stop(timeout=60)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1)
        shutil.rmtree(work, ignore_errors=True)
    for failure in failed:
        log("MISSED: " + failure)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
