#!/usr/bin/env bash
# Installs the n8n CLI used by the n8n package's end-to-end tests, outside the workspace (it is
# large), into a cache folder that CI keeps between runs. Idempotent: a marker file is written
# only after a successful install, so an interrupted install is redone.
set -euo pipefail

N8N_VERSION="2.8.4"
home="${AOAI_N8N_HOME:-$HOME/.cache/aoai-media/n8n-$N8N_VERSION}"
marker="$home/.installed-n8n-$N8N_VERSION"

if [ -f "$marker" ] && [ -x "$home/node_modules/.bin/n8n" ]; then
  echo "n8n $N8N_VERSION already installed in $home"
  exit 0
fi

mkdir -p "$home"
cd "$home"
rm -f "$marker"
# One of n8n's dependencies points xlsx at a URL outside the npm registry: pin the registry release.
cat > package.json <<'JSON'
{"private":true,"overrides":{"xlsx":"0.18.5"}}
JSON

echo "installing n8n $N8N_VERSION into $home (about 10 minutes on a cold cache)"
npm install --no-audit --no-fund --loglevel=error "n8n@$N8N_VERSION"

"$home/node_modules/.bin/n8n" --version
date -u +%Y-%m-%dT%H:%M:%SZ > "$marker"
echo "n8n $N8N_VERSION installed in $home"
