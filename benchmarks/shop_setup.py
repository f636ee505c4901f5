"""Setup and checks for benchmarks/shop.sh (loopback only, standard library only).

  shop_setup.py prepare PORT ADMIN_EMAIL PASSWORD CUSTOMERS STOCK OUT_DIR
      signs the admin in, picks a product for getProduct and three for orders, gives those three
      STOCK units each, registers and signs in CUSTOMERS customers; writes OUT_DIR/tokens,
      OUT_DIR/products (3 ids, comma-separated), OUT_DIR/product (one id), OUT_DIR/admin.
  shop_setup.py verify PORT OUT_DIR STOCK PLACED CUSTOMERS
      checks no oversell: for each of the three products, available >= 0 and
      STOCK - available == the units in every pending order (read back through /admin/orders),
      and that the orders listed are the PLACED orders wrk counted.
"""
import http.client
import json
import sys


def call(port, method, path, body=None, token=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    fields = {"Content-Type": "application/json"}
    if token:
        fields["Authorization"] = "Bearer " + token
    fields.update(headers or {})
    connection.request(method, path, json.dumps(body) if body is not None else None, fields)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else None)


def login(port, email, password):
    status, body = call(port, "POST", "/auth/login", {"email": email, "password": password},
                        headers={"X-Forwarded-For": "10.9.%d.%d" % (hash(email) % 250, len(email))})
    if status != 200:
        sys.exit("login %s: %s %s" % (email, status, body))
    return body["access_token"]


def prepare(port, admin_email, password, customers, stock, out):
    admin = login(port, admin_email, password)
    status, page = call(port, "GET", "/products?limit=20&in_stock=true&sort=name")
    if status != 200 or len(page["items"]) < 4:
        sys.exit("need at least 4 products in stock (was the demo catalog seeded?): %s %s" % (status, page))
    ids = [item["id"] for item in page["items"][:4]]
    for product in ids[1:]:
        status, body = call(port, "PUT", "/products/%s/inventory" % product, {"on_hand": stock}, token=admin)
        if status != 200:
            sys.exit("setInventory: %s %s" % (status, body))
    tokens = []
    for n in range(customers):
        email = "bench-%d@example.com" % n
        status, body = call(port, "POST", "/users/register", {"email": email, "password": password, "name": "Bench %d" % n})
        if status not in (201, 409):
            sys.exit("register: %s %s" % (status, body))
        tokens.append(login(port, email, password))
    open(out + "/tokens", "w").write("\n".join(tokens) + "\n")
    open(out + "/products", "w").write(",".join(ids[1:]))
    open(out + "/product", "w").write(ids[0])
    open(out + "/admin", "w").write(admin)


def verify(port, out, stock, placed, customers):
    admin = open(out + "/admin").read().strip()
    products = open(out + "/products").read().strip().split(",")
    ordered = {product: 0 for product in products}
    orders, cursor = 0, None
    while True:
        path = "/admin/orders?status=pending_payment&limit=100" + ("&cursor=" + cursor if cursor else "")
        status, page = call(port, "GET", path, token=admin)
        if status != 200:
            sys.exit("adminListOrders: %s %s" % (status, page))
        items = page["items"]
        for order in items:
            orders += 1
            for line in order["lines"]:
                if line["product_id"] in ordered:
                    ordered[line["product_id"]] += line["quantity"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    # wrk stops with up to one request per customer in flight: those orders exist but were not counted.
    ok = placed <= orders <= placed + customers
    print("orders listed %d, wrk counted %d placed (+ up to %d in flight at the end): %s" % (
        orders, placed, customers, "ok" if ok else "MISMATCH"))
    for product in products:
        status, body = call(port, "GET", "/products/" + product)
        available = body["available"]
        consistent = available >= 0 and stock - available == ordered[product]
        ok = ok and consistent
        print("product %s: stock %d, ordered %d, available %d: %s" % (
            product, stock, ordered[product], available, "no oversell" if consistent else "INCONSISTENT"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
    else:
        verify(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
