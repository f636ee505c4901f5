"""Chaos on the real scale-out path (issue 15): replicas killed with SIGKILL under the shop's mix.

Usage: chaos.py --soko BIN --postgres URL [--seconds 60] [--workers 10] [--kill-every 3]

Two replicas of every unit the Kubernetes base deploys (plus the payment sandbox, development's
stand-in for Daraja and Stripe) on one PostgreSQL, each unit behind a load-balancing nginx of its
own (what a Service is in a cluster: SOKO_SERVICE_URL_<UNIT> points at it), all behind the real
gateway rendered by `soko render nginx`; mail over SMTP with STARTTLS to a real server (aiosmtpd).
Shoppers browse, search, fill carts, place orders (retrying a failed request with the same
Idempotency-Key, as a client should) and pay half with M-Pesa and half by card. Every few seconds a
replica is killed (SIGKILL) and started again a second later: at random, the holder of a service's
event-relay lease (found by elimination: the lease stops being renewed when its holder dies), and
one of Payments' replicas while a payment request is in flight.

At the end, after the outboxes drain, it checks from the databases and the mail sink: every order
answered 2xx exists exactly once; no order is paid twice and no charge lacks its paid order;
every paid order has exactly one receipt (Message-ID); stock never went negative and every
reservation settled with its order; no event was lost (outboxes fanned out, deliveries done, dead
letters listed with their errors). Exits 1 when an invariant fails.
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDRESS = {"name": "Chaos", "line1": "1 Moi Avenue", "city": "Nairobi", "country": "KE"}
PREFIX = "chaos_"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    def __init__(self, url):
        self.url = url

    def rows(self, sql):
        out = subprocess.run(["psql", self.url, "-At", "-F", "\t", "-c", sql], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError("psql: %s: %s" % (sql, out.stderr.strip()))
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def value(self, sql):
        rows = self.rows(sql)
        return rows[0][0] if rows else None


class Replica:
    def __init__(self, unit, index, soko, environment, work):
        self.unit, self.index, self.soko, self.environment = unit, index, soko, environment
        self.port = free_port()
        self.log = os.path.join(work, "%s-%d.log" % (unit, index))
        self.process = None
        self.killed = False
        # Guards process/killed: the killer and the kubelet thread both look at them.
        self.lock = threading.Lock()

    def start(self):
        # Under the lock, so the kubelet thread never sees the killed process as not killed (it would
        # count it as a crash and start the replica twice).
        with self.lock:
            self.process = subprocess.Popen(
                [self.soko, "serve", "--unit", self.unit, "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.environment, stdout=open(self.log, "a"), stderr=subprocess.STDOUT)
            self.killed = False

    def crashed(self):
        """Whether the replica's process exited without being killed."""
        with self.lock:
            return self.process is not None and not self.killed and self.process.poll() is not None

    def kill(self):
        with self.lock:
            self.killed = True
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def last_error(self):
        lines = [line for line in open(self.log).read().splitlines() if line.strip()]
        return lines[-1][:160] if lines else ""

    def ready(self):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/readyz")
            return connection.getresponse().status == 200
        except OSError:
            return False


def units():
    """The units the base deploys, and development's payment sandbox."""
    names = []
    for folder in ("manifests/k8s/base", "manifests/k8s/overlays/dev"):
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if name.endswith(".yaml"):
                text = open(os.path.join(ROOT, folder, name)).read()
                match = re.search(r'args: \["serve", "--unit", "([a-z0-9-]+)"\]', text)
                if match and match.group(1) != "examples":
                    names.append(match.group(1))
    return names


def mesh_config(work, services):
    """nginx as the cluster's Services: one listener per unit, balancing its two replicas, passing
    a request to the other replica when one refuses the connection (as endpoints drop a dead pod)."""
    out = ["worker_processes 1;", "pid %s/mesh.pid;" % work, "error_log %s/mesh-error.log;" % work,
           "events { worker_connections 4096; }", "http {", "  access_log off;",
           "  client_body_temp_path %s/mesh-body;" % work, "  proxy_temp_path %s/mesh-proxy;" % work]
    for unit, (port, replicas) in services.items():
        name = unit.replace("-", "_")
        out.append("  upstream %s { %s keepalive 16; }" % (
            name, " ".join("server 127.0.0.1:%d max_fails=1 fail_timeout=2s;" % r.port for r in replicas)))
        out.append("  server { listen 127.0.0.1:%d; location / { proxy_pass http://%s; proxy_http_version 1.1; "
                   "proxy_set_header Connection \"\"; proxy_set_header Host $host; proxy_read_timeout 30s; "
                   "proxy_next_upstream error timeout; proxy_next_upstream_tries 2; } }" % (port, name))
    out.append("}")
    return "\n".join(out) + "\n"


class Kubelet:
    """Restarts a replica that exits on its own, as a kubelet restarts a crashed container
    (after a second), and remembers why it exited."""

    def __init__(self, replicas):
        self.replicas = replicas
        self.crashes = []  # (unit, index, last log line)
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            for replica in self.replicas:
                if replica.crashed():
                    self.crashes.append((replica.unit, replica.index, replica.last_error()))
                    time.sleep(1.0)
                    if not self.stopping:
                        replica.start()
            time.sleep(0.2)


class Shop:
    def __init__(self, port, stripe_port):
        self.port, self.stripe_port = port, stripe_port
        self.lock = threading.Lock()
        self.requests = 0
        self.failures = []  # monotonic times of failed requests (no answer, 5xx)
        self.orders = {}  # order id → (customer, key)
        self.keys = {}  # (customer, key) → order ids answered 2xx
        self.payments = {"mpesa": 0, "stripe": 0, "card confirmed": 0}
        self.statuses = {}
        self.refusals = {}  # (method, route, status) → count, for 4xx and 5xx

    def call(self, connection, method, path, body=None, headers=None, form=False):
        fields = {"Content-Type": "application/x-www-form-urlencoded" if form else "application/json",
                  "X-Forwarded-For": "10.88.%d.%d" % (random.randint(0, 250), random.randint(1, 250))}
        fields.update(headers or {})
        payload = body if form else (json.dumps(body) if body is not None else None)
        try:
            connection.request(method, path, payload, fields)
            response = connection.getresponse()
            data = response.read()
            status = response.status
            parsed = json.loads(data) if data[:1] in (b"{", b"[") else None
        except (OSError, http.client.HTTPException, ValueError):
            status, parsed = 0, None
            connection.close()
        with self.lock:
            self.requests += 1
            self.statuses[status // 100] = self.statuses.get(status // 100, 0) + 1
            if status == 0 or status >= 500:
                self.failures.append(time.monotonic())
            if status == 0 or status >= 400:
                route = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|pi_[A-Za-z0-9]+", "{id}", path.split("?")[0])
                key = (method, route, status)
                self.refusals[key] = self.refusals.get(key, 0) + 1
        return status, parsed

    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)


def shopper(shop, token, customer, products, stop_at, chaos):
    connection = shop.connect()
    auth = {"Authorization": "Bearer " + token}
    actions = ["list"] * 30 + ["product"] * 25 + ["search"] * 10 + ["cart"] * 10 + ["order"] * 25
    while time.monotonic() < stop_at:
        action = random.choice(actions)
        if action == "list":
            shop.call(connection, "GET", "/products?limit=20")
        elif action == "product":
            shop.call(connection, "GET", "/products/" + random.choice(products))
        elif action == "search":
            shop.call(connection, "GET", "/products?q=" + random.choice(["tea", "coffee", "kanga", "mug"]))
        elif action == "cart":
            shop.call(connection, "POST", "/cart/items", {"product_id": random.choice(products), "quantity": 1}, auth)
            shop.call(connection, "GET", "/cart", None, auth)
        else:
            key = uuid.uuid4().hex
            lines = [{"product_id": p, "quantity": 1} for p in random.sample(products, 2)]
            order = None
            for _ in range(6):  # a client retries with the same key until it gets an answer
                status, body = shop.call(connection, "POST", "/orders", {"shipping_address": ADDRESS, "items": lines},
                                         dict(auth, **{"Idempotency-Key": key}))
                if status in (200, 201) and body:
                    order = body["id"]
                    with shop.lock:
                        shop.orders[order] = (customer, key)
                        shop.keys.setdefault((customer, key), set()).add(order)
                if status and status < 500:
                    break
                time.sleep(0.3)
            if order:
                pay(shop, connection, auth, order, chaos)


def pay(shop, connection, auth, order, chaos):
    method = random.choice(["mpesa", "stripe"])
    body = {"method": "mpesa", "phone": "254708374149"} if method == "mpesa" else {"method": "stripe"}
    for attempt in range(3):
        if attempt == 0:
            chaos.payment_starting()
        status, answer = shop.call(connection, "POST", "/orders/%s/pay" % order, body, auth)
        if status in (200, 201, 202):
            with shop.lock:
                shop.payments[method] += 1
            if method == "stripe" and answer and answer.get("payment_intent_id"):
                # What Stripe.js does in the browser: confirm at Stripe (the sandbox's unit, not the shop).
                stripe = http.client.HTTPConnection("127.0.0.1", shop.stripe_port, timeout=30)
                for _ in range(3):
                    confirmed, _ = shop.call(stripe, "POST",
                                             "/_sandbox/stripe/v1/payment_intents/%s/confirm" % answer["payment_intent_id"],
                                             "payment_method=pm_card_visa",
                                             {"Authorization": "Bearer sk_test_sandbox"}, form=True)
                    if confirmed == 200:
                        with shop.lock:
                            shop.payments["card confirmed"] += 1
                        break
                    time.sleep(0.3)
            return
        if status == 409 or (status and status < 500):
            return  # a payment is pending already (the first try got through), or refused
        time.sleep(0.3)


class Chaos:
    """Kills a replica every `every` seconds and starts it again a second later."""

    def __init__(self, replicas, database, every):
        self.replicas, self.database, self.every = replicas, database, every
        self.kills = []  # (time, unit, index, kind)
        self.lock = threading.Lock()
        self.payment_kill_wanted = False
        self.stopping = False

    def payment_starting(self):
        with self.lock:
            wanted, self.payment_kill_wanted = self.payment_kill_wanted, False
        if wanted:
            # The request is on its way: a Payments replica dies under it (the mesh picked one of two).
            threading.Timer(0.005, self.kill, args=(random.choice(self.replicas["payments"]), "mid-payment")).start()

    def kill(self, replica, kind):
        replica.kill()
        with self.lock:
            self.kills.append((time.monotonic(), replica.unit, replica.index, kind))
        time.sleep(1.0)  # the kubelet restarts a killed container at once; give it a second
        replica.start()

    def lease(self, service):
        row = self.database.rows("SELECT holder, expires_ms FROM %s%s.soko_leases WHERE name = 'relay:%s'" % (PREFIX, service, service))
        return tuple(row[0]) if row else None

    def kill_lease_holder(self, service):
        """Kill one replica; if the lease goes on being renewed (its expiry moves), that was not the
        holder: the holder is the other, killed next. Returns whether a holder was killed."""
        # Every unit of the service runs a relay on its store (catalog-get-product is catalog's too).
        candidates = [r for unit, rs in self.replicas.items() if unit == service or unit.startswith(service + "-") for r in rs]
        random.shuffle(candidates)
        for replica in candidates:
            replica.kill()
            with self.lock:
                self.kills.append((time.monotonic(), replica.unit, replica.index, "relay lease? (not the holder)"))
            time.sleep(0.5)
            first = self.lease(service)
            time.sleep(2.0)  # the holder renews on every pass, at least once a second
            holder_died = first is not None and self.lease(service) == first
            replica.start()
            if holder_died:
                with self.lock:
                    self.kills[-1] = self.kills[-1][:3] + ("relay lease holder",)
                return True
            while not replica.ready():
                time.sleep(0.2)
        return False

    def run(self, stop_at):
        rounds = 0
        while time.monotonic() < stop_at - self.every and not self.stopping:
            time.sleep(self.every)
            rounds += 1
            if rounds % 4 == 1:
                self.kill_lease_holder(random.choice(["orders", "payments", "catalog", "notifications"]))
            elif rounds % 4 == 3:
                with self.lock:
                    self.payment_kill_wanted = True
            else:
                unit = random.choice(list(self.replicas))
                self.kill(random.choice(self.replicas[unit]), "random")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--soko", required=True)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--kill-every", type=float, default=3)
    parser.add_argument("--reconcile-wait", type=float, default=420,
                        help="how long to wait for reconcileMpesa (every 2 min, payments pending past 3 min) to settle "
                             "charges whose callback was lost")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="soko-chaos-")
    database = Database(args.postgres)
    processes = []

    # The mail sink: SMTP with STARTTLS required, each message a file.
    mail = os.path.join(work, "mail")
    os.makedirs(mail)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", mail + "/key.pem", "-out",
                    mail + "/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    sink = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/SokoHostTests/Oracle/smtp_sink.py"),
                             mail + "/cert.pem", mail + "/key.pem", mail], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    smtp_port = int(sink.stdout.readline().strip())

    names = units()
    gateway_port = free_port()
    services = {name: (free_port(), []) for name in names}
    secret = uuid.uuid4().hex
    environment = dict(
        os.environ, SOKO_ENV="development", SOKO_DATABASE_URL=args.postgres, SOKO_DATABASE_SCHEMA_PREFIX=PREFIX,
        SOKO_LOOPS="1", SOKO_ACCESS_LOG="off", SOKO_TOKEN_ISSUER="https://chaos.soko.test",
        SOKO_PUBLIC_URL="http://127.0.0.1:%d" % gateway_port, SOKO_TRUSTED_PROXIES="127.0.0.1",
        SOKO_JWKS_URL="http://127.0.0.1:%d/.well-known/jwks.json" % services["users"][0],
        SOKO_SERVICE_CLIENT_ID="platform", SOKO_SERVICE_CLIENT_SECRET=secret,
        SOKO_OAUTH_CLIENTS=json.dumps([{"client_id": "platform", "secret_sha256": hashlib.sha256(secret.encode()).hexdigest(),
                                        "internal": True}]),
        SOKO_DARAJA_BASE_URL="http://127.0.0.1:%d/_sandbox/daraja" % services["sandbox"][0],
        SOKO_STRIPE_BASE_URL="http://127.0.0.1:%d/_sandbox/stripe" % services["sandbox"][0],
        SOKO_SANDBOX_CALLBACK_HOSTS="127.0.0.1", SOKO_SANDBOX_CALLBACK_DELAY_MS="50", SOKO_SANDBOX_WEBHOOK_DELAY_MS="0",
        SOKO_SMTP_URL="smtp://127.0.0.1:%d" % smtp_port, SOKO_SMTP_CA_FILE=mail + "/cert.pem",
        SOKO_EVENT_POLL_MS="200", SOKO_RATE_LIMITS="off", SOKO_MAX_PENDING_ORDERS="10000",
        SOKO_ARGON2_MEMORY_KIB="1024", SOKO_DATA=os.path.join(work, "data"))
    for name in names:
        environment["SOKO_SERVICE_URL_" + name.upper().replace("-", "_")] = "http://127.0.0.1:%d" % services[name][0]

    try:
        subprocess.run([args.soko, "seed"], env=environment, check=True, stdout=subprocess.DEVNULL)
        for name in names:
            for index in (1, 2):
                replica = Replica(name, index, args.soko, environment, work)
                services[name][1].append(replica)
        kubelet = Kubelet([r for n in names for r in services[n][1]])
        # The first replica of each unit migrates alone; the second joins when it is ready.
        for name in names:
            services[name][1][0].start()
        wait_for(lambda: all(services[n][1][0].ready() for n in names), 120, "first replicas", work)
        for name in names:
            services[name][1][1].start()
        wait_for(lambda: all(r.ready() for n in names for r in services[n][1]), 120, "second replicas", work)
        with open(os.path.join(work, "mesh.conf"), "w") as file:
            file.write(mesh_config(work, services))
        for folder in ("mesh-body", "mesh-proxy", "gateway/logs"):
            os.makedirs(os.path.join(work, folder), exist_ok=True)
        processes.append(subprocess.Popen(["nginx", "-p", work, "-c", work + "/mesh.conf", "-g", "daemon off;"],
                                          stderr=subprocess.DEVNULL))
        render = [args.soko, "render", "nginx", "--output", work + "/gateway/nginx.conf", "--listen", "127.0.0.1:%d" % gateway_port,
                  "--pid-file", work + "/gateway/nginx.pid", "--env", "development", "--allowlist", "off", "--real-ip-from", "127.0.0.1"]
        for name in names:
            render += ["--upstream", "%s=127.0.0.1:%d" % (name, services[name][0])]
        render += ["--upstream", "*=127.0.0.1:9"]  # the examples are not part of the shop
        subprocess.run(render, check=True, stdout=subprocess.DEVNULL)
        config = open(work + "/gateway/nginx.conf").read()
        # Shoppers sign in from few addresses; the gateway's per-address limits are for the internet.
        config = re.sub(r"rate=\d+r/m", "rate=60000r/m", config)
        config = re.sub(r"rate=\d+r/s", "rate=10000r/s", config)
        open(work + "/gateway/nginx.conf", "w").write(config)
        processes.append(subprocess.Popen(["nginx", "-p", work + "/gateway", "-c", work + "/gateway/nginx.conf", "-g", "daemon off;"],
                                          stdout=open(work + "/gateway/access.log", "w"), stderr=subprocess.STDOUT))
        shop = Shop(gateway_port, services["sandbox"][0])
        wait_for(lambda: shop.call(shop.connect(), "GET", "/products?limit=1")[0] == 200, 30, "the gateway", work)
        shop.requests, shop.failures, shop.statuses = 0, [], {}

        tokens, products = prepare(shop, args.workers)
        # Enough stock for the whole run, so orders test the kills rather than an empty shelf.
        database.rows("UPDATE %scatalog.inventory SET on_hand = on_hand + 100000 RETURNING product_id" % PREFIX)
        initial = stock(database)
        replicas = {name: services[name][1] for name in names}
        chaos = Chaos(replicas, database, args.kill_every)
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [threading.Thread(target=shopper, args=(shop, tokens[n][0], tokens[n][1], products, stop_at, chaos))
                   for n in range(args.workers)]
        killer = threading.Thread(target=chaos.run, args=(stop_at,))
        for thread in threads + [killer]:
            thread.start()
        for thread in threads + [killer]:
            thread.join()
        wait_for(lambda: all(r.ready() for n in names for r in services[n][1]), 60, "restarted replicas", work)
        settled = settle(database, 120)
        reconciled = reconcile(database, args.reconcile_wait)
        settle(database, 60)  # what reconciliation paid: order.paid, the stock, the receipts
        report(shop, chaos, started, args, settled)
        print(reconciled)
        print("replicas that exited on their own (restarted like a kubelet would): %d%s" % (
            len(kubelet.crashes), "".join("\n  %s-%d: %s" % c for c in kubelet.crashes[:8])))
        ok = check(shop, database, initial, mail)
    finally:
        if "kubelet" in locals():
            kubelet.stopping = True
        for process in processes:
            process.terminate()
        for name in names:
            for replica in services[name][1]:
                if replica.process and replica.process.poll() is None:
                    replica.process.terminate()
        sink.stdin.close()
        sink.wait(timeout=10)
    sys.exit(0 if ok else 1)


def wait_for(condition, seconds, what, work):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("%s not ready in %ds (logs in %s)" % (what, seconds, work))


def prepare(shop, customers):
    connection = shop.connect()
    tokens = []
    for n in range(customers):
        email = "chaos-%s@example.com" % uuid.uuid4().hex[:10]
        shop.call(connection, "POST", "/users/register", {"email": email, "password": "long enough pw", "name": "Chaos %d" % n})
        status, body = shop.call(connection, "POST", "/auth/login", {"email": email, "password": "long enough pw"})
        if status != 200:
            sys.exit("login: %s %s" % (status, body))
        claims = json.loads(base64url(body["access_token"].split(".")[1]))
        tokens.append((body["access_token"], claims["sub"]))
    status, page = shop.call(connection, "GET", "/products?limit=100&in_stock=true")
    products = [item["id"] for item in page["items"] if item["available"] > 50 and item["currency"] == "KES"]
    if len(products) < 4:
        sys.exit("the demo catalog has too few KES products in stock")
    return tokens, products


def base64url(text):
    import base64
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def stock(database):
    return {row[0]: (int(row[1]), int(row[2])) for row in database.rows(
        "SELECT product_id, on_hand, reserved FROM %scatalog.inventory" % PREFIX)}


def settle(database, seconds):
    """Waits until every outbox is fanned out and no delivery is pending (the relays caught up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pending = 0
        for service in ("users", "catalog", "cart", "orders", "payments", "notifications"):
            pending += int(database.value("SELECT COUNT(*) FROM %s%s.soko_outbox WHERE fanned_out = 0" % (PREFIX, service)))
            pending += int(database.value("SELECT COUNT(*) FROM %s%s.soko_deliveries WHERE status = 'pending'" % (PREFIX, service)))
        if pending == 0:
            return time.monotonic() - (deadline - seconds)
        time.sleep(1)
    return None


def unpaid_charges(database):
    """Approved STK pushes without a succeeded payment, by what became of their callback."""
    rows = database.rows(
        "SELECT s.callback_state, COUNT(*) FROM %ssandbox.stk_requests s LEFT JOIN %spayments.payments p "
        "ON p.checkout_request_id = s.checkout_request_id AND p.status = 'succeeded' "
        "WHERE s.result_code = 0 AND p.id IS NULL GROUP BY 1" % (PREFIX, PREFIX))
    return {state: int(count) for state, count in rows}


def reconcile(database, seconds):
    """A callback lost with a killed replica leaves a charge Payments has not seen; its
    reconcileMpesa schedule asks Daraja (STK Query) about payments pending past 3 minutes."""
    started = time.monotonic()
    first = unpaid_charges(database)
    while unpaid_charges(database) and time.monotonic() - started < seconds:
        time.sleep(10)
    left = unpaid_charges(database)
    settled = "settled after %.0fs" % (time.monotonic() - started) if not left else "NOT settled in %.0fs: %s" % (seconds, left)
    return "M-Pesa charges Payments had not seen when the load stopped: %d (callback %s); %s" % (
        sum(first.values()), ", ".join("%s %d" % item for item in sorted(first.items())) or "-", settled)


def report(shop, chaos, started, args, settled):
    kinds = {}
    for _, _, _, kind in chaos.kills:
        kinds[kind] = kinds.get(kind, 0) + 1
    during = sum(1 for t in shop.failures if any(k <= t <= k + 3 for k, _, _, _ in chaos.kills))
    print("chaos: %d units × 2 replicas on one PostgreSQL behind nginx, %d shoppers, %.0fs, a kill every %.0fs, %s" % (
        len(chaos.replicas), args.workers, args.seconds, args.kill_every, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("requests %d (%s), failed (no answer or 5xx) %d, of them within 3 s of a kill %d" % (
        shop.requests, ", ".join("%dxx %d" % (k, v) for k, v in sorted(shop.statuses.items()) if k), len(shop.failures), during))
    top = sorted(shop.refusals.items(), key=lambda item: -item[1])[:6]
    print("refused or failed, by route: %s" % ", ".join("%s %s %d: %d" % (k + (v,)) for k, v in top))
    print("kills %d: %s" % (len(chaos.kills), ", ".join("%s %d" % (k, v) for k, v in sorted(kinds.items()))))
    print("orders answered 2xx %d; payments started: M-Pesa %d, card %d (confirmed %d)" % (
        len(shop.orders), shop.payments["mpesa"], shop.payments["stripe"], shop.payments["card confirmed"]))
    print("outboxes drained %s" % ("after %.0fs" % settled if settled is not None else "NOT within 120 s"))


def check(shop, database, initial, mail):
    results = []
    p = PREFIX

    def invariant(name, passed, detail=""):
        results.append(passed)
        print("%-62s %s%s" % (name, "ok" if passed else "FAILED", (" — " + detail) if detail else ""))

    # Orders: every 2xx exists exactly once, and one key never made two orders.
    ids = list(shop.orders)
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ",".join("'%s'" % i for i in ids[start:start + 500])
        for order_id, customer, key, status in database.rows(
                "SELECT id, customer_id, idempotency_key, status FROM %sorders.orders WHERE id IN (%s)" % (p, chunk)) if chunk else []:
            found[order_id] = (customer, key, status)
    invariant("every order answered 2xx exists", len(found) == len(ids), "%d of %d" % (len(found), len(ids)))
    repeated = [k for k, v in shop.keys.items() if len(v) > 1]
    invariant("one order per Idempotency-Key", not repeated, "%d keys answered with different orders" % len(repeated))
    duplicates = database.value("SELECT COUNT(*) FROM (SELECT customer_id, idempotency_key FROM %sorders.orders "
                                "GROUP BY 1, 2 HAVING COUNT(*) > 1) d" % p)
    invariant("no duplicate (customer, key) rows", duplicates == "0")

    # Payments: none paid twice, no charge without its paid order.
    statuses = dict(database.rows("SELECT id, status FROM %sorders.orders" % p))
    unneeded = {row[0] for row in database.rows("SELECT payment_id FROM %sorders.unneeded_payments" % p)}
    succeeded = database.rows("SELECT id, order_id, method FROM %spayments.payments WHERE status = 'succeeded'" % p)
    by_order = {}
    for payment, order, method in succeeded:
        by_order.setdefault(order, []).append(payment)
    twice = [o for o, ps in by_order.items() if len([x for x in ps if x not in unneeded]) > 1]
    invariant("no order paid twice (extra payments are handed back)", not twice, "%d orders" % len(twice))
    paid_states = {"paid", "shipped", "delivered", "cancelled", "refunded"}
    orphan = [x for x, o, _ in succeeded if statuses.get(o) not in paid_states and x not in unneeded]
    invariant("every succeeded payment has its order paid", not orphan, "%d payments" % len(orphan))
    # Every approved STK push is a charge, whatever became of its callback (a sandbox replica killed
    # before sending it, a callback replica killed under it): Payments must still learn of it.
    stk = database.rows("SELECT checkout_request_id, callback_state FROM %ssandbox.stk_requests WHERE result_code = 0" % p)
    charged_stk = {row[0] for row in stk}
    lost_callbacks = sum(1 for row in stk if row[1] != "delivered")
    recorded = dict(database.rows("SELECT checkout_request_id, status FROM %spayments.payments WHERE method = 'mpesa' "
                                  "AND checkout_request_id IS NOT NULL" % p))
    unpaid_stk = [c for c in charged_stk if recorded.get(c) != "succeeded"]
    charged_pi = {row[0] for row in database.rows("SELECT id FROM %ssandbox.stripe_payment_intents WHERE status = 'succeeded'" % p)}
    recorded_pi = dict(database.rows("SELECT payment_intent_id, status FROM %spayments.payments WHERE payment_intent_id IS NOT NULL" % p))
    unpaid_pi = [c for c in charged_pi if recorded_pi.get(c) not in ("succeeded", "refunded", "partially_refunded")]
    invariant("no charge (sandbox M-Pesa or card) without a succeeded payment", not unpaid_stk and not unpaid_pi,
              "%d M-Pesa, %d card of %d + %d charges; %d callbacks never delivered" % (
                  len(unpaid_stk), len(unpaid_pi), len(charged_stk), len(charged_pi), lost_callbacks))

    # Receipts: exactly one Message-ID per paid order, through the order.paid event.
    events = {}
    for event_id, payload in database.rows("SELECT id, payload FROM %sorders.soko_outbox WHERE name = 'order.paid'" % p):
        events.setdefault(json.loads(payload).get("order_id") or json.loads(payload).get("id"), []).append(event_id)
    messages = {}
    for name in os.listdir(mail):
        if name.endswith(".eml"):
            head = open(os.path.join(mail, name), "rb").read().split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
            match = re.search(r"^Message-ID: <([^>]+)>", head, re.M | re.I)
            if match:
                messages[match.group(1)] = messages.get(match.group(1), 0) + 1
    paid = [o for o, s in statuses.items() if s in paid_states and o in by_order]
    receipts = {o: [m for e in events.get(o, []) for m in messages if m.startswith("payment_receipt.%s@" % e)] for o in paid}
    missing = [o for o, r in receipts.items() if len(r) == 0]
    extra = [o for o, r in receipts.items() if len(r) > 1]
    resent = sum(messages[m] - 1 for r in receipts.values() for m in r if messages[m] > 1)
    invariant("every paid order has exactly one receipt (Message-ID)", not missing and not extra,
              "%d paid, %d missing, %d with two ids; %d copies resent under the same id" % (len(paid), len(missing), len(extra), resent))

    # Stock: never negative, reservations settled with their orders, nothing leaked.
    now = stock(database)
    negative = [x for x, (on_hand, reserved) in now.items() if on_hand < 0 or reserved < 0 or reserved > on_hand]
    invariant("no stock negative or over-reserved", not negative, "%d products" % len(negative))
    active = dict(((row[0], int(row[1])) for row in database.rows(
        "SELECT l.product_id, SUM(l.quantity) FROM %scatalog.reservation_lines l JOIN %scatalog.reservations r "
        "USING (order_id) WHERE r.status = 'active' GROUP BY 1" % (p, p))))
    drift = [x for x, (_, reserved) in now.items() if reserved != active.get(x, 0)]
    invariant("reserved equals the active reservations", not drift, "%d products" % len(drift))
    committed = dict(((row[0], int(row[1])) for row in database.rows(
        "SELECT l.product_id, SUM(l.quantity) FROM %scatalog.reservation_lines l JOIN %scatalog.reservations r "
        "USING (order_id) WHERE r.status = 'committed' GROUP BY 1" % (p, p))))
    leaked = [x for x, (on_hand, _) in now.items() if initial.get(x, (on_hand, 0))[0] - committed.get(x, 0) != on_hand]
    invariant("on hand = before − committed (no unit lost or made)", not leaked, "%d products" % len(leaked))
    reservations = dict(database.rows("SELECT order_id, status FROM %scatalog.reservations" % p))
    expected = {"pending_payment": {"active"}, "paid": {"committed"}, "shipped": {"committed"},
                "cancelled": {"released", "returned"}, "rejected": {"released", None}, "placing": {"active", None}}
    unsettled = [o for o, s in statuses.items() if s in expected and reservations.get(o) not in expected[s]]
    invariant("every reservation matches its order's state", not unsettled,
              "%d orders, e.g. %s" % (len(unsettled), [(o, statuses[o], reservations.get(o)) for o in unsettled[:3]]))

    # Events: fanned out, delivered, and each dead letter explained.
    lost, dead = 0, []
    for service in ("users", "catalog", "cart", "orders", "payments", "notifications"):
        lost += int(database.value("SELECT COUNT(*) FROM %s%s.soko_outbox WHERE fanned_out = 0" % (p, service)))
        lost += int(database.value("SELECT COUNT(*) FROM %s%s.soko_deliveries WHERE status = 'pending'" % (p, service)))
        dead += [(service,) + tuple(row) for row in database.rows(
            "SELECT consumer, COALESCE(last_error, '') FROM %s%s.soko_deliveries WHERE status = 'dead'" % (p, service))]
    invariant("no event lost (outboxes fanned out, no delivery pending)", lost == 0, "%d waiting" % lost)
    print("dead letters: %d%s" % (len(dead), "".join("\n  %s %s: %s" % d for d in dead[:10])))
    return all(results)


if __name__ == "__main__":
    main()
