import pino, { type Logger } from 'pino';

/**
 * JSON lines on stdout, where `docker compose logs` collects them. pino formats cheaply and
 * writes asynchronously, so logging stays off the request's critical path.
 */
export function createLogger(level = 'info'): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
