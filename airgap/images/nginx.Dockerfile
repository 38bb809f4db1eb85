# airgap/nginx:1.30 — a LOCAL stand-in for the official `nginx:1.30` image,
# for hosts that reach Debian's package mirror but no container registry.
# Built by airgap/build-base-images.sh (context: airgap/images/), on
# top of airgap/debian:sid (Debian sid is where nginx 1.30.x is packaged).
# It copies the official image's interface: user/group nginx (101),
# /etc/nginx/{nginx.conf,conf.d/}, /var/cache/nginx, logs to stdout/stderr,
# /docker-entrypoint.sh with /docker-entrypoint.d/20-envsubst-on-templates.sh,
# EXPOSE 80, STOPSIGNAL SIGQUIT, CMD nginx -g 'daemon off;'.
# (No syntax directive on purpose: BuildKit would pull its frontend image.)
FROM airgap/debian:sid

ARG NGINX_SERIES=1.30

# The nginx user first, with the official uid/gid, so that no package can
# take 101. The base image's /usr/sbin/policy-rc.d (exit 101) keeps the
# package's postinst from starting nginx during the build.
# --no-install-recommends keeps it small; curl (health checks), gettext-base
# (envsubst for templates) and ca-certificates (curl to https) as in the
# official image. The version check fails the build if sid moved on from the
# requested series: the tag would then lie.
RUN set -eux; \
    groupadd --system --gid 101 nginx; \
    useradd --system --gid nginx --uid 101 --no-create-home --home-dir /nonexistent \
        --shell /bin/false --comment "nginx user" nginx; \
    test -x /usr/sbin/policy-rc.d; \
    apt-get update; \
    apt-get install -y --no-install-recommends nginx curl gettext-base ca-certificates; \
    rm -rf /var/lib/apt/lists/*; \
    version="$(nginx -v 2>&1)"; \
    case "$version" in \
        *"nginx/${NGINX_SERIES}."*) echo "ok: $version" ;; \
        *) echo "expected nginx ${NGINX_SERIES}.x from sid, got: $version" >&2; exit 1 ;; \
    esac

# Official layout: no Debian default site; conf.d/ and /docker-entrypoint.d/;
# /var/cache/nginx owned by nginx. Debian's nginx is built with its temp
# paths (client body, proxy, ...) under /var/lib/nginx: point that at
# /var/cache/nginx so the one directory to make writable (e.g. a tmpfs with a
# read-only root, or uid 101) is the same as with the official image.
# Logs go to the container's stdout/stderr, as in the official image.
RUN set -eux; \
    rm -f /etc/nginx/sites-enabled/default; \
    mkdir -p /etc/nginx/conf.d /docker-entrypoint.d /var/cache/nginx /usr/share/nginx/html; \
    chown nginx:nginx /var/cache/nginx; \
    rm -rf /var/lib/nginx; \
    ln -s /var/cache/nginx /var/lib/nginx; \
    mkdir -p /var/log/nginx; \
    ln -sf /dev/stdout /var/log/nginx/access.log; \
    ln -sf /dev/stderr /var/log/nginx/error.log; \
    if [ ! -e /usr/share/nginx/html/index.html ]; then \
        printf '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1></body></html>\n' > /usr/share/nginx/html/index.html; \
    fi; \
    printf '<!DOCTYPE html>\n<html><head><title>Error</title></head>\n<body><h1>An error occurred.</h1></body></html>\n' > /usr/share/nginx/html/50x.html

COPY nginx-conf/nginx.conf /etc/nginx/nginx.conf
COPY nginx-conf/default.conf /etc/nginx/conf.d/default.conf
COPY nginx-entrypoint/docker-entrypoint.sh /docker-entrypoint.sh
COPY nginx-entrypoint/20-envsubst-on-templates.sh /docker-entrypoint.d/20-envsubst-on-templates.sh

# Fail the build now rather than at `docker compose up`: the config parses.
# The entrypoint scripts must be executable whatever the checkout's modes.
# nginx -t creates its temp dirs: leave /var/cache/nginx empty, as shipped.
RUN set -eux; \
    chmod 755 /docker-entrypoint.sh /docker-entrypoint.d/20-envsubst-on-templates.sh; \
    nginx -t; \
    rm -rf /var/cache/nginx/*

EXPOSE 80
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
