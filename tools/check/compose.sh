#!/usr/bin/env bash
# `docker compose config -q` on every supported combination of compose files: the stack, with
# monitoring, as Swarm deploys it, as the benchmark layers it, each also with the air-gap override.
# Needs the docker CLI with Compose v2 (airgap/provision-docker.sh installs both); no engine.
set -euo pipefail
cd "$(dirname "$0")/../.."

docker compose version >/dev/null 2>&1 || {
  echo "check:compose: Docker Compose v2 is missing: bash airgap/provision-docker.sh" >&2
  exit 1
}

airgap=airgap/docker-compose.airgap.yml
bench=tools/bench/docker-compose.bench.yml
combinations=(
  "docker-compose.yml"
  "docker-compose.yml $airgap"
  "docker-compose.yml docker-compose.monitoring.yml"
  "docker-compose.yml $airgap docker-compose.monitoring.yml"
  "docker-compose.yml docker-compose.swarm.yml"
  "docker-compose.yml $airgap docker-compose.swarm.yml"
  "docker-compose.yml $bench"
  "docker-compose.yml $airgap $bench tools/bench/docker-compose.bench.airgap.yml"
)

for combination in "${combinations[@]}"; do
  read -ra names <<<"$combination"
  files=()
  for name in "${names[@]}"; do files+=(-f "$name"); done
  # COMPOSE_FILE is ignored next to -f; emptied so that only the files named here are read.
  COMPOSE_FILE='' docker compose "${files[@]}" config --quiet || {
    echo "check:compose: invalid combination: ${names[*]}" >&2
    exit 1
  }
done
echo "check:compose: ${#combinations[@]} combinations of compose files are valid"
