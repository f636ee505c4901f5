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
swift format lint --strict --recursive Package.swift Runtime Functions Tests

echo "==> swift build --build-tests"
swift build --build-tests

echo "==> swift test $*"
# --skip-build: the build above already produced the test bundle. Swift Testing runs tests
# in parallel in-process by default, which keeps the output in one readable stream.
exec swift test --skip-build "$@"
