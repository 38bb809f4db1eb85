/** What the order of answers says about the balancing. */
export interface RotationPattern {
  /** Every answer names the same replica as the one `period` places before it. */
  strict: boolean;
  /** The number of distinct replicas in the sequence: round robin's period. */
  period: number;
  /** The first rotation, in order. */
  cycle: string[];
  /** Share of answers (after the first rotation) repeating the one `period` places before: 1 for strict round robin. */
  conforming: number;
}

/** Detects strict round robin: a sequence that repeats with a period equal to the number of replicas. */
export function detectRotation(sequence: readonly string[]): RotationPattern {
  const period = new Set(sequence).size;
  const cycle = sequence.slice(0, period);
  let repeats = 0;
  for (let i = period; i < sequence.length; i += 1) {
    if (sequence[i] === sequence[i - period]) repeats += 1;
  }
  const compared = sequence.length - period;
  const conforming = compared > 0 ? repeats / compared : period > 0 ? 1 : 0;
  // Repeating with period N over N distinct replicas implies the first N answers are all different.
  return { strict: period > 0 && repeats === compared, period, cycle, conforming };
}
