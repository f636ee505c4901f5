"""Helpers for benchmarks/hanging-gateway.sh (loopback only, standard library only).

  hanging_gateway.py listen PORTFILE      a TCP listener that accepts and never answers (a gateway
                                          that hangs); writes its port to PORTFILE, runs until killed
  hanging_gateway.py pay PORT N           signs a customer in, places N orders, then sends the N
                                          M-Pesa payOrder calls at once; prints their statuses and
                                          how long they took
"""
import http.client
import json
import socket
import sys
import threading
import time
import uuid


def listen(portfile):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1024)
    open(portfile, "w").write(str(server.getsockname()[1]))
    held = []
    while True:
        connection, _ = server.accept()
        held.append(connection)  # read nothing, answer nothing


def call(port, method, path, body=None, token=None, headers=None, timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    fields = {"Content-Type": "application/json"}
    if token:
        fields["Authorization"] = "Bearer " + token
    fields.update(headers or {})
    connection.request(method, path, json.dumps(body) if body is not None else None, fields)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else None)


def pay(port, count):
    email = "hang-%s@example.com" % uuid.uuid4().hex[:8]
    call(port, "POST", "/users/register", {"email": email, "password": "long enough pw", "name": "Hang"})
    status, tokens = call(port, "POST", "/auth/login", {"email": email, "password": "long enough pw"})
    token = tokens["access_token"]
    status, page = call(port, "GET", "/products?in_stock=true&limit=100")
    stock = [[item["id"], item["available"]] for item in page["items"] if item["currency"] == "KES"]
    orders = []
    for n in range(count):
        line = max(stock, key=lambda entry: entry[1])  # one unit from whatever has the most left
        line[1] -= 1
        body = {"shipping_address": {"name": "H", "line1": "1 Moi Avenue", "city": "Nairobi", "country": "KE"},
                "items": [{"product_id": line[0], "quantity": 1}]}
        status, order = call(port, "POST", "/orders", body, token, {"Idempotency-Key": uuid.uuid4().hex})
        if status != 201:
            sys.exit("placing order %d: %s %s" % (n, status, order))
        orders.append(order["id"])
    results = []
    lock = threading.Lock()

    def one(order):
        started = time.time()
        try:
            status, _ = call(port, "POST", "/orders/%s/pay" % order, {"method": "mpesa", "phone": "254708374149"}, token)
        except OSError as error:
            status = str(error)
        with lock:
            results.append((status, time.time() - started))

    threads = [threading.Thread(target=one, args=(order,)) for order in orders]
    print("paying %d orders against the hanging gateway" % count, flush=True)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    print("payOrder statuses %s, slowest %.1f s" % (statuses, max(seconds for _, seconds in results)), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "listen":
        listen(sys.argv[2])
    else:
        pay(int(sys.argv[2]), int(sys.argv[3]))
