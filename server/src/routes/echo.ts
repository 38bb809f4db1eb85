import express, { Router, type Request } from 'express';
import os from 'node:os';
import { HttpError } from '../errors';

/** Small on purpose: an echo has no business carrying more than this. */
const ECHO_BODY_LIMIT = '16kb';

/** Whether the request carries no body at all: no framing, or a declared length of zero. */
function isEmpty(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || Number(length) === 0);
}

/**
 * Why the body cannot be echoed, if it cannot: express.json() silently skips an empty body or
 * another type, and the route would echo nothing. Said instead, naming the real problem.
 */
function unusableBody(req: Request): HttpError | undefined {
  if (isEmpty(req)) return new HttpError(400, 'empty_body', 'Request body is empty: send a JSON document');
  if (req.headers['content-type'] === undefined) {
    return new HttpError(415, 'unsupported_media_type', 'Content-Type is missing: send application/json');
  }
  if (!req.is('application/json')) {
    return new HttpError(415, 'unsupported_media_type', 'Content-Type is not JSON: send application/json');
  }
  return undefined;
}

/**
 * `POST /api/echo`: JSON in, JSON out, naming the replica that handled it. It exists to prove
 * that NGINX never replays a non-idempotent request on a second replica.
 */
export function echoRoutes(): Router {
  const router = Router();
  const hostname = os.hostname();

  router.post(
    '/api/echo',
    (req, _res, next) => next(unusableBody(req)),
    express.json({ limit: ECHO_BODY_LIMIT, strict: false }),
    (req, res) => {
      res
        .set('Cache-Control', 'no-store')
        .json({ hostname, requestId: res.locals.requestId, received: (req.body as unknown) ?? null });
    },
  );

  return router;
}
