"""Starts the real platform for the browser tests: `soko serve` (embedded default: every bundle,
SQLite under a temporary SOKO_DATA, the payment sandbox) on a free loopback port and, when asked,
the generated nginx gateway in front of it. Selenium drives Debian's headless Chromium.

    with Platform(gateway=True) as platform:
        driver = new_driver(360)
        driver.get(platform.url + "/")
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOKO = os.environ.get("SOKO_BIN", os.path.join(REPOSITORY, ".build", "debug", "soko"))
SCREENSHOTS = os.environ.get("SOKO_SCREENSHOTS", os.path.join(REPOSITORY, "Tests", "browser", "screenshots"))
ADMIN_PASSWORD = "admin password for the browser tests"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, deadline_seconds=30, process=None):
    """Polls `url` until it answers (any status below 500), within the deadline."""
    deadline = time.monotonic() + deadline_seconds
    last = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
            last = error
        except OSError as error:
            last = error
        time.sleep(0.1)  # polling interval with a deadline, not a synchronisation sleep
    raise TimeoutError(f"{url} did not answer within {deadline_seconds}s: {last}")


class Platform:
    """One running platform; `url` is where a browser goes (the gateway when there is one)."""

    def __init__(self, gateway=False, environment=None):
        self.gateway = gateway
        self.extra = environment or {}
        self.folder = tempfile.mkdtemp(prefix="soko-browser-")
        self.port = free_port()
        self.direct = f"http://127.0.0.1:{self.port}"
        self.url = self.direct
        self.processes = []
        self._admin = None

    @property
    def environment(self):
        env = dict(os.environ)
        env.update({
            "SOKO_ENV": "development",
            "SOKO_DATA": os.path.join(self.folder, "data"),
            "SOKO_RATE_LIMITS": "off",
            "SOKO_ARGON2_MEMORY_KIB": "1024",
            "SOKO_PUBLIC_URL": self.direct,
            "SOKO_SANDBOX_CALLBACK_DELAY_MS": "300",
            "SOKO_SANDBOX_WEBHOOK_DELAY_MS": "100",
            "SOKO_EVENT_POLL_MS": "200",
            "SOKO_LOOPS": "1",
        })
        env.update(self.extra)
        return env

    def __enter__(self):
        subprocess.run([SOKO, "seed"], cwd=REPOSITORY, env=self.environment, check=True, capture_output=True, timeout=120)
        log = open(os.path.join(self.folder, "soko.log"), "wb")
        serve = subprocess.Popen(
            [SOKO, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=REPOSITORY, env=self.environment, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(serve)
        wait_for(self.direct + "/readyz", process=serve)
        if self.gateway:
            self._start_gateway()
        return self

    def _start_gateway(self):
        port = free_port()
        conf = os.path.join(self.folder, "nginx.conf")
        os.makedirs(os.path.join(self.folder, "logs"), exist_ok=True)
        subprocess.run(
            [SOKO, "render", "nginx", "--env", "development", "--allowlist", "off", "--output", conf,
             "--listen", f"127.0.0.1:{port}", "--upstream", f"*=127.0.0.1:{self.port}",
             "--pid-file", os.path.join(self.folder, "nginx.pid")],
            cwd=REPOSITORY, env=self.environment, check=True, capture_output=True, timeout=60)
        log = open(os.path.join(self.folder, "nginx.log"), "wb")
        nginx = subprocess.Popen(
            ["nginx", "-p", self.folder, "-c", conf, "-g", "daemon off; error_log stderr;"],
            stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(nginx)
        self.url = f"http://127.0.0.1:{port}"
        wait_for(self.url + "/", process=nginx)

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self):
        with open(os.path.join(self.folder, "soko.log"), "rb") as handle:
            return handle.read().decode("utf-8", "replace")

    def api(self, method, path, json_body=None, token=None, headers=None):
        """A JSON API call on the platform (direct); returns (status, parsed body or text)."""
        data = None if json_body is None else json.dumps(json_body).encode()
        request = urllib.request.Request(self.direct + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        try:
            return status, json.loads(body) if body else None
        except ValueError:
            return status, body.decode("utf-8", "replace")

    def page(self, method, path, form=None, headers=None):
        """(status, headers, text) of one request through `url` (the gateway when there is one), the
        way a browser without JavaScript sends it; redirects are not followed."""
        data = None if form is None else urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=dict(headers or {}))
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def login(self, email, password):
        """An access token for `email` (users.login, direct)."""
        status, tokens = self.api("POST", "/auth/login", {"email": email, "password": password})
        assert status == 200, tokens
        return tokens["access_token"]

    def register(self, email, password, name):
        """Registers a customer through the JSON API and returns an access token."""
        status, body = self.api("POST", "/users/register", {"email": email, "password": password, "name": name})
        assert status == 201, body
        return self.login(email, password)

    def admin_token(self, email="admin@example.com"):
        """An access token of an admin account made with `soko users create-admin`."""
        if self._admin is None:
            subprocess.run(
                [SOKO, "users", "create-admin", "--email", email], input=ADMIN_PASSWORD.encode(), cwd=REPOSITORY,
                env=self.environment, check=True, capture_output=True, timeout=60)
            status, body = self.api("POST", "/auth/login", {"email": email, "password": ADMIN_PASSWORD})
            assert status == 200, body
            self._admin = body["access_token"]
        return self._admin


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def poll(condition, timeout=30, interval=0.1):
    """Polls `condition()` until it is truthy or `timeout` passes; returns its last value."""
    deadline = time.monotonic() + timeout
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)  # polling interval with a deadline, not a synchronisation sleep
        value = condition()
    return value


def new_driver(width=360, height=800):
    """Headless Chromium (Debian's) through its chromedriver, `width` CSS pixels wide."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_window_size(width, height)
    return driver


def screenshot(driver, name):
    """Saves the page as `Tests/browser/screenshots/<name>.png` (gitignored)."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, name + ".png")
    driver.save_screenshot(path)
    return path
