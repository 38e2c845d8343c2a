#!/usr/bin/env python3
"""What membership rules cost on the writer: setting a rule that brings in half of N people,
a manager-subtree rule over the whole org chart, and one profile edit re-evaluated against it.

    bench/membership_rules.py [BUILD_DIR] [PEOPLE]     (default build/release, 5000 people)

People are created through the API (10 teams of managers, half of them in Sales); each figure
is the wall time of one request, as the client sees it.
"""
import os, shutil, sys, tempfile, time

from agora_server import ADMIN_PASSWORD, Server, add_admin

build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
people = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
agora = os.path.join(build, "app", "agora")
data = tempfile.mkdtemp()
add_admin(agora, data)
server = Server(agora, data, ["--no-quotas", "--password-cost", "minimum"]).start()
try:
    conn = server.connect()

    def call(method, path, body=None, token=None):
        return server.api(method, path, body, token, conn=conn)

    def timed(method, path, body, token):
        start = time.perf_counter()
        out = call(method, path, body, token)
        return out, (time.perf_counter() - start) * 1000

    admin = server.login("admin", ADMIN_PASSWORD)
    top = call("POST", "/api/v1/users", {"username": "top", "display_name": "Top",
                                         "email": "top@example.com",
                                         "password": "password-123"}, admin)["id"]
    managers = [top]
    ids = []
    for i in range(people):
        user = call("POST", "/api/v1/users", {
            "username": f"person{i}", "display_name": f"P {i}", "email": f"p{i}@example.com",
            "password": "password-123", "department": "Sales" if i % 2 else "Support",
            "manager_id": managers[i % len(managers)]}, admin)
        ids.append(user["id"])
        if len(managers) < 10:
            managers.append(user["id"])
    community = call("POST", "/api/v1/communities",
                     {"name": "Rules bench", "visibility": "private"}, admin)["id"]
    path = f"/api/v1/communities/{community}/membership_rules"
    out, ms = timed("PUT", path, {"rules": [{"department": "Sales"}]}, admin)
    print(f"department rule over {people} people: {out['joined']} joined in {ms:.0f} ms")
    out, ms = timed("PUT", path, {"rules": [{"manager_id": top}]}, admin)
    print(f"manager-subtree rule: {out['joined']} joined, {out['left']} left in {ms:.0f} ms")
    _, ms = timed("PATCH", f"/api/v1/users/{ids[-1]}", {"department": "Sales"}, admin)
    print(f"one profile edit with a manager rule in force: {ms:.0f} ms")
    _, ms = timed("PATCH", f"/api/v1/users/{ids[-1]}", {"manager_id": None}, admin)
    print(f"moving one person out of the subtree: {ms:.0f} ms")
finally:
    server.stop()
    shutil.rmtree(data, ignore_errors=True)
