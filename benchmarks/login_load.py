"""Signs in at a steady rate (default 20/s) for a while, on loopback only; prints how it went.

Usage: login_load.py PORT EMAIL PASSWORD [--rate 20] [--seconds 10]
"""
import argparse
import http.client
import json
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("email")
parser.add_argument("password")
parser.add_argument("--rate", type=float, default=20.0)
parser.add_argument("--seconds", type=float, default=10.0)
args = parser.parse_args()

body = json.dumps({"email": args.email, "password": args.password})
results = []
lock = threading.Lock()


def one_login():
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
    try:
        conn.request("POST", "/auth/login", body, {"Content-Type": "application/json", "X-Forwarded-For": "10.0.0.1"})
        status = conn.getresponse().status
    except OSError:
        status = 0
    finally:
        conn.close()
    with lock:
        results.append((status, time.perf_counter() - started))


threads = []
deadline = time.perf_counter() + args.seconds
next_at = time.perf_counter()
while next_at < deadline:
    t = threading.Thread(target=one_login)
    t.start()
    threads.append(t)
    next_at += 1.0 / args.rate
    time.sleep(max(0.0, next_at - time.perf_counter()))
for t in threads:
    t.join()
ok = sum(1 for s, _ in results if s == 200)
latencies = sorted(d for _, d in results)
p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0
p99 = latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)] * 1000 if latencies else 0
print(f"logins: {len(results)} sent, {ok} ok, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
