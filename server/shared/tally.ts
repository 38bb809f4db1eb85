/** How many answers one replica gave, and its share of all the answers counted. */
export interface ReplicaCount {
  hostname: string;
  count: number;
  /** 0..1 */
  share: number;
}

/** Occurrences of each key, sorted by key so rows keep their place as counts change. */
export function countBy(keys: Iterable<string>): [key: string, count: number][] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Answers per replica, with shares. A leaf module on purpose (no imports): the browser's live
 * view and the Node `npm run verify` CLI both use it.
 */
export function tally(hostnames: readonly string[]): ReplicaCount[] {
  return countBy(hostnames).map(([hostname, count]) => ({ hostname, count, share: count / hostnames.length }));
}
