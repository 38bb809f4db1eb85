# A release that starts and answers but never passes its healthcheck: what a broken update looks like
# to Swarm. Built by tests/e2e/swarm.test.ts FROM a good image; it reports its own version, so a test
# can prove it never took a request.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG APP_VERSION
ENV APP_VERSION=${APP_VERSION}
# Fails at once and fast, so the update fails within seconds.
HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD ["node", "-e", "process.exit(1)"]
