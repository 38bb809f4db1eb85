import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { HttpMetrics } from './metrics';
import { logRequest } from './request-log';

/**
 * Logs and counts every request once its response is over. The hot path's whole cost: one clock
 * read and one listener per request, shared by the log line and the metrics. (pino-http, which
 * builds a child logger and sets seven properties per request, was dropped for what that costs,
 * even with logging off: docs/observability.md.)
 * Must run after requestId, whose id the log line carries.
 */
export function observeRequests(logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    // 'close' rather than 'finish': it also comes when the client leaves before the response is sent.
    // Node emits it once per response, so `on` will do (`once` would wrap the listener anew per request).
    res.on('close', () => {
      const durationMs = performance.now() - started;
      metrics.record(req, res, durationMs);
      logRequest(logger, req, res, durationMs);
    });
    next();
  };
}
