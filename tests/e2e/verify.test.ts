/**
 * `npm run verify` against the real stack, through the same npm script a user runs.
 */
import { execFile } from 'node:child_process';
import type { VerifyReport } from '../../tools/verify/report';
import { ComposeStack } from '../../harness/stack';
import { repoRoot } from '../../harness/repo';

let stack: ComposeStack;

beforeAll(async () => {
  stack = await ComposeStack.up('verify');
});

afterAll(async () => {
  await stack?.down();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run --silent verify -- ...args`: --silent keeps npm's own banner off stdout. */
function verify(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'verify', '--', ...args],
      { cwd: repoRoot, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr });
      },
    );
  });
}

it('passes the stack: 150 requests, 50 per replica, strict round robin, no errors (--json)', async () => {
  const run = await verify('--url', stack.url(), '--requests', '150', '--json');
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as VerifyReport;
  expect(report.verdict).toEqual({
    pass: true,
    reason: '3 replicas answered (expected 3), every share within 33.3% ± 3.3%, no errors',
    failures: [],
  });
  expect(report.replicas.map((r) => r.hostname).sort()).toEqual((await stack.hostnames()).sort());
  expect(report.replicas.map((r) => r.count)).toEqual([50, 50, 50]);
  expect(report.pattern).toMatchObject({ strict: true, period: 3, conforming: 1 });
  expect(report).toMatchObject({ sent: 150, answered: 150, failed: 0, errors: {} });
  expect(report.latencyMs.p50).toBeGreaterThan(0);
  expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p50!);
  // Not a terminal: progress is plain lines, on stderr, leaving stdout to the JSON alone.
  expect(run.stderr.trim().split('\n').at(-1)).toBe('sent 150/150');
});

it('prints the table and the verdict line, with concurrency', async () => {
  const run = await verify('--url', stack.url(), '--requests', '120', '--concurrency', '4');
  expect(run.code).toBe(0);
  for (const hostname of await stack.hostnames()) {
    expect(run.stdout).toMatch(new RegExp(`^${hostname}\\s+40\\s+33\\.3%\\s+█+$`, 'm'));
  }
  expect(run.stdout).toMatch(/^latency {3}p50 [\d.]+ ms {3}p95 [\d.]+ ms {3}p99 [\d.]+ ms/m);
  expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
    'PASS: 3 replicas answered (expected 3), every share within 33.3% ± 3.3%, no errors',
  );
});

it('fails (exit 1) when a replica is missing, naming why in one line', async () => {
  await stack.compose(['up', '--detach', '--no-build', '--no-recreate', '--wait', '--scale', 'server=2']);
  // Once NGINX has dropped the third from its rotation (DNS refresh):
  // the check is about the spread, not the failover.
  await stack.waitForReplicas(2, 30_000);
  const run = await verify('--url', stack.url(), '--requests', '60');
  expect(run.code).toBe(1);
  expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('FAIL: 2 replicas answered, expected 3');
});

it('refuses bad flags with exit 2 and one line on stderr', async () => {
  const run = await verify('--requests', 'many');
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe('verify: --requests must be a whole number from 1 to 100000, got "many" (see --help)\n');
});
