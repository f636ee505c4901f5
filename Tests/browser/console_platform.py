"""A real Soko platform for the console's browser tests: `soko serve` on a free loopback port
(every bundle, SQLite in a temporary folder, the payment sandbox), an admin account made with
`soko users create-admin`, and small JSON/HTTP helpers for what the test does without a browser.
"""
import json
import os
import queue
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "admin@example.com"
PASSWORD = "console admin password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Platform:
    """`soko serve` until `stop()`; `url` is its base URL."""

    def __init__(self):
        self.binary = os.environ.get("SOKO_BIN", str(ROOT / ".build/debug/soko"))
        self.data = tempfile.mkdtemp(prefix="soko-console-browser-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            SOKO_ENV="development",
            SOKO_DATA=self.data,
            SOKO_HOST="127.0.0.1",
            SOKO_PORT=str(self.port),
            SOKO_LOOPS="1",
            SOKO_PUBLIC_URL=self.url,
            SOKO_WEB_SECRET="browser-tests-web-secret-0123456789abcdef",
            SOKO_ARGON2_MEMORY_KIB="1024",
            SOKO_RATE_LIMITS="off",
            SOKO_ACCESS_LOG="off",
            SOKO_SANDBOX_CALLBACK_DELAY_MS="200",
            SOKO_MANIFESTS=str(ROOT / "manifests/functions"),
        )
        self.process = subprocess.Popen(
            [self.binary, "serve"], cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self._wait_until_listening(deadline=time.monotonic() + 60)
        created = subprocess.run(
            [self.binary, "users", "create-admin", "--email", ADMIN_EMAIL],
            cwd=ROOT, env=self.env, input=PASSWORD + "\n", text=True, capture_output=True, timeout=60,
        )
        if created.returncode != 0:
            self.stop()
            raise RuntimeError(f"create-admin failed: {created.stdout} {created.stderr}")

    def _pump(self):
        for line in self.process.stdout:
            self.lines.put(line)

    def _wait_until_listening(self, deadline):
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.25)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError("soko serve exited: " + "".join(seen))
                continue
            seen.append(line)
            if '"listening"' in line or "listening" in line and str(self.port) in line:
                return
        raise RuntimeError("soko serve did not start listening: " + "".join(seen[-20:]))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    # --- HTTP without a browser ------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, form=None):
        """(status, headers, text) of one request; redirects are not followed."""
        data = None
        headers = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def json(self, method, path, body=None, token=None, headers=None):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, _, text = self.request(method, path, body=body, headers=headers)
        return status, (json.loads(text) if text else None)

    def login(self, email, password):
        status, tokens = self.json("POST", "/auth/login", {"email": email, "password": password})
        assert status == 200, tokens
        return tokens["access_token"]

    def register(self, email, password, name):
        status, body = self.json("POST", "/users/register", {"email": email, "password": password, "name": name})
        assert status == 201, body
        return self.login(email, password)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


import urllib.parse  # noqa: E402  (used by Platform.request)


def poll(condition, timeout=30, interval=0.1):
    """Polls `condition()` until it is truthy or `timeout` passes; returns its last value."""
    deadline = time.monotonic() + timeout
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = condition()
    return value
