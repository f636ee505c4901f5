#!/usr/bin/env bash
# A shop's traffic mix (browse, search, cart, checkout) through the real nginx gateway in front of
# the embedded platform: per function throughput, error rate, p50 and p99 — the numbers the
# manifests' `scale.rps` targets are chosen from (see benchmarks/README.md).
#
#   bash benchmarks/shop-mix.sh          (SECONDS_=20, WORKERS=16, SOKO_BIN to skip the build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUN_SECONDS=${SECONDS_:-20}
WORKERS=${WORKERS:-16}
export SOKO_ACCESS_LOG=off SOKO_LOOPS=${SOKO_LOOPS:-1}
# A few customers place orders as fast as they can: the per-customer abuse limits would refuse them.
export SOKO_RATE_LIMITS=off SOKO_MAX_PENDING_ORDERS=10000
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="$PATH:/opt/swift/usr/bin"; fi
command -v nginx >/dev/null 2>&1 || bash scripts/install-deps.sh
if [ -z "${SOKO_BIN:-}" ]; then
  swift build -c release --product soko --static-swift-stdlib >&2
  SOKO_BIN=.build/release/soko
fi
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SOKO_PORT=$(free_port)
GATEWAY_PORT=$(free_port)
export SOKO_DATA=$WORK/data SOKO_TRUSTED_PROXIES=127.0.0.1
"$SOKO_BIN" seed >/dev/null
# An admin for the mix's setup (delivery zones, a coupon) and for collecting pay-on-delivery orders.
printf 'mix admin password' | "$SOKO_BIN" users create-admin --email mix-admin@example.com >/dev/null
"$SOKO_BIN" serve --host 127.0.0.1 --port "$SOKO_PORT" >"$WORK/soko.log" 2>&1 & PIDS+=($!)
mkdir -p "$WORK/nginx/logs"
"$SOKO_BIN" render nginx --output "$WORK/nginx/nginx.conf" --listen "127.0.0.1:$GATEWAY_PORT" \
  --pid-file "$WORK/nginx/nginx.pid" --upstream "*=127.0.0.1:$SOKO_PORT" >/dev/null
# The mix signs in a few customers; the gateway's per-address sign-in limit is for the internet.
sed -i -e 's/rate=10r\/m/rate=6000r\/m/' -e 's/burst=5 nodelay/burst=100 nodelay/' "$WORK/nginx/nginx.conf"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g "daemon off;" >/dev/null 2>&1 & PIDS+=($!)
for _ in $(seq 200); do curl -fs -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/products?limit=1" && break; sleep 0.05; done
echo "shop mix through nginx → soko (one process, $SOKO_LOOPS loop), $WORKERS shoppers, ${RUN_SECONDS}s, $(date -u '+%Y-%m-%d %H:%M UTC')"
python3 benchmarks/shop_mix.py "http://127.0.0.1:$GATEWAY_PORT" --seconds "$RUN_SECONDS" --workers "$WORKERS" \
  --admin-email mix-admin@example.com --admin-password 'mix admin password'
