import express, { Router, type RequestHandler } from 'express';
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

/** Every load revalidates (no-cache + ETag, so a 304 when unchanged): see liveRoutes. */
const REVALIDATE = 'no-cache';

/**
 * The page has one address, /live, where it carries its policy: under /assets an HTML file is a 404.
 * Checked on the decoded path, so /assets/live%2Ehtml is refused too.
 */
const noPagesUnderAssets: RequestHandler = (req, _res, next) => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(req.path);
  } catch {
    decoded = req.path; // malformed escapes: express.static answers them with a 400
  }
  if (/\.html?$/i.test(decoded)) next('router');
  else next();
};

/**
 * `GET /live`: the page that polls /api/whoami and draws the rotation; `GET /assets/*`: its files.
 * Every load revalidates: a rolling update must not leave a browser running yesterday's script
 * against today's replicas.
 */
export function liveRoutes(): Router {
  const router = Router();

  router.get('/live', (_req, res, next) => {
    res.set({ 'Cache-Control': REVALIDATE, 'Content-Security-Policy': LIVE_PAGE_POLICY });
    // Express 5 calls this callback on success too: only an error goes on to the error handler, or a
    // sent page would fall through to the 404 handler, whose late write destroys the keep-alive socket.
    res.sendFile('live.html', { root: WEB_ROOT, cacheControl: false }, (err?: Error) => {
      if (err) next(err);
    });
  });

  router.use(
    '/assets',
    noPagesUnderAssets,
    express.static(WEB_ROOT, {
      // Directory URLs are 404s, not redirects or listings.
      index: false,
      redirect: false,
      cacheControl: false,
      setHeaders: (res) => res.setHeader('Cache-Control', REVALIDATE),
    }),
  );

  return router;
}
