import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types res.locals only through this namespace.
  namespace Express {
    interface Locals {
      /** Set by `requestId` before any route runs. */
      requestId: string;
    }
  }
}

/** Same rule as NGINX's map in nginx/nginx.conf: anything else is replaced, never logged or echoed. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Carries NGINX's X-Request-ID into res.locals.requestId, so one request can be followed from
 * the edge's access log to the replica's. A replica reached directly (tests, the internal
 * network) mints its own id.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.headers['x-request-id'];
  res.locals.requestId = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  next();
};
