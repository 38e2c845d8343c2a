"""What the Python scripts of bench/ share: a real `agora serve` on a loopback port, an admin
made on the command line before it starts, and JSON calls to it."""
import http.client
import json
import signal
import subprocess

ADMIN_PASSWORD = "admin-password-1"


def add_admin(agora, data, username="admin", extra=()):
    """Creates an admin account in `data` with ADMIN_PASSWORD (the server must not be running)."""
    subprocess.run([agora, "user", "add", "--data", data, "--username", username,
                    "--display-name", username.title(), "--email", username + "@example.com",
                    "--admin", *extra],
                   input=ADMIN_PASSWORD + "\n", text=True, check=True, capture_output=True)


class ServerError(Exception):
    pass


class Server:
    """`agora serve --data DATA` on 127.0.0.1 at the port it picks, read from its first line.
    `core` pins it to one CPU (taskset), so the load generator can have the other."""

    def __init__(self, agora, data, args=(), core=None, log_path=None):
        pin = ["taskset", "-c", str(core)] if core is not None else []
        self.command = pin + [agora, "serve", "--data", data, "--listen", "127.0.0.1:0",
                              "--web-root", data + "/no-web", *args]
        self.data, self.proc, self.host, self.port = data, None, None, None
        self.log_path = log_path  # where its log lines go (else nowhere)

    def start(self):
        log = open(self.log_path, "a") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=log, text=True)
        if self.log_path:
            log.close()  # the server holds its own descriptor
        line = self.proc.stdout.readline()
        if not line.startswith("listening on"):
            self.kill()
            raise ServerError("the server did not start: %r" % line)
        self.host, port = line.strip().split()[-1].rsplit(":", 1)
        self.port = int(port)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout=30):
        """SIGTERM, then the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def connect(self, timeout=30):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, token=None, headers=None, timeout=30, conn=None):
        """One request, on `conn` (kept open) or on a connection of its own; (response, bytes)."""
        own = conn is None
        conn = conn or self.connect(timeout)
        try:
            sent = {"Content-Type": "application/json", **(headers or {})}
            if token:
                sent["Authorization"] = "Bearer " + token
            conn.request(method, path, json.dumps(body) if body is not None else None, sent)
            response = conn.getresponse()
            return response, response.read()
        finally:
            if own:
                conn.close()

    def call(self, method, path, body=None, token=None, **options):
        """(status, the JSON answer or None)."""
        response, raw = self.request(method, path, body, token, **options)
        return response.status, (json.loads(raw) if raw else None)

    def api(self, method, path, body=None, token=None, **options):
        """The JSON answer of a request that must succeed (a 2xx); ServerError otherwise."""
        response, raw = self.request(method, path, body, token, **options)
        if response.status >= 300:
            raise ServerError("%s %s: %d %r" % (method, path, response.status, raw[:300]))
        return json.loads(raw) if raw else None

    def login(self, username, password):
        return self.api("POST", "/api/v1/auth/login",
                        {"username": username, "password": password})["token"]
