#!/usr/bin/env bash
# Installs what the integration tests drive, when it is missing: the AWS CLI v2 (Debian's awscli) and a headless
# browser for the console's end-to-end tests (Debian's chromium).
# Maven runs this in pre-integration-test, so `./mvnw verify` works on a fresh machine.
set -euo pipefail

if ! dpkg -s awscli >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-test-tools: installing Debian's awscli (AWS CLI v2) ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq awscli >/dev/null
  else
    echo "ensure-test-tools: the AWS CLI v2 is missing; install Debian's awscli (the CLI tests need it)" >&2
  fi
fi

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-test-tools: installing Debian's chromium (the console's end-to-end tests drive it) ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium >/dev/null
  else
    echo "ensure-test-tools: chromium is missing; install Debian's chromium (ConsoleIT needs it)" >&2
  fi
fi
