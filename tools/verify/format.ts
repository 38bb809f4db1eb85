import { pct, type VerifyReport } from './report';

/** Bar length for a share of 100%. */
const BAR_WIDTH = 40;

const ms = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} ms`);

function table(report: VerifyReport): string[] {
  if (report.replicas.length === 0) return ['no replica answered'];
  const width = Math.max('replica'.length, ...report.replicas.map((r) => r.hostname.length));
  const header = `${'replica'.padEnd(width)}  ${'count'.padStart(6)}  ${'share'.padStart(6)}`;
  return [
    header,
    ...report.replicas.map(
      (r) =>
        `${r.hostname.padEnd(width)}  ${String(r.count).padStart(6)}  ${pct(r.share).padStart(6)}  ${'█'.repeat(Math.round(r.share * BAR_WIDTH))}`,
    ),
  ];
}

function pattern(report: VerifyReport): string {
  const { strict, period, cycle, conforming } = report.pattern;
  if (period === 0) return 'no answers';
  const order = cycle.join(' → ');
  if (strict) return `strict round robin, period ${period}: ${order} → (repeats)`;
  const note = report.concurrency > 1 ? ' (with --concurrency above 1, answers can arrive out of order)' : '';
  return `not strict round robin: ${pct(conforming)} of answers repeat the one ${period} before${note}`;
}

/** The human-readable report: a table, then the pattern, latency and errors, then the verdict line. */
export function formatReport(report: VerifyReport): string {
  const errors = Object.entries(report.errors);
  const lines = [
    `${report.sent} requests to ${report.url}, concurrency ${report.concurrency}: ${report.answered} answered, ${report.failed} failed`,
    '',
    ...table(report),
    '',
    `pattern   ${pattern(report)}`,
    `latency   p50 ${ms(report.latencyMs.p50)}   p95 ${ms(report.latencyMs.p95)}   p99 ${ms(report.latencyMs.p99)}   max ${ms(report.latencyMs.max)}`,
    `errors    ${errors.length === 0 ? 'none' : errors.map(([kind, n]) => `${kind}: ${n}`).join(', ')}`,
    '',
    `${report.verdict.pass ? 'PASS' : 'FAIL'}: ${report.verdict.reason}`,
  ];
  return `${lines.join('\n')}\n`;
}
