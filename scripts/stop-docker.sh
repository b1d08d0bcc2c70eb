#!/usr/bin/env bash
# Stops the private engine that scripts/ensure-docker.sh started under STATE_DIR, by its pid:
# SIGTERM (dockerd stops its containerd and containers' shims cleanly), SIGKILL after 30 s.
#
#   scripts/stop-docker.sh [STATE_DIR]     (default $HOME/.harbormaster/docker)
set -euo pipefail

state_dir="${1:-$HOME/.harbormaster/docker}"
pidfile="$state_dir/docker.pid"
log() { echo "stop-docker: $*" >&2; }

# dockerd leaves mounts behind under its exec-root (exec/netns/default): a later `rm -rf` (mvn clean)
# would fail on them. Unmount whatever is still mounted under the state dir, deepest first.
unmount_leftovers() {
  local dir
  dir="$(cd "$state_dir" 2>/dev/null && pwd -P)" || return 0
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r mnt; do
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || log "could not unmount $mnt"
  done
}

if [ ! -s "$pidfile" ]; then
  log "no pid file at $pidfile: nothing to stop"
  unmount_leftovers
  exit 0
fi
pid="$(cat "$pidfile")"
if ! kill -0 "$pid" 2>/dev/null; then
  log "dockerd $pid is not running"
  rm -f "$pidfile"
  unmount_leftovers
  exit 0
fi
if [ "$(basename "$(readlink -f "/proc/$pid/exe" 2>/dev/null || true)")" != dockerd ]; then
  log "pid $pid from $pidfile is not a dockerd; leaving it alone"
  exit 1
fi
kill -TERM "$pid"
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || { log "dockerd $pid stopped"; rm -f "$pidfile"; unmount_leftovers; exit 0; }
  sleep 0.1
done
log "dockerd $pid still runs after 30 s: SIGKILL"
kill -KILL "$pid" 2>/dev/null || true
rm -f "$pidfile"
sleep 1
unmount_leftovers
