#!/usr/bin/env bash
# CPU time the server spends per GET /hello (user and system, from /proc/PID/stat), for the C floor
# and for each given soko binary with the access log on and off, in alternating rounds.
#
# Requests per second move with whatever else runs on a shared machine; the server's own CPU time
# per request moves much less, so this compares builds (before/after a change) where hello.sh's
# ratios are noise. Lower is better; the floor is the least our stack can cost.
#
#   bash benchmarks/cpu-per-request.sh BIN [BIN...]          (ROUNDS=5, DURATION=4s)
#
# Each server: `soko serve --service examples`, one loop; wrk -t1 -c64 after a 1 s warm-up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -ge 1 ] || { echo "usage: $0 SOKO_BIN [SOKO_BIN...]" >&2; exit 2; }
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-4s}
RESULTS=benchmarks/results
mkdir -p "$RESULTS"
FLOOR_BIN=$RESULTS/floor
"${CC:-cc}" -O2 -o "$FLOOR_BIN" benchmarks/c-floor/floor.c -luv -lhttp_parser
TICKS=$(getconf CLK_TCK)

SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }

# measure NAME COMMAND...: prints "NAME user_us sys_us" per request
measure() {
  local name=$1 port; shift
  port=$(free_port)
  SOKO_PORT=$port "$@" "$port" >"$RESULTS/cpu-$name.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/hello" && break; sleep 0.1; done
  wrk -t1 -c64 -d1s "http://127.0.0.1:$port/hello" >/dev/null
  local u0 s0 u1 s1 requests
  read -r u0 s0 <<<"$(cpu_ticks "$SERVER")"
  wrk -t1 -c64 -d"$DURATION" "http://127.0.0.1:$port/hello" >"$RESULTS/cpu-$name-wrk.txt"
  read -r u1 s1 <<<"$(cpu_ticks "$SERVER")"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  requests=$(awk '/requests in/ {print $1}' "$RESULTS/cpu-$name-wrk.txt")
  awk -v n="$name" -v r="$requests" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v t="$TICKS" \
    'BEGIN { printf "%s %.3f %.3f\n", n, u * 1e6 / t / r, s * 1e6 / t / r }'
}
floor() { exec "$FLOOR_BIN" "$1" 127.0.0.1; }  # exec: the background job is the server itself
soko() { local bin=$1 log=$2 port=$3; SOKO_LOOPS=1 SOKO_ACCESS_LOG=$log exec "$bin" serve --host 127.0.0.1 --port "$port" --service examples; }

: >"$RESULTS/cpu-per-request.txt"
for round in $(seq "$ROUNDS"); do
  measure floor floor >>"$RESULTS/cpu-per-request.txt"
  index=0
  for bin in "$@"; do
    index=$((index + 1))
    measure "soko$index-log" soko "$bin" stdout >>"$RESULTS/cpu-per-request.txt"
    measure "soko$index-nolog" soko "$bin" off >>"$RESULTS/cpu-per-request.txt"
  done
  echo "round $round/$ROUNDS done" >&2
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); median of $ROUNDS rounds, µs of server CPU per request"
index=0
for bin in "$@"; do index=$((index + 1)); echo "soko$index = $bin"; done
printf '%-14s %8s %8s %8s %10s\n' server user sys total floor/total
floor_total=$(awk '$1 == "floor" {print $2 + $3}' "$RESULTS/cpu-per-request.txt" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
for name in $(awk '{print $1}' "$RESULTS/cpu-per-request.txt" | awk '!seen[$0]++'); do
  awk -v n="$name" '$1 == n {print $2 + $3, $2, $3}' "$RESULTS/cpu-per-request.txt" | sort -g \
    | awk -v n="$name" -v f="$floor_total" '{t[NR]=$1; u[NR]=$2; s[NR]=$3} END { m=int((NR+1)/2); printf "%-14s %8.2f %8.2f %8.2f %10.2f\n", n, u[m], s[m], t[m], f / t[m] }'
done
