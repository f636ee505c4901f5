#!/usr/bin/env bash
# A payment gateway that hangs must not hurt anyone else: GET /hello's p99 on the embedded process,
# measured alone and then while 50 payOrder calls wait on a Daraja that accepts connections and never
# answers (each handler gives up at its own timeout, 15 s; the loop keeps serving meanwhile).
#
#   bash benchmarks/hanging-gateway.sh            (DURATION=8s, CALLS=50, SOKO_BIN to skip the build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DURATION=${DURATION:-8s}
CALLS=${CALLS:-50}
export SOKO_LOOPS=${SOKO_LOOPS:-1} SOKO_ACCESS_LOG=off
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="$PATH:/opt/swift/usr/bin"; fi
command -v wrk >/dev/null 2>&1 || bash scripts/install-deps.sh
if [ -z "${SOKO_BIN:-}" ]; then
  swift build -c release --product soko --static-swift-stdlib >&2
  SOKO_BIN=.build/release/soko
fi
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

python3 benchmarks/hanging_gateway.py listen "$WORK/gateway-port" & PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/gateway-port" ] && break; sleep 0.05; done
PORT=$(free_port)
export SOKO_DATA=$WORK/data SOKO_DARAJA_BASE_URL="http://127.0.0.1:$(cat "$WORK/gateway-port")"
"$SOKO_BIN" seed >/dev/null
"$SOKO_BIN" serve --host 127.0.0.1 --port "$PORT" >"$WORK/soko.log" 2>&1 & PIDS+=($!)
for _ in $(seq 200); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz" && break; sleep 0.05; done

p99() { awk '/^ +99%/ {print $2}'; }
rps() { awk '/Requests\/sec/ {print $2}'; }
wrk -t1 -c64 -d2s "http://127.0.0.1:$PORT/hello" >/dev/null
alone=$(wrk -t1 -c64 -d"$DURATION" --latency "http://127.0.0.1:$PORT/hello")
python3 benchmarks/hanging_gateway.py pay "$PORT" "$CALLS" > "$WORK/pay.log" 2>&1 & PAYER=$!
for _ in $(seq 200); do grep -q "paying" "$WORK/pay.log" 2>/dev/null && break; sleep 0.05; done
sleep 0.5  # the calls are out and waiting on the gateway
during=$(wrk -t1 -c64 -d"$DURATION" --latency "http://127.0.0.1:$PORT/hello")
wait "$PAYER" || echo "(the payer failed; its log follows)"
echo "GET /hello alone:                         $(echo "$alone" | rps) req/s, p99 $(echo "$alone" | p99)"
echo "GET /hello while $CALLS payments hang:    $(echo "$during" | rps) req/s, p99 $(echo "$during" | p99)"
cat "$WORK/pay.log"
