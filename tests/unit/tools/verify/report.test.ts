import type { Outcome } from '../../../../server/shared/probe';
import { formatReport } from '../../../../tools/verify/format';
import { parseOptions, type VerifyOptions } from '../../../../tools/verify/options';
import { buildReport } from '../../../../tools/verify/report';

const options = (argv: string[] = []) => parseOptions(['--url', 'http://127.0.0.1:8080', ...argv]) as VerifyOptions;

/** Outcomes in send order; null is a failed request (`error`). */
function outcomes(hostnames: (string | null)[], error = 'HTTP 502'): Outcome[] {
  return hostnames.map((hostname, i) => ({
    at: i,
    latencyMs: i + 1,
    hostname,
    error: hostname === null ? error : null,
  }));
}

const rotation = (times: number, ...hosts: string[]) => Array.from({ length: times }, () => hosts).flat();

describe('verify verdicts', () => {
  it('passes an even, strict rotation over the expected replicas', () => {
    const report = buildReport(options(), outcomes(rotation(100, 'a', 'b', 'c')));
    expect(report.verdict).toEqual({
      pass: true,
      reason: '3 replicas answered (expected 3), every share within 33.3% ± 3.3%, no errors',
      failures: [],
    });
    expect(report.replicas.map((r) => r.count)).toEqual([100, 100, 100]);
    expect(report.pattern.strict).toBe(true);
    expect(report.latencyMs).toEqual({ p50: 150, p95: 285, p99: 297, max: 300 });
    expect(report).toMatchObject({ sent: 300, answered: 300, failed: 0, errors: {} });
  });

  it('fails when fewer or more replicas answer than expected', () => {
    expect(buildReport(options(), outcomes(rotation(50, 'a', 'b'))).verdict).toMatchObject({
      pass: false,
      reason: '2 replicas answered, expected 3',
    });
    expect(buildReport(options(['--expect', '2']), outcomes(rotation(50, 'a', 'b', 'c'))).verdict.failures).toContain(
      '3 replicas answered, expected 2',
    );
    expect(buildReport(options(), outcomes(rotation(5, 'a'))).verdict.reason).toBe('1 replica answered, expected 3');
  });

  it('fails a share outside the tolerance, and passes one just inside', () => {
    // 40 / 30 / 30 of 100: 40% is 6.7 points over the fair 33.3%, outside ± 3.3% (tolerance 0.1);
    // 30% is 3.3 points under, just inside ...
    const skewed = outcomes([...rotation(30, 'a', 'b', 'c'), ...rotation(10, 'a')]);
    expect(buildReport(options(), skewed).verdict).toMatchObject({
      pass: false,
      reason: 'a got 40.0% of the answers, outside 33.3% ± 3.3%',
    });
    expect(buildReport(options(), skewed).verdict.failures).toHaveLength(1);
    // ... and with tolerance 0.2 (± 6.7%), 40% is exactly at the edge: inside.
    expect(buildReport(options(['--tolerance', '0.2']), skewed).verdict.pass).toBe(true);
    expect(buildReport(options(['--tolerance', '0.19']), skewed).verdict.pass).toBe(false);
  });

  it('fails on any failed request, naming the kinds, even when the spread is even', () => {
    const report = buildReport(options(), outcomes([...rotation(33, 'a', 'b', 'c'), null]));
    expect(report.verdict).toMatchObject({ pass: false, reason: '1 of 100 requests failed (HTTP 502: 1)' });
    expect(report).toMatchObject({ sent: 100, answered: 99, failed: 1, errors: { 'HTTP 502': 1 } });
  });

  it('fails with the address when nothing answered', () => {
    const report = buildReport(options(), outcomes([null], 'connection refused'));
    expect(report.verdict).toMatchObject({
      pass: false,
      reason: 'no replica answered at http://127.0.0.1:8080/api/whoami (connection refused: 1)',
    });
    expect(report.latencyMs).toEqual({ p50: null, p95: null, p99: null, max: null });
    expect(formatReport(report)).toContain(
      '\n\nno replica answered\n\npattern   no answers\nlatency   p50 –   p95 –   p99 –   max –\nerrors    connection refused: 1\n',
    );
  });
});

describe('verify text report', () => {
  it('prints the table, pattern, latency, errors and the verdict last', () => {
    const text = formatReport(buildReport(options(), outcomes(rotation(2, 'aaa', 'bbb', 'ccc'))));
    expect(text).toBe(
      [
        '6 requests to http://127.0.0.1:8080/api/whoami, concurrency 1: 6 answered, 0 failed',
        '',
        'replica   count   share',
        'aaa           2   33.3%  █████████████',
        'bbb           2   33.3%  █████████████',
        'ccc           2   33.3%  █████████████',
        '',
        'pattern   strict round robin, period 3: aaa → bbb → ccc → (repeats)',
        'latency   p50 3.0 ms   p95 6.0 ms   p99 6.0 ms   max 6.0 ms',
        'errors    none',
        '',
        'PASS: 3 replicas answered (expected 3), every share within 33.3% ± 3.3%, no errors',
        '',
      ].join('\n'),
    );
  });

  it('explains a broken pattern and lists errors by kind', () => {
    const text = formatReport(
      buildReport(options(['--concurrency', '4']), outcomes(['a', 'a', 'b', 'b', null, 'c', 'c'])),
    );
    expect(text).toContain(
      'pattern   not strict round robin: 0.0% of answers repeat the one 3 before (with --concurrency above 1, answers can arrive out of order)',
    );
    expect(text).toContain('errors    HTTP 502: 1');
    expect(text.trimEnd().split('\n').at(-1)).toBe('FAIL: 1 of 7 requests failed (HTTP 502: 1)');
  });
});
