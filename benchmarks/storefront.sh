#!/usr/bin/env bash
# The storefront's pages under load on the embedded process (demo catalog, SQLite): GET / (home:
# two catalog calls through the pipeline, HTML out) and GET /p/{id} (product page: one catalog
# call), each with wrk; prints requests/s and the latency percentiles, p99 included.
#
#   bash benchmarks/storefront.sh
#   SOKO_BIN=.build/release/soko DURATION=10s CONNECTIONS=16 bash benchmarks/storefront.sh
#   MIX=1 SOKO_BIN=… bash benchmarks/storefront.sh   # the same, while the shop mix (benchmarks/shop_mix.py:
#                                                    # browse, cart, orders, payments) runs on the same process
#
# Knobs (env): DURATION (10s), CONNECTIONS (16), SOKO_LOOPS (1). wrk runs one thread, leaving a
# core to the server on a 2-core machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
export SOKO_LOOPS=${SOKO_LOOPS:-1}
export SOKO_ACCESS_LOG=off SOKO_RATE_LIMITS=off SOKO_ENV=development
# The mix's few customers order as fast as they can: the per-customer pending-order cap would refuse them.
export SOKO_MAX_PENDING_ORDERS=10000
MIX=${MIX:-0}
RESULTS=$ROOT/benchmarks/results
mkdir -p "$RESULTS"
OUT=$RESULTS/storefront-latest.txt
: >"$OUT"

log() { printf '[storefront-bench] %s\n' "$*" >&2; }
say() { printf '%s\n' "$*" | tee -a "$OUT"; }

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi
if [ -z "${SOKO_BIN:-}" ]; then
  log "building release soko"
  swift build -c release --product soko >&2
  SOKO_BIN=$ROOT/.build/release/soko
fi

WORK=$(mktemp -d)
SOKO_PID=
cleanup() {
  [ -n "$SOKO_PID" ] && kill -TERM "$SOKO_PID" 2>/dev/null && wait "$SOKO_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export SOKO_DATA=$WORK/data
"$SOKO_BIN" seed >/dev/null
"$SOKO_BIN" serve --host 127.0.0.1 --port "$PORT" >"$WORK/soko.log" 2>&1 &
SOKO_PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 200); do
  curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
  sleep 0.05  # polling for readiness with a bound, not synchronisation
done
curl -fsS "$BASE/readyz" >/dev/null || { cat "$WORK/soko.log" >&2; exit 1; }
PRODUCT=$(curl -fsS "$BASE/products?limit=1&in_stock=true" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

MIX_PID=
if [ "$MIX" = 1 ]; then
  # Long enough to cover both wrk runs (and the mix's own set-up).
  seconds=${DURATION%s}
  python3 benchmarks/shop_mix.py "$BASE" --seconds $((seconds * 2 + 8)) --workers "${MIX_WORKERS:-8}" >"$WORK/mix.txt" 2>&1 &
  MIX_PID=$!
fi
say "storefront pages, $("$SOKO_BIN" --version 2>/dev/null || echo soko), SOKO_LOOPS=$SOKO_LOOPS, wrk -t1 -c$CONNECTIONS -d$DURATION, shop mix running: $([ "$MIX" = 1 ] && echo yes || echo no)"
for page in / "/p/$PRODUCT"; do
  size=$(curl -fsS "$BASE$page" | wc -c)
  say "== GET $page ($size bytes of HTML)"
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$page" | grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|75|90|99)%" | tee -a "$OUT"
done
if [ -n "$MIX_PID" ]; then
  wait "$MIX_PID" || { cat "$WORK/mix.txt" >&2; exit 1; }
  say "== the shop mix meanwhile (benchmarks/shop_mix.py)"
  tee -a "$OUT" <"$WORK/mix.txt"
fi
