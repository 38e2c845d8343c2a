#!/usr/bin/env python3
"""Expert-finding relevance on a real corpus, measured through the public HTTP API.

    bench/relevance_real.py CORPUS_DIR [--build build/ci] [--keep-data DIR] [--threads 8]
                            [--topics topics-dev.json] [--per-topic] [--reindex]

CORPUS_DIR holds `posts.jsonl.xz`, `people.json`, a topics file and `metrics.py` (the format of
/work/shared/relevance, README there); the corpus is read from there, never copied. The script
starts `agora serve --no-quotas` (minimum password cost; logins from one made-up address per
person through `--trusted-proxy`, past the 1,000 logins an address may make) on a data folder, creates every person through
`POST /api/v1/users` (as an admin), posts each text as its author from several keep-alive
threads, waits until `agora_search_index_lag` is 0, then asks `/search/experts` (limit 10) with
each topic's `q_en` and `q_fr` and prints nDCG@10, P@5 and MRR overall and per language with the
corpus's `metrics.score`. It also asks `/search/posts` with each query and prints P@5 of posts
(a post counts when its author is one of the topic's experts).

Loading takes minutes. With `--keep-data DIR` the loaded folder is kept there: when DIR already
holds a loaded corpus, only the queries run. A ranking change that changes what is indexed
needs the index rebuilt: add `--reindex` (runs `agora reindex --data DIR`; the store stays loaded).
"""
import argparse, http.client, importlib.util, json, lzma, os, re, shutil, subprocess, sys
import tempfile, threading, time, urllib.parse

ADMIN, ADMIN_PASSWORD = "relevance-admin", "admin-password-1"
PASSWORD = "corpus-password-1"
LOADED_MARK = "relevance-loaded"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("corpus")
    p.add_argument("--build", default="build/ci")
    p.add_argument("--keep-data", help="data folder kept (and reused) between runs")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--topics", default="topics-dev.json", help="topics file in the corpus folder")
    p.add_argument("--per-topic", action="store_true", help="print each topic's figures")
    p.add_argument("--reindex", action="store_true",
                   help="rebuild the kept folder's index first (after a change to indexing)")
    return p.parse_args()


class Server:
    def __init__(self, agora, data):
        self.process = subprocess.Popen(
            [agora, "serve", "--data", data, "--listen", "127.0.0.1:0", "--no-quotas",
             "--password-cost", "minimum", "--trusted-proxy", "127.0.0.1/32"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        host, port = self.process.stdout.readline().split()[-1].rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.local = threading.local()

    def connection(self):
        if not hasattr(self.local, "conn"):
            self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return self.local.conn

    def call(self, method, path, body=None, token=None, ok=(200, 201, 204), client=None):
        headers = {"Content-Type": "application/json"}
        if client:  # the address a login is counted against (1,000 logins an hour each)
            headers["X-Forwarded-For"] = client
        if token:
            headers["Authorization"] = "Bearer " + token
        for attempt in range(3):
            conn = self.connection()
            try:
                conn.request(method, path, json.dumps(body) if body is not None else None, headers)
                r = conn.getresponse()
                payload = r.read()
                break
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                del self.local.conn
                if attempt == 2:
                    raise
        if r.status not in ok:
            raise RuntimeError(f"{method} {path}: {r.status} {payload[:300]!r}")
        return json.loads(payload) if payload and r.getheader("Content-Type", "").startswith(
            "application/json") else payload.decode()

    def login(self, username, password, client=None):
        return self.call("POST", "/api/v1/auth/login",
                         {"username": username, "password": password}, client=client)["token"]

    def metric(self, name):
        m = re.search(rf"^{name} (\d+)", self.call("GET", "/metrics"), re.M)
        return int(m.group(1)) if m else None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


def parallel(items, threads, work):
    """Runs work(item) over items from `threads` threads; returns the results in order."""
    results, cursor, lock, errors = [None] * len(items), [0], threading.Lock(), []

    def run():
        while not errors:
            with lock:
                i = cursor[0]
                cursor[0] += 1
            if i >= len(items):
                return
            try:
                results[i] = work(items[i])
            except Exception as e:  # reported once all threads stop
                errors.append(e)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    return results


def load(server, corpus, threads):
    people = json.load(open(os.path.join(corpus, "people.json")))
    admin = server.login(ADMIN, ADMIN_PASSWORD)
    begin = time.perf_counter()

    def create(numbered):
        number, person = numbered
        server.call("POST", "/api/v1/users",
                    {"username": person["username"], "display_name": person["display_name"],
                     "email": person["username"] + "@corpus.example", "password": PASSWORD}, admin)
        return server.login(person["username"], PASSWORD, f"10.0.{number // 250}.{number % 250 + 1}")

    tokens = dict(zip((p["username"] for p in people),
                      parallel(list(enumerate(people)), threads, create)))
    print(f"{len(people)} people in {time.perf_counter() - begin:.0f} s", file=sys.stderr)
    with lzma.open(os.path.join(corpus, "posts.jsonl.xz"), "rt", encoding="utf-8") as f:
        posts = [json.loads(line) for line in f]
    begin = time.perf_counter()
    # Posts refuse control characters but line breaks; a few descriptions hold tabs.
    control = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
    parallel(posts, threads, lambda p: server.call(
        "POST", "/api/v1/posts", {"text": control.sub(" ", p["text"])}, tokens[p["author"]]))
    print(f"{len(posts)} posts in {time.perf_counter() - begin:.0f} s", file=sys.stderr)
    return len(people) + 1 + len(posts)  # search documents, the admin among the people


def wait_for_index(server, documents):
    """Waits until the index holds `documents` and has applied every change."""
    begin = time.perf_counter()
    while (server.metric("agora_search_index_lag") != 0
           or server.metric("agora_search_documents") < documents):
        if time.perf_counter() - begin > 3600:
            raise RuntimeError("the index has not caught up in an hour")
        time.sleep(0.5)
    print(f"index caught up in {time.perf_counter() - begin:.0f} s", file=sys.stderr)


def run_queries(server, topics, threads):
    token = server.login(ADMIN, ADMIN_PASSWORD)
    queries = [(t["tag"], lang, t["q_" + lang]) for t in topics for lang in ("en", "fr")]

    def ask(query):
        tag, lang, q = query
        qs = urllib.parse.quote(q)
        experts = server.call("GET", f"/api/v1/search/experts?q={qs}&limit=10", token=token)
        posts = server.call("GET", f"/api/v1/search/posts?q={qs}&limit=5", token=token)
        return ([r["user"]["username"] for r in experts["results"]],
                [r["post"]["author"]["username"] for r in posts["results"]])

    answers = parallel(queries, threads, ask)
    experts = {(tag, lang): a[0] for (tag, lang, _), a in zip(queries, answers)}
    post_authors = {(tag, lang): a[1] for (tag, lang, _), a in zip(queries, answers)}
    return experts, post_authors


def report(metrics, topics, experts, post_authors, per_topic):
    def post_p5(lang):
        rows = [sum(1 for u in post_authors[(t["tag"], l)][:5] if u in t["experts"]) / 5
                for t in topics for l in ("en", "fr") if lang in (None, l)]
        return sum(rows) / len(rows)

    print(f"{'queries':<10} {'nDCG@10':>8} {'P@5':>6} {'MRR':>6} {'posts P@5':>10}")
    for lang in (None, "en", "fr"):
        runs = {k: v for k, v in experts.items() if lang in (None, k[1])}
        ndcg, p5, mrr = metrics.score(runs, topics)
        print(f"{lang or 'all':<10} {ndcg:8.3f} {p5:6.3f} {mrr:6.3f} {post_p5(lang):10.3f}")
    if per_topic:
        for t in topics:
            for lang in ("en", "fr"):
                ndcg, p5, mrr = metrics.score({(t["tag"], lang): experts[(t["tag"], lang)]}, [t])
                print(f"  {t['tag']:<28} {lang} {t['q_' + lang]:<32} "
                      f"{ndcg:.3f} {p5:.3f} {mrr:.3f}")


def main():
    args = parse_args()
    corpus = os.path.abspath(args.corpus)
    spec = importlib.util.spec_from_file_location("metrics", os.path.join(corpus, "metrics.py"))
    metrics = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(metrics)
    topics = json.load(open(os.path.join(corpus, args.topics)))
    agora = os.path.join(args.build, "app", "agora")
    data = args.keep_data or tempfile.mkdtemp(prefix="relevance-")
    mark = os.path.join(data, LOADED_MARK)  # holds the number of search documents loaded
    loaded = os.path.exists(mark)
    if loaded and args.reindex:
        subprocess.run([agora, "reindex", "--data", data], check=True, stderr=subprocess.DEVNULL)
    if not loaded:
        os.makedirs(data, exist_ok=True)
        subprocess.run([agora, "user", "add", "--data", data, "--username", ADMIN,
                        "--display-name", "Relevance admin", "--email", "admin@corpus.example",
                        "--admin"], input=ADMIN_PASSWORD + "\n", text=True, check=True,
                       capture_output=True)
    server = Server(agora, data)
    try:
        if loaded:
            documents = int(open(mark).read())
        else:
            documents = load(server, corpus, args.threads)
        wait_for_index(server, documents)
        if not loaded:
            with open(mark, "w") as f:
                f.write(str(documents))
        experts, post_authors = run_queries(server, topics, args.threads)
    finally:
        server.stop()
        if not args.keep_data:
            shutil.rmtree(data, ignore_errors=True)
    report(metrics, topics, experts, post_authors, args.per_topic)


if __name__ == "__main__":
    main()
