import os from 'node:os';
import { Router } from 'express';
import { IdentityReporter } from '../identity';
import { renderIdentityPage } from '../identity-page';
import { SlowRequests } from '../slow-request';

/** The identity page is self-contained: its one inline style block (colour per replica), nothing else at all. */
const IDENTITY_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/**
 * `GET /` negotiates (JSON for curl and API clients, HTML for browsers);
 * `GET /api/whoami` is always JSON, for scripts and the live view; `?delay=` makes it slow on demand (SlowRequests).
 */
export function identityRoutes(version: string): Router {
  const reporter = new IdentityReporter(version);
  const slow = new SlowRequests(os.hostname());
  const router = Router();

  router.get('/', (req, res) => {
    const identity = reporter.answer(req, res.locals.requestId);
    // Each answer names a different replica: a cached one would hide the rotation.
    res.set('Cache-Control', 'no-store');
    res.format({
      'application/json': () => res.json(identity),
      'text/html': () => res.set('Content-Security-Policy', IDENTITY_PAGE_POLICY).send(renderIdentityPage(identity)),
    });
  });

  router.get('/api/whoami', (req, res) => {
    slow.after(slow.delayFor(req), () => {
      res.set('Cache-Control', 'no-store');
      res.json(reporter.answer(req, res.locals.requestId));
    });
  });

  return router;
}
