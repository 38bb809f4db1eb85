/**
 * Observability end to end, with docker-compose.monitoring.yml: one request followed by its id from
 * NGINX's access log to the replica's, /metrics and stub_status kept internal, and Prometheus
 * finding every replica through Docker's DNS and counting exactly the requests sent.
 */
import { randomUUID } from 'node:crypto';
import { inspect } from '../../harness/docker';
import { eventually, freePort } from '../../harness/http';
import { ComposeStack } from '../../harness/stack';

let stack: ComposeStack;
let prometheusPort: number;

beforeAll(async () => {
  prometheusPort = await freePort();
  stack = await ComposeStack.up('observability', {
    extraFiles: ['docker-compose.monitoring.yml'],
    env: { PROMETHEUS_PORT: String(prometheusPort) },
  });
});

afterAll(async () => {
  await stack?.down();
});

/** The fields the tests read of NGINX's access log lines and the replicas' request log lines. */
interface LogLine {
  request_id?: string;
  upstream_addr?: string;
  req?: { id?: string; url?: string };
  [field: string]: unknown;
}

/** Compose 2.26 starts each line with an erase-line escape (ESC[2K), even with --no-color and no TTY. */
const ERASE_LINE = '\u001b[2K';

/** The JSON lines of a service's logs, all replicas together. */
async function jsonLogs(service: 'server' | 'nginx'): Promise<LogLine[]> {
  const { stdout } = await stack.compose(['logs', '--no-log-prefix', service]);
  return stdout
    .split('\n')
    .map((line) => (line.startsWith(ERASE_LINE) ? line.slice(ERASE_LINE.length) : line))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Each replica's address on the stack's network, by hostname (what its log lines carry). */
async function replicaAddresses(): Promise<Map<string, string>> {
  const addresses = new Map<string, string>();
  for (const id of await stack.containers('server')) {
    const container = await inspect(id);
    const [network] = Object.values(container.NetworkSettings.Networks);
    addresses.set(container.Config.Hostname, network.IPAddress);
  }
  return addresses;
}

async function prometheus<T>(path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${prometheusPort}${path}`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { status: string; data: T };
  if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${JSON.stringify(body)}`);
  return body.data;
}

interface Target {
  health: string;
  lastScrape: string;
  labels: { instance: string; job: string };
}

async function serverTargets(): Promise<Target[]> {
  const { activeTargets } = await prometheus<{ activeTargets: Target[] }>('/api/v1/targets?state=active');
  return activeTargets.filter((target) => target.labels.job === 'server');
}

/** Waits until Prometheus scrapes exactly the running replicas, all up, each scraped since `since`. */
async function waitForScrapes(since = 0): Promise<Target[]> {
  return eventually(
    async () => {
      const expected = [...(await replicaAddresses()).values()].map((ip) => `${ip}:3000`).sort();
      const targets = await serverTargets();
      const ready =
        targets
          .map((t) => t.labels.instance)
          .sort()
          .join() === expected.join() && targets.every((t) => t.health === 'up' && Date.parse(t.lastScrape) > since);
      return ready ? targets : undefined;
    },
    45_000,
    'Prometheus to scrape every replica',
  );
}

describe('following one request', () => {
  it("finds a request's id in NGINX's access log and in the log of the replica NGINX sent it to", async () => {
    const id = `e2e-follow-${randomUUID()}`;
    const res = await fetch(stack.url('/api/whoami?from=e2e'), { headers: { 'x-request-id': id } });
    expect(res.status).toBe(200);
    const { hostname } = (await res.json()) as { hostname: string };

    const [edge, replica] = await eventually(
      async () => {
        const edgeLines = (await jsonLogs('nginx')).filter((line) => line.request_id === id);
        const replicaLines = (await jsonLogs('server')).filter((line) => line.req?.id === id);
        return edgeLines.length > 0 && replicaLines.length > 0 ? [edgeLines, replicaLines] : undefined;
      },
      15_000,
      `request ${id} in both logs`,
    );
    expect(edge).toHaveLength(1);
    expect(replica).toHaveLength(1);
    expect(edge[0]).toMatchObject({
      request: 'GET /api/whoami?from=e2e HTTP/1.1',
      status: 200,
      upstream_status: '200',
    });
    expect(replica[0]).toMatchObject({
      hostname,
      req: { id, method: 'GET', url: '/api/whoami?from=e2e' },
      res: { statusCode: 200 },
      msg: 'request completed',
    });
    expect(replica[0].durationMs).toEqual(expect.any(Number));
    // NGINX's upstream_addr is the replica that logged the request.
    expect(edge[0].upstream_addr).toBe(`${(await replicaAddresses()).get(hostname)}:3000`);
  });

  it("keeps Docker's healthchecks and Prometheus's scrapes out of the replicas' info log", async () => {
    await waitForScrapes(); // both have run several times by now
    const urls = (await jsonLogs('server')).flatMap((line) => line.req?.url ?? []);
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => ['/healthz', '/readyz', '/metrics'].includes(url))).toEqual([]);
  });
});

describe('internal endpoints', () => {
  it('serves /metrics to the internal network and 404 to the public, whatever the spelling', async () => {
    const { stdout } = await stack.exec('nginx', ['curl', '-fsS', 'http://server:3000/metrics']);
    expect(stdout).toContain('# TYPE http_requests_total counter');
    expect(stdout).toContain('# TYPE process_cpu_seconds_total counter');
    // Express matches routes case-insensitively and with a trailing slash: NGINX must hide those spellings too.
    for (const path of [
      '/metrics',
      '/METRICS',
      '/Metrics/',
      '/metrics//',
      '/%4detrics',
      '/metrics?format=text',
      '/healthz/',
      '/READYZ',
    ]) {
      const res = await fetch(stack.url(path));
      const leaksMetrics = (await res.text()).includes('_total');
      expect({ path, status: res.status, leaksMetrics }).toEqual({ path, status: 404, leaksMetrics: false });
    }
  });

  it("answers NGINX's stub_status inside the network, but not from outside", async () => {
    const { stdout } = await stack.exec('server', [
      'node',
      '-e',
      "fetch('http://nginx:8081/nginx_status').then(async (r) => console.log(r.status, await r.text()))",
    ]);
    expect(stdout).toMatch(/^200 Active connections: \d+/);
    expect(stdout).toMatch(/server accepts handled requests\n \d+ \d+ \d+/);

    const outside = await fetch(stack.url('/nginx_status'));
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain('Active connections');
    const [nginx] = await stack.containers('nginx');
    expect(Object.keys((await inspect(nginx)).HostConfig.PortBindings ?? {})).toEqual(['8080/tcp', '8443/tcp']);
  });
});

describe('Prometheus (docker-compose.monitoring.yml)', () => {
  it('is published on loopback only', async () => {
    const [id] = await stack.containers('prometheus');
    expect((await inspect(id)).HostConfig.PortBindings?.['9090/tcp']).toEqual([
      { HostIp: '127.0.0.1', HostPort: String(prometheusPort) },
    ]);
  });

  it('scrapes every replica, and their counters add up to exactly the requests sent', async () => {
    expect(await waitForScrapes()).toHaveLength(3);

    const sent = 30;
    for (let i = 0; i < sent; i += 1) {
      const res = await fetch(stack.url('/api/echo'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"n":${i}}`,
      });
      expect(res.status).toBe(200);
    }
    // A scrape that started after the last answer sees every count (a replica counts before it answers).
    await waitForScrapes(Date.now());

    const query = encodeURIComponent(
      'sum by (instance) (http_requests_total{job="server",route="/api/echo",method="POST",status="200"})',
    );
    const { result } = await prometheus<{ result: { metric: { instance: string }; value: [number, string] }[] }>(
      `/api/v1/query?query=${query}`,
    );
    const perReplica = Object.fromEntries(result.map(({ metric, value }) => [metric.instance, Number(value[1])]));
    const addresses = [...(await replicaAddresses()).values()].map((ip) => `${ip}:3000`);
    expect(Object.keys(perReplica).sort()).toEqual(addresses.sort());
    expect(Object.values(perReplica).reduce((a, b) => a + b, 0)).toBe(sent);
    // Round robin: a third each.
    expect(Object.values(perReplica)).toEqual([sent / 3, sent / 3, sent / 3]);
  });

  it('scrapes a replica added with --scale without a config change', async () => {
    await stack.compose(['up', '--detach', '--no-build', '--no-recreate', '--wait', '--scale', 'server=4']);
    expect(await waitForScrapes()).toHaveLength(4);
  });
});
