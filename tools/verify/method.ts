import { tally, type ReplicaCount } from '../../server/shared/tally';
import { detectRotation } from './pattern';
import { pct } from './report';
import type { VerifyOptions } from './options';

/** The values of LB_METHOD (nginx/entrypoint/25-lb-method.sh). */
export const METHODS = ['round_robin', 'least_conn', 'random', 'ip_hash', 'hash', 'sticky'] as const;
export type Method = (typeof METHODS)[number];

/** Requests each simulated client sends under sticky, hash and ip_hash. */
const REQUESTS_PER_CLIENT = 5;
/** least_conn's slow replica answers this late (GET /api/whoami?delay=, at most 2,000 ms). */
const SLOW_MS = 300;

/** What `--method` found: the replicas' shares, what the method promises and whether it held. */
export interface MethodReport {
  expected: Method;
  /** As NGINX says (GET /api/balancer); null when it did not answer. */
  nginxMethod: string | null;
  replicas: ReplicaCount[];
  /** One line per finding, for the human-readable report. */
  findings: string[];
  failures: string[];
  pass: boolean;
}

interface Answer {
  hostname: string | null;
  error: string | null;
  cookie: string | null;
}

/** One GET of /api/whoami as one client: its headers go out, NGINX's sticky cookie comes back. */
async function ask(options: VerifyOptions, query: string, headers: Record<string, string>): Promise<Answer> {
  try {
    const res = await fetch(`${options.target}${query}`, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
    const body = (await res.json().catch(() => null)) as { hostname?: unknown } | null;
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('srv_id=')) ?? null;
    if (!res.ok || typeof body?.hostname !== 'string') return { hostname: null, error: `HTTP ${res.status}`, cookie };
    return { hostname: body.hostname, error: null, cookie: cookie && cookie.split(';')[0] };
  } catch (err) {
    return { hostname: null, error: (err as Error).name === 'TimeoutError' ? 'timeout' : 'network', cookie: null };
  }
}

/** Runs `jobs`, `concurrency` at a time, keeping their order. */
async function inParallel<T>(jobs: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next;
      next += 1;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return results;
}

async function nginxMethod(options: VerifyOptions): Promise<string | null> {
  try {
    const res = await fetch(new URL('balancer', options.target), { signal: AbortSignal.timeout(options.timeoutMs) });
    return ((await res.json()) as { method?: string }).method ?? null;
  } catch {
    return null;
  }
}

/** Every share within `tolerance` of the fair share 1/expect, and exactly `expect` replicas. */
function evenSpread(replicas: ReplicaCount[], options: VerifyOptions, what: string): string[] {
  const fair = 1 / options.expect;
  const allowed = fair * options.tolerance;
  const failures =
    replicas.length === options.expect ? [] : [`${replicas.length} replicas got ${what}, expected ${options.expect}`];
  for (const { hostname, share } of replicas) {
    if (Math.abs(share - fair) > allowed + 1e-9) {
      failures.push(`${hostname} got ${pct(share)} of ${what}, outside ${pct(fair)} ± ${pct(allowed)}`);
    }
  }
  return failures;
}

/** A client: `REQUESTS_PER_CLIENT` GETs in a row, carrying its key (hash) or the cookie NGINX gave it (sticky). */
async function client(options: VerifyOptions, method: Method, n: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  let cookie: string | null = null;
  for (let i = 0; i < REQUESTS_PER_CLIENT; i += 1) {
    const headers: Record<string, string> = {};
    if (method === 'hash') headers['X-Client-ID'] = `verify-${process.pid}-${n}`;
    if (cookie) headers.cookie = cookie;
    const answer = await ask(options, '', headers);
    cookie = answer.cookie ?? cookie;
    answers.push(answer);
  }
  return answers;
}

async function checkClients(options: VerifyOptions, method: Method) {
  const jobs = Array.from({ length: options.clients }, (_v, n) => () => client(options, method, n));
  const clients = await inParallel(jobs, options.concurrency);
  const failed = clients.flat().filter((a) => a.error !== null).length;
  const moved = clients.filter((answers) => new Set(answers.map((a) => a.hostname)).size > 1).length;
  const replicas = tally(clients.flatMap((answers) => (answers[0].hostname ? [answers[0].hostname] : [])));
  const failures = [
    ...(failed > 0 ? [`${failed} of ${clients.length * REQUESTS_PER_CLIENT} requests failed`] : []),
    ...(moved > 0 ? [`${moved} of ${clients.length} clients were answered by more than one replica`] : []),
    // Every client shares this machine's address: ip_hash can only ever pick one replica for them.
    ...(method === 'ip_hash' ? [] : evenSpread(replicas, options, 'the clients')),
  ];
  const findings = [
    `clients   ${clients.length}, ${REQUESTS_PER_CLIENT} requests each: ${clients.length - moved} stayed on one replica`,
    method === 'ip_hash'
      ? 'spread    not judged: every client here has the same address, so ip_hash sends them all to one replica'
      : `spread    clients per replica within ${pct(1 / options.expect)} ± ${pct(options.tolerance / options.expect)}`,
  ];
  return { replicas, findings, failures };
}

async function checkRequests(options: VerifyOptions, method: Method) {
  const first = await ask(options, '', {});
  const slow = method === 'least_conn' ? first.hostname : null;
  const query = slow ? `?delay=${SLOW_MS}&delay_on=${slow}` : '';
  const jobs = Array.from({ length: options.requests }, () => () => ask(options, query, {}));
  const answers = await inParallel(jobs, options.concurrency);
  const hostnames = answers.flatMap((a) => (a.hostname ? [a.hostname] : []));
  const replicas = tally(hostnames);
  const failed = answers.length - hostnames.length;
  const failures = failed > 0 ? [`${failed} of ${answers.length} requests failed`] : [];
  const findings: string[] = [];
  if (method === 'round_robin') {
    const rotation = detectRotation(hostnames);
    findings.push(`pattern   ${rotation.strict ? 'strict' : 'not strict'} rotation, period ${rotation.period}`);
    if (!rotation.strict && options.concurrency === 1) failures.push('answers do not repeat with a fixed period');
    failures.push(...evenSpread(replicas, options, 'the answers'));
  } else if (method === 'random') {
    failures.push(...evenSpread(replicas, options, 'the answers'));
  } else if (slow) {
    // Round robin would give it 1/expect whatever its speed; least_conn must give it clearly less.
    const share = replicas.find((r) => r.hostname === slow)?.share ?? 0;
    const bound = 1 / options.expect / 2;
    findings.push(
      `slow      ${slow} answers ${SLOW_MS} ms late: it got ${pct(share)} (round robin: ${pct(1 / options.expect)})`,
    );
    if (share >= bound) failures.push(`the slow replica ${slow} got ${pct(share)}, not under ${pct(bound)}`);
  }
  return { replicas, findings, failures };
}

/** Checks that NGINX balances with `method` and that the distribution is the one that method promises. */
export async function checkMethod(options: VerifyOptions, method: Method): Promise<MethodReport> {
  const nginx = await nginxMethod(options);
  const clientMethod = method === 'sticky' || method === 'hash' || method === 'ip_hash';
  const { replicas, findings, failures } = clientMethod
    ? await checkClients(options, method)
    : await checkRequests(options, method);
  if (nginx !== method)
    failures.unshift(`NGINX balances with ${nginx ?? '(no answer at /api/balancer)'}, expected ${method}`);
  return { expected: method, nginxMethod: nginx, replicas, findings, failures, pass: failures.length === 0 };
}

/** The human-readable report of `--method`: the method, the shares, the findings, then the verdict line. */
export function formatMethodReport(report: MethodReport): string {
  const lines = [
    `method    ${report.nginxMethod ?? 'unknown'} (NGINX, /api/balancer); expected ${report.expected}`,
    ...report.replicas.map(
      (r) => `replica   ${r.hostname}  ${String(r.count).padStart(5)}  ${pct(r.share).padStart(6)}`,
    ),
    ...report.findings,
    '',
    report.pass ? `PASS: ${report.expected} behaves as it promises` : `FAIL: ${report.failures[0]}`,
  ];
  return `${lines.join('\n')}\n`;
}
