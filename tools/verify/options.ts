import { parseArgs } from 'node:util';
import { METHODS, type Method } from './method';

export interface VerifyOptions {
  /** The stack's address; the checker asks `api/whoami` under it. */
  url: string;
  /** The exact URL each request goes to. */
  target: string;
  requests: number;
  concurrency: number;
  /** How many replicas must answer. */
  expect: number;
  /** Each share may be off the fair share (1/expect) by this fraction of it: 0.1 → 33.3% ± 3.3%. */
  tolerance: number;
  timeoutMs: number;
  json: boolean;
  /** The balancing method to judge (LB_METHOD); undefined: only the spread over replicas. */
  method: Method | undefined;
  /** Simulated clients under --method sticky, hash or ip_hash. */
  clients: number;
}

/** Bad flags: exit 2 with one line naming the problem. */
export class UsageError extends Error {}

export const USAGE = `Usage: npm run verify -- [options]

Sends GET /api/whoami through NGINX and checks that the answers are spread over the replicas.

  --url URL          the stack's address (default http://localhost)
  --requests N       how many requests to send (default 300)
  --concurrency N    how many in flight at once (default 1, 12 with --method least_conn, sticky, hash or ip_hash)
  --expect N         how many replicas must answer (default 3)
  --tolerance F      how far each share may be off the fair share 1/N, as a fraction of it
                     (default 0.1; 0.3 with --method random, sticky, hash or ip_hash)
  --method M         judge the balancing method NGINX must be using (docs/balancing.md): round_robin,
                     least_conn (makes one replica slow), random, ip_hash, hash or sticky
  --clients N        clients to simulate for sticky, hash and ip_hash, 5 requests each (default 200)
  --timeout MS       per-request timeout in milliseconds (default 5000)
  --json             print a machine-readable result (use \`npm run --silent verify -- --json\`)
  --help             this text

Exit status: 0 pass, 1 fail, 2 usage error.
`;

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function fraction(flag: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || value >= 1) {
    throw new UsageError(
      `--${flag} must be a number from 0 to below 1 (0.1 means ±10% of the fair share), got "${raw}"`,
    );
  }
  return value;
}

function stackUrl(raw: string): { url: string; target: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be an absolute http(s) URL such as http://localhost:8080, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must use http or https, got "${url.protocol}"`);
  }
  // A base path is kept (http://host/app → http://host/app/api/whoami).
  const base = url.pathname.endsWith('/') ? url : new URL(`${url.pathname}/`, url);
  return { url: raw, target: new URL('api/whoami', base).href };
}

function balancingMethod(raw: string | undefined): Method | undefined {
  if (raw === undefined) return undefined;
  const method = METHODS.find((m) => m === raw);
  if (method === undefined) throw new UsageError(`--method must be one of ${METHODS.join(', ')}, got "${raw}"`);
  return method;
}

/** Parses the flags, or returns 'help'. Throws UsageError on anything it does not understand. */
export function parseOptions(argv: string[]): VerifyOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string', default: 'http://localhost' },
        requests: { type: 'string', default: '300' },
        concurrency: { type: 'string' },
        expect: { type: 'string', default: '3' },
        tolerance: { type: 'string' },
        method: { type: 'string' },
        clients: { type: 'string', default: '200' },
        timeout: { type: 'string', default: '5000' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    // parseArgs' own wording ("Unknown option '--x'..."), first sentence only.
    throw new UsageError((err as Error).message.split('\n')[0].split('. ')[0]);
  }
  if (values.help) return 'help';
  const method = balancingMethod(values.method);
  const spreadsByChance = method !== undefined && !['round_robin', 'least_conn'].includes(method);
  const concurrent = method !== undefined && method !== 'round_robin' && method !== 'random';
  return {
    ...stackUrl(values.url),
    requests: wholeNumber('requests', values.requests, 1, 100_000),
    concurrency: wholeNumber('concurrency', values.concurrency ?? (concurrent ? '12' : '1'), 1, 256),
    expect: wholeNumber('expect', values.expect, 1, 1_000),
    tolerance: fraction('tolerance', values.tolerance ?? (spreadsByChance ? '0.3' : '0.1')),
    timeoutMs: wholeNumber('timeout', values.timeout, 1, 600_000),
    json: values.json,
    method,
    clients: wholeNumber('clients', values.clients, 1, 10_000),
  };
}
