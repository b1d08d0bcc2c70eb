#!/usr/bin/env bash
# Builds the web console (console/: TypeScript + React + Vite) into target/console-dist/console, which the Maven
# build puts on the classpath as console/ (served at /console/). Maven runs it in generate-resources.
#   scripts/build-console.sh          install dependencies when the lock file changed, build when a source changed
#   scripts/build-console.sh test     run the console's unit tests (vitest)
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$home/scripts/ensure-node.sh"
cd "$home/console"

# npm ci only when node_modules is missing or older than the lock file: a clean clone installs once, later builds
# skip the registry entirely
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build-console: npm ci ..."
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
fi

case "${1:-build}" in
  build)
    out="$home/target/console-dist/console/index.html"
    if [ -f "$out" ] && [ -z "$(find src index.html package.json package-lock.json vite.config.ts tsconfig.json \
        scripts -newer "$out" -print -quit)" ]; then
      echo "build-console: up to date ($(node scripts/bundle-size.mjs))"
      exit 0
    fi
    npm run --silent build
    ;;
  test)
    npx vitest run
    ;;
  *)
    echo "usage: build-console.sh [build|test]" >&2
    exit 2
    ;;
esac
