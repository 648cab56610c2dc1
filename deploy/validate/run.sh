#!/usr/bin/env bash
# Offline validation of everything that deploys Second Heart (docs/deployment.md, "Validation"):
#   - renders k8s/overlays/* with kubectl kustomize (offline) and validates every object against the Kubernetes
#     schemas (and the Prometheus Operator / External Secrets CRD schemas), plus the cross-checks in validate.mjs;
#   - checks the Grafana dashboard's metrics and labels against the meters in the code;
#   - validates docker-compose.yml with docker-compose config -q (using .env.example).
# Idempotent: npm ci runs only when package-lock.json changed since the last install, so after the first run it
# needs no network (and docker-compose is installed only if missing, as .ci/run installs its packages).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
log() { printf '[deploy-validate] %s\n' "$*"; }

# The overlays are rendered by kubectl's built-in kustomize (v5+). Debian's kubernetes-client (1.20, kustomize v2)
# is too old to render k8s/, so nothing is installed here: kubectl comes with the machine (docs/deployment.md).
if ! command -v kubectl >/dev/null 2>&1; then
  log "kubectl is not installed: it renders the Kubernetes overlays (kubectl kustomize, kustomize v5+)."
  log "Install kubectl 1.27 or later (https://kubernetes.io/docs/tasks/tools/) and run again."
  exit 1
fi

cd "$here"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.lock-installed 2>/dev/null)" != "$lock_sum" ]; then
  log "npm ci (package-lock.json changed or first run)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.lock-installed
fi

# The local overlay's generated development files (JWT key pair, empty agent credentials); gitignored.
"$repo/k8s/overlays/local/secrets/generate.sh"

log "Kubernetes overlays, compose images, Grafana dashboard"
node validate.mjs

compose=()
if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing docker-compose"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; }
  compose=(docker-compose)
else
  log "neither docker-compose nor docker compose is installed"
  exit 1
fi
log "docker-compose.yml: ${compose[*]} --env-file .env.example config -q"
(cd "$repo" && "${compose[@]}" --env-file .env.example config -q)
log "all checks passed"
