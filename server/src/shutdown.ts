import type http from 'node:http';
import net from 'node:net';
import type { DrainState } from './drain-state';

export type ShutdownOutcome = 'drained' | 'forced';

/** How often connections freed by finishing requests are swept while draining. */
const IDLE_SWEEP_MS = 100;

/**
 * How long idle keep-alive connections stay open after the listener closes. Closing one races with
 * NGINX sending a request on it, and NGINX may not retry a POST it has sent (a 502 the client sees;
 * measured in tests/e2e/chaos.test.ts, "rolling restart"). During this second NGINX either uses each
 * idle connection once (answered, with `Connection: close`, so NGINX closes it itself) or, once it has
 * used them up, fails to connect to the closed listener and takes this replica out of its rotation
 * (max_fails=1). Either way, idle connections left after it are ones NGINX is no longer picking.
 */
export const IDLE_GRACE_MS = 1_000;

export interface ShutdownOptions {
  /** Longest drain once the listener closes; then every connection is cut. */
  timeoutMs: number;
  /** How long to keep accepting and answering first (SHUTDOWN_DELAY_MS). */
  delayMs?: number;
  /** Closes connections that would hold the drain open (WebSockets), as the listener closes. */
  closeLongLived?: () => void;
}

/**
 * Stops a replica without failing a request:
 * - readiness turns 503 (DrainState);
 * - for `delayMs` it keeps accepting and answering as before, keep-alive included: Swarm removes a stopping
 *   task from DNS as it signals it, and NGINX may still send to the address until its next DNS refresh.
 *   Keep-alive on purpose: answering `Connection: close` here made NGINX open a new connection per request,
 *   and one still in the kernel's accept queue when the listener closes is reset, losing a POST (a 502);
 * - the listener closes, so NGINX's next connect is refused and it retries on another replica
 *   (safe even for a POST: nothing was sent); `closeLongLived` closes what would hold it open (WebSockets,
 *   with 1001, so their clients reconnect, to another replica since this one no longer accepts);
 * - every response from now on carries `Connection: close`, so NGINX drops the socket itself
 *   instead of reusing one this process is about to close (the keep-alive 502 race);
 * - idle keep-alive sockets close after IDLE_GRACE_MS, and from then on as soon as they are idle;
 * - whatever is still open after `timeoutMs` is cut, well inside compose's stop_grace_period.
 */
export async function shutDownGracefully(
  server: http.Server,
  drainState: DrainState,
  { timeoutMs, delayMs = 0, closeLongLived = () => {} }: ShutdownOptions,
): Promise<ShutdownOutcome> {
  drainState.startDraining();
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  // Prepended so the header is set before the app's handler can send its response. Idle sockets are left
  // open a moment: NGINX retires each one itself after its next answer (Connection: close).
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('Connection', 'close');
  });
  return new Promise((resolve) => {
    let outcome: ShutdownOutcome = 'drained';
    let sweep: NodeJS.Timeout | undefined;
    const grace = setTimeout(
      () => {
        server.closeIdleConnections();
        sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      },
      Math.min(IDLE_GRACE_MS, timeoutMs),
    );
    const deadline = setTimeout(() => {
      outcome = 'forced';
      server.closeAllConnections();
    }, timeoutMs);
    closeLongLived();
    // net.Server's close, not http.Server's: since Node 19 the latter also closes every idle keep-alive
    // connection at once, which is the race IDLE_GRACE_MS avoids. The callback runs once all connections are gone.
    net.Server.prototype.close.call(server, () => {
      clearTimeout(grace);
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(outcome);
    });
  });
}
