#!/usr/bin/env bash
# GET /hello, side by side in one run: the C floor (benchmarks/c-floor/floor.c: libuv +
# http-parser answering the same bytes), Soko in its default configuration (access log on),
# Soko with the access log off, and Node's built-in http server.
#
#   bash benchmarks/hello.sh                 # 10 s per wrk run
#   DURATION=5s ROUNDS=3 bash benchmarks/hello.sh     # alternating rounds, median reported
#   SOKO_BIN=/path/to/soko bash benchmarks/hello.sh   # skip the build, use that binary
#
# Knobs (env): DURATION (10s), CONNECTIONS (64), THREADS (1), WARMUP (2s), ROUNDS (1),
#   SOKO_LOOPS (1), IDLE_CONNECTIONS (10000), STARTUP_RUNS (5), SOKO_BIN, CC (cc).
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
unset SOKO_ACCESS_LOG   # each Soko process below sets its own
CC=${CC:-cc}
SERVERS=(floor soko soko-nolog node)   # the order of every round
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

# The C floor, built here so its flags are part of the method.
log "building the C floor ($CC -O2)"
FLOOR_BIN=$RESULTS/floor
"$CC" -O2 -o "$FLOOR_BIN" benchmarks/c-floor/floor.c -luv -lhttp_parser >&2 \
  || die "could not build benchmarks/c-floor/floor.c (needs libuv1-dev and libhttp-parser-dev)"

# The servers and the clients below hold many sockets.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo NaN; }
mib() { awk -v k="$1" 'BEGIN { if (k ~ /^[0-9]+$/) printf "%.1f MiB", k/1024; else print "n/a" }'; }

declare -A PID PORT
ALL_PIDS=()
cleanup() {
  local pid
  for pid in "${ALL_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${ALL_PIDS[@]}"; do
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

# A few requests over one connection (curl reuses it), so RSS is read after the first requests
# have touched the serving path, not straight after start.
a_few_requests() { # port
  local urls=() i
  for i in $(seq 20); do urls+=("http://127.0.0.1:$1/hello"); done
  curl -fs --max-time 5 "${urls[@]}" >/dev/null || die "GET /hello failed on port $1"
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

# ---- idle RSS of one service: soko serve --service examples -------------------------------
EXAMPLES_PORT=$(free_port)
log "idle RSS: soko serve --service examples on 127.0.0.1:$EXAMPLES_PORT"
"$SOKO_BIN" serve --host 127.0.0.1 --port "$EXAMPLES_PORT" --service examples >"$RESULTS/soko-examples.log" 2>&1 &
EXAMPLES_PID=$!; ALL_PIDS+=("$EXAMPLES_PID")
wait_ready soko-examples "$EXAMPLES_PID" "http://127.0.0.1:$EXAMPLES_PORT/hello"
a_few_requests "$EXAMPLES_PORT"
sleep 0.2
EXAMPLES_RSS=$(rss_kib "$EXAMPLES_PID")
grep -E '^(VmRSS|RssAnon|RssFile|RssShmem):' "/proc/$EXAMPLES_PID/status" >"$RESULTS/soko-examples-rss.txt" || true
kill -TERM "$EXAMPLES_PID" 2>/dev/null || true; wait "$EXAMPLES_PID" 2>/dev/null || true

# ---- start the four servers ---------------------------------------------------------------
# soko:       `soko serve`, every bundle, one loop, the access log on (the default: stdout,
#             here into a file)
# soko-nolog: the same with SOKO_ACCESS_LOG=off
for name in "${SERVERS[@]}"; do
  port=$(free_port)
  while printf '%s\n' "${PORT[@]}" | grep -qx "$port"; do port=$(free_port); done
  PORT[$name]=$port
  log "starting $name on 127.0.0.1:$port"
  case $name in
    floor) "$FLOOR_BIN" "$port" 127.0.0.1 >"$RESULTS/floor.log" 2>&1 & ;;
    soko) "$SOKO_BIN" serve --host 127.0.0.1 --port "$port" >"$RESULTS/soko.log" 2>&1 & ;;
    soko-nolog) SOKO_ACCESS_LOG=off "$SOKO_BIN" serve --host 127.0.0.1 --port "$port" >"$RESULTS/soko-nolog.log" 2>&1 & ;;
    node) node benchmarks/node-hello.js "$port" >"$RESULTS/node.log" 2>&1 & ;;
  esac
  PID[$name]=$!; ALL_PIDS+=("$!")
done
for name in "${SERVERS[@]}"; do
  ready=/hello; case $name in soko*) ready=/healthz ;; esac
  wait_ready "$name" "${PID[$name]}" "http://127.0.0.1:${PORT[$name]}$ready"
  a_few_requests "${PORT[$name]}"
done
# Every server must answer the same bytes but for X-Request-ID's value and Date.
normalise() { tr -d '\r' | sed -E 's/^(X-Request-ID|Date): .*/\1: …/I'; }
curl -si "http://127.0.0.1:${PORT[soko]}/hello" | normalise >"$RESULTS/soko-response.txt"
curl -si "http://127.0.0.1:${PORT[floor]}/hello" | normalise >"$RESULTS/floor-response.txt"
SAME_BYTES=PASS
cmp -s "$RESULTS/soko-response.txt" "$RESULTS/floor-response.txt" || SAME_BYTES=FAIL
sleep 0.2
declare -A IDLE_RSS LOADED_RSS
for name in "${SERVERS[@]}"; do IDLE_RSS[$name]=$(rss_kib "${PID[$name]}"); done
grep -E '^(VmRSS|RssAnon|RssFile|RssShmem):' "/proc/${PID[soko]}/status" >"$RESULTS/soko-shop-rss.txt" || true

# ---- wrk: warm-up, then the measured rounds ----------------------------------------------
# Each round loads every server in turn (floor, soko, soko-nolog, node); with ROUNDS > 1 each
# server's median round (by req/s) is reported, which evens out noise from a shared machine.
WRK=(wrk -t"$THREADS" -c"$CONNECTIONS" --latency)
SOKO_TOTAL=0
add_soko_requests() { local r; read -r _ _ r _ _ <<<"$(parse_wrk "$1")"; SOKO_TOTAL=$(( SOKO_TOTAL + ${r:-0} )); }
for name in "${SERVERS[@]}"; do
  log "warm-up $name ($WARMUP)"
  "${WRK[@]}" -d"$WARMUP" "http://127.0.0.1:${PORT[$name]}/hello" >"$RESULTS/$name-warmup.txt"
done
add_soko_requests "$RESULTS/soko-warmup.txt"
for name in "${SERVERS[@]}"; do rm -f "$RESULTS/$name"-wrk-*.txt; done
for round in $(seq "$ROUNDS"); do
  for name in "${SERVERS[@]}"; do
    log "wrk $name (round $round/$ROUNDS): -t$THREADS -c$CONNECTIONS -d$DURATION"
    "${WRK[@]}" -d"$DURATION" "http://127.0.0.1:${PORT[$name]}/hello" >"$RESULTS/$name-wrk-$round.txt"
  done
  add_soko_requests "$RESULTS/soko-wrk-$round.txt"
done
extra=0
while [ "$SOKO_TOTAL" -lt 100000 ] && [ $extra -lt 10 ]; do   # RSS is read after >= 100k requests
  "${WRK[@]}" -d2s "http://127.0.0.1:${PORT[soko]}/hello" >"$RESULTS/soko-extra.txt"
  add_soko_requests "$RESULTS/soko-extra.txt"; extra=$((extra + 1))
done
for name in "${SERVERS[@]}"; do LOADED_RSS[$name]=$(rss_kib "${PID[$name]}"); done

# Each server's median round by req/s: "req_per_s p99_ms requests non2xx socket_errors round"
median_round() {
  local round
  for round in $(seq "$ROUNDS"); do
    echo "$(parse_wrk "$RESULTS/$1-wrk-$round.txt") $round"
  done | sort -g -k1,1 | sed -n "$(( (ROUNDS + 1) / 2 ))p"
}
declare -A RPS P99 REQS NON2XX ERRS
for name in "${SERVERS[@]}"; do
  read -r RPS[$name] P99[$name] REQS[$name] NON2XX[$name] ERRS[$name] round <<<"$(median_round "$name")"
  cp "$RESULTS/$name-wrk-$round.txt" "$RESULTS/$name-wrk.txt"
done
# errors in any round of either Soko count
sum_errors() { local round t=0 a b; for round in $(seq "$ROUNDS"); do
  read -r _ _ _ a b <<<"$(parse_wrk "$RESULTS/$1-wrk-$round.txt")"; t=$(( t + ${a:-1} + ${b:-1} )); done; echo $t; }
SOKO_ALL_ERRORS=$(( $(sum_errors soko) + $(sum_errors soko-nolog) ))

# ---- idle keep-alive connections on the default-configuration soko process ---------------
log "idle connections: $IDLE_CONNECTIONS keep-alive connections to soko"
IDLE_RC=0
python3 benchmarks/idle_connections.py --host 127.0.0.1 --port "${PORT[soko]}" --pid "${PID[soko]}" \
  -n "$IDLE_CONNECTIONS" --timeout 60 >"$RESULTS/idle-connections.txt" 2>&1 || IDLE_RC=$?

# ---- stop them all; soko must drain and exit 0 on SIGTERM --------------------------------
for name in floor soko-nolog node; do kill -TERM "${PID[$name]}" 2>/dev/null || true; done
kill -TERM "${PID[soko]}" 2>/dev/null || true
SOKO_EXIT=0; wait "${PID[soko]}" || SOKO_EXIT=$?
for name in floor soko-nolog node; do wait "${PID[$name]}" 2>/dev/null || true; done
ALL_PIDS=()
# The access log of millions of requests: keep its head and tail.
for f in "$RESULTS/soko.log"; do
  if [ "$(wc -l <"$f")" -gt 200 ]; then
    { head -n 100 "$f"; echo "… ($(wc -l <"$f") lines in all)"; tail -n 100 "$f"; } >"$f.short" && mv "$f.short" "$f"
  fi
done

# ---- start to first 200 (fresh processes) ------------------------------------------------
log "start to first 200: $STARTUP_RUNS runs each"
python3 benchmarks/startup.py --runs "$STARTUP_RUNS" --log "$RESULTS/startup-soko.log" -- \
  "$SOKO_BIN" serve --host 127.0.0.1 --port '{port}' >"$RESULTS/startup-soko.txt" 2>&1 || true
python3 benchmarks/startup.py --runs "$STARTUP_RUNS" --log "$RESULTS/startup-node.log" -- \
  node benchmarks/node-hello.js '{port}' >"$RESULTS/startup-node.txt" 2>&1 || true
SOKO_START_MS=$(sed -n 's/^startup_median_ms=//p' "$RESULTS/startup-soko.txt"); SOKO_START_MS=${SOKO_START_MS:-NaN}
NODE_START_MS=$(sed -n 's/^startup_median_ms=//p' "$RESULTS/startup-node.txt"); NODE_START_MS=${NODE_START_MS:-NaN}

# ---- report ------------------------------------------------------------------------------
# check VALUE OP LIMIT → PASS/MISS (MISS when VALUE is not a number)
check() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v !~ /^-?[0-9]+(\.[0-9]+)?$/) { print "MISS"; exit }
    ok = (op == "<") ? (v + 0 < l + 0) : (op == "<=") ? (v + 0 <= l + 0) : (op == ">=") ? (v + 0 >= l + 0) : (v + 0 == l + 0)
    print (ok ? "PASS" : "MISS")
  }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NaN" }'; }
DEFAULT_VS_NODE=$(ratio "${RPS[soko]}" "${RPS[node]}")
DEFAULT_VS_FLOOR=$(ratio "${RPS[soko]}" "${RPS[floor]}")
NOLOG_VS_FLOOR=$(ratio "${RPS[soko-nolog]}" "${RPS[floor]}")
NOLOG_VS_NODE=$(ratio "${RPS[soko-nolog]}" "${RPS[node]}")
IDLE_ERRS=$(sed -n 's/^idle_connections_errors=//p' "$RESULTS/idle-connections.txt"); IDLE_ERRS=${IDLE_ERRS:-NaN}
IDLE_OPENED=$(sed -n 's/^idle_connections_opened=//p' "$RESULTS/idle-connections.txt"); IDLE_OPENED=${IDLE_OPENED:-0}

{
  echo "Soko GET /hello benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (+ local changes)'); $(nproc) cores; $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "soko: $SOKO_BIN ($BIN_NOTE; SOKO_LOOPS=$SOKO_LOOPS); node $(node --version); $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'); floor: $CC -O2, libuv $(pkg-config --modversion libuv 2>/dev/null || echo '?')"
  echo "load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, after a $WARMUP warm-up, servers in turn (${SERVERS[*]}), $ROUNDS round(s)"
  echo "same response bytes (but X-Request-ID and Date) from floor and soko: $SAME_BYTES"
  echo
  printf '%-11s %12s %10s %10s %8s %8s %12s %12s\n' server req/s p99_ms requests non2xx sockerr idle_rss loaded_rss
  for name in "${SERVERS[@]}"; do
    printf '%-11s %12s %10s %10s %8s %8s %12s %12s\n' "$name" "${RPS[$name]}" "${P99[$name]}" "${REQS[$name]}" \
      "${NON2XX[$name]}" "${ERRS[$name]}" "$(mib "${IDLE_RSS[$name]}")" "$(mib "${LOADED_RSS[$name]}")"
  done
  echo "(soko = soko serve, every bundle, access log on (the default); soko-nolog = SOKO_ACCESS_LOG=off)"
  if [ "$ROUNDS" -gt 1 ]; then
    echo "(median round by req/s shown; every round:)"
    for round in $(seq "$ROUNDS"); do
      for name in "${SERVERS[@]}"; do
        read -r a b _ <<<"$(parse_wrk "$RESULTS/$name-wrk-$round.txt")"
        printf '  round %d %-11s %12s req/s  p99 %s ms\n' "$round" "$name" "$a" "$b"
      done
    done
  fi
  echo
  echo "ratios (req/s): default/node $DEFAULT_VS_NODE, default/floor $DEFAULT_VS_FLOOR, log-off/floor $NOLOG_VS_FLOOR, log-off/node $NOLOG_VS_NODE"
  echo "idle RSS after start and 20 requests: soko serve --service examples $(mib "$EXAMPLES_RSS"); soko serve (whole shop) $(mib "${IDLE_RSS[soko]}")"
  echo "  examples: $(tr '\n' ' ' <"$RESULTS/soko-examples-rss.txt" | tr -s ' ')"
  echo "  shop:     $(tr '\n' ' ' <"$RESULTS/soko-shop-rss.txt" | tr -s ' ')"
  echo "soko RSS after $SOKO_TOTAL requests: $(mib "${LOADED_RSS[soko]}")"
  echo "start to first 200 on /hello (median of $STARTUP_RUNS, whole shop): soko $SOKO_START_MS ms, node $NODE_START_MS ms"
  echo "idle keep-alive connections ($IDLE_CONNECTIONS):"
  sed -n '/^idle_connections_/!s/^/  /p' "$RESULTS/idle-connections.txt"
  echo "soko exit status after SIGTERM: $SOKO_EXIT"
  echo
  echo "targets (issue 12 §6):"
  echo "  $(check "$DEFAULT_VS_NODE" ">=" 1.6)  default >= 1.6x node                 ($DEFAULT_VS_NODE x)"
  echo "  $(check "$DEFAULT_VS_FLOOR" ">=" 0.8)  default >= 0.8x C floor              ($DEFAULT_VS_FLOOR x)"
  echo "  $(check "$NOLOG_VS_FLOOR" ">=" 0.9)  access log off >= 0.9x C floor       ($NOLOG_VS_FLOOR x)"
  echo "  $(check "${P99[soko]}" "<" 2)  default p99 < 2 ms at $CONNECTIONS connections  (${P99[soko]} ms)"
  echo "  $(check "$EXAMPLES_RSS" "<=" 20480)  idle RSS <= 20 MiB, one service       ($(mib "$EXAMPLES_RSS"))"
  echo "  $(check "${IDLE_RSS[soko]}" "<=" 30720)  idle RSS <= 30 MiB, whole shop        ($(mib "${IDLE_RSS[soko]}"))"
  echo "  $(check "$SOKO_START_MS" "<" 100)  start to first 200 < 100 ms          ($SOKO_START_MS ms)"
  echo "still held (issue 2):"
  echo "  $( [ "$(check "$IDLE_ERRS" "==" 0)$(check "$IDLE_OPENED" "==" "$IDLE_CONNECTIONS")" = PASSPASS ] && echo PASS || echo MISS)  $IDLE_CONNECTIONS idle keep-alive connections ($IDLE_ERRS errors)"
  echo "  $(check "$SOKO_EXIT" "==" 0)  drains and exits 0 on SIGTERM"
  echo "  $(check "$SOKO_ALL_ERRORS" "==" 0)  no non-2xx or socket errors under load (both Soko)"
  echo "  $SAME_BYTES  the floor answers Soko's bytes"
} | tee "$RESULTS/latest.txt"
echo "(raw output in $RESULTS/)" >&2
