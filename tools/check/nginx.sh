#!/usr/bin/env bash
# `nginx -t` on the configuration exactly as the stack renders it: the nginx service of the compose
# files in use, started by `docker compose run` (same image, mounts, user, read-only root, tmpfs and
# entrypoint, which renders nginx/templates), once per set of variables below.
# Needs a running Docker engine and the NGINX image (official, or the air-gap stand-in).
set -euo pipefail
cd "$(dirname "$0")/../.."

docker info >/dev/null 2>&1 || {
  echo "check:nginx: no Docker engine answers: bash airgap/provision-docker.sh" >&2
  exit 1
}

# The compose files in use (COMPOSE_FILE, as for `docker compose up`). Without a registry the official
# image may be absent: then, if COMPOSE_FILE was not set, the air-gap stand-in is checked, and said so.
# awk reads to the end: grep -m1 would close the pipe early and, with pipefail, fail on compose's SIGPIPE.
image=$(docker compose config --images | awk '/nginx/ && !found { print; found = 1 }')
if ! docker image inspect "$image" >/dev/null 2>&1; then
  if [ -z "${COMPOSE_FILE:-}" ] && docker image inspect airgap/nginx:1.30 >/dev/null 2>&1; then
    export COMPOSE_FILE=docker-compose.yml:airgap/docker-compose.airgap.yml
    echo "check:nginx: $image is not present; checking with the air-gap stand-in (airgap/README.md)"
  else
    echo "check:nginx: image $image is not present: pull it, or see airgap/README.md" >&2
    exit 1
  fi
fi

# Each line: the variables one configuration is rendered with (empty: the defaults).
variants=(
  ""
  "RATE_LIMIT_RATE=10r/s RATE_LIMIT_BURST=20"
  "LB_METHOD=least_conn"
  "LB_METHOD=random"
  "LB_METHOD=ip_hash"
  "LB_METHOD=hash"
  "LB_METHOD=sticky"
  "HTTPS_REDIRECT=on HTTPS_PORT=8443 HSTS_MAX_AGE=31536000"
)

project="rrcheck-nginx-$$"
trap 'docker compose --project-name "$project" down --volumes --remove-orphans --timeout 1 >/dev/null 2>&1 || true' EXIT
# The certificate and key NGINX loads: made once by the certs service's script, into this project's volume.
if ! output=$(docker compose --project-name "$project" run --rm --no-deps --quiet-pull -T --entrypoint /bin/sh \
  certs /make-certs.sh 2>&1); then
  echo "check:nginx: the certs service could not make a certificate:" >&2
  echo "$output" >&2
  exit 1
fi
# All renderings at once (each its own container): the check stays within the inner loop's minute.
outputs=$(mktemp -d)
pids=()
for i in "${!variants[@]}"; do
  read -ra assignments <<<"${variants[$i]}"
  env "${assignments[@]}" docker compose --project-name "$project" \
    run --rm --no-deps --quiet-pull -T nginx nginx -t >"$outputs/$i" 2>&1 &
  pids+=("$!")
done
failed=0
for i in "${!variants[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "check:nginx: nginx -t failed with ${variants[$i]:-the defaults}:" >&2
    cat "$outputs/$i" >&2
    failed=1
  fi
done
rm -rf "$outputs"
[ "$failed" -eq 0 ] || exit 1
echo "check:nginx: nginx -t passes for ${#variants[@]} renderings of nginx/"
