#!/usr/bin/env bash
# Prepare the compose stack's secrets for a first start (docker/compose.yaml):
#   bash scripts/compose-secrets.sh [FOLDER]     (default docker/)
#   - docker/.env: random PostgreSQL, Grafana and service-client secrets, the internal OAuth client
#     list (SHA-256 of that secret), and Consul's management, DNS and per-unit ACL tokens. An existing
#     docker/.env is kept; only the variables it lacks are added.
#   - docker/tls/cert.pem and key.pem: a self-signed certificate for local use (SOKO_TLS_HOST, default
#     localhost), unless one is there. In production put the real certificate and key there instead.
# Payment and mail credentials are the shop's: add them to docker/.env by hand (README: Deploying to production).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

folder="${1:-docker}"
env_file="$folder/.env"
touch "$env_file"
chmod 600 "$env_file"

random() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
uuid() { python3 -c 'import uuid; print(uuid.uuid4())'; }
add() {  # add NAME VALUE, unless NAME is set already
  grep -q "^$1=" "$env_file" || printf '%s=%s\n' "$1" "$2" >> "$env_file"
}

add POSTGRES_PASSWORD "$(random)"
add GRAFANA_ADMIN_PASSWORD "$(random)"
if ! grep -q '^SOKO_SERVICE_CLIENT_SECRET=' "$env_file"; then
  secret="$(random)"
  add SOKO_SERVICE_CLIENT_SECRET "$secret"
  hash="$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)"
  # The platform's own identity: the only internal client (service role, event routes).
  add SOKO_OAUTH_CLIENTS "'[{\"client_id\":\"platform\",\"secret_sha256\":\"$hash\",\"internal\":true}]'"
fi
add SOKO_CONSUL_MANAGEMENT_TOKEN "$(uuid)"
add SOKO_CONSUL_DNS_TOKEN "$(uuid)"
# One token per deployment unit, as docker/compose.yaml names them.
for name in $(grep -o 'SOKO_CONSUL_TOKEN_[A-Z0-9_]*' "$folder/compose.yaml" | sort -u); do
  add "$name" "$(uuid)"
done
echo "$env_file: $(grep -c '=' "$env_file") variables"

tls=$folder/tls
if [ ! -f "$tls/cert.pem" ]; then
  mkdir -p "$tls"
  host="${SOKO_TLS_HOST:-localhost}"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$host" \
    -addext "subjectAltName=DNS:$host,IP:127.0.0.1" \
    -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>/dev/null
  chmod 600 "$tls/key.pem"
  echo "$tls/cert.pem: self-signed for $host (local use only)"
fi
