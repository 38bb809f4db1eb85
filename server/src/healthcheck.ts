/**
 * Docker's HEALTHCHECK, in Node because the slim base image has neither curl nor wget.
 * Healthy means ready: compose's `depends_on: service_healthy` then waits for real readiness.
 */
const port = process.env.PORT || '3000';

fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
