import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../../server/src/app';
import { loadConfig } from '../../../server/src/config';
import { HttpMetrics } from '../../../server/src/metrics';

/**
 * NGINX keeps its connections to a replica open and sends request after request on each. A route that
 * writes after its response is sent (or lets the request fall through to the 404 handler) makes Node
 * destroy that socket, which NGINX may be reusing at that moment: a 502 for a client. Every kind of
 * route the replica serves goes over one keep-alive connection here, and each must leave it usable and
 * be counted under the status the client saw.
 */
interface Step {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
}

const STEPS: Step[] = [
  { method: 'GET', path: '/', headers: { accept: 'application/json' }, status: 200 },
  { method: 'GET', path: '/', headers: { accept: 'text/html' }, status: 200 },
  { method: 'GET', path: '/api/whoami', status: 200 },
  { method: 'POST', path: '/api/echo', headers: { 'content-type': 'application/json' }, body: '{"a":1}', status: 200 },
  { method: 'POST', path: '/api/echo', headers: { 'content-type': 'application/json' }, body: '{', status: 400 },
  { method: 'POST', path: '/api/echo', headers: { 'content-type': 'text/plain' }, body: 'x', status: 415 },
  { method: 'GET', path: '/live', status: 200 },
  { method: 'GET', path: '/live', status: 200 },
  { method: 'GET', path: '/assets/live.css', status: 200 },
  { method: 'GET', path: '/assets/live.html', status: 404 },
  { method: 'GET', path: '/assets/nothing.js', status: 404 },
  { method: 'GET', path: '/healthz', status: 200 },
  { method: 'GET', path: '/readyz', status: 200 },
  { method: 'GET', path: '/metrics', status: 200 },
  { method: 'GET', path: '/no-such-route', status: 404 },
  { method: 'GET', path: '/live', status: 200 },
];

let server: http.Server;
let metrics: HttpMetrics;
let connections = 0;

beforeAll(async () => {
  metrics = new HttpMetrics();
  server = http.createServer(createApp(loadConfig({}), { logger: pino({ level: 'silent' }), metrics }));
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function send(agent: http.Agent, step: Step): Promise<{ status: number; reusable: boolean }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, port, host: '127.0.0.1', method: step.method, path: step.path, headers: step.headers },
      (res) => {
        res.resume();
        res.on('end', () => {
          // The socket must still be open and not announced as closing once the response is read.
          setImmediate(() =>
            resolve({
              status: res.statusCode ?? 0,
              reusable: res.headers.connection !== 'close' && !req.socket?.destroyed,
            }),
          );
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(step.body);
  });
}

/** http_requests_total summed per status code. */
async function countedByStatus(): Promise<Record<string, number>> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'http_requests_total');
  const counted: Record<string, number> = {};
  for (const value of (metric?.values ?? []) as { labels: { status?: string | number }; value: number }[]) {
    const status = String(value.labels.status);
    counted[status] = (counted[status] ?? 0) + value.value;
  }
  return counted;
}

describe('one keep-alive connection across every route', () => {
  it('stays open after each answer, and each request is counted under the status the client saw', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const seen: string[] = [];
      for (const step of STEPS) {
        const { status, reusable } = await send(agent, step);
        seen.push(`${step.method} ${step.path} -> ${status}${reusable ? '' : ' (connection broken)'}`);
      }
      expect(seen).toEqual(STEPS.map((s) => `${s.method} ${s.path} -> ${s.status}`));
      expect(connections).toBe(1);

      // The last response's 'close' (where it is counted) may come just after the client read it.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const expected: Record<string, number> = {};
      for (const step of STEPS) expected[String(step.status)] = (expected[String(step.status)] ?? 0) + 1;
      // /metrics counts itself only after its body is rendered; everything else must match exactly.
      expect(await countedByStatus()).toEqual(expected);
    } finally {
      agent.destroy();
    }
  });
});
