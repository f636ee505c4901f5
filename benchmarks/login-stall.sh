#!/usr/bin/env bash
# Does Argon2id sign-in stall other requests? GET /hello p99 at 64 connections, first alone and
# then while 20 logins/s (OWASP Argon2id parameters) run against the same process.
# Target (issue 3): p99 stays under 10 ms. Loopback only; every process is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DURATION=${DURATION:-10}
SOKO_BIN=${SOKO_BIN:-.build/release/soko}
if [ ! -x "$SOKO_BIN" ] || [ -z "${SOKO_BIN_PREBUILT:-}" ]; then
  swift build -c release --product soko --static-swift-stdlib >&2
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
DATA=$(mktemp -d)
LOGS=$(mktemp -d)
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT
SOKO_DATA="$DATA" SOKO_ACCESS_LOG=off SOKO_TRUSTED_PROXIES=127.0.0.1 "$SOKO_BIN" serve --host 127.0.0.1 --port "$PORT" >"$LOGS/soko.log" 2>&1 &
PID=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.05; done
curl -sf -X POST "http://127.0.0.1:$PORT/users/register" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"bench password 1","name":"Bench"}' >/dev/null
p99() { awk '/ 99%/ {print $2}' "$1"; }
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
wrk -t1 -c64 -d2s "http://127.0.0.1:$PORT/hello" >/dev/null  # warm-up
wrk -t1 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/hello" >"$LOGS/alone.txt"
python3 benchmarks/login_load.py "$PORT" bench@example.com "bench password 1" --rate 20 --seconds "$DURATION" >"$LOGS/logins.txt" &
LOAD=$!
wrk -t1 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/hello" >"$LOGS/with-logins.txt"
wait "$LOAD"
echo "GET /hello alone:           $(rps "$LOGS/alone.txt") req/s, p99 $(p99 "$LOGS/alone.txt")"
echo "GET /hello with 20 logins/s: $(rps "$LOGS/with-logins.txt") req/s, p99 $(p99 "$LOGS/with-logins.txt")"
cat "$LOGS/logins.txt"
