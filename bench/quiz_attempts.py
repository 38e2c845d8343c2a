#!/usr/bin/env python3
"""Scoring 10,000 quiz attempts over HTTP: attempts/s and latency percentiles.

    bench/quiz_attempts.py [BUILD_DIR] [ATTEMPTS] [CLIENTS]   (default build/ci 10000 8)

A 20-question quiz (4 choices each, one or two correct); 100 people each make ATTEMPTS/100
attempts (the daily limit set to 100), from CLIENTS threads with keep-alive connections. Every
attempt is one transaction that reads the quiz, counts the person's attempts of the last 24
hours, writes the attempt and, on a first pass, the verified skill.
"""
import os, shutil, sys, tempfile, threading, time

from agora_server import ADMIN_PASSWORD, Server, add_admin

build = sys.argv[1] if len(sys.argv) > 1 else "build/ci"
attempts = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
clients = int(sys.argv[3]) if len(sys.argv) > 3 else 8
people = 100
agora = os.path.join(build, "app", "agora")
data = tempfile.mkdtemp()
server = None
try:
    add_admin(agora, data)
    server = Server(agora, data, ["--no-quotas"]).start()
    call, login = server.api, server.login
    admin = login("admin", ADMIN_PASSWORD)
    questions = [{"text": f"Question {i}?", "choices": [f"c{i}-{k}" for k in range(4)],
                  "correct": [i % 4] if i % 3 else [0, 3], "explanation": f"because {i}"}
                 for i in range(20)]
    quiz = call("POST", "/api/v1/quizzes",
                {"title": "Bench quiz", "skill": "benchmarking", "questions": questions,
                 "pass_mark": 0.8, "max_attempts_per_day": 100}, admin)["id"]
    tokens = []
    for i in range(people):
        name = f"taker{i}"
        call("POST", "/api/v1/users", {"username": name, "display_name": name,
                                       "email": name + "@example.com",
                                       "password": "password-123"}, admin)
        tokens.append(login(name, "password-123"))

    right = [q["correct"] for q in questions]
    wrong = [[(q["correct"][0] + 1) % 4] for q in questions]
    plan = [(tokens[n % people], right if n % 5 == 0 else right[:15] + wrong[15:])
            for n in range(attempts)]
    latencies, lock, cursor = [], threading.Lock(), [0]

    def worker():
        conn = server.connect()
        mine = []
        while True:
            with lock:
                if cursor[0] >= len(plan):
                    break
                token, answers = plan[cursor[0]]
                cursor[0] += 1
            start = time.perf_counter()
            call("POST", f"/api/v1/quizzes/{quiz}/attempts", {"answers": answers}, token, conn=conn)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    begin = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    print(f"{len(latencies)} attempts of a 20-question quiz, {clients} clients: "
          f"{len(latencies) / elapsed:.0f} attempts/s, p50 {pct(0.5):.1f} ms, "
          f"p99 {pct(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms")
finally:
    if server:
        server.stop()
    shutil.rmtree(data, ignore_errors=True)
