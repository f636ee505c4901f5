#!/usr/bin/env bash
# Do callees that never answer stall sign-ins? The Users service alone, with the cart service at a
# callee of its own: 50 sign-ins at a time carry a guest cart token, so each calls cart.mergeCart
# there (over HTTP, with the service token). Plain sign-ins (Argon2id on the compute threads) are
# measured meanwhile — once with a callee that answers at once, once with one that accepts
# connections and never answers (each call then waits out the login's 5 s timeout). Outgoing calls
# are libcurl multi transfers on the loops, so the hung ones hold sockets, not the compute threads.
#
#   bash benchmarks/hung-callees.sh     (SECONDS_MEASURED=10, CALLERS=50, RATE=5, SOKO_BIN to skip the build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MEASURED=${SECONDS_MEASURED:-10}
CALLERS=${CALLERS:-50}
RATE=${RATE:-5}
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="$PATH:/opt/swift/usr/bin"; fi
if [ -z "${SOKO_BIN:-}" ]; then
  swift build -c release --product soko --static-swift-stdlib >&2
  SOKO_BIN=.build/release/soko
fi
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SECRET="bench service secret that is long enough"
DIGEST=$(printf '%s' "$SECRET" | sha256sum | cut -d' ' -f1)

python3 benchmarks/hanging_gateway.py listen "$WORK/hung-port" & PIDS+=($!)
python3 benchmarks/hung_callees.py answer "$WORK/answering-port" & PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/hung-port" ] && [ -s "$WORK/answering-port" ] && break; sleep 0.05; done

# Runs the Users service with the cart at port $1; prints "sent ok p50 p99".
measure() {
  local callee=$1 port
  port=$(free_port)
  rm -rf "$WORK/data"
  SOKO_DATA=$WORK/data SOKO_ACCESS_LOG=off SOKO_RATE_LIMITS=off SOKO_TRUSTED_PROXIES=127.0.0.1 \
    SOKO_SERVICE_URL_CART="http://127.0.0.1:$callee" SOKO_SERVICE_CLIENT_ID=bench-users \
    SOKO_SERVICE_CLIENT_SECRET="$SECRET" \
    SOKO_OAUTH_CLIENTS="[{\"client_id\": \"bench-users\", \"secret_sha256\": \"$DIGEST\", \"internal\": true}]" \
    "$SOKO_BIN" serve --service users --host 127.0.0.1 --port "$port" >"$WORK/soko-$callee.log" 2>&1 &
  local pid=$!
  PIDS+=($pid)
  for _ in $(seq 200); do curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.05; done
  curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/users/register" -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"bench password 1","name":"Bench"}'
  python3 benchmarks/hung_callees.py load "$port" bench@example.com "bench password 1" \
    --callers "$CALLERS" --rate "$RATE" --seconds "$MEASURED"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

read -r sent1 ok1 p50a p99a < <(measure "$(cat "$WORK/answering-port")")
read -r sent2 ok2 p50b p99b < <(measure "$(cat "$WORK/hung-port")")
printf '%-44s %6s %6s %10s %10s\n' "" sent ok "p50 ms" "p99 ms"
printf '%-44s %6s %6s %10s %10s\n' "sign-ins, $CALLERS calls to a callee that answers" "$sent1" "$ok1" "$p50a" "$p99a"
printf '%-44s %6s %6s %10s %10s\n' "sign-ins, $CALLERS calls hung on a callee" "$sent2" "$ok2" "$p50b" "$p99b"
python3 -c "print(f'p99 ratio (hung / answering): {float(\"$p99b\") / float(\"$p99a\"):.2f}')"
