import fs from 'node:fs';
import os from 'node:os';
import pino, { type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import type { HttpMetrics } from './metrics';

/** The replica's log destination: stdout, where `docker compose logs` collects it. */
export type LogDestination = ReturnType<typeof pino.destination>;

/**
 * How many bytes of log lines may wait for stdout. A request's line is ~250 bytes, so ~16,000 lines:
 * seconds of full load. Beyond it, lines are dropped (counted: warnOfDroppedLines) instead of held,
 * so a log reader that stops reading cannot take the replica's memory (256 MB in compose).
 */
export const LOG_BUFFER_BYTES = 4 * 1024 * 1024;

/** At most one warning line this often while lines are being dropped. */
export const DROP_WARNING_INTERVAL_MS = 10_000;

/**
 * stdout written asynchronously: a request queues its line and moves on, and lines logged while a
 * write is in flight go out together in the next one. Nothing waits for the pipe to Docker.
 * No `minLength` buffering: a line reaches `docker compose logs` as soon as the pipe takes it.
 * The queue is bounded (LOG_BUFFER_BYTES), and lines still queued at exit get flushLogs()'s time, no more.
 */
export function stdoutDestination(): LogDestination {
  return pino.destination({ dest: nonBlockingStdout(), sync: false, maxLength: LOG_BUFFER_BYTES });
}

/**
 * stdout opened again, non-blocking: a write to a full pipe then fails at once (and is retried later)
 * instead of blocking a libuv thread, which Node joins at exit, so a stuck reader would hold the exit
 * forever. Docker's stdout is a pipe, which can be reopened; anything that cannot (a socket) keeps fd 1.
 */
function nonBlockingStdout(): number {
  try {
    return fs.openSync('/dev/stdout', fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_NONBLOCK);
  } catch {
    return 1;
  }
}

/**
 * Counts every line the full buffer drops (metrics.droppedLogLines) and says so in one warning line
 * per `intervalMs` at most, naming how many since the last one. A warning that does not fit either
 * is dropped and counted too, and the next one reports all of them.
 */
export function warnOfDroppedLines(
  destination: LogDestination,
  logger: Logger,
  metrics: HttpMetrics,
  intervalMs = DROP_WARNING_INTERVAL_MS,
): void {
  let unreported = 0;
  destination.on('drop', () => {
    unreported += 1;
    metrics.droppedLogLines.inc();
  });
  const timer = setInterval(() => {
    if (unreported === 0) return;
    const dropped = unreported;
    unreported = 0;
    logger.warn({ droppedLines: dropped }, 'log lines dropped: stdout is not being read as fast as they are written');
    if (unreported > 0) unreported += dropped;
  }, intervalMs);
  timer.unref();
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
 * or after `timeoutMs`, giving up what is left: pino's own exit-time flush writes synchronously and
 * would otherwise wait for a stuck reader without limit, past compose's stop_grace_period (SIGKILL).
 */
export function flushLogs(destination: LogDestination, timeoutMs = 1_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      destination.destroy(); // drops the queue; pino's exit hook skips a destroyed destination
      resolve();
    }, timeoutMs);
    destination.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    destination.end();
  });
}
