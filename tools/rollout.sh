#!/usr/bin/env bash
# Deploys a new image of the `server` service with plain Docker Compose and no failed request:
#   APP_VERSION=v2 tools/rollout.sh
# 1. builds the image if compose has a `build:` for it and the tag does not exist yet (--build: always);
# 2. starts as many new replicas next to the old ones (compose's config, so the new image);
# 3. waits until each new one is healthy AND answers through NGINX (its hostname in /api/whoami);
# 4. stops the old ones one at a time (`docker stop`: each drains gracefully), then removes them.
# If a new replica exits, or is not healthy and in the rotation within ROLLOUT_TIMEOUT seconds (default 60), the new
# ones are removed and the old ones keep serving (exit 1). Refuses with exit 2 when the stack is not up, the
# image does not exist, or another rollout of the same project is running.
# It reads what `docker compose` reads: COMPOSE_FILE, COMPOSE_PROJECT_NAME, .env, APP_VERSION. Run it from
# the directory you run `docker compose` in. Needs only Docker (with the compose plugin) and bash.
set -euo pipefail

SERVICE=server
TIMEOUT=${ROLLOUT_TIMEOUT:-60}
BUILD=auto

usage() { echo "usage: [APP_VERSION=...] $0 [--build]" >&2; }
for arg in "$@"; do
  case "$arg" in
    --build) BUILD=always ;;
    -h | --help) usage; exit 0 ;;
    *) usage; exit 2 ;;
  esac
done

started=$SECONDS
say() { printf '[rollout %3ss] %s\n' "$((SECONDS - started))" "$*"; }
refuse() { echo "rollout: $*" >&2; exit 2; }
fail() { echo "rollout: $*" >&2; exit 1; }

# --- what compose would run, and whether it is running ---
project=$(docker compose config 2>/dev/null | sed -n 's/^name: //p' | head -n 1) ||
  refuse "no compose project here (run it where you run docker compose)"
[ -n "$project" ] || refuse "no compose project here (run it where you run docker compose)"
image=$(docker compose config --images "$SERVICE" | head -n 1)
nginx=$(docker compose ps --quiet --status running nginx | head -n 1)
mapfile -t old < <(docker compose ps --quiet --status running "$SERVICE")
if [ -z "$nginx" ] || [ "${#old[@]}" -eq 0 ]; then
  refuse "the stack ($project) is not up: start it with docker compose up -d"
fi

# --- one rollout per project at a time ---
lock="${TMPDIR:-/tmp}/rollout.$project.lock"
if ! mkdir "$lock" 2>/dev/null; then
  holder=$(cat "$lock/pid" 2>/dev/null || true)
  if [ -n "$holder" ] && kill -0 "$holder" 2>/dev/null; then
    refuse "another rollout of $project is running (pid $holder; lock $lock)"
  fi
  rm -rf "$lock"
  mkdir "$lock" 2>/dev/null || refuse "another rollout of $project has just started (lock $lock)"
fi
echo "$$" >"$lock/pid"
trap 'rm -rf "$lock"' EXIT

# --- the image ---
has_build=$(docker compose config "$SERVICE" | grep -c '^    build:' || true)
if [ "$has_build" -gt 0 ] && { [ "$BUILD" = always ] || ! docker image inspect "$image" >/dev/null 2>&1; }; then
  say "building $image"
  docker compose build --quiet "$SERVICE" || fail "the build of $image failed; nothing was changed"
fi
docker image inspect "$image" >/dev/null 2>&1 ||
  refuse "image $image does not exist (build it, or set APP_VERSION to a version that exists)"
old_image=$(docker inspect --format '{{.Config.Image}}' "${old[0]}")
say "$project: ${#old[@]} replicas of $old_image -> $image"

# --- start the new replicas next to the old ones ---
say "starting ${#old[@]} new replicas"
docker compose up --detach --no-deps --no-build --no-recreate --scale "$SERVICE=$((2 * ${#old[@]}))" "$SERVICE" 2>/dev/null ||
  fail "docker compose could not start the new replicas"
mapfile -t all < <(docker compose ps --quiet "$SERVICE")
new=()
for id in "${all[@]}"; do
  case " ${old[*]} " in *" $id "*) ;; *) new+=("$id") ;; esac
done

name() { docker inspect --format '{{.Name}}' "$1" | sed 's,^/,,'; }

remove() {
  for id in "$@"; do
    docker stop "$id" >/dev/null 2>&1 || true
    docker rm --force "$id" >/dev/null 2>&1 || true
  done
}

rollback() {
  say "rolling back: removing the new replicas; $old_image keeps serving"
  remove "${new[@]}"
  fail "$1; rolled back, ${#old[@]} replicas of $old_image serve as before"
}

# A replica's health (or its state, for an image without a healthcheck).
health() {
  docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null ||
    echo gone
}

# The first new replica that has exited or restarted, as "<name> exits after it starts (...)": a crash is final, and
# every restart of a crashing replica adds and removes its address in DNS, which NGINX cannot retry across
# (docs/zero-downtime.md), so it is rolled back at once rather than after ROLLOUT_TIMEOUT.
crashed() {
  docker inspect --format '{{.Name}} {{.State.Status}} {{.RestartCount}}' "${new[@]}" 2>/dev/null |
    awk '$2 != "running" || $3 > 0 { sub("^/", "", $1); print $1 " exits after it starts (" $2 ", " $3 " restarts)"; exit }'
}

# Whether NGINX sends requests to this hostname: a few requests from inside the NGINX container.
in_rotation() {
  local i
  for ((i = 0; i < 2 * ${#all[@]}; i++)); do
    docker exec "$nginx" curl -fsS --max-time 2 http://127.0.0.1:8080/api/whoami 2>/dev/null |
      grep -q "\"hostname\":\"$1\"" && return 0
  done
  return 1
}

deadline=$((SECONDS + TIMEOUT))
for id in "${new[@]}"; do
  step=$SECONDS
  until [ "$(health "$id")" = healthy ] || [ "$(health "$id")" = running ]; do
    crash=$(crashed)
    [ -z "$crash" ] || rollback "$crash"
    [ "$SECONDS" -lt "$deadline" ] || rollback "$(name "$id") is not healthy after ${TIMEOUT}s ($(health "$id"))"
    sleep 0.5
  done
  say "$(name "$id") healthy after $((SECONDS - step))s"
  host=$(docker inspect --format '{{.Config.Hostname}}' "$id")
  until in_rotation "$host"; do
    [ "$SECONDS" -lt "$deadline" ] || rollback "$(name "$id") does not answer through NGINX after ${TIMEOUT}s"
    sleep 1
  done
  say "$(name "$id") answers through NGINX after $((SECONDS - step))s"
done

# --- retire the old replicas, one at a time ---
for id in "${old[@]}"; do
  step=$SECONDS
  label=$(name "$id")
  docker stop "$id" >/dev/null
  docker rm "$id" >/dev/null
  say "$label drained and removed in $((SECONDS - step))s"
done

say "done: $old_image -> $image, ${#new[@]} replicas, in $((SECONDS - started))s"
