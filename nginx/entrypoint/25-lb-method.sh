#!/bin/sh
# Renders the upstream's balancing method from LB_METHOD before NGINX starts (run by the image's
# /docker-entrypoint.sh, like the templates' envsubst). Writes two files into the conf.d tmpfs:
#   lb-method.upstream  the directive, included inside `upstream replicas` in nginx.conf;
#   lb-method.conf      $lb_method, the method's name, which NGINX answers at /api/balancer;
#   lb-backup.upstream  the backup peers (nginx/snippets/backup-peers.conf) where the method allows them.
# An unknown value stops the start with one line naming the variable and the allowed values.
# Methods and when to use each: docs/balancing.md.
set -eu

allowed="round_robin least_conn random ip_hash hash sticky"
method="${LB_METHOD:-round_robin}"

case "$method" in
    round_robin) directive="# round robin: NGINX's default, no directive" ;;
    least_conn) directive="least_conn;" ;;
    random) directive="random;" ;;
    ip_hash) directive="ip_hash;" ;;
    # $lb_hash_key: the X-Client-ID header, else the client's address (nginx/snippets/balancer.conf).
    # Not `consistent`: with `resolve` servers NGINX 1.30 then ignores the key and rotates (docs/balancing.md).
    hash) directive="hash \$lb_hash_key;" ;;
    sticky) directive="sticky cookie srv_id expires=1h path=/ httponly samesite=lax;" ;;
    *)
        echo "LB_METHOD=$method is not a balancing method; allowed: $allowed" >&2
        exit 1
        ;;
esac

conf_d="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
printf '%s\n' "$directive" >"$conf_d/lb-method.upstream"
case "$method" in
    # NGINX refuses `backup` servers with these methods: no backup peers, so they can answer 502 "no live
    # upstreams" when every replica failed within fail_timeout (docs/balancing.md).
    random | ip_hash | hash) echo "# no backup peers: $method does not allow them" >"$conf_d/lb-backup.upstream" ;;
    *) echo "include /etc/nginx/snippets/backup-peers.conf;" >"$conf_d/lb-backup.upstream" ;;
esac
printf 'map "" $%s { default "%s"; }\n' lb_method "$method" >"$conf_d/lb-method.conf"
