import type { Outcome } from '../../../server/shared/probe';
import { LIVE_OPTIONS, OutcomeWindow, summarise } from '../../../server/shared/window';

/** Answers 100 ms apart, starting at t = 0, each taking `latencyMs`. */
function answers(hostnames: (string | null)[], latencyMs = 10, start = 0): Outcome[] {
  return hostnames.map((hostname, i) => ({
    at: start + i * 100,
    latencyMs,
    hostname,
    error: hostname === null ? 'HTTP 502' : null,
  }));
}

const rotation = (times: number, ...hosts: string[]) => Array.from({ length: times }, () => hosts).flat();

describe('OutcomeWindow', () => {
  it('keeps the last `capacity` outcomes, oldest first, and clears', () => {
    const window = new OutcomeWindow(3);
    answers(['a', 'b', 'c', 'd']).forEach((o) => window.add(o));
    expect(window.outcomes.map((o) => o.hostname)).toEqual(['b', 'c', 'd']);
    window.clear();
    expect(window.outcomes).toEqual([]);
  });
});

describe('summarise', () => {
  it('counts and shares per replica, and keeps the last 30 for the strip', () => {
    const outcomes = answers(rotation(20, 'a', 'b', 'c'));
    const summary = summarise(outcomes, outcomes.at(-1)!.at);
    expect(summary.replicas.map(({ hostname, count, share, stale }) => ({ hostname, count, share, stale }))).toEqual([
      { hostname: 'a', count: 20, share: 1 / 3, stale: false },
      { hostname: 'b', count: 20, share: 1 / 3, stale: false },
      { hostname: 'c', count: 20, share: 1 / 3, stale: false },
    ]);
    expect(summary.recent).toHaveLength(30);
    expect(summary.recent.at(-1)).toBe(outcomes.at(-1));
  });

  it('reports the rate over the last 5 s, and latency percentiles over answers only', () => {
    // 60 outcomes 100 ms apart: the last 5 s hold 50 of them.
    const outcomes = answers(rotation(20, 'a', 'b', 'c')).map((o, i) => ({ ...o, latencyMs: i + 1 }));
    const summary = summarise(outcomes, outcomes.at(-1)!.at);
    expect(summary.ratePerSecond).toBe(10);
    expect(summary.latencyMs).toEqual({ p50: 30, p95: 57 });
    expect(summarise([], 0).latencyMs).toEqual({ p50: null, p95: null });
  });

  it("gives each replica the median latency of its own answers, the figure least_conn's choices show in", () => {
    const outcomes = answers(rotation(5, 'a', 'b', 'c')).map((o) => ({
      ...o,
      latencyMs: o.hostname === 'b' ? 300 : 5,
    }));
    const summary = summarise(outcomes, outcomes.at(-1)!.at);
    expect(summary.replicas.map(({ hostname, latencyP50Ms }) => ({ hostname, latencyP50Ms }))).toEqual([
      { hostname: 'a', latencyP50Ms: 5 },
      { hostname: 'b', latencyP50Ms: 300 },
      { hostname: 'c', latencyP50Ms: 5 },
    ]);
  });

  it('counts errors by kind and leaves them out of the replicas', () => {
    const outcomes = [
      ...answers(['a', null, 'b', null]),
      { at: 400, latencyMs: 5000, hostname: null, error: 'timeout' },
    ];
    const summary = summarise(outcomes, 400);
    expect(summary.errors).toEqual({
      total: 3,
      byKind: [
        ['HTTP 502', 2],
        ['timeout', 1],
      ],
    });
    expect(summary.replicas.map((r) => r.hostname)).toEqual(['a', 'b']);
    expect(summary.latencyMs.p95).toBe(10);
  });

  it('marks a replica stale once it has missed several rotations and some seconds', () => {
    // d answered once, then 3 replicas rotated 5 times without it (15 answers, 1.5 s).
    const outcomes = answers(['d', ...rotation(5, 'a', 'b', 'c')]);
    const last = outcomes.at(-1)!.at;
    const early = summarise(outcomes, last);
    expect(early.replicas.find((r) => r.hostname === 'd')).toMatchObject({ missedTurns: 15, stale: false });

    const later = summarise(outcomes, last + LIVE_OPTIONS.staleAfterMs);
    expect(later.replicas.find((r) => r.hostname === 'd')).toMatchObject({ missedTurns: 15, stale: true });
    expect(later.replicas.filter((r) => r.stale)).toHaveLength(1);
  });

  it('does not mark anything stale while paused, however long', () => {
    const outcomes = answers(rotation(10, 'a', 'b', 'c'));
    const summary = summarise(outcomes, outcomes.at(-1)!.at + 3_600_000);
    expect(summary.replicas.every((r) => !r.stale)).toBe(true);
    expect(summary.ratePerSecond).toBe(0);
  });

  it('keeps a replica fresh through a burst of other clients taking its turns', () => {
    // Seen 9 answers ago, less than 3 rotations of the 4 replicas in the window: not stale, however long ago.
    const outcomes = answers(['a', ...rotation(3, 'b', 'c', 'd')]);
    const summary = summarise(outcomes, 60_000);
    expect(summary.replicas.find((r) => r.hostname === 'a')).toMatchObject({ missedTurns: 9, stale: false });
  });
});
