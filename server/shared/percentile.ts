/**
 * Nearest-rank percentile (`p` in 0..100) of `values`, or null when there are none.
 * Nearest rank always returns a value that was measured, never an interpolated one.
 * A leaf module on purpose: the browser's live view and the Node `npm run verify` CLI both import it.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
