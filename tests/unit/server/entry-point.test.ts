import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { IDLE_GRACE_MS } from '../../../server/src/shutdown';

const entryPoint = path.join(__dirname, '../../../server/src/index.ts');

/** Runs the real entry point (through ts-node) with the given environment. */
function startReplica(env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entryPoint], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('entry point', () => {
  jest.setTimeout(30_000);

  it('exits 1 with one line naming an invalid variable', async () => {
    const replica = startReplica({ PORT: 'eighty' });
    expect(await replica.exited).toBe(1);
    expect(replica.output().stderr.trim()).toBe(
      'Invalid configuration: PORT must be a whole number between 1 and 65535, got "eighty"',
    );
  });

  it('listens, then exits 0 soon after SIGTERM', async () => {
    const port = await freePort();
    const replica = startReplica({ PORT: String(port) });
    await waitFor(() => replica.output().stdout.includes('"listening"'), 20_000);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status).toBe(200);
    await fetch(`http://127.0.0.1:${port}/api/whoami`, { headers: { 'x-request-id': 'last-words-1' } });

    const signalledAt = Date.now();
    replica.child.kill('SIGTERM');
    expect(await replica.exited).toBe(0);
    // The idle keep-alive connection's grace, then out: not the 5 s shutdown timeout.
    expect(Date.now() - signalledAt).toBeLessThan(IDLE_GRACE_MS + 1_000);
    // The log is written asynchronously: every line, the request's and the last one, is out before the exit.
    expect(replica.output().stdout).toContain('"id":"last-words-1"');
    expect(replica.output().stdout).toContain('"outcome":"drained"');
  });
});
