#!/bin/sh
# Entrypoint of the airgap/nginx stand-in image: behaves like the official
# nginx image's /docker-entrypoint.sh. A shorter re-implementation of
# entrypoint/docker-entrypoint.sh from github.com/nginxinc/docker-nginx
# (Copyright (C) 2011-2023 F5, Inc., BSD-2-Clause licence; provided "AS IS",
# without warranty, see that repository's LICENSE).
#
# When the command is nginx (or nginx-debug), every file in
# /docker-entrypoint.d/ is considered in version order: executable *.envsh are
# sourced, executable *.sh are run, anything else is ignored with a log line.
# A failing script aborts the start (set -e), like the original.
# NGINX_ENTRYPOINT_QUIET_LOGS=1 silences the log lines.
set -e

entrypoint_log() {
    if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
        echo "$@"
    fi
}

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    if [ -n "$(find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -type f -print -quit 2>/dev/null)" ]; then
        entrypoint_log "$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
        entrypoint_log "$0: Looking for shell scripts in /docker-entrypoint.d/"
        # As upstream: the loop runs in a pipeline, so what an .envsh exports
        # reaches the scripts after it, not the final command.
        find /docker-entrypoint.d/ -follow -type f -print | sort -V | while read -r f; do
            case "$f" in
                *.envsh|*.sh)
                    if [ ! -x "$f" ]; then
                        entrypoint_log "$0: Ignoring $f, not executable"
                    elif [ "${f%.envsh}" != "$f" ]; then
                        entrypoint_log "$0: Sourcing $f"
                        # shellcheck disable=SC1090
                        . "$f"
                    else
                        entrypoint_log "$0: Launching $f"
                        "$f"
                    fi
                    ;;
                *) entrypoint_log "$0: Ignoring $f" ;;
            esac
        done
        entrypoint_log "$0: Configuration complete; ready for start up"
    else
        entrypoint_log "$0: No files found in /docker-entrypoint.d/, skipping configuration"
    fi
fi

exec "$@"
