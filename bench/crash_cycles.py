#!/usr/bin/env python3
"""Crash cycles: a mixed workload from many clients against the real `agora serve`, killed with
SIGKILL at random moments, then checked after each restart.

Each cycle:
  1. workload (posts, edits, deletes, reactions, follows, joins and leaves from every client;
     bans, unbans, deactivations and reactivations from an admin), SIGKILL at a random moment;
  2. with the server down, on the database file: PRAGMA integrity_check is "ok"; every
     acknowledged write is there (a post with its last acknowledged text, or gone when its
     deletion was acknowledged; reactions, follows, memberships, bans, deactivations) and no
     write is there twice (one row per created post; counters equal to the rows they count);
     a write whose answer never came may be either way;
  3. restart; the search index equals the store within 5 s: the posts found for the workload's
     common word are exactly the live posts, and each post is found by its current text's
     unique word, not by an older one's;
  4. a quiet workload on the restarted server (timelines kept up by fan-out), then every
     client's home stream (first 3 pages of 100) is read, the server is stopped cleanly and
     started again (timelines rebuilt from the store), and the streams are read again: equal.

Usage: crash_cycles.py AGORA [--cycles 20] [--clients 12] [--seed N] [--keep DIR]
Prints one line per cycle and a summary; exit status 1 on the first failed check.
"""
import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from agora_server import Server, ServerError

PASSWORD = "crash-cycle-password"
WORD = "cyclework"  # in every workload post: one search finds them all


class Failed(Exception):
    pass


def check(ok, what):
    if not ok:
        raise Failed(what)


def start(server):
    """Starts the server; the seconds it took to answer on its port."""
    started = time.monotonic()
    try:
        server.start()
    except ServerError as error:
        raise Failed(str(error))
    return time.monotonic() - started


def stop(server):
    check(server.stop() == 0, "the server did not stop cleanly")


class Model:
    """What the clients were told: acknowledged writes, and those whose answer never came."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posts = {}         # id -> {"author", "marker", "texts": acknowledged or possible}
        self.deleted = set()    # deletion acknowledged
        self.maybe_deleted = set()
        self.unknown_creations = {}  # marker -> author: created, maybe, with no id known
        self.reactions = {}     # (post, user) -> True/False acknowledged
        self.maybe_reactions = set()
        self.follows = {}       # (follower, followee) -> bool
        self.maybe_follows = set()
        self.members = {}       # (community, user) -> bool
        self.maybe_members = set()
        self.banned = {}        # (community, user) -> bool
        self.maybe_banned = set()
        self.active = {}        # user -> bool
        self.maybe_active = set()
        self.acknowledged = 0


class Workload:
    def __init__(self, server, model, ids, tokens, clients, victims, communities, admin, rng):
        self.server, self.model, self.ids, self.tokens = server, model, ids, tokens
        self.clients, self.victims, self.communities, self.admin = clients, victims, communities, admin
        self.rng = rng
        self.stop = threading.Event()
        self.errors = []
        self.counter = 0
        self.counter_lock = threading.Lock()

    def unique(self):
        with self.counter_lock:
            self.counter += 1
            return "u%dx%d" % (self.counter, self.rng.randrange(1 << 30))

    def run(self, seconds=None):
        """Runs every client until stop is set (or `seconds` pass); returns the threads."""
        threads = [threading.Thread(target=self.client, args=(name, random.Random(self.rng.random())))
                   for name in self.clients]
        threads.append(threading.Thread(target=self.administrator,
                                        args=(random.Random(self.rng.random()),)))
        for t in threads:
            t.start()
        if seconds is not None:
            time.sleep(seconds)
            self.stop.set()
            for t in threads:
                t.join()
        return threads

    def request(self, method, path, body, token, on_answer, on_unknown):
        """One write: `on_answer(status, body)` when answered, `on_unknown()` when not."""
        try:
            status, answer = self.server.call(method, path, body, token)
        except Exception:
            with self.model.lock:
                on_unknown()
            return False
        if status >= 500:
            self.errors.append("%s %s answered %d: %s" % (method, path, status, answer))
        with self.model.lock:
            on_answer(status, answer)
        return True

    def client(self, name, rng):
        m, me, token = self.model, self.ids[name], self.tokens[name]
        while not self.stop.is_set():
            op = rng.random()
            with m.lock:
                mine = [p for p, post in m.posts.items()
                        if post["author"] == name and p not in m.deleted and p not in m.maybe_deleted]
                everyone = [p for p in m.posts if p not in m.deleted and p not in m.maybe_deleted]
            if op < 0.35 or not mine:
                marker, word = self.unique(), self.unique()
                text = "%s %s by %s %s" % (WORD, marker, name, word)
                body = {"text": text}
                community = rng.choice(self.communities + [None, None])
                with m.lock:
                    joined = community is not None and m.members.get((community, me)) is True
                if joined:
                    body["community_id"] = str(community)

                def created(status, answer, marker=marker, text=text):
                    if status == 201:
                        m.posts[int(answer["id"])] = {"author": name, "marker": marker,
                                                      "texts": [text], "word": text.split()[-1]}
                        m.acknowledged += 1
                    elif status != 429:  # a quota may refuse it: not acknowledged, no error
                        self.errors.append("post answered %d: %s" % (status, answer))
                ok = self.request("POST", "/api/v1/posts", body, token, created,
                                  lambda marker=marker: m.unknown_creations.__setitem__(marker, name))
            elif op < 0.50:
                post = rng.choice(mine)
                with m.lock:
                    marker = m.posts[post]["marker"]
                text = "%s %s by %s edited %s" % (WORD, marker, name, self.unique())

                def edited(status, answer, post=post, text=text):
                    if status == 200:
                        m.posts[post]["texts"] = [text]
                        m.posts[post]["word"] = text.split()[-1]
                        m.acknowledged += 1
                ok = self.request("PATCH", "/api/v1/posts/%d" % post, {"text": text}, token, edited,
                                  lambda post=post, text=text: m.posts[post]["texts"].append(text))
            elif op < 0.58:
                post = rng.choice(mine)

                def deleted(status, answer, post=post):
                    if status == 204:
                        m.deleted.add(post)
                        m.acknowledged += 1
                ok = self.request("DELETE", "/api/v1/posts/%d" % post, None, token, deleted,
                                  lambda post=post: m.maybe_deleted.add(post))
            elif op < 0.72 and everyone:
                post = rng.choice(everyone)
                add = rng.random() < 0.6

                def reacted(status, answer, post=post, add=add):
                    if status in (200, 204):
                        m.reactions[(post, me)] = add
                        m.acknowledged += 1
                ok = self.request("POST" if add else "DELETE", "/api/v1/posts/%d/reactions" % post,
                                  {"type": "like"} if add else None, token, reacted,
                                  lambda post=post: m.maybe_reactions.add((post, me)))
            elif op < 0.86:
                other = self.ids[rng.choice([c for c in self.clients if c != name])]
                add = rng.random() < 0.6

                def followed(status, answer, other=other, add=add):
                    if status in (200, 204):
                        m.follows[(me, other)] = add
                        m.acknowledged += 1
                ok = self.request("POST" if add else "DELETE", "/api/v1/users/%d/follow" % other,
                                  None, token, followed,
                                  lambda other=other: m.maybe_follows.add((me, other)))
            else:
                community = rng.choice(self.communities)
                join = rng.random() < 0.6

                def joined(status, answer, community=community, join=join):
                    if status in (200, 204):
                        m.members[(community, me)] = join
                        m.acknowledged += 1
                ok = self.request("POST", "/api/v1/communities/%d/%s" % (community, "join" if join else "leave"),
                                  None, token, joined,
                                  lambda community=community: m.maybe_members.add((community, me)))
            if not ok:
                return  # the server is gone: this client's last write is in doubt

    def administrator(self, rng):
        m, token = self.model, self.tokens[self.admin]
        while not self.stop.is_set():
            time.sleep(0.02)
            victim = self.ids[rng.choice(self.victims)]
            if rng.random() < 0.5:
                community = rng.choice(self.communities)
                ban = rng.random() < 0.5
                path = "/api/v1/communities/%d/bans" % community
                if not ban:
                    path += "/%d" % victim

                def banned(status, answer, community=community, ban=ban):
                    if status in (201, 204):
                        m.banned[(community, victim)] = ban
                        m.members[(community, victim)] = False
                        m.acknowledged += 1
                ok = self.request("POST" if ban else "DELETE", path,
                                  {"user_id": str(victim), "reason": "crash cycles"} if ban else None,
                                  token, banned,
                                  lambda community=community: (m.maybe_banned.add((community, victim)),
                                                               m.maybe_members.add((community, victim))))
            else:
                deactivate = rng.random() < 0.5
                path = "/api/v1/users/%d/%s" % (victim, "deactivate" if deactivate else "reactivate")

                def switched(status, answer, deactivate=deactivate):
                    if status == 200:
                        m.active[victim] = not deactivate
                        m.acknowledged += 1
                ok = self.request("POST", path, {} if deactivate else None, token, switched,
                                  lambda: m.maybe_active.add(victim))
            if not ok:
                return


def check_store(db_path, model):
    """Step 2: the database file against the model, with the server down."""
    db = sqlite3.connect(db_path)
    try:
        check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check failed")
        live = {row[0]: row[1] for row in
                db.execute("SELECT id, text FROM posts WHERE deleted_at IS NULL AND text LIKE ?",
                           ("%s %%" % WORD,))}
        every = {row[0]: (row[1], row[2]) for row in
                 db.execute("SELECT id, text, deleted_at FROM posts WHERE text LIKE ?", ("%s %%" % WORD,))}
        markers = {}
        for post_id, (text, _) in every.items():
            markers.setdefault(text.split()[1], []).append(post_id)
        for marker, ids in markers.items():
            check(len(ids) == 1, "post %s stored %d times" % (marker, len(ids)))
        for post_id, post in model.posts.items():
            check(post_id in every, "acknowledged post %d is missing" % post_id)
            if post_id in model.deleted:
                check(post_id not in live, "post %d is back after its deletion was acknowledged" % post_id)
            elif post_id not in model.maybe_deleted:
                check(post_id in live, "post %d is gone without an acknowledged deletion" % post_id)
                check(live[post_id] in post["texts"],
                      "post %d reads %r, not its last acknowledged text %r" % (post_id, live[post_id], post["texts"][0]))
        known = {p["marker"] for p in model.posts.values()} | set(model.unknown_creations)
        for marker in markers:
            check(marker in known, "post %s was never sent" % marker)
        # Unacknowledged creations that did land become known posts, so later cycles track them.
        for post_id, (text, deleted_at) in every.items():
            marker = text.split()[1]
            if post_id not in model.posts and marker in model.unknown_creations:
                model.posts[post_id] = {"author": model.unknown_creations.pop(marker), "marker": marker,
                                        "texts": [text], "word": text.split()[-1]}
                if deleted_at is not None:
                    model.deleted.add(post_id)

        def compare(name, acknowledged, maybe, present):
            for key, value in acknowledged.items():
                if key not in maybe:
                    check((key in present) == value, "%s %s: stored %s, acknowledged %s"
                          % (name, key, key in present, value))
        reactions = set(db.execute("SELECT post_id, user_id FROM reactions WHERE type = 'like'"))
        compare("reaction", {k: v for k, v in model.reactions.items() if k[0] in live},
                model.maybe_reactions, reactions)
        compare("follow", model.follows, model.maybe_follows, set(db.execute("SELECT follower_id, followee_id FROM follows")))
        compare("membership", model.members, model.maybe_members,
                set(db.execute("SELECT community_id, user_id FROM memberships WHERE state = 'member'")))
        compare("ban", model.banned, model.maybe_banned,
                set(db.execute("SELECT community_id, user_id FROM memberships WHERE state = 'banned'")))
        active = {row[0] for row in db.execute("SELECT id FROM users WHERE active = 1")}
        compare("active", {(u,): v for u, v in model.active.items()}, {(u,) for u in model.maybe_active},
                {(u,) for u in active})
        # Counters hold exactly what they count: nothing applied twice.
        for post_id, stored, counted in db.execute(
                "SELECT p.id, p.reactions_count, (SELECT COUNT(*) FROM reactions r WHERE r.post_id = p.id) "
                "FROM posts p WHERE p.deleted_at IS NULL"):
            check(stored == counted, "post %d counts %d reactions, has %d" % (post_id, stored, counted))
        for community, stored, counted in db.execute(
                "SELECT c.id, c.members_count, (SELECT COUNT(*) FROM memberships m "
                "WHERE m.community_id = c.id AND m.state = 'member') FROM communities c"):
            check(stored == counted, "community %d counts %d members, has %d" % (community, stored, counted))
        # The model follows the store from here on for writes whose answer never came.
        for key in model.maybe_reactions:
            model.reactions[key] = key in reactions
        model.maybe_reactions.clear()
        for key in model.maybe_follows:
            model.follows[key] = key in set(db.execute("SELECT follower_id, followee_id FROM follows"))
        model.maybe_follows.clear()
        members = set(db.execute("SELECT community_id, user_id FROM memberships WHERE state = 'member'"))
        banned = set(db.execute("SELECT community_id, user_id FROM memberships WHERE state = 'banned'"))
        for key in model.maybe_members:
            model.members[key] = key in members
        model.maybe_members.clear()
        for key in model.maybe_banned:
            model.banned[key] = key in banned
        model.maybe_banned.clear()
        for user in model.maybe_active:
            model.active[user] = user in active
        model.maybe_active.clear()
        for post_id in model.maybe_deleted:
            if post_id not in live:
                model.deleted.add(post_id)
            else:
                model.posts[post_id]["texts"] = [live[post_id]]
        model.maybe_deleted.clear()
        for post_id, post in model.posts.items():
            if post_id in live and len(post["texts"]) > 1:
                post["texts"] = [live[post_id]]
            if post_id in live:
                post["word"] = live[post_id].split()[-1]
        return live
    finally:
        db.close()


def check_search(server, admin_token, live, rng):
    """Step 3: the index equals the store within 5 s. Returns the seconds it took."""
    started = time.monotonic()
    deadline = started + 5
    expected = set(live)
    while True:
        found, offset = set(), 0
        while True:
            status, answer = server.call("GET", "/api/v1/search/posts?q=%s&limit=100&offset=%d" % (WORD, offset),
                                         token=admin_token)
            check(status == 200, "search answered %d: %s" % (status, answer))
            found |= {int(r["post"]["id"]) for r in answer["results"]}
            if "next_offset" not in answer:
                break
            offset = answer["next_offset"]
        if found == expected:
            break
        if time.monotonic() > deadline:
            raise Failed("search differs from the store after 5 s: %d missing, %d stale"
                         % (len(expected - found), len(found - expected)))
        time.sleep(0.1)
    for post_id in rng.sample(sorted(live), min(20, len(live))):
        word = live[post_id].split()[-1]
        status, answer = server.call("GET", "/api/v1/search/posts?q=%s" % word, token=admin_token)
        check(status == 200 and [int(r["post"]["id"]) for r in answer["results"]] == [post_id],
              "post %d is not the one answer for its word %s: %s" % (post_id, word, answer))
    return time.monotonic() - started


def home_streams(server, tokens, clients):
    streams = {}
    for name in clients:
        ids, path = [], "/api/v1/feeds/home?limit=100"
        for _ in range(3):
            status, page = server.call("GET", path, token=tokens[name])
            check(status == 200, "home of %s answered %d" % (name, status))
            ids += [item["object"]["agora:post"]["id"] for item in page["orderedItems"]]
            if "next" not in page:
                break
            # An absolute URL on the public URL, which changes with the port at each restart.
            link = urllib.parse.urlsplit(page["next"])
            path = link.path + "?" + link.query
        streams[name] = ids
    return streams


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("agora")
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", help="data folder to use and keep (default: a temporary one)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    data = args.keep or tempfile.mkdtemp(prefix="agora-crash-")
    os.makedirs(data, exist_ok=True)
    print("crash cycles: seed %d, data %s" % (seed, data), flush=True)

    admin = "cycle.admin"
    subprocess.run([args.agora, "user", "add", "--data", data, "--password-cost", "minimum",
                    "--username", admin, "--display-name", "Cycle Admin", "--email",
                    "cycle.admin@example.com", "--admin"], input=PASSWORD + "\n", text=True,
                   check=True, stdout=subprocess.DEVNULL)
    # No queue deadline: a busy machine makes requests wait without the server being overloaded,
    # and a write shed with 503 would be neither acknowledged nor a durability finding.
    server = Server(args.agora, data, ["--password-cost", "minimum", "--max-queue-wait-ms", "0"])
    start(server)
    clients = ["cycle.c%02d" % i for i in range(args.clients)]
    victims = ["cycle.v%d" % i for i in range(3)]
    ids, tokens = {}, {}
    for name in [admin] + clients + victims:
        if name != admin:
            status, user = server.call("POST", "/api/v1/users", {
                "username": name, "display_name": name, "email": name + "@example.com",
                "password": PASSWORD}, tokens[admin])
            check(status == 201, "creating %s answered %d: %s" % (name, status, user))
        status, login = server.call("POST", "/api/v1/auth/login", {"username": name, "password": PASSWORD})
        check(status == 200, "login of %s answered %d" % (name, status))
        ids[name], tokens[name] = int(login["user"]["id"]), login["token"]
    communities = []
    for i in range(3):
        status, community = server.call("POST", "/api/v1/communities", {
            "name": "Cycle room %d" % i, "description": "crash cycles", "visibility": "open"}, tokens[admin])
        check(status == 201, "creating a community answered %d" % status)
        communities.append(int(community["id"]))
    model = Model()
    for name in victims:
        model.active[ids[name]] = True

    totals = {"acknowledged": 0, "restart_s": [], "search_s": [], "kill_after_s": []}
    try:
        for cycle in range(1, args.cycles + 1):
            before = model.acknowledged
            work = Workload(server, model, ids, tokens, clients, victims, communities, admin, rng)
            threads = work.run()
            kill_after = rng.uniform(0.3, 2.5)
            time.sleep(kill_after)
            server.kill()
            work.stop.set()
            for t in threads:
                t.join()
            check(not work.errors, "server errors: %s" % work.errors[:3])
            live = check_store(os.path.join(data, "agora.db"), model)
            # Deactivation ended a victim's sessions; the victims write nothing, so no new login.
            restart_s = start(server)
            search_s = check_search(server, tokens[admin], live, rng)

            quiet = Workload(server, model, ids, tokens, clients, victims, communities, admin, rng)
            quiet.run(seconds=1.0)
            check(not quiet.errors, "server errors: %s" % quiet.errors[:3])
            time.sleep(0.2)
            served = home_streams(server, tokens, clients)
            stop(server)
            live = check_store(os.path.join(data, "agora.db"), model)
            start(server)
            rebuilt = home_streams(server, tokens, clients)
            for name in clients:
                check(served[name] == rebuilt[name],
                      "home of %s differs after a restart: %d items served, %d rebuilt"
                      % (name, len(served[name]), len(rebuilt[name])))
            done = model.acknowledged - before
            totals["acknowledged"] += done
            totals["restart_s"].append(restart_s)
            totals["search_s"].append(search_s)
            totals["kill_after_s"].append(kill_after)
            print("cycle %d: killed after %.2f s, %d acknowledged writes, %d live posts; store ok, "
                  "restart %.2f s, search equal after %.2f s, %d home streams equal"
                  % (cycle, kill_after, done, len(live), restart_s, search_s, len(clients)), flush=True)
    except Failed as failure:
        print("crash cycles FAILED: %s (seed %d, data %s)" % (failure, seed, data), flush=True)
        if server.alive():
            server.kill()
        return 1
    stop(server)
    print("crash cycles: %d cycles passed, %d acknowledged writes, restart max %.2f s, "
          "search equal after max %.2f s" % (args.cycles, totals["acknowledged"],
                                             max(totals["restart_s"]), max(totals["search_s"])))
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
