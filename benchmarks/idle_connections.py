#!/usr/bin/env python3
"""Hold many idle keep-alive connections to a server on 127.0.0.1.

1. opens N connections (default 10000) and sends one `GET /hello` on each, reading the
   response (non-blocking sockets + epoll, at most --window exchanges in flight);
2. holds them all open for --hold seconds and checks that the server closed none;
3. sends a second request on every connection (or on --sample of them) and reads it;
4. reports errors and the server's RSS (VmRSS of --pid) before, while held, and after;
5. closes them all.

Only loopback addresses are accepted. Every phase is bounded by --timeout (overall).
Output ends with `idle_connections_errors=<int>`; exit 1 if there were errors.

    python3 benchmarks/idle_connections.py --port 8080 --pid $(pgrep -n soko) -n 10000
"""
import argparse
import errno
import ipaddress
import os
import random
import resource
import selectors
import socket
import sys
import time
from collections import Counter


def rss_kib(pid):
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def fmt_rss(kib):
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def raise_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return soft
    target = needed
    if hard != resource.RLIM_INFINITY and hard < needed:
        try:  # root may raise the hard limit
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return needed
        except (ValueError, OSError):
            target = hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


class Conn:
    __slots__ = ("sock", "buf", "connecting")

    def __init__(self):
        self.sock = None
        self.buf = b""
        self.connecting = False


def response_complete(buf):
    """Returns (done, status) for one HTTP/1.1 response in buf."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return False, None
    head = buf[:end].decode("latin-1").split("\r\n")
    try:
        status = int(head[0].split()[1])
    except (IndexError, ValueError):
        return True, -1
    length, chunked = 0, False
    for line in head[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    body = buf[end + 4:]
    if chunked:
        return body.endswith(b"0\r\n\r\n"), status
    return len(body) >= length, status


def exchange(conns, addr, request, connect, window, deadline, errors):
    """Runs one request/response on every conn (connecting first if asked).
    Failed conns are closed and their sock set to None. Returns the number that succeeded."""
    sel = selectors.EpollSelector() if hasattr(selectors, "EpollSelector") else selectors.DefaultSelector()
    pending = iter(conns)
    inflight = 0
    ok = 0

    def fail(c, why):
        nonlocal inflight
        errors[why] += 1
        try:
            sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()
        c.sock = None
        inflight -= 1

    def send(c):
        try:
            c.sock.send(request)  # a few dozen bytes: fits the empty send buffer whole
        except OSError as e:
            fail(c, f"send: {errno.errorcode.get(e.errno, e)}")
            return
        c.buf = b""
        sel.modify(c.sock, selectors.EVENT_READ, c)

    def start(c):
        nonlocal inflight
        inflight += 1
        if connect:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            c.sock = s
            rc = s.connect_ex(addr)
            if rc not in (0, errno.EINPROGRESS):
                sel.register(s, selectors.EVENT_WRITE, c)
                fail(c, f"connect: {errno.errorcode.get(rc, rc)}")
                return
            c.connecting = True
            sel.register(s, selectors.EVENT_WRITE, c)
        else:
            if c.sock is None:
                inflight -= 1
                return
            c.connecting = False
            sel.register(c.sock, selectors.EVENT_WRITE, c)
            send(c)

    def refill():
        while inflight < window:
            c = next(pending, None)
            if c is None:
                return
            start(c)

    refill()
    while inflight > 0:
        left = deadline - time.monotonic()
        if left <= 0:
            for key in list(sel.get_map().values()):
                fail(key.data, "timeout")
            for c in pending:  # never started
                errors["timeout (not started)"] += 1
                if c.sock is not None:
                    c.sock.close()
                    c.sock = None
            break
        for key, _ in sel.select(timeout=min(left, 1.0)):
            c = key.data
            if c.connecting:
                c.connecting = False
                err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    fail(c, f"connect: {errno.errorcode.get(err, err)}")
                else:
                    send(c)
                continue
            try:
                data = c.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError as e:
                fail(c, f"recv: {errno.errorcode.get(e.errno, e)}")
                continue
            if not data:
                fail(c, "closed by server before response")
                continue
            c.buf += data
            done, status = response_complete(c.buf)
            if not done:
                continue
            if status != 200:
                fail(c, f"status {status}")
                continue
            sel.unregister(c.sock)
            c.buf = b""
            inflight -= 1
            ok += 1
        refill()
    sel.close()
    return ok


def closed_by_peer(conns, errors):
    """Counts held connections that the server has closed (or that have unexpected data)."""
    n = 0
    for c in conns:
        if c.sock is None:
            continue
        try:
            data = c.sock.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            continue  # open and quiet: what we want
        except OSError as e:
            errors[f"idle: {errno.errorcode.get(e.errno, e)}"] += 1
        else:
            errors["idle: closed by server" if not data else "idle: unexpected data"] += 1
        c.sock.close()
        c.sock = None
        n += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, default=0, help="server pid, to read its RSS")
    ap.add_argument("-n", "--connections", type=int, default=10000)
    ap.add_argument("--path", default="/hello")
    ap.add_argument("--hold", type=float, default=2.0, help="seconds to hold them idle")
    ap.add_argument("--sample", type=int, default=0, help="second request on this many (0 = all)")
    ap.add_argument("--window", type=int, default=512, help="exchanges in flight at once")
    ap.add_argument("--timeout", type=float, default=60.0, help="overall bound in seconds")
    args = ap.parse_args()

    if not ipaddress.ip_address(args.host).is_loopback:
        ap.error("only loopback addresses (127.0.0.0/8) may be targeted")
    if not 0 < args.connections <= 60000:
        ap.error("--connections must be in 1..60000")

    limit = raise_nofile(args.connections + 64)
    if limit < args.connections + 16:
        print(f"warning: RLIMIT_NOFILE is {limit}; fewer connections will succeed", file=sys.stderr)

    start = time.monotonic()
    deadline = start + args.timeout
    addr = (args.host, args.port)
    request = f"GET {args.path} HTTP/1.1\r\nHost: {args.host}\r\n\r\n".encode()
    conns = [Conn() for _ in range(args.connections)]
    errors = Counter()

    rss_before = rss_kib(args.pid)
    t = time.monotonic()
    opened = exchange(conns, addr, request, True, args.window, deadline, errors)
    open_s = time.monotonic() - t
    rss_open = rss_kib(args.pid)
    print(f"opened {opened}/{args.connections} keep-alive connections, one request each, in {open_s:.2f} s")

    hold = min(args.hold, max(0.0, deadline - time.monotonic()))
    time.sleep(hold)
    dropped = closed_by_peer(conns, errors)
    rss_held = rss_kib(args.pid)
    print(f"held {opened - dropped} idle for {hold:.1f} s; closed by server meanwhile: {dropped}")

    live = [c for c in conns if c.sock is not None]
    if args.sample and args.sample < len(live):
        live = random.Random(1).sample(live, args.sample)
    t = time.monotonic()
    again = exchange(live, addr, request, False, args.window, deadline, errors)
    print(f"second request ok on {again}/{len(live)} held connections in {time.monotonic() - t:.2f} s")
    rss_after = rss_kib(args.pid)

    for c in conns:
        if c.sock is not None:
            c.sock.close()

    total_errors = sum(errors.values())
    per_conn = ""
    if rss_before is not None and rss_held is not None and opened:
        per_conn = f" (~{(rss_held - rss_before) / opened:.1f} KiB per connection)"
    print(f"server RSS: before {fmt_rss(rss_before)}, with {opened} open {fmt_rss(rss_open)}, "
          f"after hold {fmt_rss(rss_held)}, after second round {fmt_rss(rss_after)}{per_conn}")
    for why, count in errors.most_common():
        print(f"  error: {why}: {count}")
    print(f"total time {time.monotonic() - start:.2f} s")
    print(f"idle_connections_rss_before_kib={rss_before if rss_before is not None else 'NaN'}")
    print(f"idle_connections_rss_held_kib={rss_held if rss_held is not None else 'NaN'}")
    print(f"idle_connections_rss_after_kib={rss_after if rss_after is not None else 'NaN'}")
    print(f"idle_connections_opened={opened}")
    print(f"idle_connections_errors={total_errors}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
