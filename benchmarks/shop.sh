#!/usr/bin/env bash
# The shop's hot paths on the embedded process, measured side by side in one run:
#   1. GET /products/{id} (getProduct: a cached statement, JSON out) against GET /hello on the
#      same process (the host's ceiling without a store read); target ≥ 30,000 req/s on SQLite;
#   2. POST /orders (placeOrder: 3 lines named in the body, catalog pricing, stock reservation,
#      order insert, outbox — and the relay delivering order.placed meanwhile), customers placing
#      orders back to back; target ≥ 1,000 orders/s on SQLite, and the same run on PostgreSQL;
#      afterwards the stock is checked for oversell against every order placed.
#
#   bash benchmarks/shop.sh
#   DURATION=5s BACKENDS=sqlite bash benchmarks/shop.sh
#   SOKO_BIN=/path/to/soko bash benchmarks/shop.sh      # skip the build
#
# Knobs (env): DURATION (10s), CONNECTIONS (64, getProduct), CUSTOMERS (8, one wrk thread and
# connection each), STOCK (1000000 units per product), SOKO_LOOPS (1), BACKENDS ("sqlite postgres").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
CUSTOMERS=${CUSTOMERS:-8}
STOCK=${STOCK:-1000000}
BACKENDS=${BACKENDS:-sqlite postgres}
export SOKO_LOOPS=${SOKO_LOOPS:-1}
export SOKO_ACCESS_LOG=off
# A few customers place orders as fast as they can: the per-customer abuse limits would refuse them.
export SOKO_RATE_LIMITS=off SOKO_MAX_PENDING_ORDERS=10000
RESULTS=$ROOT/benchmarks/results
mkdir -p "$RESULTS"
OUT=$RESULTS/shop-latest.txt
: >"$OUT"

log() { printf '[shop-bench] %s\n' "$*" >&2; }
die() { printf '[shop-bench] ERROR: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*" | tee -a "$OUT"; }

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { bash scripts/install-deps.sh; break; }
done
if [ -z "${SOKO_BIN:-}" ]; then
  log "building release soko"
  swift build -c release --product soko --static-swift-stdlib >&2
  SOKO_BIN=$ROOT/.build/release/soko
fi
[ -x "$SOKO_BIN" ] || die "no soko binary at $SOKO_BIN"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
SOKO_PID=
PG_DIR=
cleanup() {
  [ -n "$SOKO_PID" ] && kill -TERM "$SOKO_PID" 2>/dev/null && wait "$SOKO_PID" 2>/dev/null || true
  [ -n "$PG_DIR" ] && bash scripts/postgres-for-tests.sh stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 200); do
    kill -0 "$SOKO_PID" 2>/dev/null || die "soko exited (see $WORK/soko.log)"
    curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$1/readyz" && return 0
    sleep 0.05
  done
  die "soko not ready"
}

# wrk output → "req/s p99_ms non2xx"
wrk_numbers() {
  awk '/Requests\/sec/ {rps=$2} /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p99=v}
       /Non-2xx/ {bad=$5} END {printf "%s %s %s\n", rps, p99, (bad==""?0:bad)}'
}

run_backend() { # sqlite | postgres
  local backend=$1 port data
  port=$(free_port)
  data=$WORK/$backend
  mkdir -p "$data"
  unset SOKO_DATABASE_URL
  export SOKO_DATA=$data
  if [ "$backend" = postgres ]; then
    PG_DIR=$(mktemp -d)
    SOKO_DATABASE_URL=$(bash scripts/postgres-for-tests.sh start "$PG_DIR")
    export SOKO_DATABASE_URL
  fi
  "$SOKO_BIN" seed >&2
  printf 'bench password 1\n' | "$SOKO_BIN" users create-admin --email bench-admin@example.com >&2
  "$SOKO_BIN" serve --host 127.0.0.1 --port "$port" >"$WORK/soko-$backend.log" 2>&1 &
  SOKO_PID=$!
  wait_ready "$port"
  python3 benchmarks/shop_setup.py prepare "$port" bench-admin@example.com 'bench password 1' "$CUSTOMERS" "$STOCK" "$WORK"
  local product
  product=$(cat "$WORK/product")

  local hello get
  if [ "$backend" = sqlite ]; then
    wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$port/products/$product" >/dev/null
    hello=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/hello" | tee -a "$OUT" | wrk_numbers)
    get=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/products/$product" | tee -a "$OUT" | wrk_numbers)
    read -r hello_rps hello_p99 _ <<<"$hello"
    read -r get_rps get_p99 get_bad <<<"$get"
    say ""
    say "getProduct ($backend, 1 loop, wrk -t1 -c$CONNECTIONS -d$DURATION)"
    say "  GET /hello          $(printf '%10.0f' "$hello_rps") req/s   p99 ${hello_p99} ms"
    say "  GET /products/{id}  $(printf '%10.0f' "$get_rps") req/s   p99 ${get_p99} ms   non-2xx $get_bad"
    say "  getProduct / hello = $(awk -v a="$get_rps" -v b="$hello_rps" 'BEGIN{printf "%.2f", a/b}')   getProduct / 30k target = $(awk -v a="$get_rps" 'BEGIN{printf "%.2f", a/30000}')"
  fi

  local orders_out placed refused other seconds rate
  orders_out=$(SOKO_BENCH_TOKENS=$WORK/tokens SOKO_BENCH_PRODUCTS=$(cat "$WORK/products") \
    wrk -t"$CUSTOMERS" -c"$CUSTOMERS" -d"$DURATION" --latency -s benchmarks/orders.lua "http://127.0.0.1:$port" | tee -a "$OUT")
  read -r placed refused other seconds <<<"$(echo "$orders_out" | awk '/^ORDERS/ {split($2,a,"="); split($3,b,"="); split($4,c,"="); split($5,d,"="); print a[2], b[2], c[2], d[2]}')"
  rate=$(awk -v n="$placed" -v s="$seconds" 'BEGIN{printf "%.0f", n/s}')
  say ""
  say "placeOrder ($backend, 1 loop, $CUSTOMERS customers placing 3-line orders back to back for $DURATION)"
  say "  orders placed $placed (refused $refused, other $other) in ${seconds}s = $rate orders/s   p99 $(echo "$orders_out" | wrk_numbers | awk '{print $2}') ms"
  say "  orders/s / 1,000 target = $(awk -v a="$rate" 'BEGIN{printf "%.2f", a/1000}')"
  python3 benchmarks/shop_setup.py verify "$port" "$WORK" "$STOCK" "$placed" "$CUSTOMERS" | sed 's/^/  /' | tee -a "$OUT"

  kill -TERM "$SOKO_PID"
  wait "$SOKO_PID" || die "soko did not exit cleanly on SIGTERM"
  SOKO_PID=
  if [ "$backend" = postgres ]; then
    bash scripts/postgres-for-tests.sh stop "$PG_DIR" >/dev/null 2>&1 || true
    PG_DIR=
  fi
}

say "shop benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, soko at $SOKO_BIN"
for backend in $BACKENDS; do run_backend "$backend"; done
