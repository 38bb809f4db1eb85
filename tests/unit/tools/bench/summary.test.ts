import { BEGIN, END, spliceGenerated } from '../../../../tools/bench/document';
import { planRound, type BenchResult, type Measurement } from '../../../../tools/bench/runner';
import { SCENARIOS, selectScenarios, type ScenarioId } from '../../../../tools/bench/scenarios';
import { checkTargets, nearIdle, summarise } from '../../../../tools/bench/summary';

function measurement(
  scenario: ScenarioId,
  connections: number,
  round: number,
  rps: number,
  extra: Partial<Measurement['wrk']> = {},
): Measurement {
  return {
    scenario,
    connections,
    round,
    requestsPerSecond: rps,
    wrk: {
      durationUs: 1e6,
      requests: rps,
      bytes: 0,
      connectErrors: 0,
      readErrors: 0,
      writeErrors: 0,
      statusErrors: 0,
      timeouts: 0,
      p50Us: 1_000,
      p90Us: 2_000,
      p99Us: 5_000,
      maxUs: 9_000,
      meanUs: 1_200,
      ...extra,
    },
    cpu: { loadgen: 0.1, nginx: 0.2, replicas: [0.3, 0.3, 0.3], bare: 0, host: 0.05 },
    upstreamConnectsPer1k: 0,
    listenOverflows: { nginx: 0, replicas: 0 },
  };
}

function result(measurements: Measurement[]): BenchResult {
  return {
    settings: { rounds: 2, durationS: 1, warmupS: 0, connections: [50, 1000], timeoutS: 2, threads: 2, settleS: 1 },
    scenarios: selectScenarios(['direct', 'nginx-3']),
    measurements,
    memory: undefined,
  };
}

describe('summarise', () => {
  it('folds rounds into one row per scenario and concurrency: medians, worst max, summed errors', () => {
    const rows = summarise(
      result([
        measurement('direct', 50, 1, 1000),
        measurement('direct', 50, 2, 2000, { maxUs: 40_000, timeouts: 2, readErrors: 1 }),
        measurement('nginx-3', 50, 1, 1500),
      ]),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      connections: 50,
      rounds: 2,
      requestsPerSecond: { median: 1500, min: 1000, max: 2000 },
      maxMs: 40,
      timeouts: 2,
      socketErrors: 1,
    });
    expect(rows[0].cpu.app).toBeCloseTo(0.9);
  });
});

describe('checkTargets', () => {
  it('judges ratios round by round, and the 1,000-connection run on errors, timeouts and p99', () => {
    const r = result([
      measurement('direct', 50, 1, 1000),
      measurement('nginx-3', 50, 1, 1300),
      measurement('direct', 50, 2, 500),
      measurement('nginx-3', 50, 2, 600),
      measurement('nginx-3', 1000, 1, 900, { timeouts: 1 }),
      measurement('nginx-3', 1000, 2, 900, { p99Us: 1_200_000 }),
    ]);
    const checks = checkTargets(r, summarise(r));
    const scaling = checks.find((c) => c.target.startsWith('NGINX → 3 ≥ 1.25x') && c.connections === 50);
    expect(scaling).toMatchObject({ measured: '1.25x (1.20–1.30)', met: true });
    const atTop = checks.find((c) => c.target.includes('zero errors'));
    expect(atTop).toMatchObject({ connections: 1000, met: false });
    expect(atTop?.measured).toBe('0 errors, 1 timeouts, p99 ≤ 1200 ms in every round');
  });
});

describe('nearIdle', () => {
  const MiB = 1024 * 1024;
  it('allows 25 % above idle, or 16 MiB for a small process', () => {
    expect(nearIdle(100 * MiB, 125 * MiB)).toBe(true);
    expect(nearIdle(100 * MiB, 126 * MiB)).toBe(false);
    expect(nearIdle(20 * MiB, 36 * MiB)).toBe(true);
    expect(nearIdle(20 * MiB, 37 * MiB)).toBe(false);
  });
});

describe('planRound', () => {
  it('runs every pair once per round, starting each round at a different place', () => {
    const scenarios = selectScenarios(['direct', 'nginx-1', 'nginx-2']);
    const rounds = [0, 1, 2].map((r) =>
      planRound(scenarios, [50, 200, 1000], r).map((p) => `${p.scenario.id}@${p.connections}`),
    );
    // nginx-2 runs at the middle level only: 3 + 3 + 1 pairs.
    for (const plan of rounds) expect([...plan].sort()).toEqual([...rounds[0]].sort());
    expect(rounds[0]).toHaveLength(7);
    expect(new Set(rounds.map((plan) => plan[0])).size).toBe(3);
  });
});

describe('selectScenarios', () => {
  it('defaults to all and names the known ones when given an unknown id', () => {
    expect(selectScenarios(undefined)).toHaveLength(SCENARIOS.length);
    expect(() => selectScenarios(['nginx-9'])).toThrow(/unknown scenario\(s\) nginx-9; known: direct, nginx-1/);
  });
});

describe('spliceGenerated', () => {
  it('replaces only what lies between the markers', () => {
    const before = `# Benchmarks\n\nMethod, by hand.\n\n${BEGIN}\nold figures\n${END}\n\n## Tuning, by hand\n`;
    const after = spliceGenerated(before, 'new figures');
    expect(after).toBe(`# Benchmarks\n\nMethod, by hand.\n\n${BEGIN}\nnew figures\n${END}\n\n## Tuning, by hand\n`);
  });

  it('appends the markers to a document that has none', () => {
    expect(spliceGenerated('# Benchmarks\n', 'figures')).toBe(`# Benchmarks\n\n${BEGIN}\nfigures\n${END}\n`);
  });
});
