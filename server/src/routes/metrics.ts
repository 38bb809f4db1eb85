import { Router } from 'express';
import type { Registry } from 'prom-client';

/**
 * `GET /metrics` in Prometheus's text format. For the internal network only: NGINX answers 404 for
 * it on the public side (nginx/nginx.conf), and replicas publish no port.
 */
export function metricsRoutes(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res
      .set('Content-Type', registry.contentType)
      .set('Cache-Control', 'no-store')
      .send(await registry.metrics());
  });
  return router;
}
