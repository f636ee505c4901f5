#!/usr/bin/env bash
# User-space instructions per GET /hello (valgrind's callgrind), for the C floor and each given
# soko binary with the access log on and off.
#
# Instruction counts do not move with what else runs on a shared machine (only the time they
# take does), so this compares builds where req/s and even CPU time are noise. System time (the
# read and write syscalls, the same for every server) is not counted.
#
#   bash benchmarks/instructions-per-request.sh BIN [BIN...]        (DURATION=10s)
#
# Each server: `soko serve --service examples`, one loop. Instrumentation is switched on after a
# warm-up (wrk 2 s) and off after DURATION of wrk -t1 -c64; Ir is divided by the requests wrk
# completed in that window. valgrind cannot read the DWARF of a Swift release binary, so each
# binary is copied without its debug sections first (symbols stay).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -ge 1 ] || { echo "usage: $0 SOKO_BIN [SOKO_BIN...]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
DURATION=${DURATION:-10s}
RESULTS=benchmarks/results/callgrind
mkdir -p "$RESULTS"
"${CC:-cc}" -O2 -o "$RESULTS/floor" benchmarks/c-floor/floor.c -luv -lhttp_parser

SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# measure NAME COMMAND... (an argument PORT becomes the server's port)
measure() {
  local name=$1 port out arg command=(); shift
  port=$(free_port)
  for arg in "$@"; do [ "$arg" = PORT ] && command+=("$port") || command+=("$arg"); done
  out=$RESULTS/$name
  rm -f "$out".*
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out.%p" "${command[@]}" \
    >"$out.stdout" 2>"$out.stderr" &
  SERVER=$!
  for _ in $(seq 300); do curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/hello" && break; sleep 0.2; done
  wrk -t1 -c64 -d2s "http://127.0.0.1:$port/hello" >/dev/null
  callgrind_control -i on "$SERVER" >/dev/null
  wrk -t1 -c64 -d"$DURATION" "http://127.0.0.1:$port/hello" >"$out.wrk"
  callgrind_control -i off "$SERVER" >/dev/null
  callgrind_control -d "$SERVER" >/dev/null
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  local requests profile ir
  requests=$(awk '/requests in/ {print $1}' "$out.wrk")
  profile=$(ls -t "$out".*.1 | head -1)
  ir=$(callgrind_annotate "$profile" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(/,/, "", $1); print $1}')
  printf '%-14s %9s requests %14s Ir %8d Ir/request  (%s)\n' "$name" "$requests" "$ir" $((ir / requests)) "$profile"
}
measure floor "$RESULTS/floor" PORT 127.0.0.1
index=0
for bin in "$@"; do
  index=$((index + 1))
  stripped=$RESULTS/soko$index
  strip --strip-debug -o "$stripped" "$bin"
  export SOKO_LOOPS=1 SOKO_DATA=$RESULTS/data
  SOKO_ACCESS_LOG=stdout measure "soko$index-log" "$stripped" serve --host 127.0.0.1 --service examples --port PORT
  SOKO_ACCESS_LOG=off measure "soko$index-nolog" "$stripped" serve --host 127.0.0.1 --service examples --port PORT
done
echo "soko1.. = $*; profiles: callgrind_annotate --inclusive=yes FILE"
