/**
 * A replica whose stdout nobody reads (a stuck log reader): the real image, its node process writing
 * into a FIFO whose only reader never reads. It keeps serving with its log buffer bounded, counts the
 * lines it drops, and still stops within its shutdown timeout on SIGTERM, far from Docker's SIGKILL.
 */
import { docker, inspect } from '../../harness/docker';
import { eventually } from '../../harness/http';
import { runLoad } from './support/load';
import { containerIp, replicaRssKb } from './support/replica';

const image = `roundrobin/server:${process.env.APP_VERSION ?? 'dev'}`;
const name = `stuck-log-reader-${process.pid}`;
/** compose's SHUTDOWN_TIMEOUT_MS and stop_grace_period. */
const SHUTDOWN_TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 10_000;
/** ~230 bytes of log line each: well over the 4 MiB buffer (~18,000 lines). */
const REQUESTS = 30_000;

let id: string;
let base: string;

beforeAll(async () => {
  // As in docker-compose.yml (tini, read-only root, /tmp tmpfs, 256 MB), but stdout goes to the stuck FIFO.
  const script = 'mkfifo /tmp/log; sleep infinity < /tmp/log & exec node server/src/index.js > /tmp/log';
  ({ stdout: id } = await docker([
    'run',
    '--detach',
    '--name',
    name,
    '--init',
    '--read-only',
    '--tmpfs',
    '/tmp:size=16m',
    '--memory',
    '256m',
    '--cap-drop',
    'ALL',
    '--env',
    `SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}`,
    '--entrypoint',
    'sh',
    image,
    '-c',
    script,
  ]));
  id = id.trim();
  base = `http://${await containerIp(id)}:3000`;
  await eventually(
    async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined),
    30_000,
    'the replica to be ready',
  );
});

afterAll(async () => {
  if (id) await docker(['rm', '--force', id]);
});

async function droppedLines(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^log_lines_dropped_total (\d+)$/m.exec(text)?.[1]);
}

describe('a replica whose stdout is never read', () => {
  it('serves a burst with bounded memory, counting the log lines it drops', async () => {
    const load = await runLoad({
      url: `${base}/api/whoami`,
      concurrency: 32,
      durationMs: 150_000,
      maxRequests: REQUESTS,
    });
    expect(load.failures).toEqual([]);
    const rssMb = (await replicaRssKb(id)) / 1024;
    const dropped = await droppedLines();
    console.log(
      `[stuck-log-reader] ${load.ok} requests served, ${dropped} log lines dropped, RSS ${rssMb.toFixed(0)} MB`,
    );
    expect(dropped).toBeGreaterThan(0);
    expect(rssMb).toBeLessThan(160); // of 256 MB
  });

  it('exits within its shutdown timeout on SIGTERM, not by SIGKILL', async () => {
    const started = Date.now();
    // A generous -t, so a hung exit shows as a long stop and exit code 137 instead of being cut at 10 s.
    await docker(['stop', '--time', '30', id], { timeoutMs: 60_000 });
    const stoppedMs = Date.now() - started;
    const { State } = await inspect(id);
    console.log(`[stuck-log-reader] stopped in ${stoppedMs} ms, exit code ${State.ExitCode}`);
    expect(State.ExitCode).toBe(0);
    expect(stoppedMs).toBeLessThan(STOP_GRACE_MS);
  });
});
