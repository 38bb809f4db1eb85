import http from 'node:http';
import type { RequestListener } from 'node:http';
import type { Config } from './config';

/** An HTTP server whose idle timeouts are ordered against NGINX's (see Config.keepAliveTimeoutMs). */
export function createHttpServer(handler: RequestListener, config: Config): http.Server {
  const server = http.createServer(handler);
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  // Must exceed keepAliveTimeout, or Node can time out a kept-alive socket's next request headers
  // before the keep-alive window ends (nodejs/node doc/api/http.md). requestTimeout (300 s) stays above both.
  server.headersTimeout = config.keepAliveTimeoutMs + 1_000;
  return server;
}

/** `backlog`: see Config.listenBacklog (511 is Node's own default). */
export function listen(server: http.Server, port: number, backlog = 511): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
