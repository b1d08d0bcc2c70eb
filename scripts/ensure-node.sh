#!/usr/bin/env bash
# Installs Node.js and npm (Debian's nodejs, npm) when they are missing: the build compiles the web console with them.
set -euo pipefail

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-node: installing Debian's nodejs and npm ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "ensure-node: Node.js 20+ and npm are needed to build the console (apt-get install -y nodejs npm)" >&2
    exit 1
  fi
fi

# vite 8 needs Node.js 20.19+ (Debian 13's nodejs; Debian 12's is 18: take NodeSource's 20 or 22 there)
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "ensure-node: Node.js $(node --version) is too old to build the console; it needs 20.19 or newer" >&2
  exit 1
fi
