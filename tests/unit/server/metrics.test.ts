import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../server/src/app';
import { loadConfig } from '../../../server/src/config';
import { HttpMetrics, UNMATCHED_ROUTE } from '../../../server/src/metrics';

function appWithMetrics() {
  const metrics = new HttpMetrics();
  const app = createApp(loadConfig({}), { logger: pino({ level: 'silent' }), metrics });
  return { app, metrics };
}

/** The counter's series as `route status method` → value, read from the registry. */
async function requestCounts(metrics: HttpMetrics): Promise<Record<string, number>> {
  const { values } = await metrics.registry.getSingleMetric('http_requests_total')!.get();
  return Object.fromEntries(
    values.map(({ labels, value }) => [`${labels.route} ${labels.status} ${labels.method}`, value]),
  );
}

/** The scrape counts itself only once it has been answered: wait for that before reading. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GET /metrics', () => {
  it("answers in Prometheus's text format with the request counter, the histogram and the default process metrics", async () => {
    const { app } = appWithMetrics();
    await request(app).get('/api/whoami').expect(200);
    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('http_requests_total{method="GET",route="/api/whoami",status="200"} 1');
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.text).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/whoami"\} [01]/,
    );
    expect(res.text).toContain('http_request_duration_seconds_count{method="GET",route="/api/whoami"} 1');
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
  });

  it('labels by route pattern, method and status: 200s, client errors and the scrape itself', async () => {
    const { app, metrics } = appWithMetrics();
    await request(app).get('/api/whoami').expect(200);
    await request(app).get('/').expect(200);
    await request(app).get('/').expect(200);
    await request(app).post('/api/echo').set('Content-Type', 'application/json').send('{"a":').expect(400);
    await request(app).post('/api/echo').send({ a: 1 }).expect(200);
    await request(app).get('/metrics').expect(200);
    await settle();
    expect(await requestCounts(metrics)).toEqual({
      '/api/whoami 200 GET': 1,
      '/ 200 GET': 2,
      '/api/echo 400 POST': 1,
      '/api/echo 200 POST': 1,
      '/metrics 200 GET': 1,
    });
  });

  it('puts every unknown path under one fixed label: hostile URLs cannot explode the series count', async () => {
    const { app, metrics } = appWithMetrics();
    for (let i = 0; i < 50; i += 1) await request(app).get(`/scan/${i}/wp-admin.php?id=${i}`).expect(404);
    await request(app).get('/api/echo').expect(404); // a known path, but no route for GET
    await request(app).get('/%E0%A4%A').expect(404); // undecodable
    await settle();
    expect(await requestCounts(metrics)).toEqual({ [`${UNMATCHED_ROUTE} 404 GET`]: 52 });
  });

  it('keeps each app in its own registry: two apps never count each other', async () => {
    const first = appWithMetrics();
    const second = appWithMetrics();
    await request(first.app).get('/api/whoami').expect(200);
    await settle();
    expect(await requestCounts(first.metrics)).toEqual({ '/api/whoami 200 GET': 1 });
    expect(await requestCounts(second.metrics)).toEqual({});
  });
});
