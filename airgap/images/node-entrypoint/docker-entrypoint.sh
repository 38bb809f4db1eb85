#!/bin/sh
# Entrypoint of the airgap/node stand-in image, behaving like the official
# node image's docker-entrypoint.sh (github.com/nodejs/docker-node, MIT):
# `docker run IMAGE app.js` or `docker run IMAGE --version` runs node with
# those arguments; any other command (npm, sh, node ...) runs as given.
set -e

# First argument is an option, is not a command on PATH, or is a file that is
# not executable: hand everything to node.
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1" || true)" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
    set -- node "$@"
fi

exec "$@"
