import type { Request, Response } from 'express';
import type { Level, Logger } from 'pino';

/**
 * Paths asked every few seconds by machines: Docker's healthcheck (/readyz every 5 s), probes by
 * hand, Prometheus's scrape (/metrics). At info they would be most of a quiet replica's log and
 * bury the traffic; at debug, `LOG_LEVEL=debug` shows them when a healthcheck flaps.
 */
const MACHINE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function levelFor(req: Request, res: Response, aborted: boolean): Level {
  if (res.statusCode >= 500) return 'error';
  if (aborted) return 'warn';
  return MACHINE_PATHS.has(req.originalUrl) ? 'debug' : 'info';
}

/**
 * One JSON line for a request whose response is over (sent, or abandoned by the client):
 * `{"level":30,"time":…,"hostname":…,"req":{"id","method","url","protocol"},"res":{"statusCode"},"durationMs":…,`
 * `"msg":"request completed"}`.
 * `req.id` is the request id NGINX set (res.locals.requestId), the same as `request_id` in NGINX's
 * access log; `req.protocol` is how the client reached NGINX (http or https, from X-Forwarded-Proto).
 * Only these fields: no headers (cookies, tokens) in the log, and nothing to copy.
 */
export function logRequest(logger: Logger, req: Request, res: Response, durationMs: number): void {
  const aborted = !res.writableFinished;
  const level = levelFor(req, res, aborted);
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      req: { id: res.locals.requestId, method: req.method, url: req.originalUrl, protocol: req.protocol },
      res: { statusCode: res.statusCode },
      durationMs: Math.round(durationMs * 100) / 100,
    },
    aborted ? 'request aborted' : 'request completed',
  );
}
