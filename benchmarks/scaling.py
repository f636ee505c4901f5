"""The autoscaling arithmetic, end to end without a cluster (issue 15).

Runs the real host (`soko serve`, the embedded platform) under a stepped load on two functions
that deploy as different units (listProducts → unit `catalog`, getProduct → unit
`catalog-get-product`), scrapes its /metrics as Prometheus would, evaluates the adapter's query
(read from manifests/k8s/prometheus-adapter/values.yaml) with PromQL's rate() — counter resets,
extrapolation to the window's edges — and runs the HPA's algorithm with the generated HPA's
minReplicas, maxReplicas, target and behavior (read from manifests/k8s/base/<unit>.yaml):
desired = ceil(current × metric / target) with a 10 % tolerance, the scale-up rate limits and the
scale-down stabilisation window. Prints, per HPA sync, the offered load, the metric and the
desired replicas of each unit.

Time is scaled, uniformly, by --time-scale S (default 15): a 15 s scrape and HPA sync take 1 s,
the 2 m rate window 8 s, the 300 s stabilisation window 20 s. Every constant is divided by the same
S, so each window holds the same number of samples at the same relative positions and rate()'s
extrapolation, the ratios and the stabilisation are computed exactly as at S = 1; only the wall
time shrinks. Timestamps are the real ones of each scrape. Rates are per real second; the targets
are the manifests' divided by --target-divisor (default 10) so that a load a laptop can offer
crosses several replicas (ceil(load / target) is unchanged by scaling both).

  python3 benchmarks/scaling.py --soko .build/release/soko [--check]
  python3 benchmarks/scaling.py --self-test          (rate() against hand-computed values)

With --check it exits 1 unless each unit's desired replicas rise with the load, hold through the
stabilisation window after the load falls, and return to the minimum after it.
Standard library and PyYAML; loopback only.
"""
import argparse
import http.client
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUNCTIONS = {"listProducts": "catalog", "getProduct": "catalog-get-product"}


# PromQL's rate(), as promql/functions.go extrapolatedRate computes it.
def rate(samples, start, end):
    """Per-second rate of a counter's samples [(t, v)] in the left-open window (start, end]."""
    points = [(t, v) for t, v in samples if start < t <= end]
    if len(points) < 2:
        return None
    first_t, first_v = points[0]
    last_t, last_v = points[-1]
    increase = last_v - first_v
    previous = first_v
    for _, value in points[1:]:
        if value < previous:  # a counter reset: the process restarted from zero
            increase += previous
        previous = value
    sampled = last_t - first_t
    average_gap = sampled / (len(points) - 1)
    to_start = first_t - start
    to_end = end - last_t
    if increase > 0 and first_v >= 0:
        # A counter does not extrapolate below zero.
        to_zero = sampled * (first_v / increase)
        to_start = min(to_start, to_zero)
    threshold = average_gap * 1.1
    interval = sampled
    interval += to_start if to_start < threshold else average_gap / 2
    interval += to_end if to_end < threshold else average_gap / 2
    return increase * (interval / sampled) / (end - start)


def self_test():
    # 1 request/s, scraped every 15 s, window 2 m ending on a scrape: exactly 1.0.
    series = [(15.0 * n, 15.0 * n) for n in range(20)]
    assert abs(rate(series, 120.0, 240.0) - 1.0) < 1e-9, rate(series, 120.0, 240.0)
    # A restart between scrapes: the increase counts what was there before the reset.
    reset = [(0.0, 100.0), (15.0, 115.0), (30.0, 130.0), (45.0, 5.0), (60.0, 20.0)]
    expected = (20.0 + 130.0 - 100.0) * (60.0 + 15.0) / 60.0 / 75.0
    assert abs(rate(reset, -15.0, 60.0) - expected) < 1e-9, (rate(reset, -15.0, 60.0), expected)
    # A counter born inside the window extrapolates to zero, not to the window's start.
    born = [(60.0, 3.0), (75.0, 18.0), (90.0, 33.0)]
    assert abs(rate(born, 0.0, 90.0) - (30.0 * (30.0 + 3.0) / 30.0) / 90.0) < 1e-9
    # One sample is no rate (Prometheus returns nothing; the HPA then keeps its count).
    assert rate([(10.0, 5.0)], 0.0, 60.0) is None
    print("rate(): 4 cases agree with PromQL's extrapolatedRate")


def parse_metrics(text):
    """{(function, code): value} of http_requests_total in the exposition text."""
    out = {}
    for line in text.splitlines():
        match = re.match(r'http_requests_total\{function="([^"]+)",code="(\d+)"\} (\d+)', line)
        if match:
            out[(match.group(1), match.group(2))] = float(match.group(3))
    return out


class HPA:
    """One HorizontalPodAutoscaler (autoscaling/v2, a Pods metric with an AverageValue target)."""

    def __init__(self, spec, scale, target_divisor):
        self.minimum, self.maximum = spec["minReplicas"], spec["maxReplicas"]
        self.target = float(spec["metrics"][0]["pods"]["target"]["averageValue"]) / target_divisor
        behavior = spec["behavior"]
        self.up_window = behavior["scaleUp"]["stabilizationWindowSeconds"] / scale
        self.down_window = behavior["scaleDown"]["stabilizationWindowSeconds"] / scale
        self.up_policies = [(p["type"], p["value"], p["periodSeconds"] / scale) for p in behavior["scaleUp"]["policies"]]
        self.down_policies = [(p["type"], p["value"], p["periodSeconds"] / scale) for p in behavior["scaleDown"]["policies"]]
        self.replicas = self.minimum
        self.recommendations = []  # (time, replicas)
        self.events = []  # (time, change)

    def sync(self, now, total_rate):
        if total_rate is None:
            return self.replicas  # no metric: the HPA keeps the count
        current = self.replicas
        ratio = (total_rate / current) / self.target  # each pod gets an equal share through the Service
        raw = current if abs(ratio - 1.0) <= 0.1 else math.ceil(ratio * current)
        # Stabilisation: up to the smallest, down to the largest recommendation in each window.
        self.recommendations = [(t, r) for t, r in self.recommendations if t > now - max(self.up_window, self.down_window)]
        self.recommendations.append((now, raw))
        up = min([r for t, r in self.recommendations if t > now - self.up_window] + [raw])
        down = max([r for t, r in self.recommendations if t > now - self.down_window] + [raw])
        desired = up if current < up else down if current > down else current
        desired = self.limit(now, current, desired)
        desired = max(self.minimum, min(self.maximum, desired))
        if desired != current:
            self.events.append((now, desired - current))
        self.replicas = desired
        return desired

    def limit(self, now, current, desired):
        """The behavior's rate policies, from the replicas at the start of each period."""
        def start_of(period, sign):
            changed = sum(c for t, c in self.events if t > now - period and (c > 0) == (sign > 0))
            return current - changed

        if desired > current:
            limits = []
            for kind, value, period in self.up_policies:
                base = start_of(period, 1)
                limits.append(base + value if kind == "Pods" else math.ceil(base * (1 + value / 100.0)))
            return min(desired, max(limits))
        if desired < current:
            limits = []
            for kind, value, period in self.down_policies:
                base = start_of(period, -1)
                limits.append(base - value if kind == "Pods" else math.ceil(base * (1 - value / 100.0)))
            return max(desired, min(limits))
        return desired


class Load:
    """Paced requests to one path: `rate` per second, open loop, over a few keep-alive connections."""

    def __init__(self, port, path, workers=6):
        self.port, self.path, self.rate, self.sent, self.errors = port, path, 0.0, 0, 0
        self.lock = threading.Lock()
        self.next_at = time.monotonic()
        self.stopping = False
        self.threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(workers)]
        for thread in self.threads:
            thread.start()

    def set_rate(self, rate):
        with self.lock:
            self.rate = rate
            self.next_at = max(self.next_at, time.monotonic())

    def worker(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stopping:
            with self.lock:
                if self.rate <= 0:
                    at = None
                else:
                    at = self.next_at
                    self.next_at += 1.0 / self.rate
            if at is None:
                time.sleep(0.05)
                continue
            delay = at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                connection.request("GET", self.path)
                response = connection.getresponse()
                response.read()
                ok = response.status < 500
            except (OSError, http.client.HTTPException):
                ok = False
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            with self.lock:
                self.sent += 1
                self.errors += 0 if ok else 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode()


def generated():
    """The HPAs and the adapter's window, from the committed, generated files."""
    hpas = {}
    for unit in set(FUNCTIONS.values()):
        with open(os.path.join(ROOT, "manifests/k8s/base/%s.yaml" % unit)) as file:
            for document in yaml.safe_load_all(file):
                if document and document.get("kind") == "HorizontalPodAutoscaler":
                    hpas[unit] = document["spec"]
    with open(os.path.join(ROOT, "manifests/k8s/prometheus-adapter/values.yaml")) as file:
        query = yaml.safe_load(file)["rules"]["custom"][0]["metricsQuery"]
    match = re.search(r"sum\(rate\(<<\.Series>>\{<<\.LabelMatchers>>\}\[(\d+)([sm])\]\)\) by \(<<\.GroupBy>>\)", query)
    if not match:
        sys.exit("the adapter's query is not the sum(rate(…[window])) by (pod) this script evaluates: %s" % query)
    window = int(match.group(1)) * (60 if match.group(2) == "m" else 1)
    return hpas, window, query


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--soko", default=os.path.join(ROOT, ".build/release/soko"))
    parser.add_argument("--time-scale", type=float, default=15.0)
    parser.add_argument("--target-divisor", type=float, default=10.0)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    self_test()
    if args.self_test:
        return
    scale = args.time_scale
    hpa_specs, window_seconds, query = generated()
    hpas = {unit: HPA(spec, scale, args.target_divisor) for unit, spec in hpa_specs.items()}
    scrape, sync, window = 15.0 / scale, 15.0 / scale, window_seconds / scale
    # (simulated seconds, offered load in targets: ceil of it is the replicas the HPA should want)
    steps = [(120, 1.0), (180, 4.6), (180, 10.5), (180, 2.4), (480, 0.6)]

    work = tempfile.mkdtemp(prefix="soko-scaling-")
    port = free_port()
    environment = dict(os.environ, SOKO_DATA=work + "/data", SOKO_ACCESS_LOG="off", SOKO_LOOPS="1",
                       SOKO_RATE_LIMITS="off", SOKO_ENV="development")
    subprocess.run([args.soko, "seed"], env=environment, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([args.soko, "serve", "--host", "127.0.0.1", "--port", str(port)], env=environment,
                              stdout=subprocess.DEVNULL, stderr=open(work + "/soko.log", "w"))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = fetch(port, "/products?limit=5")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("the host did not start: see %s/soko.log" % work)
            time.sleep(0.1)
        product = re.search(r'"id":"([^"]+)"', body).group(1)
        paths = {"listProducts": "/products?limit=20", "getProduct": "/products/" + product}
        for path in paths.values():  # every series exists before the first scrape
            fetch(port, path)
        loads = {name: Load(port, path) for name, path in paths.items()}
        samples = {}  # (function, code) → [(t, v)]
        rows = []
        started = time.monotonic()
        step_index, step_ends = 0, []
        elapsed = 0.0
        for duration, _ in steps:
            elapsed += duration / scale
            step_ends.append(elapsed)
        total = step_ends[-1]
        next_scrape, next_sync = 0.0, window  # the first sync once a window's worth is scraped
        offered = {}
        while True:
            now = time.monotonic() - started
            if now >= total:
                break
            while step_index < len(steps) - 1 and now >= step_ends[step_index]:
                step_index += 1
            factor = steps[step_index][1]
            for name, load in loads.items():
                target = hpas[FUNCTIONS[name]].target
                offered[name] = factor * target
                load.set_rate(offered[name])
            if now >= next_scrape:
                _, text = fetch(port, "/metrics")
                stamp = time.monotonic() - started
                for key, value in parse_metrics(text).items():
                    samples.setdefault(key, []).append((stamp, value))
                next_scrape += scrape
            if now >= next_sync:
                stamp = time.monotonic() - started
                row = {"t": stamp * scale, "factor": factor}
                for name, unit in FUNCTIONS.items():
                    rates = [rate(series, stamp - window, stamp) for key, series in samples.items() if key[0] == name]
                    rates = [r for r in rates if r is not None]
                    metric = sum(rates) if rates else None  # sum(rate(…)) by (pod): this pod's series
                    row[unit] = (offered[name], metric, hpas[unit].sync(stamp, metric))
                rows.append(row)
                next_sync += sync
            time.sleep(max(0.0, min(next_scrape, next_sync) - (time.monotonic() - started)))
        for load in loads.values():
            load.stopping = True
        sent = sum(load.sent for load in loads.values())
        errors = sum(load.errors for load in loads.values())
    finally:
        server.terminate()
        server.wait(timeout=30)

    print("scaling arithmetic: `%s`, time scale 1/%g (scrape and HPA sync %gs, window %gs, scale-down "
          "stabilisation %gs of wall time), targets = manifests' / %g; %d requests, %d errors"
          % (query, scale, scrape, window, hpas["catalog"].down_window, args.target_divisor, sent, errors))
    units = list(FUNCTIONS.values())
    header = "%8s %7s" % ("sim t", "targets") + "".join(" | %-19s %6s %6s %4s" % (u, "offer", "metric", "rep") for u in units)
    print(header)
    previous = None
    for row in rows:
        key = tuple(row[u][2] for u in units) + (row["factor"],)
        if key != previous or row is rows[-1]:
            line = "%7.0fs %7.1f" % (row["t"], row["factor"])
            for unit in units:
                offer, metric, replicas = row[unit]
                line += " | %-19s %6.0f %6s %4d" % ("", offer, "-" if metric is None else "%.1f" % metric, replicas)
            print(line)
        previous = key
    if args.check:
        sys.exit(0 if check(rows, units, hpas, steps, scale, window) else 1)


def check(rows, units, hpas, steps, scale, window):
    """Up with the load, held through the stabilisation window, back to the minimum after it."""
    ok = True
    ends = []
    elapsed = 0.0
    for duration, _ in steps:
        elapsed += duration
        ends.append(elapsed)
    for unit in units:
        hpa = hpas[unit]

        def at(t):
            before = [r for r in rows if r["t"] <= t]
            return before[-1][unit][2] if before else hpa.minimum

        low, high, peak = at(ends[0]), at(ends[1]), at(ends[2])
        # What the HPA should want is the load the pods saw: the offered load, or less when this
        # machine could not deliver it. Scale-down is stabilised, so the peak holds the highest
        # recommendation of the step: the most the metric showed during it.
        served = [r[unit][1] for r in rows if ends[1] < r["t"] <= ends[2] and r[unit][1] is not None]
        seen = min(steps[2][1], max(served) / hpa.target) if served else steps[2][1]
        expected_peak = min(hpa.maximum, math.ceil(seen))
        drop = ends[2]
        held = [r[unit][2] for r in rows if drop < r["t"] < drop + hpa.down_window * scale - 15]
        final = at(ends[-1])
        results = [
            ("starts at the minimum", low == hpa.minimum),
            ("rises with the load", low < high < peak),
            ("reaches ceil(load/target) ±1 at the peak", abs(peak - expected_peak) <= 1),
            ("holds through the stabilisation window", bool(held) and min(held) >= peak - 1),
            ("returns to the minimum after it", final == hpa.minimum),
        ]
        for name, passed in results:
            print("%-20s %-45s %s" % (unit, name, "ok" if passed else "FAILED"))
            ok = ok and passed
    return ok


if __name__ == "__main__":
    main()
