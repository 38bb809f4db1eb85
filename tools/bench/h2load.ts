/**
 * h2load (nghttp2's load generator) for the HTTP/2 scenarios: its command line, and its answer read into the
 * same shape as wrk's, so the rest of the benchmark compares them row by row. h2load prints totals but no
 * percentiles; its --log-file has one line per request (start, status, microseconds), printed after a marker.
 */
import { percentile } from '../../server/shared/percentile';
import type { WrkOptions, WrkResult } from './wrk';

const LOG = '/tmp/h2load.log';
const LOG_MARKER = 'H2LOAD_LOG';

/** One `sh -c` line: the run, then its per-request log (removed, so runs never mix). */
export function h2loadCommand(options: WrkOptions): string[] {
  // h2load refuses fewer clients than threads, as wrk does.
  const threads = Math.max(1, Math.min(options.threads, options.connections));
  const run = [
    'h2load',
    `--threads=${threads}`,
    `--clients=${options.connections}`,
    // One request in flight per connection, as with wrk: the same concurrency, not 100 streams per client.
    '--max-concurrent-streams=1',
    `--duration=${options.durationS}`,
    // The nearest to wrk's per-request --timeout: a connection silent this long is dropped, its requests errors.
    `--connection-inactivity-timeout=${options.timeoutS}`,
    `--log-file=${LOG}`,
    options.url,
  ].join(' ');
  return ['sh', '-c', `rm -f ${LOG}; ${run}; echo ${LOG_MARKER}; cat ${LOG}; rm -f ${LOG}`];
}

function match(stdout: string, pattern: RegExp, what: string): RegExpMatchArray {
  const found = stdout.match(pattern);
  if (!found) throw new Error(`h2load printed no ${what}:\n${stdout.slice(0, 1_500)}`);
  return found;
}

const UNIT_US: Record<string, number> = { s: 1e6, ms: 1e3, us: 1 };

/** h2load's answer; it fails unless h2load negotiated `protocol` (ALPN's "h2" for HTTP/2 over TLS). */
export function parseH2load(stdout: string, protocol = 'h2'): WrkResult {
  const [human, log = ''] = stdout.split(`\n${LOG_MARKER}\n`);
  const negotiated = match(human, /^Application protocol: (\S+)$/m, '"Application protocol:" line')[1];
  if (negotiated !== protocol) throw new Error(`h2load negotiated ${negotiated}, not ${protocol}`);
  const finished = match(human, /^finished in ([\d.]+)(s|ms|us),/m, '"finished in" line');
  const requests = match(
    human,
    /^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout$/m,
    '"requests:" line',
  ).map(Number);
  const status = match(human, /^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx$/m, '"status codes:" line');
  const traffic = match(human, /^traffic: \S+ \((\d+)\) total/m, '"traffic:" line');
  const latencies = log
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((fields) => fields.length === 3)
    .map((fields) => Number(fields[2]))
    .sort((a, b) => a - b);
  const [errored, timeouts] = [requests[6], requests[7]];
  return {
    durationUs: Math.round(Number(finished[1]) * UNIT_US[finished[2]]),
    requests: requests[3],
    bytes: Number(traffic[1]),
    // h2load does not tell a refused connect from a reset one; a timed-out request also counts as errored.
    connectErrors: 0,
    readErrors: errored - timeouts,
    writeErrors: 0,
    statusErrors: Number(status[3]) + Number(status[4]),
    timeouts,
    p50Us: percentile(latencies, 50) ?? 0,
    p90Us: percentile(latencies, 90) ?? 0,
    p99Us: percentile(latencies, 99) ?? 0,
    maxUs: latencies.at(-1) ?? 0,
    meanUs: latencies.length === 0 ? 0 : latencies.reduce((a, b) => a + b, 0) / latencies.length,
  };
}
