/** Rounds folded into one row per (scenario, concurrency), and the performance targets checked against them. */
import type { BenchResult, Measurement } from './runner';
import type { Scenario, ScenarioId } from './scenarios';
import { median, ratioSpread, spread, type Spread } from './stats';

export interface Row {
  scenario: Scenario;
  connections: number;
  rounds: number;
  requestsPerSecond: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  /** The worst latency of any round. */
  maxMs: number;
  /** Totals over all rounds. */
  errorStatuses: number;
  socketErrors: number;
  timeouts: number;
  /** Median cores used, by role. */
  cpu: { loadgen: number; nginx: number; app: number; host: number; replicas: number[] };
  upstreamConnectsPer1k: number;
  listenOverflows: number;
}

export interface TargetCheck {
  target: string;
  connections: number;
  /** What was measured, in words (e.g. "1.31x (1.22–1.40)"). */
  measured: string;
  met: boolean;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function summarise(result: BenchResult): Row[] {
  const rows: Row[] = [];
  for (const scenario of result.scenarios) {
    const levels = [
      ...new Set(result.measurements.filter((m) => m.scenario === scenario.id).map((m) => m.connections)),
    ].sort((a, b) => a - b);
    for (const connections of levels) {
      const ms = result.measurements.filter((m) => m.scenario === scenario.id && m.connections === connections);
      const replicaCount = ms[0].cpu.replicas.length;
      rows.push({
        scenario,
        connections,
        rounds: ms.length,
        requestsPerSecond: spread(ms.map((m) => m.requestsPerSecond)),
        p50Ms: spread(ms.map((m) => m.wrk.p50Us / 1000)),
        p99Ms: spread(ms.map((m) => m.wrk.p99Us / 1000)),
        maxMs: Math.max(...ms.map((m) => m.wrk.maxUs / 1000)),
        errorStatuses: sum(ms.map((m) => m.wrk.statusErrors)),
        socketErrors: sum(ms.map((m) => m.wrk.connectErrors + m.wrk.readErrors + m.wrk.writeErrors)),
        timeouts: sum(ms.map((m) => m.wrk.timeouts)),
        cpu: {
          loadgen: median(ms.map((m) => m.cpu.loadgen)),
          nginx: median(ms.map((m) => m.cpu.nginx)),
          app: median(ms.map((m) => sum(m.cpu.replicas) + m.cpu.bare)),
          host: median(ms.map((m) => m.cpu.host)),
          replicas: Array.from({ length: replicaCount }, (_, i) => median(ms.map((m) => m.cpu.replicas[i] ?? 0))),
        },
        upstreamConnectsPer1k: median(ms.map((m) => m.upstreamConnectsPer1k)),
        listenOverflows: sum(ms.map((m) => m.listenOverflows.nginx + m.listenOverflows.replicas)),
      });
    }
  }
  return rows;
}

function roundPairs(measurements: Measurement[], a: ScenarioId, b: ScenarioId, connections: number) {
  const at = (id: ScenarioId, round: number) =>
    measurements.find((m) => m.scenario === id && m.connections === connections && m.round === round)
      ?.requestsPerSecond;
  const rounds = [...new Set(measurements.map((m) => m.round))];
  return rounds.map((round) => [at(a, round), at(b, round)] as const);
}

const formatRatio = (s: Spread) => `${s.median.toFixed(2)}x (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

/** The performance targets (ratios), each at every concurrency where both sides were measured. */
const RATIO_TARGETS: ReadonlyArray<{
  target: string;
  numerator: ScenarioId;
  denominator: ScenarioId;
  atLeast: number;
}> = [
  { target: 'NGINX → 1 ≥ 0.95x one replica direct', numerator: 'nginx-1', denominator: 'direct', atLeast: 0.95 },
  { target: 'NGINX → 3 ≥ 1.25x one replica direct', numerator: 'nginx-3', denominator: 'direct', atLeast: 1.25 },
  {
    target: 'upstream keep-alive ≥ 1.4x without',
    numerator: 'nginx-3',
    denominator: 'nginx-3-no-keepalive',
    atLeast: 1.4,
  },
  { target: 'our replica ≥ 0.8x bare Express', numerator: 'direct', denominator: 'bare-express', atLeast: 0.8 },
];

/** Scenarios that carry a user's traffic through the stack: at the top concurrency they must not fail. */
const THROUGH_THE_STACK: readonly ScenarioId[] = ['nginx-3', 'published-port'];
const P99_LIMIT_MS = 1_000;

/** "Back near idle": within 25 % of the idle figure, or 16 MiB for a small one. */
export function nearIdle(idleBytes: number, settledBytes: number): boolean {
  return settledBytes - idleBytes <= Math.max(0.25 * idleBytes, 16 * 1024 * 1024);
}

export function checkTargets(result: BenchResult, rows: Row[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const t of RATIO_TARGETS) {
    for (const connections of result.settings.connections) {
      const ratio = ratioSpread(roundPairs(result.measurements, t.numerator, t.denominator, connections));
      if (ratio)
        checks.push({ target: t.target, connections, measured: formatRatio(ratio), met: ratio.median >= t.atLeast });
    }
  }
  const top = Math.max(...result.settings.connections);
  for (const row of rows.filter((r) => r.connections === top && THROUGH_THE_STACK.includes(r.scenario.id))) {
    const errors = row.errorStatuses + row.socketErrors;
    checks.push({
      target: `${row.scenario.label}: zero errors, zero timeouts, p99 < 1 s`,
      connections: top,
      measured: `${errors} errors, ${row.timeouts} timeouts, p99 ≤ ${row.p99Ms.max.toFixed(0)} ms in every round`,
      met: errors === 0 && row.timeouts === 0 && row.p99Ms.max < P99_LIMIT_MS,
    });
  }
  if (result.memory) {
    for (const r of result.memory.replicas) {
      const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      checks.push({
        target: `${r.replica}: memory back near idle ${result.memory.settleS} s after the load`,
        connections: result.memory.connections,
        measured: `cold ${mib(r.coldBytes)} MiB; idle ${mib(r.idleBytes)} → ${mib(r.afterLoadBytes)} after the run → ${mib(r.settledBytes)} MiB`,
        met: nearIdle(r.idleBytes, r.settledBytes),
      });
    }
  }
  return checks;
}
