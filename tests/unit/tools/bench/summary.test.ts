import { BEGIN, END, spliceGenerated } from '../../../../tools/bench/document';
import { planRound, type BenchResult, type Measurement } from '../../../../tools/bench/runner';
import { levelsFor, SCENARIOS, selectScenarios, type ScenarioId } from '../../../../tools/bench/scenarios';
import { costTable, scalingTable } from '../../../../tools/bench/report';
import { checkTargets, nearIdle, pieceCost, scalingEfficiency, summarise } from '../../../../tools/bench/summary';

function measurement(
  scenario: ScenarioId,
  connections: number,
  round: number,
  rps: number,
  extra: Partial<Measurement['wrk']> = {},
  cpu: Partial<Measurement['cpu']> = {},
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
    cpu: { loadgen: 0.1, nginx: 0.2, replicas: [0.3, 0.3, 0.3], bare: 0, host: 0.05, ...cpu },
    upstreamConnectsPer1k: 0,
    listenOverflows: { nginx: 0, replicas: 0 },
    throttling: [
      { periods: 50, throttledPeriods: 10, throttledMs: 300 },
      { periods: 50, throttledPeriods: 0, throttledMs: 0 },
    ],
  };
}

function result(measurements: Measurement[], scenarios = ['direct', 'nginx-3']): BenchResult {
  return {
    settings: {
      rounds: 2,
      durationS: 1,
      warmupS: 0,
      connections: [50, 1000],
      timeoutS: 2,
      threads: 2,
      settleS: 1,
      replicaCpus: 0.25,
      machineCores: 2,
    },
    scenarios: selectScenarios(scenarios),
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
    // Uncapped NGINX → 3 against direct is informational: no verdict.
    expect(checks.some((c) => c.target.includes('one replica direct'))).toBe(false);
    const atTop = checks.find((c) => c.target.includes('zero errors'));
    expect(atTop).toMatchObject({ connections: 1000, met: false });
    expect(atTop?.measured).toBe('0 errors, 1 timeouts, p99 ≤ 1200 ms in every round');
  });
});

describe('per-core scaling', () => {
  const perCore = (nginx3Rps: [number, number]) =>
    result(
      [
        measurement('quota-direct', 16, 1, 1000),
        measurement('quota-direct', 16, 2, 2000),
        measurement('quota-nginx-1', 16, 1, 960),
        measurement('quota-nginx-1', 16, 2, 1800),
        measurement('quota-nginx-3', 48, 1, nginx3Rps[0]),
        measurement('quota-nginx-3', 48, 2, nginx3Rps[1]),
      ],
      ['per-core'],
    );

  it('computes the efficiency round by round: NGINX → N over N times one replica direct at the same quota', () => {
    // Round 1: 2,850 / (3 × 1,000) = 0.95; round 2: 5,100 / (3 × 2,000) = 0.85.
    const efficiency = scalingEfficiency(perCore([2850, 5100]).measurements, 3)!;
    expect(efficiency.median).toBeCloseTo(0.9);
    expect([efficiency.min, efficiency.max]).toEqual([0.85, 0.95]);
    expect(scalingEfficiency(perCore([2850, 5100]).measurements, 2)).toBeUndefined();
  });

  it('judges NGINX → 1 against direct and the efficiency at N = 3, and says whether the machine was the limit', () => {
    const met = perCore([2850, 5700]);
    const checks = checkTargets(met, summarise(met));
    expect(checks.find((c) => c.target.startsWith('NGINX → 1 at q'))).toMatchObject({
      connections: 16,
      measured: '0.93x (0.90–0.96)',
      met: false,
    });
    expect(checks.find((c) => c.target.startsWith('NGINX → 3 at q: scaling efficiency'))).toMatchObject({
      connections: 48,
      measured: '0.95 (0.95–0.95)',
      met: true,
    });
    const low = perCore([2400, 4800]);
    expect(checkTargets(low, summarise(low)).find((c) => c.target.includes('efficiency'))?.met).toBe(false);
    // 0.1 + 0.2 + 3 × 0.3 + 0.05 = 1.25 cores of 2: 63 %.
    const machine = checks.filter((c) => c.target.includes('the machine not the limit'));
    expect(machine).toHaveLength(3);
    expect(machine[0]).toMatchObject({ measured: '63 %', met: true });
  });

  it('renders the scaling table with the efficiency, the throttled share and the total CPU', () => {
    const r = perCore([2850, 5700]);
    const lines = scalingTable(r, summarise(r)).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toContain('| one replica at q, direct | 16 | 1,500 (1,000–2,000) | 1 (the reference) |');
    expect(lines[4]).toContain('| NGINX → 3 at q | 48 | 4,275 (2,850–5,700) | 0.95 (0.95–0.95) |');
    // 10 of 100 periods throttled.
    expect(lines[4]).toContain('| 10 % | 1.25 (63 %) |');
  });
});

describe('NGINX cost attribution', () => {
  const costs = () =>
    result(
      [
        measurement('cost-none', 50, 1, 10_000, {}, { nginx: 0.4 }),
        measurement('cost-access-log', 50, 1, 10_000, {}, { nginx: 0.3 }),
        measurement('nginx-return-200', 50, 1, 20_000, {}, { nginx: 0.3 }),
        measurement('cost-none', 50, 2, 10_000, {}, { nginx: 0.5 }),
        measurement('cost-access-log', 50, 2, 10_000, {}, { nginx: 0.3 }),
        measurement('nginx-return-200', 50, 2, 20_000, {}, { nginx: 0.3 }),
      ],
      ['cost-none', 'cost-access-log', 'nginx-return-200'],
    );

  it('prices a piece as the whole proxy minus the port without it, round by round', () => {
    // 40 − 30 µs, then 50 − 30 µs.
    const cost = pieceCost(costs().measurements, 'cost-access-log')!;
    expect(cost.min).toBeCloseTo(10);
    expect(cost.max).toBeCloseTo(20);
  });

  it('judges NGINX per proxied request against its own `return 200` (15 µs)', () => {
    const r = costs();
    const check = checkTargets(r, summarise(r)).find((c) => c.target.startsWith('NGINX CPU per proxied request'));
    // 40 / 15 and 50 / 15.
    expect(check).toMatchObject({ connections: 50, measured: '3.00x (2.67–3.33)', met: false });
    const table = costTable(r, summarise(r)).split('\n');
    expect(table[4]).toMatch(/^\| NGINX → 3, access_log off \| 50 \| 10,000 \| 30\.0 \| 15\.0 \(10\.0–20\.0\) \| kept/);
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
    expect(selectScenarios(undefined)).toHaveLength(SCENARIOS.length - 2);
    expect(selectScenarios(undefined).some((s) => s.id === 'quota-nginx-4')).toBe(false);
    expect(selectScenarios(['quota-nginx-4'])).toHaveLength(1);
    expect(() => selectScenarios(['nginx-9'])).toThrow(/unknown scenario\(s\) nginx-9; known: quota-direct, /);
  });

  it('selects a whole set by name: the per-core one is one replica direct and NGINX → 1 to 3, all at q', () => {
    const perCore = selectScenarios(['per-core']);
    expect(perCore.map((s) => s.id)).toEqual(['quota-direct', 'quota-nginx-1', 'quota-nginx-2', 'quota-nginx-3']);
    expect(perCore.every((s) => s.quota === true)).toBe(true);
    // The same load per replica: 16 connections each.
    expect(perCore.map((s) => levelsFor(s, [50, 1000]))).toEqual([[16], [16], [32], [48]]);
    expect(selectScenarios(['machine']).some((s) => s.quota)).toBe(false);
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
