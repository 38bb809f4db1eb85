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
  /** Sends `Connection: close`: a new connection per request instead of reusing idle keep-alive ones. */
  connectionClose?: boolean;
  /** Sends X-Request-ID `<prefix>-<n>` with each request, so a failed one can be looked up in NGINX's access log. */
  requestIdPrefix?: string;
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
  /** When each request started (epoch ms), index for index with latenciesMs. */
  startsMs: number[];
  /** X-Request-ID of each failed request, with requestIdPrefix. */
  failedRequestIds: string[];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = {
    total: 0,
    ok: 0,
    failures: [],
    hostnames: new Map(),
    versions: new Map(),
    maxLatencyMs: 0,
    latenciesMs: [],
    startsMs: [],
    failedRequestIds: [],
  };
  const deadline = Date.now() + options.durationMs;
  let stopped = false;
  const stop = () => (stopped = true);
  // Stop on a failed fault too: its error is the caller's to report, not a reason to run to durationMs.
  void options.until?.then(stop, stop);
  const more = () => !stopped && Date.now() < deadline && result.total < options.maxRequests;

  async function worker(): Promise<void> {
    while (more()) {
      result.total += 1;
      const started = Date.now();
      const requestId = options.requestIdPrefix && `${options.requestIdPrefix}-${result.total}`;
      const headers: Record<string, string> = {};
      if (options.body) headers['content-type'] = 'application/json';
      if (options.connectionClose) headers.connection = 'close';
      if (requestId) headers['x-request-id'] = requestId;
      const failed = (failure: string) => {
        result.failures.push(failure);
        if (requestId) result.failedRequestIds.push(requestId);
      };
      try {
        const res = await fetch(options.url, {
          method: options.method ?? 'GET',
          body: options.body,
          headers,
          signal: AbortSignal.timeout(options.perRequestTimeoutMs ?? 15_000),
        });
        const text = await res.text();
        if (res.status === 200) {
          result.ok += 1;
          // Pages (e.g. /live) count as answered; JSON answers also say who answered.
          const json = res.headers.get('content-type')?.startsWith('application/json');
          const { hostname = '?', version = '?' } = (json ? JSON.parse(text) : {}) as {
            hostname?: string;
            version?: string;
          };
          result.hostnames.set(hostname, (result.hostnames.get(hostname) ?? 0) + 1);
          result.versions.set(version, (result.versions.get(version) ?? 0) + 1);
        } else {
          failed(`HTTP ${res.status}: ${text.slice(0, 120)}`);
        }
      } catch (err) {
        // fetch's own message is only "fetch failed": the cause says what the socket did.
        const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
        failed(`${(err as Error).name}: ${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`);
      }
      const latency = Date.now() - started;
      result.latenciesMs.push(latency);
      result.startsMs.push(started);
      result.maxLatencyMs = Math.max(result.maxLatencyMs, latency);
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}
