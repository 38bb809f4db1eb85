/** One GET of /api/whoami, as a client saw it. */
export interface Outcome {
  /** When the answer (or the failure) arrived, in performance.now() milliseconds. */
  at: number;
  latencyMs: number;
  /** The replica that answered; null when the request failed. */
  hostname: string | null;
  /** What went wrong (`HTTP 502`, `timeout`, `connection refused`, ...); null on success. */
  error: string | null;
}

/** Node's fetch names the socket error in `cause.code`; browsers say nothing more than "network". */
const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
};

function failureKind(err: unknown): string {
  if ((err as { name?: unknown })?.name === 'TimeoutError') return 'timeout';
  const cause = (err as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return SOCKET_ERRORS[cause.code] ?? cause.code;
  // Node's own refusals (e.g. "bad port") carry a message and no code.
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message;
  return 'network';
}

/**
 * Sends one GET and turns whatever happens into an Outcome: a failure is data to count, never an
 * exception. Runs in the browser (the live view) and in Node (`npm run verify`): a leaf module
 * using only the platform's fetch, AbortSignal.timeout and performance.now.
 */
export async function probe(url: string, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  const finish = (hostname: string | null, error: string | null): Outcome => {
    const at = performance.now();
    return { at, latencyMs: at - started, hostname, error };
  };
  try {
    // No cache option needed: /api/whoami answers Cache-Control: no-store (one fetch API, Node and browser).
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) return finish(null, `HTTP ${res.status}`);
    const hostname = (body as { hostname?: unknown } | null)?.hostname;
    return typeof hostname === 'string' ? finish(hostname, null) : finish(null, 'invalid body');
  } catch (err) {
    return finish(null, failureKind(err));
  }
}
