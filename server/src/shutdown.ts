import type http from 'node:http';
import type { Lifecycle } from './lifecycle';

export type ShutdownOutcome = 'drained' | 'forced';

/** How often connections freed by finishing requests are swept while draining. */
const IDLE_SWEEP_MS = 100;

/**
 * Stops a replica without failing a request:
 * - readiness turns 503 (Lifecycle);
 * - for `delayMs` it keeps accepting and answering: Swarm removes a stopping task from DNS as it
 *   signals it, and NGINX may still send to the address until its next DNS refresh;
 * - the listener closes, so NGINX's next connect is refused and it retries on another replica;
 * - every response from now on carries `Connection: close`, so NGINX drops the socket itself
 *   instead of reusing one this process is about to close (the keep-alive 502 race);
 * - idle keep-alive sockets close now, and those freed by in-flight requests as they finish;
 * - whatever is still open after `timeoutMs` is cut, well inside compose's stop_grace_period.
 */
export async function shutDownGracefully(server: http.Server, lifecycle: Lifecycle, timeoutMs: number, delayMs = 0): Promise<ShutdownOutcome> {
  lifecycle.startDraining();
  // Prepended so the header is set before the app's handler can send its response.
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('Connection', 'close');
  });
  // Idle sockets are left open meanwhile: NGINX retires each one itself after its next answer (Connection: close).
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return new Promise((resolve) => {
    let outcome: ShutdownOutcome = 'drained';
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      outcome = 'forced';
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(outcome);
    });
    server.closeIdleConnections();
  });
}
