/** wrk's command line and its answer (the JSON line printed by wrk-report.lua, baked into the loadgen image). */

export interface WrkOptions {
  url: string;
  connections: number;
  durationS: number;
  /** A request without an answer after this long counts as a timeout, not as a latency. */
  timeoutS: number;
  threads: number;
  /** Extra request headers, e.g. `Connection: close`. */
  headers?: string[];
}

export interface WrkResult {
  durationUs: number;
  requests: number;
  bytes: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  /** Responses with status >= 400 (wrk's own definition of a status error). */
  statusErrors: number;
  timeouts: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
}

const WRK_SCRIPT = '/usr/local/share/wrk-report.lua';

export function wrkCommand(options: WrkOptions): string[] {
  // wrk refuses fewer connections than threads.
  const threads = Math.max(1, Math.min(options.threads, options.connections));
  return [
    'wrk',
    `--threads=${threads}`,
    `--connections=${options.connections}`,
    `--duration=${options.durationS}s`,
    `--timeout=${options.timeoutS}s`,
    `--script=${WRK_SCRIPT}`,
    ...(options.headers ?? []).map((header) => `--header=${header}`),
    options.url,
  ];
}

const FIELDS: ReadonlyArray<keyof WrkResult> = [
  'durationUs',
  'requests',
  'bytes',
  'connectErrors',
  'readErrors',
  'writeErrors',
  'statusErrors',
  'timeouts',
  'p50Us',
  'p90Us',
  'p99Us',
  'maxUs',
  'meanUs',
];

export function parseWrk(stdout: string): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no WRK_JSON line:\n${stdout.slice(-500)}`);
  const raw = JSON.parse(line.slice('WRK_JSON '.length)) as Record<string, unknown>;
  for (const field of FIELDS) {
    if (typeof raw[field] !== 'number' || !Number.isFinite(raw[field])) {
      throw new Error(`wrk's report has no numeric "${field}": ${line}`);
    }
  }
  return raw as unknown as WrkResult;
}

export function requestsPerSecond(result: WrkResult): number {
  return result.durationUs > 0 ? (result.requests * 1e6) / result.durationUs : 0;
}

/** Every way a request failed: refused or reset sockets, error statuses, and no answer in time. */
export function failures(result: WrkResult): number {
  return result.connectErrors + result.readErrors + result.writeErrors + result.statusErrors + result.timeouts;
}
