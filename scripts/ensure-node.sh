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
