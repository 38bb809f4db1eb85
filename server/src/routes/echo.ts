import express, { Router } from 'express';
import os from 'node:os';
import { HttpError } from '../errors';

/** Small on purpose: an echo has no business carrying more than this. */
const ECHO_BODY_LIMIT = '16kb';

/**
 * `POST /api/echo`: JSON in, JSON out, naming the replica that handled it. It exists to prove
 * that NGINX never replays a non-idempotent request on a second replica.
 */
export function echoRoutes(): Router {
  const router = Router();
  const hostname = os.hostname();

  router.post(
    '/api/echo',
    (req, _res, next) => {
      // express.json() silently skips other types; say so instead of echoing an empty body.
      next(
        req.is('application/json')
          ? undefined
          : new HttpError(415, 'unsupported_media_type', 'Send Content-Type: application/json'),
      );
    },
    express.json({ limit: ECHO_BODY_LIMIT, strict: false }),
    (req, res) => {
      res
        .set('Cache-Control', 'no-store')
        .json({ hostname, requestId: res.locals.requestId, received: (req.body as unknown) ?? null });
    },
  );

  return router;
}
