"""Helpers for benchmarks/hung-callees.sh (loopback only, standard library only).

  hung_callees.py answer PORTFILE      an HTTP callee that answers every request at once (204);
                                       writes its port to PORTFILE, runs until killed
  hung_callees.py load PORT EMAIL PASSWORD [--callers 50] [--rate 5] [--seconds 10]
                                       keeps CALLERS sign-ins with a guest cart token in flight (each
                                       calls cart.mergeCart on the callee; one per caller every 5.5 s,
                                       so the compute load is the same whether the callee answers or
                                       hangs) and measures RATE plain sign-ins per second meanwhile
                                       (benchmarks/login_load.py); prints sent, ok, p50 and p99
"""
import argparse
import os
import re
import subprocess
import http.client
import http.server
import json
import sys
import threading
import time


def answer(portfile):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    open(portfile, "w").write(str(server.server_address[1]))
    server.serve_forever()


def login(port, body, headers, timeout=30):
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", "/auth/login", body, headers)
        status = connection.getresponse().status
    except OSError:
        status = 0
    finally:
        connection.close()
    return status, time.perf_counter() - started


def load(args):
    body = json.dumps({"email": args.email, "password": args.password})
    stop = threading.Event()

    def caller(index):
        # Staggered, then one sign-in with a cart token every 5.5 s (the login's timeout is 5 s).
        time.sleep(index * 5.5 / args.callers)
        while not stop.is_set():
            began = time.perf_counter()
            login(args.port, body, {"Content-Type": "application/json", "X-Cart-Token": f"bench-cart-{index}",
                                    "X-Forwarded-For": f"10.1.0.{index % 250}"})
            stop.wait(max(0.0, 5.5 - (time.perf_counter() - began)))

    callers = [threading.Thread(target=caller, args=(i,), daemon=True) for i in range(args.callers)]
    for thread in callers:
        thread.start()
    time.sleep(6)  # every caller has started its first call
    # The measured sign-ins: benchmarks/login_load.py at RATE per second.
    measured = subprocess.run(
        [sys.executable, os.path.join(os.path.dirname(__file__), "login_load.py"), str(args.port), args.email,
         args.password, "--rate", str(args.rate), "--seconds", str(args.seconds)],
        check=True, capture_output=True, text=True).stdout
    stop.set()
    found = re.search(r"(\d+) sent, (\d+) ok, p50 ([0-9.]+) ms, p99 ([0-9.]+) ms", measured)
    print(" ".join(found.groups()))


if __name__ == "__main__":
    if sys.argv[1] == "answer":
        answer(sys.argv[2])
    else:
        parser = argparse.ArgumentParser()
        parser.add_argument("mode")
        parser.add_argument("port", type=int)
        parser.add_argument("email")
        parser.add_argument("password")
        parser.add_argument("--callers", type=int, default=50)
        parser.add_argument("--rate", type=float, default=5.0)
        parser.add_argument("--seconds", type=float, default=10.0)
        load(parser.parse_args())
