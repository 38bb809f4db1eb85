import type { Outcome } from '../../server/shared/probe';
import { percentile } from '../../server/shared/percentile';
import { countBy, tally, type ReplicaCount } from '../../server/shared/tally';
import type { VerifyOptions } from './options';
import { detectRotation, type RotationPattern } from './pattern';

interface Verdict {
  pass: boolean;
  /** One line: why it passed, or the first reason it failed. */
  reason: string;
  /** Every reason it failed (empty on a pass). */
  failures: string[];
}

/** Everything `npm run verify` found; `--json` prints exactly this. */
export interface VerifyReport {
  url: string;
  sent: number;
  answered: number;
  failed: number;
  concurrency: number;
  expect: number;
  tolerance: number;
  replicas: ReplicaCount[];
  /** The order answers came in (send order); with concurrency above 1 NGINX may have seen another order. */
  pattern: RotationPattern;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  errors: Record<string, number>;
  verdict: Verdict;
}

export const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/** Decides pass or fail. Failed requests fail the check: a spread that needs errors to look even is not a pass. */
function judge(
  replicas: readonly ReplicaCount[],
  errors: Record<string, number>,
  sent: number,
  options: Pick<VerifyOptions, 'expect' | 'tolerance' | 'target'>,
): Verdict {
  const failed = Object.values(errors).reduce((sum, n) => sum + n, 0);
  const kinds = Object.entries(errors)
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ');
  const fair = 1 / options.expect;
  const allowed = fair * options.tolerance;
  const range = `${pct(fair)} ± ${pct(allowed)}`;
  const failures: string[] = [];

  if (replicas.length === 0) {
    failures.push(`no replica answered at ${options.target} (${kinds})`);
  } else {
    if (failed > 0) failures.push(`${failed} of ${sent} requests failed (${kinds})`);
    if (replicas.length !== options.expect) {
      failures.push(
        `${replicas.length} replica${replicas.length === 1 ? '' : 's'} answered, expected ${options.expect}`,
      );
    }
    for (const { hostname, share } of replicas) {
      // The epsilon absorbs float error: 1/3 of 300 answers is exactly the fair share.
      if (Math.abs(share - fair) > allowed + 1e-9)
        failures.push(`${hostname} got ${pct(share)} of the answers, outside ${range}`);
    }
  }
  const reason =
    failures[0] ??
    `${replicas.length} replicas answered (expected ${options.expect}), every share within ${range}, no errors`;
  return { pass: failures.length === 0, reason, failures };
}

/** Turns the outcomes, in the order they were sent, into the report. */
export function buildReport(options: VerifyOptions, outcomes: readonly Outcome[]): VerifyReport {
  const hostnames = outcomes.flatMap((o) => (o.hostname === null ? [] : [o.hostname]));
  const errors = Object.fromEntries(countBy(outcomes.flatMap((o) => (o.error === null ? [] : [o.error]))));
  const latencies = outcomes.filter((o) => o.hostname !== null).map((o) => o.latencyMs);
  const replicas = tally(hostnames);
  // Tenths of a millisecond: finer is noise from the client's own event loop.
  const latency = (p: number) => {
    const value = percentile(latencies, p);
    return value === null ? null : Math.round(value * 10) / 10;
  };
  return {
    url: options.target,
    sent: outcomes.length,
    answered: hostnames.length,
    failed: outcomes.length - hostnames.length,
    concurrency: options.concurrency,
    expect: options.expect,
    tolerance: options.tolerance,
    replicas,
    pattern: detectRotation(hostnames),
    latencyMs: { p50: latency(50), p95: latency(95), p99: latency(99), max: latency(100) },
    errors,
    verdict: judge(replicas, errors, outcomes.length, options),
  };
}
