import { Router } from 'express';
import type { DrainState } from '../drain-state';

/**
 * Probes for Docker and operators on the internal network (NGINX hides them from the public).
 * /healthz: the process answers. /readyz: it also wants traffic (503 once draining).
 */
export function healthRoutes(drainState: DrainState): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (drainState.draining) {
      res.status(503).json({ status: 'draining' });
    } else {
      res.json({ status: 'ready' });
    }
  });

  return router;
}
