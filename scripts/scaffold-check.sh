#!/usr/bin/env bash
# `soko new function` end to end: scaffold an HTTP function, an event consumer and a scheduled
# function into the Examples bundle, build, run `soko routes --check` and the three generated
# tests, then put every file back as it was.
#
# It works in this checkout rather than a copy: a copy's build directory would be a full rebuild
# (SwiftPM's build records absolute paths), while here the build is incremental (the Examples
# bundle, the soko binary and the test bundle), about a minute. The files it touches are saved
# first and restored on exit however the run ends; the next `swift build` picks the originals up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi

# Everything `soko new function --service examples` writes or re-renders.
TOUCHED=(manifests openapi.yaml gateway docker Functions/Examples Tests/ExamplesTests)
SAVED="$(mktemp -d)"
tar -cf "$SAVED/files.tar" "${TOUCHED[@]}"
restore() {
  local status=$?
  rm -rf "${TOUCHED[@]}"
  tar -xf "$SAVED/files.tar"
  rm -rf "$SAVED"
  exit "$status"
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SOKO="$(swift build --show-bin-path)/soko"
"$SOKO" new function scaffoldPing --service examples --http 'GET /scaffold-ping' --auth public
"$SOKO" new function scaffoldHeard --service examples --event scaffold.pinged
"$SOKO" new function scaffoldTick --service examples --schedule '*/5 * * * *'

swift build --build-tests
"$SOKO" routes --check
swift test --skip-build --filter 'ScaffoldPingTests|ScaffoldHeardTests|ScaffoldTickTests' 2>&1 | tee "$SAVED/tests.log"
# A filter that matched nothing passes: the three suites must have run.
for suite in scaffoldPing scaffoldHeard scaffoldTick; do
  grep -q "Suite \"$suite\" passed" "$SAVED/tests.log" || { echo "the generated test of $suite did not pass" >&2; exit 1; }
done
echo "==> soko new function: the scaffolds build, route and pass their tests"
