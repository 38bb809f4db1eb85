/**
 * Docker's HEALTHCHECK, in Node because the slim base image has neither curl nor wget.
 * Healthy means ready: compose's `depends_on: service_healthy` then waits for real readiness.
 * node:http, not fetch(): it runs every 5 s in the replica's own CPU budget, and fetch() loads undici
 * on first use, which more than doubled the CPU each check costs (docs/benchmarks.md).
 */
import http from 'node:http';

const port = process.env.PORT || '3000';

http
  .get({ host: '127.0.0.1', port, path: '/readyz', timeout: 2_000 }, (res) =>
    process.exit(res.statusCode === 200 ? 0 : 1),
  )
  .on('timeout', () => process.exit(1))
  .on('error', () => process.exit(1));
