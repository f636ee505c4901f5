"""A shop's traffic mix through the gateway, for choosing each function's `scale.rps`.

Usage: shop_mix.py BASE_URL [--customers 8] [--seconds 20] [--workers 16]

Each worker is a shopper on one keep-alive connection, picking actions with a shop's weights:
browse the catalog (listProducts) 40%, open a product (getProduct) 25%, search (listProducts ?q=)
15%, add to cart (addToCart) 10%, look at the cart (getCart) 6%, check out (placeOrder, three
lines bought now) 4%, three in four of those orders then paid with M-Pesa (payOrder against the
sandbox, whose callback reaches mpesaCallback). With --admin-email/--admin-password (shop-mix.sh
makes the admin) the setup also creates two delivery zones and a coupon with a high usage limit:
every checkout then chooses a zone, one in four uses the coupon, and one in four pays on delivery,
collected at once by the admin (collectPayment) instead of paying online. Products sold as variants
(the demo's sandals, kitenge and kikoi) are added and bought as one of their variants in stock,
reported apart as "addToCart (variant)" (a buy-now order with a variant line counts under
placeOrder). Guest checkout is 3%: a new guest cart with one line, guestPlaceOrder from it with
X-Cart-Token, an email and (with zones) a zone, then guestPayOrder with M-Pesa and the order's
X-Order-Access token. Prints per function: requests, requests/s, errors and error rate, p50 and p99 (ms).
Standard library only; loopback only.
"""
import argparse
import http.client
import json
import random
import threading
import time
import urllib.parse
import uuid

parser = argparse.ArgumentParser()
parser.add_argument("base")
parser.add_argument("--customers", type=int, default=8)
parser.add_argument("--seconds", type=float, default=20.0)
parser.add_argument("--workers", type=int, default=16)
parser.add_argument("--admin-email")
parser.add_argument("--admin-password")
args = parser.parse_args()
url = urllib.parse.urlparse(args.base)
WORDS = ["tea", "coffee", "kanga", "phone", "rice", "honey", "sandals", "mug"]
ADDRESS = {"name": "Mix", "line1": "1 Moi Avenue", "city": "Nairobi", "country": "KE"}


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=10)


def call(connection, method, path, body=None, headers=None):
    fields = {"Content-Type": "application/json", "X-Forwarded-For": "10.77.%d.%d" % (random.randint(0, 250), random.randint(1, 250))}
    fields.update(headers or {})
    connection.request(method, path, json.dumps(body) if body is not None else None, fields)
    response = connection.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data and data[:1] in (b"{", b"[") else None)


def prepare():
    connection = connect()
    tokens = []
    for n in range(args.customers):
        email = "mix-%s@example.com" % uuid.uuid4().hex[:10]
        call(connection, "POST", "/users/register", {"email": email, "password": "long enough pw", "name": "Mix %d" % n})
        status, body = call(connection, "POST", "/auth/login", {"email": email, "password": "long enough pw"})
        if status != 200:
            raise SystemExit("login: %s %s" % (status, body))
        tokens.append(body["access_token"])
    status, page = call(connection, "GET", "/products?limit=100&in_stock=true")
    products = [item["id"] for item in page["items"] if item["available"] > 20 and item["currency"] == "KES"]
    variants = {}
    for item in page["items"]:
        if item["id"] in products and item.get("options"):
            status, product = call(connection, "GET", "/products/" + item["id"])
            variants[item["id"]] = [v["id"] for v in product["variants"] if v["available"] > 0]
    admin = None
    if args.admin_email:
        status, body = call(connection, "POST", "/auth/login", {"email": args.admin_email, "password": args.admin_password})
        if status != 200:
            raise SystemExit("admin login: %s %s" % (status, body))
        admin = {"Authorization": "Bearer " + body["access_token"]}
        setup = [("/admin/delivery-zones", {"id": "mix-cbd", "name": "Nairobi CBD", "fee": 20000, "currency": "KES",
                                            "free_above": 500000, "cash_on_delivery": True}),
                 ("/admin/delivery-zones", {"id": "mix-upcountry", "name": "Upcountry", "fee": 60000, "currency": "KES"}),
                 ("/admin/coupons", {"code": "MIX10", "kind": "percentage", "value": 10, "max_uses": 100000000})]
        for path, body in setup:
            status, answer = call(connection, "POST", path, body, admin)
            if status not in (201, 409):
                raise SystemExit("setup %s: %s %s" % (path, status, answer))
    return tokens, products, variants, admin


tokens, products, variants, admin = prepare()


def line(product):
    """A cart or order line for `product`: one of its variants in stock when it is sold as variants."""
    entry = {"product_id": product, "quantity": 1}
    if product in variants:
        entry["variant_id"] = random.choice(variants[product])
    return entry
results = {}
lock = threading.Lock()
stop_at = time.time() + args.seconds
ACTIONS = [("listProducts", 40), ("getProduct", 25), ("search", 15), ("addToCart", 10), ("getCart", 6), ("placeOrder", 4),
           ("guestCheckout", 3)]
names = [name for name, weight in ACTIONS for _ in range(weight)]


def record(local, action, started, status):
    entry = local.setdefault(action, [[], 0])
    entry[0].append((time.perf_counter() - started) * 1000)
    if status == 0 or status >= 500 or status == 429 or (action == "collectPayment" and status >= 400) \
            or (action == "placeOrder" and 400 <= status < 500 and status != 409):
        entry[1] += 1


def shopper(index):
    connection = connect()
    token = tokens[index % len(tokens)]
    auth = {"Authorization": "Bearer " + token}
    local = {}
    while time.time() < stop_at:
        action = random.choice(names)
        started = time.perf_counter()
        try:
            if action == "listProducts":
                status, _ = call(connection, "GET", "/products?limit=20&sort=%s" % random.choice(["price", "-price", "name", "newest"]))
            elif action == "getProduct":
                status, _ = call(connection, "GET", "/products/" + random.choice(products))
            elif action == "search":
                status, _ = call(connection, "GET", "/products?q=" + random.choice(WORDS))
                action = "listProducts (search)"
            elif action == "addToCart":
                entry = line(random.choice(products))
                status, _ = call(connection, "POST", "/cart/items", entry, auth)
                if "variant_id" in entry:
                    action = "addToCart (variant)"
            elif action == "getCart":
                status, _ = call(connection, "GET", "/cart", None, auth)
            elif action == "guestCheckout":
                action = "addToCart (guest)"
                status, cart = call(connection, "POST", "/cart/items", line(random.choice(products)))
                if status in (200, 201) and cart and cart.get("cart_token"):
                    record(local, action, started, status)
                    action, started = "guestPlaceOrder", time.perf_counter()
                    body = {"email": "guest-%s@example.com" % uuid.uuid4().hex[:10], "phone": "0708374149",
                            "shipping_address": ADDRESS}
                    if admin:
                        body["delivery_zone"] = random.choice(["mix-cbd", "mix-upcountry"])
                        if random.random() < 0.25:
                            body["coupon_code"] = "mix10"
                    status, order = call(connection, "POST", "/guest/orders", body,
                                         {"X-Cart-Token": cart["cart_token"], "Idempotency-Key": uuid.uuid4().hex})
                    if status == 201:
                        record(local, action, started, status)
                        action, started = "guestPayOrder", time.perf_counter()
                        status, _ = call(connection, "POST", "/guest/orders/%s/pay" % order["id"],
                                         {"method": "mpesa", "phone": "254708374149"},
                                         {"X-Order-Access": order["access_token"]})
            else:
                lines = [line(p) for p in random.sample(products, 3)]
                body = {"shipping_address": ADDRESS, "items": lines}
                on_delivery = False
                if admin:
                    on_delivery = random.random() < 0.25
                    body["delivery_zone"] = "mix-cbd" if on_delivery else random.choice(["mix-cbd", "mix-upcountry"])
                    if on_delivery:
                        body["payment_method"] = "cash_on_delivery"
                    if random.random() < 0.25:
                        body["coupon_code"] = "mix10"
                status, order = call(connection, "POST", "/orders", body, dict(auth, **{"Idempotency-Key": uuid.uuid4().hex}))
                if status == 201 and on_delivery:
                    record(local, action, started, status)
                    action, started = "collectPayment", time.perf_counter()
                    status, _ = call(connection, "POST", "/admin/orders/%s/collect" % order["id"], {"method": "cash"}, admin)
                elif status == 201 and random.random() < 0.75:
                    record(local, action, started, status)
                    action, started = "payOrder", time.perf_counter()
                    status, _ = call(connection, "POST", "/orders/%s/pay" % order["id"],
                                     {"method": "mpesa", "phone": "254708374149"}, auth)
        except (OSError, http.client.HTTPException):
            status = 0
            connection = connect()
        record(local, action, started, status)
    with lock:
        for action, (times, errors) in local.items():
            entry = results.setdefault(action, [[], 0])
            entry[0].extend(times)
            entry[1] += errors


threads = [threading.Thread(target=shopper, args=(n,)) for n in range(args.workers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()

total = sum(len(times) for times, _ in results.values())
failed = sum(errors for _, errors in results.values())
print("%-24s %9s %9s %8s %7s %9s %9s" % ("function", "requests", "req/s", "errors", "err %", "p50 ms", "p99 ms"))
for action in sorted(results):
    times, errors = results[action]
    times.sort()
    p50 = times[len(times) // 2]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print("%-24s %9d %9.1f %8d %7.2f %9.2f %9.2f" % (action, len(times), len(times) / args.seconds, errors,
                                                    100.0 * errors / len(times), p50, p99))
print("%-24s %9d %9.1f %8d %7.2f" % ("all", total, total / args.seconds, failed, 100.0 * failed / max(1, total)))
