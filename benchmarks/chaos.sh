#!/usr/bin/env bash
# Chaos on the real scale-out path: two replicas of every unit on one private PostgreSQL, behind
# the generated nginx gateway, the shop's mix running, a replica killed with SIGKILL every few
# seconds (the relay lease's holder and one mid-payment among them); then the invariants, from the
# databases and the mail sink (benchmarks/chaos.py says which). A benchmark, not a timed test.
#
#   bash benchmarks/chaos.sh     (SECONDS_=60, WORKERS=10, KILL_EVERY=3, SOKO_BIN to skip the build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then export PATH="$PATH:/opt/swift/usr/bin"; fi
command -v nginx >/dev/null 2>&1 && python3 -c 'import aiosmtpd' 2>/dev/null || bash scripts/install-deps.sh
if [ -z "${SOKO_BIN:-}" ]; then
  swift build -c release --product soko --static-swift-stdlib >&2
  SOKO_BIN=.build/release/soko
fi
POSTGRES_DIR="$(mktemp -d)"
stop_postgres() { local status=$?; bash scripts/postgres-for-tests.sh stop "$POSTGRES_DIR" || true; exit "$status"; }
trap stop_postgres EXIT
POSTGRES_URL="$(bash scripts/postgres-for-tests.sh start "$POSTGRES_DIR")"
python3 benchmarks/chaos.py --soko "$SOKO_BIN" --postgres "$POSTGRES_URL" \
  --seconds "${SECONDS_:-60}" --workers "${WORKERS:-10}" --kill-every "${KILL_EVERY:-3}"
