/** The benchmark's arithmetic: medians with their range over rounds, and ratios measured round by round. */

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * `numerator / denominator` per round, then the median and range of those ratios: both sides of a
 * ratio were measured seconds apart in the same round, so a machine that slows down between rounds
 * moves both and the ratio keeps its meaning. Rounds where either side is missing or zero are skipped.
 */
export function ratioSpread(
  pairs: ReadonlyArray<readonly [numerator: number | undefined, denominator: number | undefined]>,
): Spread | undefined {
  const ratios = pairs
    .filter((pair): pair is readonly [number, number] => pair[0] !== undefined && pair[1] !== undefined && pair[1] > 0)
    .map(([numerator, denominator]) => numerator / denominator);
  return ratios.length > 0 ? spread(ratios) : undefined;
}

/** Cores used: CPU time (ns) spent over a wall-clock span (µs). 1 = one core busy all along. */
export function cores(cpuNs: number, wallUs: number): number {
  return wallUs > 0 ? cpuNs / 1_000 / wallUs : 0;
}

/** CPU time per request, in µs, from the cores used during a run and its requests per second. */
export function usPerRequest(coresUsed: number, requestsPerSecond: number): number {
  return requestsPerSecond > 0 ? (coresUsed * 1e6) / requestsPerSecond : 0;
}

/** "median (min–max)" with two decimals, the unit after the median (e.g. "x" for a ratio). */
export function spreadText(s: Spread, unit = ''): string {
  return `${s.median.toFixed(2)}${unit} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}
