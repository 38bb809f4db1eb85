import os from 'node:os';
import pino, { type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

/** The replica's log destination: stdout, where `docker compose logs` collects it. */
export type LogDestination = ReturnType<typeof pino.destination>;

/**
 * stdout written asynchronously: a request queues its line and moves on, and lines logged while a
 * write is in flight go out together in the next one. Nothing waits for the pipe to Docker.
 * No `minLength` buffering: a line reaches `docker compose logs` as soon as the pipe takes it.
 * The price is that buffered lines must be flushed before exiting: flushLogs().
 */
export function stdoutDestination(): LogDestination {
  return pino.destination({ dest: 1, sync: false });
}

/**
 * JSON lines with ISO timestamps, and this replica's hostname once in every line's bindings
 * (the same name the identity endpoints report), so lines from the replicas tell apart.
 * The default destination is synchronous stdout, for one-off loggers (tests, tools);
 * the entry point passes stdoutDestination().
 */
export function createLogger(
  level: LevelWithSilent = 'info',
  destination: DestinationStream = pino.destination(1),
): Logger {
  return pino({ level, base: { hostname: os.hostname() }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/**
 * Writes out every buffered line and closes the destination; resolves once the pipe has them all,
 * or after `timeoutMs` so a stuck reader cannot hold a shutdown past compose's stop_grace_period.
 */
export function flushLogs(destination: LogDestination, timeoutMs = 1_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    destination.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    destination.end();
  });
}
