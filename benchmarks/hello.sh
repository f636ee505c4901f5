#!/usr/bin/env bash
# GET /hello: Soko (release build) against Node's built-in http server, in the same run.
#
#   bash benchmarks/hello.sh                 # 10 s per wrk run
#   DURATION=5s bash benchmarks/hello.sh
#   SOKO_BIN=/path/to/soko bash benchmarks/hello.sh   # skip the build, use that binary
#
# Knobs (env): DURATION (10s), CONNECTIONS (64), THREADS (1), WARMUP (2s), ROUNDS (1),
#   SOKO_LOOPS (1), SOKO_ACCESS_LOG (off), IDLE_CONNECTIONS (10000), STARTUP_RUNS (5).
# Everything targets 127.0.0.1 only. Prints a summary and writes it to
# benchmarks/results/latest.txt (gitignored) with the raw wrk output and server logs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
WARMUP=${WARMUP:-2s}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
STARTUP_RUNS=${STARTUP_RUNS:-5}
ROUNDS=${ROUNDS:-1}
export SOKO_LOOPS=${SOKO_LOOPS:-1}
export SOKO_ACCESS_LOG=${SOKO_ACCESS_LOG:-off}
RESULTS=$ROOT/benchmarks/results
mkdir -p "$RESULTS"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { bash scripts/install-deps.sh; break; }
done
command -v node >/dev/null 2>&1 || die "node is not installed (needed for the peer server)"

BIN_NOTE="built from this tree"
if [ -n "${SOKO_BIN:-}" ]; then
  BIN_NOTE="given by SOKO_BIN, built $(date -u -r "$SOKO_BIN" '+%Y-%m-%d %H:%M:%S UTC' 2>/dev/null || echo '?')"
else
  log "building release soko"
  swift build -c release --product soko --static-swift-stdlib >&2
  SOKO_BIN=$ROOT/.build/release/soko
fi
[ -x "$SOKO_BIN" ] || die "no soko binary at $SOKO_BIN"
SOKO_BIN=$(cd "$(dirname "$SOKO_BIN")" && pwd)/$(basename "$SOKO_BIN")

# Both servers and the clients below hold many sockets.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo NaN; }
mib() { awk -v k="$1" 'BEGIN { if (k ~ /^[0-9]+$/) printf "%.1f MiB", k/1024; else print "n/a" }'; }

SOKO_PID=; NODE_PID=
cleanup() {
  for pid in $SOKO_PID $NODE_PID; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $SOKO_PID $NODE_PID; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_ready() { # name pid url
  local i
  for i in $(seq 200); do   # up to ~10 s
    kill -0 "$2" 2>/dev/null || die "$1 exited before it was ready (see $RESULTS/$1.log)"
    if curl -fs -o /dev/null --max-time 1 "$3"; then return 0; fi
    sleep 0.05
  done
  die "$1 not ready at $3 within 10 s"
}

# wrk output → "req_per_s p99_ms requests non2xx socket_errors"
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v + 0
    }
    $1 == "99%" { p99 = ms($2) }
    / requests in / { reqs = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    END { printf "%s %.3f %s %d %d\n", rps, p99, reqs, non2xx, errs }
  ' "$1"
}

# ---- start both servers -----------------------------------------------------------------
SOKO_BENCH_PORT=$(free_port); NODE_PORT=$(free_port)
while [ "$NODE_PORT" = "$SOKO_BENCH_PORT" ]; do NODE_PORT=$(free_port); done

log "starting soko on 127.0.0.1:$SOKO_BENCH_PORT (loops=$SOKO_LOOPS, access log=$SOKO_ACCESS_LOG)"
"$SOKO_BIN" serve --host 127.0.0.1 --port "$SOKO_BENCH_PORT" >"$RESULTS/soko.log" 2>&1 &
SOKO_PID=$!
log "starting node on 127.0.0.1:$NODE_PORT"
node benchmarks/node-hello.js "$NODE_PORT" >"$RESULTS/node.log" 2>&1 &
NODE_PID=$!

wait_ready soko "$SOKO_PID" "http://127.0.0.1:$SOKO_BENCH_PORT/healthz"
wait_ready node "$NODE_PID" "http://127.0.0.1:$NODE_PORT/hello"
curl -fs "http://127.0.0.1:$SOKO_BENCH_PORT/hello" | grep -qx hello || die "soko /hello did not answer hello"
SOKO_IDLE_RSS=$(rss_kib "$SOKO_PID")
NODE_IDLE_RSS=$(rss_kib "$NODE_PID")

# ---- wrk: warm-up, then the measured runs, one server after the other --------------------
# With ROUNDS > 1 the servers alternate (soko, node, soko, node, ...) and each server's
# median round (by req/s) is reported, which evens out noise from a shared machine.
WRK=(wrk -t"$THREADS" -c"$CONNECTIONS" --latency)
port_of() { if [ "$1" = soko ]; then echo "$SOKO_BENCH_PORT"; else echo "$NODE_PORT"; fi; }
SOKO_TOTAL=0
add_soko_requests() { local r; read -r _ _ r _ _ <<<"$(parse_wrk "$1")"; SOKO_TOTAL=$(( SOKO_TOTAL + ${r:-0} )); }
for name in soko node; do
  log "warm-up $name ($WARMUP)"
  "${WRK[@]}" -d"$WARMUP" "http://127.0.0.1:$(port_of $name)/hello" >"$RESULTS/$name-warmup.txt"
done
add_soko_requests "$RESULTS/soko-warmup.txt"
rm -f "$RESULTS"/soko-wrk-*.txt "$RESULTS"/node-wrk-*.txt
for round in $(seq "$ROUNDS"); do
  for name in soko node; do
    log "wrk $name (round $round/$ROUNDS): -t$THREADS -c$CONNECTIONS -d$DURATION"
    "${WRK[@]}" -d"$DURATION" "http://127.0.0.1:$(port_of $name)/hello" >"$RESULTS/$name-wrk-$round.txt"
  done
  add_soko_requests "$RESULTS/soko-wrk-$round.txt"
done
extra=0
while [ "$SOKO_TOTAL" -lt 100000 ] && [ $extra -lt 10 ]; do   # RSS is read after >= 100k requests
  "${WRK[@]}" -d2s "http://127.0.0.1:$SOKO_BENCH_PORT/hello" >"$RESULTS/soko-extra.txt"
  add_soko_requests "$RESULTS/soko-extra.txt"; extra=$((extra + 1))
done
SOKO_LOADED_RSS=$(rss_kib "$SOKO_PID")
NODE_LOADED_RSS=$(rss_kib "$NODE_PID")

# Each server's median round by req/s: "req_per_s p99_ms requests non2xx socket_errors round"
median_round() {
  local round
  for round in $(seq "$ROUNDS"); do
    echo "$(parse_wrk "$RESULTS/$1-wrk-$round.txt") $round"
  done | sort -g -k1,1 | sed -n "$(( (ROUNDS + 1) / 2 ))p"
}
read -r SOKO_RPS SOKO_P99 SOKO_REQS SOKO_NON2XX SOKO_ERRS SOKO_ROUND <<<"$(median_round soko)"
read -r NODE_RPS NODE_P99 NODE_REQS NODE_NON2XX NODE_ERRS NODE_ROUND <<<"$(median_round node)"
cp "$RESULTS/soko-wrk-$SOKO_ROUND.txt" "$RESULTS/soko-wrk.txt"
cp "$RESULTS/node-wrk-$NODE_ROUND.txt" "$RESULTS/node-wrk.txt"
# errors in any round count
sum_errors() { local round t=0 a b; for round in $(seq "$ROUNDS"); do
  read -r _ _ _ a b <<<"$(parse_wrk "$RESULTS/$1-wrk-$round.txt")"; t=$(( t + ${a:-1} + ${b:-1} )); done; echo $t; }
SOKO_ALL_ERRORS=$(sum_errors soko)

# ---- idle keep-alive connections on the same soko process --------------------------------
log "idle connections: $IDLE_CONNECTIONS keep-alive connections to soko"
IDLE_RC=0
python3 benchmarks/idle_connections.py --host 127.0.0.1 --port "$SOKO_BENCH_PORT" --pid "$SOKO_PID" \
  -n "$IDLE_CONNECTIONS" --timeout 60 >"$RESULTS/idle-connections.txt" 2>&1 || IDLE_RC=$?

# ---- stop both; soko must drain and exit 0 on SIGTERM ------------------------------------
kill -TERM "$NODE_PID" 2>/dev/null || true
kill -TERM "$SOKO_PID" 2>/dev/null || true
SOKO_EXIT=0; wait "$SOKO_PID" || SOKO_EXIT=$?
wait "$NODE_PID" 2>/dev/null || true
SOKO_PID=; NODE_PID=

# ---- start to first 200 (fresh processes) ------------------------------------------------
log "start to first 200: $STARTUP_RUNS runs each"
python3 benchmarks/startup.py --runs "$STARTUP_RUNS" --log "$RESULTS/startup-soko.log" -- \
  "$SOKO_BIN" serve --host 127.0.0.1 --port '{port}' >"$RESULTS/startup-soko.txt" 2>&1 || true
python3 benchmarks/startup.py --runs "$STARTUP_RUNS" --log "$RESULTS/startup-node.log" -- \
  node benchmarks/node-hello.js '{port}' >"$RESULTS/startup-node.txt" 2>&1 || true
SOKO_START_MS=$(sed -n 's/^startup_median_ms=//p' "$RESULTS/startup-soko.txt"); SOKO_START_MS=${SOKO_START_MS:-NaN}
NODE_START_MS=$(sed -n 's/^startup_median_ms=//p' "$RESULTS/startup-node.txt"); NODE_START_MS=${NODE_START_MS:-NaN}

# ---- report ------------------------------------------------------------------------------
# check VALUE OP LIMIT → PASS/FAIL (FAIL when VALUE is not a number)
check() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v !~ /^-?[0-9]+(\.[0-9]+)?$/) { print "FAIL"; exit }
    ok = (op == "<") ? (v + 0 < l + 0) : (op == ">=") ? (v + 0 >= l + 0) : (v + 0 == l + 0)
    print (ok ? "PASS" : "FAIL")
  }'
}
RATIO=$(awk -v a="$SOKO_RPS" -v b="$NODE_RPS" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NaN" }')
IDLE_ERRS=$(sed -n 's/^idle_connections_errors=//p' "$RESULTS/idle-connections.txt"); IDLE_ERRS=${IDLE_ERRS:-NaN}
IDLE_OPENED=$(sed -n 's/^idle_connections_opened=//p' "$RESULTS/idle-connections.txt"); IDLE_OPENED=${IDLE_OPENED:-0}

{
  echo "Soko GET /hello benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (+ local changes)'); $(nproc) cores; $(uname -sr)"
  echo "soko: $SOKO_BIN ($BIN_NOTE; SOKO_LOOPS=$SOKO_LOOPS, SOKO_ACCESS_LOG=$SOKO_ACCESS_LOG); node $(node --version); $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
  echo "load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, after a $WARMUP warm-up, one server after the other, $ROUNDS round(s)"
  echo
  printf '%-6s %12s %10s %10s %8s %8s %12s %12s\n' server req/s p99_ms requests non2xx sockerr idle_rss loaded_rss
  printf '%-6s %12s %10s %10s %8s %8s %12s %12s\n' soko "$SOKO_RPS" "$SOKO_P99" "$SOKO_REQS" "$SOKO_NON2XX" "$SOKO_ERRS" "$(mib "$SOKO_IDLE_RSS")" "$(mib "$SOKO_LOADED_RSS")"
  printf '%-6s %12s %10s %10s %8s %8s %12s %12s\n' node "$NODE_RPS" "$NODE_P99" "$NODE_REQS" "$NODE_NON2XX" "$NODE_ERRS" "$(mib "$NODE_IDLE_RSS")" "$(mib "$NODE_LOADED_RSS")"
  if [ "$ROUNDS" -gt 1 ]; then
    echo "(median round by req/s shown; every round:)"
    for round in $(seq "$ROUNDS"); do
      for name in soko node; do
        read -r a b _ <<<"$(parse_wrk "$RESULTS/$name-wrk-$round.txt")"
        printf '  round %d %-5s %12s req/s  p99 %s ms\n' "$round" "$name" "$a" "$b"
      done
    done
  fi
  echo
  echo "ratio soko/node req/s: $RATIO"
  echo "soko RSS: idle after start $(mib "$SOKO_IDLE_RSS"); after $SOKO_TOTAL requests $(mib "$SOKO_LOADED_RSS")"
  echo "start to first 200 on /hello (median of $STARTUP_RUNS): soko $SOKO_START_MS ms, node $NODE_START_MS ms"
  echo "idle keep-alive connections ($IDLE_CONNECTIONS):"
  sed -n '/^idle_connections_/!s/^/  /p' "$RESULTS/idle-connections.txt"
  echo "soko exit status after SIGTERM: $SOKO_EXIT"
  echo
  echo "targets (issue 2):"
  echo "  $(check "$RATIO" ">=" 1.5)  req/s >= 1.5x node              ($RATIO x)"
  echo "  $(check "$SOKO_P99" "<" 5)  p99 < 5 ms at $CONNECTIONS connections     ($SOKO_P99 ms)"
  echo "  $(check "$SOKO_IDLE_RSS" "<" 30720)  idle RSS < 30 MB                 ($(mib "$SOKO_IDLE_RSS"))"
  echo "  $(check "$SOKO_START_MS" "<" 100)  start to first 200 < 100 ms     ($SOKO_START_MS ms)"
  echo "  $( [ "$(check "$IDLE_ERRS" "==" 0)$(check "$IDLE_OPENED" "==" "$IDLE_CONNECTIONS")" = PASSPASS ] && echo PASS || echo FAIL)  $IDLE_CONNECTIONS idle keep-alive connections ($IDLE_ERRS errors)"
  echo "  $(check "$SOKO_EXIT" "==" 0)  drains and exits 0 on SIGTERM"
  echo "  $(check "$SOKO_ALL_ERRORS" "==" 0)  no non-2xx or socket errors under load"
} | tee "$RESULTS/latest.txt"
echo "(raw output in $RESULTS/)" >&2
