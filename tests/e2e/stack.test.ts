/**
 * The stack end to end, on a real Docker engine: the compose file, nginx.conf and image a user runs.
 */
import { execFile } from 'node:child_process';
import { docker, inspect } from '../../harness/docker';
import { eventually, sleep } from '../../harness/http';
import { runLoad } from './support/load';
import { ComposeStack } from '../../harness/stack';

interface Identity {
  hostname: string;
  requestId: string;
  clientIp: string;
  version: string;
}

let stack: ComposeStack;

beforeAll(async () => {
  stack = await ComposeStack.up('stack');
});

afterAll(async () => {
  await stack?.down();
});

async function whoami(path = '/', headers: Record<string, string> = {}) {
  const res = await fetch(stack.url(path), { headers });
  return { res, body: (await res.json()) as Identity };
}

describe('round robin', () => {
  it('answers curl with JSON naming the replica container', async () => {
    const { res, body } = await whoami();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await stack.hostnames()).toContain(body.hostname);
  });

  it('sends 300 GETs to 3 replicas, 100 each, in a strict period-3 sequence', async () => {
    const sequence: string[] = [];
    for (let i = 0; i < 300; i += 1) {
      sequence.push((await whoami()).body.hostname);
    }
    const counts = new Map<string, number>();
    for (const host of sequence) counts.set(host, (counts.get(host) ?? 0) + 1);
    expect([...counts.values()]).toEqual([100, 100, 100]);
    expect(new Set(sequence.slice(0, 3)).size).toBe(3);
    sequence.forEach((host, i) => expect(host).toBe(sequence[i % 3]));
  });

  it('moves one replica per browser refresh: NGINX answers /favicon.ico itself', async () => {
    const pages: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const page = await fetch(stack.url('/'), { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      pages.push(/<h1 id="hostname">([^<]+)<\/h1>/.exec(await page.text())?.[1] ?? '');
      const favicon = await fetch(stack.url('/favicon.ico'));
      expect(favicon.status).toBe(204);
    }
    expect(new Set(pages).size).toBe(3);
    pages.forEach((host, i) => expect(host).toBe(pages[i % 3]));
  });
});

describe('the edge', () => {
  it('publishes only NGINX: replicas have no host port', async () => {
    for (const id of await stack.containers('server')) {
      const container = await inspect(id);
      expect(container.HostConfig.PortBindings ?? {}).toEqual({});
      expect(Object.values(container.NetworkSettings.Ports ?? {}).every((bindings) => bindings === null)).toBe(true);
    }
    const [nginx] = await stack.containers('nginx');
    expect(Object.keys((await inspect(nginx)).HostConfig.PortBindings ?? {})).toEqual(['8080/tcp', '8443/tcp']);
  });

  it('hides probes and metrics from the public, while the internal network reaches them', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const res = await fetch(stack.url(path));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found', message: 'Not Found' });
    }
    const { stdout } = await stack.exec('nginx', ['curl', '-fsS', 'http://server:3000/readyz']);
    expect(JSON.parse(stdout)).toEqual({ status: 'ready' });
  });

  it('gives every request an id, keeps a valid client id, and echoes it back', async () => {
    const minted = await whoami();
    expect(minted.res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(minted.body.requestId).toBe(minted.res.headers.get('x-request-id'));

    const kept = await whoami('/', { 'x-request-id': 'trace-me-123' });
    expect(kept.res.headers.get('x-request-id')).toBe('trace-me-123');
    expect(kept.body.requestId).toBe('trace-me-123');
  });

  it('reports the client address NGINX saw, whatever X-Forwarded-For or X-Real-IP claim', async () => {
    const honest = await whoami();
    const spoofed = await whoami('/', { 'x-forwarded-for': '6.6.6.6', 'x-real-ip': '7.7.7.7' });
    expect(honest.body.clientIp).toMatch(/^[\d.]+$/);
    expect(spoofed.body.clientIp).toBe(honest.body.clientIp);
  });

  it('sends security headers and no version or framework name', async () => {
    const { res } = await whoami();
    expect(res.headers.get('server')).toBe('nginx');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

/** Runs the image's own HEALTHCHECK command in a replica, aimed at `port`: its exit code (-1 if killed after 30 s). */
async function healthcheckExitCode(id: string, port: number): Promise<number> {
  const test = (await inspect<{ Config: { Healthcheck: { Test: string[] } } }>(id)).Config.Healthcheck.Test;
  const [kind, ...command] = test;
  if (kind !== 'CMD') throw new Error(`expected an exec-form HEALTHCHECK, got ${JSON.stringify(test)}`);
  return new Promise((resolve) => {
    execFile(
      'docker',
      ['exec', '-e', `PORT=${port}`, id, ...command],
      { timeout: 30_000, killSignal: 'SIGKILL' },
      (error) => resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : -1),
    );
  });
}

describe("the replica's healthcheck", () => {
  it('passes on a ready replica, and fails on a 503 (draining), a refused port and a port that never answers', async () => {
    const [id] = await stack.containers('server');
    // Stand-ins on spare ports inside the replica, gone after 60 s: one answers 503, one accepts and stays silent.
    const standIns = {
      3997: "require('node:http').createServer((req, res) => { res.statusCode = 503; res.end(); }).listen(3997)",
      3998: "require('node:net').createServer(() => {}).listen(3998)",
    };
    for (const [port, script] of Object.entries(standIns)) {
      await docker(['exec', '--detach', id, 'node', '-e', `${script}; setTimeout(() => process.exit(0), 60_000)`]);
      await eventually(
        async () =>
          (await docker([
            'exec',
            id,
            'node',
            '-e',
            `require('node:net').connect(${port}).on('connect', () => process.exit(0))`,
          ])) && true,
        20_000,
        `stand-in on port ${port} listening`,
      );
    }

    expect(await healthcheckExitCode(id, 3000)).toBe(0);
    expect(await healthcheckExitCode(id, 3997)).toBe(1);
    expect(await healthcheckExitCode(id, 3999)).toBe(1);
    expect(await healthcheckExitCode(id, 3998)).toBe(1);
  });
});

describe('scaling', () => {
  it('takes 5 replicas into the rotation without an NGINX reload, and drops back to 3 without failing a request', async () => {
    const workersBefore = await stack.nginxWorkerPids();
    expect(workersBefore.length).toBeGreaterThan(0);

    await stack.compose(['up', '--detach', '--no-build', '--no-recreate', '--wait', '--scale', 'server=5']);
    await stack.waitForReplicas(5, 30_000);

    const scaleDown = stack.compose(['up', '--detach', '--no-build', '--no-recreate', '--wait', '--scale', 'server=3']);
    // Keep the load on past the scale-down, through NGINX's next DNS refresh (valid=5s).
    const settled = scaleDown.then(() => sleep(7_000));
    const load = await runLoad({
      url: stack.url('/api/whoami'),
      concurrency: 4,
      durationMs: 90_000,
      maxRequests: 50_000,
      until: settled,
    });
    await scaleDown;
    expect(load.failures).toEqual([]);
    expect(load.ok).toBeGreaterThan(50);

    await stack.waitForReplicas(3, 30_000);
    expect(await stack.nginxWorkerPids()).toEqual(workersBefore);
  });
});

describe('teardown', () => {
  it('stops everything with `docker compose down` before the 15 s grace period would kill a replica', async () => {
    const started = Date.now();
    await stack.down();
    // SHUTDOWN_DELAY_MS (6 s) of answering, then the drain: well inside stop_grace_period (15 s), SIGKILL's mark.
    expect(Date.now() - started).toBeLessThan(12_000);
    await eventually(
      async () => ((await stack.containers('server')).length === 0 ? true : undefined),
      5_000,
      'no containers left',
    );
  });
});
