import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { Level, Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/**
 * Paths asked every few seconds by machines: Docker's healthcheck (/readyz every 5 s), probes by
 * hand, Prometheus's scrape (/metrics). At info they would be most of a quiet replica's log and
 * bury the traffic; at debug, `LOG_LEVEL=debug` shows them when a healthcheck flaps.
 */
const MACHINE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function levelFor(req: IncomingMessage, res: ServerResponse, err: Error | undefined): Level {
  if (err !== undefined || res.statusCode >= 500) return 'error';
  return MACHINE_PATHS.has(req.url ?? '') ? 'debug' : 'info';
}

/**
 * One JSON line per request, when its response is finished (or the client went away):
 * `{"level":30,"time":…,"hostname":…,"req":{"id","method","url"},"res":{"statusCode"},"durationMs":…,"msg":"request completed"}`.
 * `req.id` is the request id NGINX set (res.locals.requestId, from the requestId middleware, which
 * must run first), the same as `request_id` in NGINX's access log. Only these fields are logged: no
 * headers (cookies, tokens), and no per-request copy of them to build.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => (res as Response).locals.requestId,
    // Our serializers get the raw objects: pino-std-serializers' full copy of each request would be built and thrown away.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customAttributeKeys: { responseTime: 'durationMs' },
    customLogLevel: levelFor,
  });
}
