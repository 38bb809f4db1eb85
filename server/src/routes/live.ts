import express, { Router } from 'express';
import path from 'node:path';

/**
 * The live view's files: server/web (live.html, live.css, and js/, compiled from server/browser by
 * server/tsconfig.web.json). Two levels up from this file both in the repository (server/src/routes)
 * and in the image (/app/server/src/routes, with the files in /app/server/web).
 */
const WEB_ROOT = path.resolve(__dirname, '../../web');

/**
 * Only this origin's scripts, styles and fetches; nothing inline, nothing from outside. NGINX adds
 * its own `frame-ancestors 'none'` header; a browser enforces both.
 */
const LIVE_PAGE_POLICY = "default-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'";

/**
 * `GET /live`: the page that polls /api/whoami and draws the rotation; `GET /assets/*`: its files.
 * Every load revalidates (no-cache + ETag, so a 304 when unchanged): a rolling update must not
 * leave a browser running yesterday's script against today's replicas.
 */
export function liveRoutes(): Router {
  const router = Router();

  router.get('/live', (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': LIVE_PAGE_POLICY });
    res.sendFile('live.html', { root: WEB_ROOT, cacheControl: false }, next);
  });

  router.use(
    '/assets',
    express.static(WEB_ROOT, {
      // Directory URLs are 404s, not redirects or listings.
      index: false,
      redirect: false,
      cacheControl: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );

  return router;
}
