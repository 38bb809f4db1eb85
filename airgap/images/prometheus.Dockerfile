# airgap/prometheus:v3.5 — a LOCAL stand-in for the official `prom/prometheus:v3.5.3` image,
# for hosts that reach Debian's package mirror but no container registry.
# Built by airgap/build-base-images.sh (context: airgap/images/) on top of
# airgap/debian:sid, from Debian's `prometheus` package (3.5.x in sid, the upstream LTS line).
# It copies the official image's interface: binary on the PATH as `prometheus` (and
# /bin/prometheus), config at /etc/prometheus/prometheus.yml, data in /prometheus owned by
# nobody (65534), USER nobody, EXPOSE 9090, the same ENTRYPOINT and default CMD.
# (No syntax directive on purpose: BuildKit would pull its frontend image.)
FROM airgap/debian:sid

ARG PROMETHEUS_SERIES=3.5

# --no-install-recommends: the server and promtool (its dependency; the healthcheck uses it) only.
# The base image's /usr/sbin/policy-rc.d (exit 101) keeps postinst from starting a service.
# The version check fails the build if sid moved on from the requested series: the tag would then lie.
RUN set -eux; \
    test -x /usr/sbin/policy-rc.d; \
    apt-get update; \
    apt-get install -y --no-install-recommends prometheus; \
    rm -rf /var/lib/apt/lists/*; \
    version="$(prometheus --version 2>&1 | head -n 1)"; \
    case "$version" in \
        *"version ${PROMETHEUS_SERIES}."*) echo "ok: $version" ;; \
        *) echo "expected prometheus ${PROMETHEUS_SERIES}.x from sid, got: $version" >&2; exit 1 ;; \
    esac

# Official layout: /bin/prometheus (already there when /bin is merged into /usr/bin),
# /prometheus (the TSDB, also the working directory) owned by nobody (65534; its group is
# `nogroup` on Debian), and a minimal config that scrapes Prometheus itself (Debian's
# default also scrapes a node exporter that this image does not have).
RUN set -eux; \
    test -e /bin/prometheus || ln -s /usr/bin/prometheus /bin/prometheus; \
    mkdir -p /prometheus /etc/prometheus; \
    chown nobody:nogroup /prometheus; \
    printf 'global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: ["localhost:9090"]\n' \
        > /etc/prometheus/prometheus.yml; \
    promtool check config /etc/prometheus/prometheus.yml

USER nobody
EXPOSE 9090
VOLUME ["/prometheus"]
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
