import os from 'node:os';
import type { Request, Router } from 'express';
import { IdentityReporter } from '../identity';
import { renderIdentityPage } from '../identity-page';
import { SlowRequests } from '../slow-request';

/** The identity page is self-contained: its one inline style block (colour per replica), nothing else at all. */
const IDENTITY_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/**
 * Whether the client takes any type, so that negotiating would pick the first one offered, JSON: no Accept
 * header (scripts, load generators), or the bare wildcard curl and fetch() send. Those skip parsing it.
 */
function acceptsAnything(req: Request): boolean {
  const accept = req.headers.accept;
  return accept === undefined || accept === '*/*';
}

/**
 * `GET /` negotiates (JSON for curl and API clients, HTML for browsers);
 * `GET /api/whoami` is always JSON, for scripts and the live view; `?delay=` makes it slow on demand (SlowRequests).
 * Added to `router`, the app's own, rather than a router of their own like the other routes: they get the
 * traffic, and a nested router costs every request that passes through it.
 */
export function addIdentityRoutes(router: Router, version: string): void {
  const reporter = new IdentityReporter(version);
  const slow = new SlowRequests(os.hostname());

  router.get('/', (req, res) => {
    const identity = reporter.answer(req, res.locals.requestId);
    // Each answer names a different replica: a cached one would hide the rotation.
    res.set('Cache-Control', 'no-store');
    if (acceptsAnything(req)) {
      // What res.format below answers them, headers included (Vary: Accept), without its parsing.
      res.vary('Accept').json(identity);
      return;
    }
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
}
