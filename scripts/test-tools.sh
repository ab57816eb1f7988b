#!/usr/bin/env bash
# What the tests need beyond the workspace's npm packages, installed when missing:
# Debian's redis-server (service tests), ffmpeg/ffprobe (video media checks) and the n8n CLI
# (the n8n node's end-to-end tests, installed once into a cache outside the workspace).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = "0" ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "the tests need: ${missing[*]} (Debian: apt-get install -y ${missing[*]}); run that as root, then try again" >&2
    exit 1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

scripts/install-n8n.sh
