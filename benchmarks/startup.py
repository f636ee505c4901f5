#!/usr/bin/env python3
"""Time from process start to the first 200 on GET /hello.

Spawns the given command with a free loopback port, then connects in a tight loop
(pauses of at most 1 ms) until `GET <path>` answers 200. Repeats --runs times and
prints each run and the median in milliseconds.

The port is passed as {port} in the command (substituted), and also in the
environment as SOKO_PORT and PORT; SOKO_HOST/HOST are set to 127.0.0.1.

    python3 benchmarks/startup.py -- .build/release/soko serve --host 127.0.0.1 --port {port}
    python3 benchmarks/startup.py -- node benchmarks/node-hello.js {port}

Output ends with a line `startup_median_ms=<float>`; exit 1 if any run failed.
"""
import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def try_get(port, path, timeout):
    """One GET over a fresh connection; returns the status code, or None if not up yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    return None
                data += chunk
            parts = data.split(b"\r\n", 1)[0].split()
            return int(parts[1]) if len(parts) >= 2 else None
    except OSError:
        return None


def one_run(cmd, path, timeout, log):
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in cmd]
    env = dict(os.environ, SOKO_PORT=str(port), PORT=str(port), SOKO_HOST="127.0.0.1", HOST="127.0.0.1")
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    try:
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode} before serving")
            if try_get(port, path, timeout=1.0) == 200:
                return (time.perf_counter() - t0) * 1000.0
            time.sleep(0.0005)
        raise RuntimeError(f"no 200 on {path} within {timeout}s")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--path", default="/hello")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds allowed per run")
    ap.add_argument("--log", default=os.devnull, help="file for the child's stdout/stderr")
    ap.add_argument("cmd", nargs=argparse.REMAINDER, help="-- command [args...] ({port} is substituted)")
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("give the command to spawn after --")

    times, failures = [], 0
    with open(args.log, "ab") as log:
        for i in range(args.runs):
            try:
                ms = one_run(cmd, args.path, args.timeout, log)
                times.append(ms)
                print(f"run {i + 1}: {ms:.1f} ms")
            except RuntimeError as e:
                failures += 1
                print(f"run {i + 1}: FAILED: {e}")
            sys.stdout.flush()
    if times:
        print(f"startup_median_ms={statistics.median(times):.1f}")
    else:
        print("startup_median_ms=NaN")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
