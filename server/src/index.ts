/**
 * The replica's entry point: read the environment, listen, and shut down cleanly on signals.
 * Everything else lives in createApp().
 */
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createHttpServer, listen } from './http-server';
import { DrainState } from './drain-state';
import { createLogger, flushLogs, stdoutDestination, warnOfDroppedLines } from './logger';
import { HttpMetrics } from './metrics';
import { shutDownGracefully } from './shutdown';
import { attachWebSockets } from './websocket';

function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // One line naming the variable: the first thing an operator sees in `docker compose logs`.
    console.error(`Invalid configuration: ${err.message}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const logDestination = stdoutDestination();
  const logger = createLogger(config.logLevel, logDestination);
  const metrics = new HttpMetrics();
  warnOfDroppedLines(logDestination, logger, metrics);
  const drainState = new DrainState();
  const server = createHttpServer(createApp(config, { drainState, logger, metrics }), config);
  const websockets = attachWebSockets(server);

  // docker stop / compose down send SIGTERM; Ctrl-C in `npm run dev` sends SIGINT.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down: draining connections');
      void shutDownGracefully(server, drainState, {
        timeoutMs: config.shutdownTimeoutMs,
        delayMs: config.shutdownDelayMs,
        closeLongLived: websockets.closeAll,
      }).then((outcome) => {
        logger.info({ outcome }, 'stopped');
        // The log is written asynchronously: exit once every line, this one included, is out.
        void flushLogs(logDestination).then(() => process.exit(outcome === 'drained' ? 0 : 1));
      });
    });
  }

  await listen(server, config.port, config.listenBacklog);
  logger.info({ port: config.port, version: config.version }, 'listening');
}

main().catch((err: unknown) => {
  console.error('Failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
