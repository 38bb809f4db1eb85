#!/usr/bin/env bash
# Two Swarm nodes on one Linux host, for trying the stack across nodes without a second machine:
# two extra dockerd, each in its own network namespace, linked by a veth pair (10.66.0.1 and .2),
# node 1 a manager, node 2 a worker. The host's own Docker engine is not touched.
#   sudo bash tools/swarm/two-node-swarm.sh up roundrobin/server:v1 airgap/nginx:1.30   # images to copy in
#   export DOCKER_HOST=unix:///var/lib/rr-two-nodes/n1/docker.sock                     # then deploy as usual
#   sudo nsenter --net=/run/netns/rr-node1 curl localhost                               # node 1's host port
#   sudo bash tools/swarm/two-node-swarm.sh down
# Needs root, iproute2, nsenter and the vxlan kernel module (overlay networks between the nodes).
set -euo pipefail

base=/var/lib/rr-two-nodes
node_docker() { docker -H "unix://$base/n$1/docker.sock" "${@:2}"; }

up() {
  mkdir -p "$base"
  ip netns add rr-node1
  ip netns add rr-node2
  ip link add rr-node1-eth type veth peer name rr-node2-eth
  for n in 1 2; do
    ip link set "rr-node$n-eth" netns "rr-node$n"
    ip -n "rr-node$n" addr add "10.66.0.$n/24" dev "rr-node$n-eth"
    ip -n "rr-node$n" link set "rr-node$n-eth" up
    ip -n "rr-node$n" link set lo up
    mkdir -p "$base/n$n"
    # Its own config file: the host's /etc/docker/daemon.json may set data-root and clash with the flags.
    echo '{}' > "$base/n$n/daemon.json"
    # nsenter, not `ip netns exec`: that one remounts /sys and hides the cgroup mounts dockerd needs.
    nsenter --net="/run/netns/rr-node$n" dockerd --config-file "$base/n$n/daemon.json" \
      --data-root "$base/n$n/data" --exec-root "$base/n$n/exec" --pidfile "$base/n$n/docker.pid" \
      -H "unix://$base/n$n/docker.sock" > "$base/n$n/dockerd.log" 2>&1 &
  done
  for n in 1 2; do
    for _ in $(seq 1 30); do node_docker "$n" info > /dev/null 2>&1 && break; sleep 1; done
    if [ "$#" -gt 0 ]; then docker save "$@" | node_docker "$n" load -q; fi
  done
  node_docker 1 swarm init --advertise-addr 10.66.0.1 > /dev/null
  node_docker 2 swarm join --token "$(node_docker 1 swarm join-token -q worker)" 10.66.0.1:2377
  node_docker 1 node ls
}

down() {
  for n in 1 2; do
    node_docker "$n" swarm leave --force > /dev/null 2>&1 || true
    if [ -f "$base/n$n/docker.pid" ]; then
      pid=$(cat "$base/n$n/docker.pid")
      kill "$pid"
      # dockerd stops its containers and its containerd, then removes its pid file.
      for _ in $(seq 1 30); do [ -f "$base/n$n/docker.pid" ] || break; sleep 1; done
    fi
    ip netns delete "rr-node$n" 2> /dev/null || true
  done
  # A node that left the swarm can keep its overlay's network namespaces mounted under its exec root.
  awk -v base="$base" 'index($2, base) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount
  rm -rf "$base"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  *) echo "usage: $0 up [image...] | down" >&2; exit 2 ;;
esac
