import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import pino from 'pino';
import {
  DROP_WARNING_INTERVAL_MS,
  LOG_BUFFER_BYTES,
  warnOfDroppedLines,
  type LogDestination,
} from '../../../server/src/logger';
import { HttpMetrics } from '../../../server/src/metrics';

const logger = path.join(__dirname, '../../../server/src/logger.ts');
const metrics = path.join(__dirname, '../../../server/src/metrics.ts');

/** What the child below reports on stderr once it has logged its lines. */
interface Report {
  heapGrowthBytes: number;
  dropped: number;
}

/**
 * A process that logs 200,000 request-sized lines (~60 MB) through the replica's stdout destination
 * into a pipe nobody reads (a stuck log reader), reports, then flushes and exits as the entry point does.
 */
const child = `
const { createLogger, flushLogs, stdoutDestination, warnOfDroppedLines } = require(${JSON.stringify(logger)});
const { HttpMetrics } = require(${JSON.stringify(metrics)});
const destination = stdoutDestination();
const log = createLogger('info', destination);
const metrics = new HttpMetrics();
warnOfDroppedLines(destination, log, metrics);
global.gc();
const before = process.memoryUsage().heapUsed;
const url = '/api/whoami?' + 'q'.repeat(150);
for (let i = 0; i < 200000; i++) log.info({ req: { id: String(i), method: 'GET', url } }, 'request completed');
global.gc();
const heapGrowthBytes = process.memoryUsage().heapUsed - before;
metrics.droppedLogLines.get().then(({ values }) => {
  process.stderr.write(JSON.stringify({ heapGrowthBytes, dropped: values[0].value }) + '\\n');
  return flushLogs(destination);
}).then(() => process.exit(0));
`;

describe('log buffer with a stuck reader', () => {
  jest.setTimeout(30_000);

  it('holds at most LOG_BUFFER_BYTES, counts what it drops, and exits within the flush timeout', async () => {
    const proc = spawn(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', '-e', child], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout.pause(); // never read: the pipe fills and stays full
    let stderr = '';
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    const reported = new Promise<number>((resolve) => proc.stderr.once('data', () => resolve(Date.now())));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    try {
      const reportedAt = await reported;
      const code = await exited;
      const exitMs = Date.now() - reportedAt;
      const report = JSON.parse(stderr.trim()) as Report;
      console.log(`[logger] stuck reader: ${JSON.stringify(report)}, exit ${exitMs} ms after the report`);
      expect(code).toBe(0);
      expect(exitMs).toBeLessThan(5_000); // flushLogs gives up after 1 s; compose's grace is 10 s
      expect(report.dropped).toBeGreaterThan(100_000);
      expect(report.heapGrowthBytes).toBeLessThan(LOG_BUFFER_BYTES * 4);
    } finally {
      clearTimeout(killer);
      proc.kill('SIGKILL');
    }
  });
});

describe('warnOfDroppedLines', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('counts every drop in log_lines_dropped_total and warns once per interval, naming how many', async () => {
    const destination = new EventEmitter() as unknown as LogDestination;
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const registry = new HttpMetrics();
    warnOfDroppedLines(destination, log, registry);

    for (let i = 0; i < 5; i++) destination.emit('drop', 'a line');
    expect(lines).toEqual([]); // no line per drop
    jest.advanceTimersByTime(DROP_WARNING_INTERVAL_MS);
    destination.emit('drop', 'a line');
    jest.advanceTimersByTime(DROP_WARNING_INTERVAL_MS);
    jest.advanceTimersByTime(DROP_WARNING_INTERVAL_MS); // nothing dropped since: no warning

    expect(lines.map((line) => (JSON.parse(line) as { droppedLines: number }).droppedLines)).toEqual([5, 1]);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 40 });
    expect((await registry.droppedLogLines.get()).values[0].value).toBe(6);
  });
});
