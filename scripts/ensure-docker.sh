#!/usr/bin/env bash
# Prints a usable DOCKER_HOST (unix://...) on stdout; everything else goes to stderr.
#
#   scripts/ensure-docker.sh [--test-image] [STATE_DIR]
#
# 1. $DOCKER_HOST, when it is set and the engine behind it answers;
# 2. else unix:///var/run/docker.sock, when it answers;
# 3. else (root only) a PRIVATE engine under STATE_DIR (default $HOME/.harbormaster/docker): installs
#    Debian's docker.io once, starts dockerd with no bridge, no iptables and no masquerading, with its own
#    data-root, exec-root, socket and pid file, and waits until it answers. A second call reuses it.
#    Stop it with scripts/stop-docker.sh STATE_DIR.
#
# --test-image also builds harbormaster/busybox:test (Debian's busybox-static, `docker import`; no
# registry is needed) in the engine found, unless it is there already.
set -euo pipefail

TEST_IMAGE=harbormaster/busybox:test
build_test_image=false
state_dir=""
for arg in "$@"; do
  case "$arg" in
    --test-image) build_test_image=true ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "ensure-docker: unknown option $arg" >&2; exit 2 ;;
    *) state_dir="$arg" ;;
  esac
done
state_dir="${state_dir:-$HOME/.harbormaster/docker}"

log() { echo "ensure-docker: $*" >&2; }

# The CLI negotiates the API version with older engines; prefer Debian's client once the package is
# installed (it matches the engine it installed), else whatever `docker` is on PATH.
docker_cli() {
  if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else docker "$@"; fi
}

answers() { # $1 = DOCKER_HOST; true when an engine answers there within 10 s
  local host="$1"
  case "$host" in unix://*) [ -S "${host#unix://}" ] || return 1 ;; esac
  local cli=/usr/bin/docker
  [ -x "$cli" ] || cli="$(command -v docker)" || return 1
  DOCKER_HOST="$host" timeout 10 "$cli" version --format '{{.Server.APIVersion}}' >/dev/null 2>&1
}

apt_install() { # packages...; once: only what is missing
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing ${missing[*]} and not root with apt-get: install them, or set DOCKER_HOST"
    return 1
  fi
  log "installing ${missing[*]} (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  # The package's init scripts would start a default engine with a 172.17.0.0/16 bridge: forbid that.
  local policy=/usr/sbin/policy-rc.d created_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=true
  fi
  local rc=0
  { apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; } || rc=$?
  if $created_policy; then rm -f "$policy"; fi
  return $rc
}

start_private_engine() { # prints the DOCKER_HOST of the private engine under $state_dir
  local dir sock pidfile
  mkdir -p "$state_dir"
  dir="$(cd "$state_dir" && pwd -P)"
  sock="$dir/docker.sock"
  pidfile="$dir/docker.pid"

  exec 9>"$dir/.lock"
  flock 9 # one starter at a time; the loser reuses the winner's engine

  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && answers "unix://$sock"; then
    log "reusing the private engine (pid $(cat "$pidfile")) under $dir"
    echo "unix://$sock"
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    log "no engine answers (DOCKER_HOST, /var/run/docker.sock) and starting one needs root"
    return 1
  fi
  apt_install docker.io
  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "a dockerd (pid $(cat "$pidfile")) runs under $dir but does not answer; stop it with scripts/stop-docker.sh $dir"
    return 1
  fi
  rm -f "$pidfile" "$sock"
  mkdir -p "$dir/data" "$dir/exec"
  local dockerd
  dockerd="$(command -v dockerd || echo /usr/sbin/dockerd)"
  log "starting a private dockerd under $dir (no bridge, no iptables) ..."
  # setsid: the engine outlives this script and is not in the caller's process group (a ^C of a build
  # must not kill it half way); stop-docker.sh stops it by its pid.
  setsid "$dockerd" \
    --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
    --data-root "$dir/data" --exec-root "$dir/exec" \
    -H "unix://$sock" --pidfile "$pidfile" \
    </dev/null >>"$dir/dockerd.log" 2>&1 9>&- &
  local launched=$!
  for _ in $(seq 1 120); do
    if answers "unix://$sock"; then
      # dockerd writes its pid file itself; fall back to the launched pid
      [ -s "$pidfile" ] || echo "$launched" >"$pidfile"
      log "private engine up (pid $(cat "$pidfile")): unix://$sock"
      echo "unix://$sock"
      return 0
    fi
    if ! kill -0 "$launched" 2>/dev/null; then
      log "dockerd exited; the end of $dir/dockerd.log:"; tail -n 20 "$dir/dockerd.log" >&2
      return 1
    fi
    sleep 0.5
  done
  log "dockerd did not answer within 60 s; stopping it (log: $dir/dockerd.log)"
  kill "$launched" 2>/dev/null || true
  return 1
}

build_test_image() { # $1 = DOCKER_HOST
  local host="$1"
  if DOCKER_HOST="$host" docker_cli image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
    return 0
  fi
  apt_install busybox-static
  local bb=/bin/busybox
  # busybox-static installs /bin/busybox; make sure it is the static one
  if dpkg -L busybox-static >/dev/null 2>&1; then
    bb="$(dpkg -L busybox-static | grep -E '/busybox$' | head -n 1)"
  fi
  local root
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/root" "$root/www"
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  for applet in sh sleep echo httpd wget true false cat ls env id pwd kill timeout nc head tail grep \
                mkdir rm touch printf test dd seq yes ps hostname uname date stat sync; do
    ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  log "building $TEST_IMAGE from $bb ..."
  tar -C "$root" -c . | DOCKER_HOST="$host" docker_cli import \
    --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - "$TEST_IMAGE" >/dev/null
}

host=""
if [ -n "${DOCKER_HOST:-}" ] && answers "$DOCKER_HOST"; then
  host="$DOCKER_HOST"
elif answers unix:///var/run/docker.sock; then
  host=unix:///var/run/docker.sock
else
  host="$(start_private_engine)"
fi

if $build_test_image; then
  build_test_image "$host"
fi
echo "$host"
