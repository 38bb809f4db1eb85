/**
 * A small, bounded load generator for the e2e tests: `concurrency` loops of sequential requests,
 * stopping at `maxRequests` or `durationMs`, whichever comes first. Every failure is recorded with
 * its kind, so a test can assert "zero failed" and show what failed when it did not.
 */
export interface LoadOptions {
  url: string;
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  method?: 'GET' | 'POST';
  body?: string;
  perRequestTimeoutMs?: number;
  /** Stops early when this resolves (e.g. "the fault is over"). */
  until?: Promise<unknown>;
}

export interface LoadResult {
  total: number;
  ok: number;
  failures: string[];
  hostnames: Map<string, number>;
  /** Answers per reported `version`: shows which image versions took traffic (rolling updates). */
  versions: Map<string, number>;
  maxLatencyMs: number;
  latenciesMs: number[];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { total: 0, ok: 0, failures: [], hostnames: new Map(), versions: new Map(), maxLatencyMs: 0, latenciesMs: [] };
  const deadline = Date.now() + options.durationMs;
  let stopped = false;
  void options.until?.then(() => (stopped = true));
  const more = () => !stopped && Date.now() < deadline && result.total < options.maxRequests;

  async function worker(): Promise<void> {
    while (more()) {
      result.total += 1;
      const started = Date.now();
      try {
        const res = await fetch(options.url, {
          method: options.method ?? 'GET',
          body: options.body,
          headers: options.body ? { 'content-type': 'application/json' } : undefined,
          signal: AbortSignal.timeout(options.perRequestTimeoutMs ?? 15_000),
        });
        const text = await res.text();
        if (res.status === 200) {
          result.ok += 1;
          const { hostname = '?', version = '?' } = JSON.parse(text) as { hostname?: string; version?: string };
          result.hostnames.set(hostname, (result.hostnames.get(hostname) ?? 0) + 1);
          result.versions.set(version, (result.versions.get(version) ?? 0) + 1);
        } else {
          result.failures.push(`HTTP ${res.status}: ${text.slice(0, 120)}`);
        }
      } catch (err) {
        result.failures.push(`${(err as Error).name}: ${(err as Error).message}`);
      }
      const latency = Date.now() - started;
      result.latenciesMs.push(latency);
      result.maxLatencyMs = Math.max(result.maxLatencyMs, latency);
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}
