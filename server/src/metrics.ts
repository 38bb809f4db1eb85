import type { Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The route label of responses no route produced (404s, and anything a plain middleware answers).
 * Never the raw path: every distinct URL a scanner sends would become a time series of its own.
 */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Seconds, as Prometheus expects. A replica answers in about a millisecond unloaded and tens of
 * milliseconds under the benchmark's load; the top buckets catch stalls up to NGINX's 5 s read timeout.
 */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The route pattern that answered (e.g. `/api/echo`), read once the response is finished. */
function routeOf(req: Request): string {
  // Every route here is declared with a string path.
  const route = req.route as { path?: string } | undefined;
  return route?.path === undefined ? UNMATCHED_ROUTE : req.baseUrl + route.path;
}

/**
 * A replica's Prometheus metrics, in a registry of its own (not prom-client's global one), so
 * every app built by createApp, as in the unit tests, counts only its own requests:
 * - http_requests_total{method,route,status}
 * - http_request_duration_seconds{method,route}: a histogram
 * - log_lines_dropped_total: lines the log buffer could not hold (logger.ts)
 * - prom-client's default process and Node.js metrics (CPU, memory, event-loop lag, GC, handles).
 */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request reaching Express to its response being handed to the OS, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  /** Log lines dropped because stdout was not taking them (LOG_BUFFER_BYTES in logger.ts). */
  readonly droppedLogLines = new Counter({
    name: 'log_lines_dropped_total',
    help: 'Log lines dropped because the buffer waiting for stdout was full (a stuck or slow log reader).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts a request whose response was sent (a client that left before it is not counted). */
  record(req: Request, res: Response, durationMs: number): void {
    if (!res.writableFinished) return;
    const route = routeOf(req);
    this.requests.inc({ method: req.method, route, status: res.statusCode });
    this.duration.observe({ method: req.method, route }, durationMs / 1000);
  }
}
