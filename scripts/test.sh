#!/usr/bin/env bash
# Run every test: install the Debian packages, build the package and its tests, run them.
# Developers:  scripts/test.sh --filter ManifestTests   (any `swift test` option passes through)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

# Swift lives in /opt/swift on our machines; a non-login shell may not have it on PATH.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi

echo "==> swift format lint (configuration: .swift-format)"
swift format lint --strict --recursive Package.swift Runtime Functions Tests benchmarks/TokenVerify benchmarks/StoreRoundTrip

echo "==> openapi.yaml is a valid OpenAPI 3.1 document"
python3 -c 'import yaml, openapi_spec_validator as v; v.validate(yaml.safe_load(open("openapi.yaml")))'

echo "==> swift build --build-tests"
swift build --build-tests

echo "==> soko routes --check (manifests, registered handlers and openapi.yaml agree)"
"$(swift build --show-bin-path)/soko" routes --check

# A private PostgreSQL for the store tests, thrown away on exit (however the run ends).
echo "==> private PostgreSQL for the store tests"
POSTGRES_DIR="$(mktemp -d)"
stop_postgres() {
  local status=$?  # the run's own status, whatever stopping PostgreSQL does
  bash scripts/postgres-for-tests.sh stop "$POSTGRES_DIR" || echo "warning: could not stop PostgreSQL in $POSTGRES_DIR" >&2
  exit "$status"
}
trap stop_postgres EXIT
trap 'exit 130' INT   # make interrupts leave through the EXIT trap too
trap 'exit 143' TERM
SOKO_TEST_POSTGRES_URL="$(bash scripts/postgres-for-tests.sh start "$POSTGRES_DIR")"
export SOKO_TEST_POSTGRES_URL
echo "    $SOKO_TEST_POSTGRES_URL"

# Tests run in parallel, but not all at once: many start a whole shop (stores, loops, workers),
# and on a 2-core machine hundreds at a time starve each other past the handlers' own timeouts.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-8}
echo "==> swift test $*"
# --skip-build: the build above already produced the test bundle. Swift Testing runs tests
# in parallel in-process by default, which keeps the output in one readable stream.
# Not `exec`: the EXIT trap must run to stop PostgreSQL. When swift test fails, `set -e` ends
# the script with its exit status, which the trap keeps.
# The output also goes to a log so that, when a test fails, the run ends by naming it: CI keeps
# only the tail of a long run, and Swift Testing reports a failure where it happens, not at the end.
TEST_LOG="$(mktemp)"
if ! swift test --skip-build "$@" 2>&1 | tee "$TEST_LOG"; then
  echo "==> swift test failed; the failures, from $TEST_LOG:"
  grep -E -A4 '(✘|recorded an issue|error:|Fatal error|Crash|signal)' "$TEST_LOG" | grep -v -E '^.{0,40}(info|debug|notice) soko' | head -150
  exit 1
fi

# The whole run (no filter) also checks the autoscaling arithmetic: benchmarks/scaling.py serves a
# stepped load from the debug build, evaluates the generated adapter rule and HPAs on its scrapes,
# and fails unless each unit's replicas rise with the load, hold through the stabilisation window
# and return to the minimum. It offers real requests per second, so it runs here, alone, and not
# beside the suite's parallel tests (which starved it of the load it offers).
if [ "$#" -eq 0 ]; then
  echo "==> autoscaling arithmetic (benchmarks/scaling.py --check)"
  python3 benchmarks/scaling.py --soko "$(swift build --show-bin-path)/soko" --check --time-scale 30 --target-divisor 20
fi

# The whole run (no filter) also checks that `soko new function` writes code that builds, routes
# and passes its own tests.
if [ "$#" -eq 0 ]; then
  echo "==> soko new function, end to end (scripts/scaffold-check.sh)"
  bash scripts/scaffold-check.sh
fi

# The storefront in a real browser (headless Chromium through Selenium): the platform served by
# the freshly built `soko`, behind the generated nginx gateway (Tests/browser/harness.py).
# Screenshots at 360 and 1280 px land in Tests/browser/screenshots/ (gitignored).
if [ "$#" -eq 0 ]; then
  echo "==> storefront in headless Chromium (Tests/browser)"
  SOKO_BIN="$(swift build --show-bin-path)/soko" python3 -m pytest -q -p no:cacheprovider Tests/browser
fi
