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
import { identityRoutes } from './routes/identity';
import { liveRoutes } from './routes/live';
import { metricsRoutes } from './routes/metrics';

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

  app.use(requestId);
  // Before any route: a log line and a count for every request.
  app.use(observeRequests(logger, metrics));

  app.use(healthRoutes(drainState));
  app.use(metricsRoutes(metrics.registry));
  app.use(identityRoutes(config.version));
  app.use(echoRoutes());
  app.use(liveRoutes());
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
