import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config';
import { errorHandler, notFound } from './errors';
import { DrainState } from './drain-state';
import { createLogger } from './logger';
import { HttpMetrics } from './metrics';
import { observeRequests } from './observe-requests';
import { requestId } from './request-id';
import { echoRoutes } from './routes/echo';
import { healthRoutes } from './routes/health';
import { addIdentityRoutes } from './routes/identity';
import { liveRoutes } from './routes/live';
import { metricsRoutes } from './routes/metrics';

/**
 * Express's ETag function for what res.send answers: none. Every such answer is `Cache-Control: no-store` (the
 * identity changes on each request), so no client holds a copy to revalidate, and hashing each body was CPU
 * for nothing. A function rather than `false`: Express then still has res.sendFile (the /live page) send its
 * file's ETag, and express.static (its assets) sets its own, so the live view still revalidates with a 304.
 */
function noETagForSentBodies(): undefined {
  return undefined;
}

export interface AppDependencies {
  drainState?: DrainState;
  logger?: Logger;
  metrics?: HttpMetrics;
}

/** Builds the replica's Express app without listening: the entry point and the tests both use it. */
export function createApp(
  config: Config,
  { drainState = new DrainState(), logger = createLogger(), metrics = new HttpMetrics() }: AppDependencies = {},
): Express {
  const app = express();
  // Don't advertise the framework to clients.
  app.disable('x-powered-by');
  // Exactly one proxy hop (NGINX) is trusted: req.ip is the address NGINX saw, whatever
  // X-Forwarded-For a client sends. See `proxy_set_header X-Forwarded-For` in nginx/nginx.conf.
  app.set('trust proxy', 1);
  app.set('etag', noETagForSentBodies);

  app.use(requestId);
  // Before any route: a log line and a count for every request.
  app.use(observeRequests(logger, metrics));

  // The identity routes first: they get the traffic (`GET /`), and each router passed costs CPU.
  addIdentityRoutes(app.router, config.version);
  app.use(healthRoutes(drainState));
  app.use(metricsRoutes(metrics.registry));
  app.use(echoRoutes());
  app.use(liveRoutes());
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
