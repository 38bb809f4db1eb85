#!/bin/sh
# Part of the airgap/nginx stand-in image: behaves like the official nginx
# image's /docker-entrypoint.d/20-envsubst-on-templates.sh. A shorter
# re-implementation of entrypoint/20-envsubst-on-templates.sh from
# github.com/nginxinc/docker-nginx (Copyright (C) 2011-2023 F5, Inc.,
# BSD-2-Clause licence; provided "AS IS", without warranty, see that
# repository's LICENSE).
#
# Renders every $NGINX_ENVSUBST_TEMPLATE_DIR/**/*$NGINX_ENVSUBST_TEMPLATE_SUFFIX
# (default /etc/nginx/templates/**/*.template) into $NGINX_ENVSUBST_OUTPUT_DIR
# (default /etc/nginx/conf.d), keeping sub-directories and dropping the suffix.
# Only variables DEFINED in the environment (and matching the optional regex
# $NGINX_ENVSUBST_FILTER) are substituted, so nginx's own $host, $uri, ...
# survive. *.stream-template files go to $NGINX_ENVSUBST_STREAM_OUTPUT_DIR
# (default /etc/nginx/stream-conf.d) and a stream{} include is appended to
# nginx.conf when it has none and is writable.
# Needs only the output dir to be writable: works as uid 101 on a read-only
# root filesystem with e.g. a tmpfs on /etc/nginx/conf.d.
set -e

ME=$(basename "$0")

entrypoint_log() {
    if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
        echo "$@"
    fi
}

template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
stream_suffix="${NGINX_ENVSUBST_STREAM_TEMPLATE_SUFFIX:-.stream-template}"
stream_output_dir="${NGINX_ENVSUBST_STREAM_OUTPUT_DIR:-/etc/nginx/stream-conf.d}"
filter="${NGINX_ENVSUBST_FILTER:-}"

# No template dir: nothing to do (the common case).
[ -d "$template_dir" ] || exit 0
if [ ! -w "$output_dir" ]; then
    # Upstream logs and carries on (nginx then starts on what is there).
    entrypoint_log "$ME: ERROR: $template_dir exists, but $output_dir is not writable"
    exit 0
fi

# "${A} ${B} ..." for the defined variables: envsubst then leaves any other
# $name untouched. awk's ENVIRON lists exactly the exported variables.
defined_envs=$(awk -v filter="$filter" 'END { for (name in ENVIRON) if (name ~ filter) printf "${%s} ", name }' </dev/null)

# render SUFFIX OUTPUT_DIR
render() {
    find "$template_dir" -follow -type f -name "*$1" -print | while read -r template; do
        relative_path="${template#"$template_dir/"}"
        output_path="$2/${relative_path%"$1"}"
        mkdir -p "$(dirname "$output_path")"
        entrypoint_log "$ME: Running envsubst on $template to $output_path"
        envsubst "$defined_envs" <"$template" >"$output_path"
    done
}

render "$suffix" "$output_dir"

if [ -n "$(find "$template_dir" -name "*$stream_suffix" -print -quit)" ]; then
    mkdir -p "$stream_output_dir"
    if [ ! -w "$stream_output_dir" ]; then
        entrypoint_log "$ME: ERROR: $template_dir exists, but $stream_output_dir is not writable"
        exit 0
    fi
    conffile=/etc/nginx/nginx.conf
    if grep -q -E '^[[:space:]]*stream[[:space:]]*\{' "$conffile"; then
        entrypoint_log "$ME: $conffile contains a stream block; include $stream_output_dir/*.conf to enable stream templates"
    elif ! touch "$conffile" 2>/dev/null; then
        entrypoint_log "$ME: info: can not modify $conffile (read-only file system?)"
        exit 0
    else
        entrypoint_log "$ME: Appending stream block to $conffile to include $stream_output_dir/*.conf"
        printf '# added by "%s" on "%s"\nstream {\n  include %s/*.conf;\n}\n' "$ME" "$(date)" "$stream_output_dir" >>"$conffile"
    fi
    render "$stream_suffix" "$stream_output_dir"
fi

exit 0
