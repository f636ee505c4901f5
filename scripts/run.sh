#!/usr/bin/env bash
# Run the platform: install the Debian packages, build the release `soko`, serve every bundle
# under manifests/functions in one process (SQLite stores under $SOKO_DATA, default ./data).
# On first start (a catalog with no products) the demo catalog and delivery zones are loaded;
# SOKO_SEED_DEMO=0 skips them.
# Arguments go to `soko serve`, e.g.  scripts/run.sh --port 9090 --service users
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

# Swift lives in /opt/swift on our machines; a non-login shell may not have it on PATH.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="$PATH:/opt/swift/usr/bin"
fi
swift build -c release --product soko --static-swift-stdlib
# A developer's platform: the payment sandbox, mail to files, local URLs (the image and the generated
# deployments run SOKO_ENV=production, which allows none of them).
export SOKO_ENV="${SOKO_ENV:-development}"
if [ "${SOKO_SEED_DEMO:-1}" != 0 ] && [ -z "${SOKO_DATABASE_URL:-}" ]; then
  .build/release/soko seed --delivery-zones
fi
# Where to shop: the storefront is served by the same process (its port: --port, else SOKO_PORT, else 8080).
port="${SOKO_PORT:-8080}"
previous=""
for argument in "$@"; do
  case "$argument" in
    --port=*) port="${argument#--port=}" ;;
    *) if [ "$previous" = "--port" ]; then port="$argument"; fi ;;
  esac
  previous="$argument"
done
echo "Storefront: http://127.0.0.1:${port}/   (API on the same address; README \"Storefront\")" >&2
exec .build/release/soko serve "$@"
