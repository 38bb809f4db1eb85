import { percentile } from './percentile.js';
import type { Outcome } from './probe.js';
import { countBy, tally, type ReplicaCount } from './tally.js';

export interface LiveReplica extends ReplicaCount {
  /** Answers from other replicas since this one last answered. */
  missedTurns: number;
  /** Missed several rotations in a row: scaled away, stopped or out of NGINX's rotation. */
  stale: boolean;
  /** Median latency of this replica's answers in the window: what least_conn steers by, made visible. */
  latencyP50Ms: number | null;
}

export interface LiveSummary {
  /** Every replica that answered within the window, by hostname. One that leaves the window is gone. */
  replicas: LiveReplica[];
  /** The latest outcomes, oldest first: the strip that shows the round-robin period. */
  recent: Outcome[];
  /** Outcomes per second over the last `rateWindowMs`. */
  ratePerSecond: number;
  latencyMs: { p50: number | null; p95: number | null };
  errors: { total: number; byKind: [kind: string, count: number][] };
}

export interface LiveOptions {
  /** How many outcomes the strip shows. */
  strip: number;
  rateWindowMs: number;
  /** Stale after missing this many full rotations ... */
  staleAfterRotations: number;
  /** ... and this long: one slow rotation or a burst of other clients' traffic must not fade a live replica. */
  staleAfterMs: number;
}

export const LIVE_OPTIONS: LiveOptions = {
  strip: 30,
  rateWindowMs: 5_000,
  staleAfterRotations: 3,
  staleAfterMs: 3_000,
};

/** The last `capacity` outcomes: the window every figure on the page is computed over. */
export class OutcomeWindow {
  private items: Outcome[] = [];

  constructor(readonly capacity: number) {}

  add(outcome: Outcome): void {
    this.items.push(outcome);
    if (this.items.length > this.capacity) this.items.shift();
  }

  clear(): void {
    this.items = [];
  }

  get outcomes(): readonly Outcome[] {
    return this.items;
  }
}

/**
 * What the page draws, from the window alone. Staleness counts answers, not only time, so
 * pausing the page never makes a replica look stale.
 */
export function summarise(outcomes: readonly Outcome[], now: number, options: LiveOptions = LIVE_OPTIONS): LiveSummary {
  const answered = outcomes.filter((o): o is Outcome & { hostname: string } => o.hostname !== null);
  const lastSeen = new Map<string, { index: number; at: number }>();
  answered.forEach((o, index) => lastSeen.set(o.hostname, { index, at: o.at }));
  const rotation = lastSeen.size;

  const replicas = tally(answered.map((o) => o.hostname)).map((row) => {
    const seen = lastSeen.get(row.hostname)!;
    const missedTurns = answered.length - 1 - seen.index;
    const stale = missedTurns > options.staleAfterRotations * rotation && now - seen.at > options.staleAfterMs;
    const own = answered.filter((o) => o.hostname === row.hostname).map((o) => o.latencyMs);
    return { ...row, missedTurns, stale, latencyP50Ms: percentile(own, 50) };
  });

  const failed = outcomes.flatMap((o) => (o.error === null ? [] : [o.error]));
  const latencies = answered.map((o) => o.latencyMs);
  const inRateWindow = outcomes.filter((o) => o.at > now - options.rateWindowMs).length;
  return {
    replicas,
    recent: outcomes.slice(-options.strip),
    ratePerSecond: inRateWindow / (options.rateWindowMs / 1000),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
    errors: { total: failed.length, byKind: countBy(failed) },
  };
}
