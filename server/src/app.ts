import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config';
import { errorHandler, notFound } from './errors';
import { Lifecycle } from './lifecycle';
import { createLogger } from './logger';
import { requestId } from './request-id';
import { echoRoutes } from './routes/echo';
import { healthRoutes } from './routes/health';
import { identityRoutes } from './routes/identity';
import { liveRoutes } from './routes/live';

export interface AppDependencies {
  lifecycle?: Lifecycle;
  logger?: Logger;
}

/** Builds the replica's Express app without listening: the entry point and the tests both use it. */
export function createApp(config: Config, { lifecycle = new Lifecycle(), logger = createLogger() }: AppDependencies = {}): Express {
  const app = express();
  // Don't advertise the framework to clients.
  app.disable('x-powered-by');
  // Exactly one proxy hop (NGINX) is trusted: req.ip is the address NGINX saw, whatever
  // X-Forwarded-For a client sends. See `proxy_set_header X-Forwarded-For` in nginx/nginx.conf.
  app.set('trust proxy', 1);

  app.use(requestId);

  app.use(healthRoutes(lifecycle));
  app.use(identityRoutes(config.version));
  app.use(echoRoutes());
  app.use(liveRoutes());
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
