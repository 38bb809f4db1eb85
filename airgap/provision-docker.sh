#!/usr/bin/env bash
# Provision a Docker engine + Compose v2 on a bare Debian 12 (bookworm) host,
# as root, with no container registry and no internet: only Debian's package
# mirror is used. Idempotent: every step is skipped when already done, so a
# second run takes about a second.
#
#   1. docker.io (engine 20.10) from bookworm, when dockerd is missing.
#   2. Compose v2 when `docker compose version` fails: bookworm only has the
#      Python Compose v1, so the cli-plugin is taken from trixie's
#      `docker-compose` package (a static Go binary) with a PRIVATE apt state:
#      the system's sources, lists and dpkg database stay pure bookworm.
#   2b. a docker CLI from 26 on when the one on PATH is older (bookworm's 20.10
#      cannot `docker stack deploy` today's Compose files): trixie's
#      `docker-cli`, the same way, as /usr/local/bin/docker.
#   3. dockerd started in the background when `docker info` does not answer
#      (no systemd here), then waited for (bounded).
#
# Stopping the engine: dockerd writes its pid to /var/run/docker.pid. A caller
# that wants to stop the engine it got from this script (e.g. .ci/run) does
#   kill "$(cat /var/run/docker.pid)"
# and waits for that pid to exit; dockerd then stops the containerd it runs.
# The dockerd log is /var/log/dockerd.log.
#
# Environment: DEBIAN_MIRROR overrides the mirror read from the apt sources;
# DOCKERD_WAIT_SECONDS (default 60) bounds the wait for the engine.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
plugin_dir=/usr/local/lib/docker/cli-plugins
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
wait_seconds=${DOCKERD_WAIT_SECONDS:-60}

say() { printf 'provision-docker: %s\n' "$*"; }
die() { printf 'provision-docker: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (installs packages, starts dockerd)"
export DEBIAN_FRONTEND=noninteractive
# needrestart (when installed) would try to ask about services to restart.
export NEEDRESTART_SUSPEND=1

# Run a noisy command with its output kept aside; show it only on failure.
quiet() {
  local log rc=0
  log=$(mktemp)
  "$@" >"$log" 2>&1 || rc=$?
  ((rc == 0)) || tail -n 40 "$log" >&2
  rm -f "$log"
  return "$rc"
}

# --- 1. Docker engine -------------------------------------------------------
if command -v dockerd >/dev/null 2>&1; then
  say "engine: dockerd present ($(dockerd --version 2>/dev/null | head -n1)), skip install"
else
  # `apt-get update` costs time and network: only when apt does not know a
  # docker.io candidate yet (fresh machine with empty lists). (Output captured
  # first: `grep -q` closing the pipe early would fail it under pipefail.)
  policy=$(apt-cache policy docker.io 2>/dev/null || true)
  if [[ ! "$policy" =~ Candidate:\ [0-9] ]]; then
    say "engine: apt lists lack docker.io, apt-get update"
    quiet apt-get update || die "apt-get update failed"
  fi
  say "engine: apt-get install docker.io"
  quiet apt-get install -y --no-install-recommends docker.io || die "apt-get install docker.io failed"
fi
# A docker CLI must exist; docker.io ships one in /usr/bin (a newer one may
# already be earlier on PATH, e.g. /usr/local/bin/docker: fine, the API is
# negotiated).
command -v docker >/dev/null 2>&1 || die "no docker CLI on PATH after installing docker.io"

# Downloads one package from trixie/main and unpacks it into "$tmp/x", with a
# PRIVATE apt state: the system's sources, lists and dpkg database stay pure
# bookworm. The caller removes "$tmp".
unpack_from_trixie() {
  local package=$1 deb
  mirror=$("$here/airgap/debian-mirror.sh") || die "cannot read the Debian mirror from the apt sources"
  [[ -r "$keyring" ]] || die "$keyring missing (package debian-archive-keyring)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # apt drops privileges to _apt for downloads: let it traverse and write.
  chmod 755 "$tmp"
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/deb"
  chown _apt "$tmp/deb" 2>/dev/null || true
  # Only trixie/main, signature checked with Debian's archive keyring (which
  # on bookworm already holds the trixie keys); apt refuses an unverifiable
  # Release, so a successful update proves the signature.
  printf 'deb [signed-by=%s] %s trixie main\n' "$keyring" "$mirror" >"$tmp/sources.list"
  apt_private=(
    -o "Dir::State=$tmp"
    -o "Dir::State::Lists=$tmp/lists"
    -o "Dir::Cache=$tmp/cache"
    -o "Dir::Etc::SourceList=$tmp/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    # the system's pins/preferences are about bookworm: ignore them here
    -o "Dir::Etc::Preferences=/dev/null"
    -o "Dir::Etc::PreferencesParts=/dev/null"
    # mirrors behind a snapshot can serve a Release past its Valid-Until
    -o "Acquire::Check-Valid-Until=false"
  )
  quiet apt-get "${apt_private[@]}" update \
    || die "apt-get update of trixie failed (Release not verifiable with $keyring, or mirror unreachable)"
  (cd "$tmp/deb" && quiet apt-get "${apt_private[@]}" download "$package") \
    || die "apt-get download $package (trixie) failed"
  deb=$(find "$tmp/deb" -name "${package}_*.deb" -print -quit)
  [[ -n "$deb" ]] || die "no $package .deb downloaded"
  dpkg-deb -x "$deb" "$tmp/x"
  say "$package: unpacked $(basename "$deb")"
}

done_with_trixie() {
  rm -rf "$tmp"
  trap - EXIT
}

# --- 2. Compose v2 cli-plugin -----------------------------------------------
if docker compose version >/dev/null 2>&1; then
  say "compose: $(docker compose version 2>/dev/null | head -n1), skip"
else
  say "compose: fetching trixie's docker-compose (Compose v2)"
  unpack_from_trixie docker-compose
  # The package ships the plugin as usr/libexec/docker/cli-plugins/docker-compose;
  # search rather than hard-code, in case a later revision moves it.
  bin=$(find "$tmp/x" -type f -name docker-compose -path '*cli-plugins*' -print -quit)
  [[ -n "$bin" ]] || bin=$(find "$tmp/x" -type f -name docker-compose -print -quit)
  [[ -n "$bin" ]] || die "no docker-compose binary inside the docker-compose package"
  # /usr/local/lib/docker/cli-plugins is searched by every docker CLI (the
  # Debian 20.10 one and the upstream one) and is outside dpkg's files.
  install -D -m 0755 "$bin" "$plugin_dir/docker-compose"
  done_with_trixie
  docker compose version >/dev/null 2>&1 \
    || die "docker compose still fails after installing $plugin_dir/docker-compose"
  say "compose: installed $(docker compose version | head -n1)"
fi

# --- 2b. A docker CLI whose `stack deploy` reads today's Compose files -------
# bookworm's 20.10 CLI wants a `version:` key in every file and rejects keys
# Compose v2 accepts (build.secrets): `docker stack deploy -c docker-compose.yml`
# (docs/swarm.md) needs a CLI from 26 on (26.1 and 28.2
# tested). The engine may stay 20.10: the CLI negotiates its API version.
# `docker --version` answers without an engine (it is started in step 3).
cli_version=$(docker --version | sed -n 's/^Docker version \([^ ,]*\).*/\1/p')
if [[ "${cli_version%%.*}" =~ ^[0-9]+$ ]] && (( ${cli_version%%.*} >= 26 )); then
  say "docker CLI: $cli_version, skip"
elif [[ -e /usr/local/bin/docker ]]; then
  die "/usr/local/bin/docker is $cli_version, older than 26 (stack deploy cannot read docker-compose.yml): replace it"
else
  say "docker CLI: $cli_version is too old for stack deploy, fetching trixie's docker-cli"
  unpack_from_trixie docker-cli
  [[ -x "$tmp/x/usr/bin/docker" ]] || die "no usr/bin/docker inside the docker-cli package"
  # Ahead of /usr/bin on PATH, and outside dpkg's files: docker.io's CLI stays installed.
  install -m 0755 "$tmp/x/usr/bin/docker" /usr/local/bin/docker
  done_with_trixie
  hash -r
  say "docker CLI: installed $(docker --version) as /usr/local/bin/docker"
fi

# --- 3. Engine running ------------------------------------------------------
if docker info >/dev/null 2>&1; then
  say "dockerd: already answering (pid $(cat /var/run/docker.pid 2>/dev/null || echo '?')), skip"
else
  pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  if [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == dockerd ]]; then
    # A dockerd is still starting (or stuck): a second one would refuse to
    # run on the same pid file, so wait for this one instead.
    say "dockerd: pid $pid is starting, waiting for it"
  else
    # No systemd on these machines: start dockerd ourselves, detached from
    # this shell so it outlives the script. It starts its own containerd.
    say "dockerd: starting in the background (log /var/log/dockerd.log)"
    nohup dockerd >/var/log/dockerd.log 2>&1 </dev/null &
    pid=$!
  fi
  for ((i = 0; i < wait_seconds; i++)); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { tail -n 20 /var/log/dockerd.log >&2; die "dockerd exited early, see /var/log/dockerd.log"; }
    sleep 1
  done
  docker info >/dev/null 2>&1 || { tail -n 20 /var/log/dockerd.log >&2; die "dockerd (pid $pid) not answering after ${wait_seconds}s, see /var/log/dockerd.log"; }
  say "dockerd: running, pid $pid (also in /var/run/docker.pid), answered after ${i}s"
fi
