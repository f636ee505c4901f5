#!/usr/bin/env bash
# Run the platform: install the Debian packages, build the release `soko`, serve.
# Today that is the host with every bundle under manifests/functions (the Examples bundle).
# Arguments go to `soko serve`, e.g.  scripts/run.sh --port 9090 --service examples
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

# Swift lives in /opt/swift on our machines; a non-login shell may not have it on PATH.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi
swift build -c release --product soko --static-swift-stdlib
exec .build/release/soko serve "$@"
