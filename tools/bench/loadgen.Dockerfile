# The benchmark's load generators: wrk (C, multi-threaded) and, for HTTP/2, h2load (nghttp2-client), from Debian's
# packages, in a container so they can join the stack's network (no Docker port publishing in the path) and their
# CPU is accounted in its own cgroup.
# Build context: tools/bench. No `# syntax=` line: BuildKit would fetch its frontend from a registry. Air-gapped hosts pass
# DEBIAN_IMAGE=airgap/debian:sid (tools/bench/docker-compose.bench.airgap.yml).
ARG DEBIAN_IMAGE=debian:trixie-slim
FROM ${DEBIAN_IMAGE}
# Release files of the mirror's sid can be past Valid-Until (docs/airgap.md); signatures are still checked.
RUN apt-get -o Acquire::Check-Valid-Until=false update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk nghttp2-client \
 && rm -rf /var/lib/apt/lists/*
COPY wrk-report.lua /usr/local/share/wrk-report.lua
# Kept running idle; each measurement is a `docker exec wrk ...` in it.
CMD ["sleep", "infinity"]
