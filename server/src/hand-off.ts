import type { RequestHandler } from 'express';
import type { DrainState } from './drain-state';

/**
 * While the replica hands off (server/src/shutdown.ts, HAND_OFF_MS), a GET or HEAD is answered 503:
 * NGINX retries it on another replica (proxy_next_upstream http_503) and marks this one failed, so no
 * new connection, and no POST, reaches a listener about to close. Other methods are still served.
 */
export function handOffSafeRequests(drainState: DrainState): RequestHandler {
  return (req, res, next) => {
    if (!drainState.handingOff || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    res
      .status(503)
      .set({ 'Retry-After': '1', 'Cache-Control': 'no-store' })
      .json({ error: 'draining', message: 'This replica is shutting down: retry, another replica will answer' });
  };
}
