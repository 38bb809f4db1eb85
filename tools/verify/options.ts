import { parseArgs } from 'node:util';

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
}

/** Bad flags: exit 2 with one line naming the problem. */
export class UsageError extends Error {}

export const USAGE = `Usage: npm run verify -- [options]

Sends GET /api/whoami through NGINX and checks that the answers are spread over the replicas.

  --url URL          the stack's address (default http://localhost)
  --requests N       how many requests to send (default 300)
  --concurrency N    how many in flight at once (default 1; above 1 the order of arrival is not the order sent)
  --expect N         how many replicas must answer (default 3)
  --tolerance F      how far each share may be off the fair share 1/N, as a fraction of it (default 0.1)
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
        concurrency: { type: 'string', default: '1' },
        expect: { type: 'string', default: '3' },
        tolerance: { type: 'string', default: '0.1' },
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
  return {
    ...stackUrl(values.url),
    requests: wholeNumber('requests', values.requests, 1, 100_000),
    concurrency: wholeNumber('concurrency', values.concurrency, 1, 256),
    expect: wholeNumber('expect', values.expect, 1, 1_000),
    tolerance: fraction('tolerance', values.tolerance),
    timeoutMs: wholeNumber('timeout', values.timeout, 1, 600_000),
    json: values.json,
  };
}
