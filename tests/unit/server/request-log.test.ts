import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import os from 'node:os';
import express from 'express';
import pino, { type LevelWithSilent } from 'pino';
import request from 'supertest';
import { createApp } from '../../../server/src/app';
import { loadConfig } from '../../../server/src/config';
import { errorHandler } from '../../../server/src/errors';
import { createLogger } from '../../../server/src/logger';
import { HttpMetrics } from '../../../server/src/metrics';
import { observeRequests } from '../../../server/src/observe-requests';
import { requestId } from '../../../server/src/request-id';

interface LogLine {
  level: number;
  time: string;
  hostname: string;
  msg: string;
  req?: Record<string, unknown>;
  res?: Record<string, unknown>;
  durationMs?: number;
}

/** A logger built by the replica's createLogger, writing parsed lines into memory. */
function memoryLogger(level: LevelWithSilent) {
  const lines: LogLine[] = [];
  const memory = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger(level, memory), lines };
}

function loggedApp(level: LevelWithSilent = 'info') {
  const { logger, lines } = memoryLogger(level);
  return { app: createApp(loadConfig({}), { logger }), lines };
}

/** The request line is written when the response finishes, which can be just after supertest resolves. */
async function requestLines(lines: LogLine[], count: number): Promise<LogLine[]> {
  for (let i = 0; i < 300 && lines.filter((l) => l.req).length < count; i += 1)
    await new Promise((r) => setTimeout(r, 10));
  return lines.filter((l) => l.req);
}

describe('request log', () => {
  it('writes one JSON line per request with the request id, method, url, protocol, status, duration and hostname', async () => {
    const { app, lines } = loggedApp();
    await request(app)
      .get('/api/whoami?x=1')
      .set('X-Request-ID', 'trace-me-42')
      .set('X-Forwarded-Proto', 'https')
      .expect(200);
    const [line, ...more] = await requestLines(lines, 1);
    expect(more).toEqual([]);
    const { time, durationMs, ...fixed } = line;
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(typeof durationMs).toBe('number');
    expect(fixed).toEqual({
      level: 30,
      hostname: os.hostname(),
      req: { id: 'trace-me-42', method: 'GET', url: '/api/whoami?x=1', protocol: 'https' },
      res: { statusCode: 200 },
      msg: 'request completed',
    });
  });

  it('logs the id the replica minted when the client sent none, the one it answered with', async () => {
    const { app, lines } = loggedApp();
    const res = await request(app).get('/api/whoami').set('X-Request-ID', 'not a valid id').expect(200);
    const [line] = await requestLines(lines, 1);
    expect(line.req?.id).toBe((res.body as { requestId: string }).requestId);
  });

  it('logs no request headers (cookies, tokens stay out of the log)', async () => {
    const { app, lines } = loggedApp();
    await request(app).get('/').set('Cookie', 'session=secret').set('Authorization', 'Bearer secret').expect(200);
    const [line] = await requestLines(lines, 1);
    expect(JSON.stringify(line)).not.toContain('secret');
  });

  it('logs a 404 at info with its status', async () => {
    const { app, lines } = loggedApp();
    await request(app).get('/nope').expect(404);
    const [notFound] = await requestLines(lines, 1);
    expect(notFound).toMatchObject({ level: 30, res: { statusCode: 404 } });
  });

  /** The replica's observability on a bare app, for behaviour its own routes never show. */
  function observedApp(routes: express.Router) {
    const { logger, lines } = memoryLogger('info');
    const metrics = new HttpMetrics();
    const app = express()
      .use(requestId)
      .use(observeRequests(logger, metrics))
      .use(routes)
      .use(errorHandler(pino({ level: 'silent' })));
    return { app, lines, metrics };
  }

  it('logs a request that failed with a 500 at error', async () => {
    const { app, lines } = observedApp(
      express.Router().get('/boom', () => {
        throw new Error('kaput');
      }),
    );
    await request(app).get('/boom').set('X-Request-ID', 'boom-1').expect(500);
    const [line] = await requestLines(lines, 1);
    expect(line).toMatchObject({
      level: 50,
      req: { id: 'boom-1', url: '/boom' },
      res: { statusCode: 500 },
      msg: 'request completed',
    });
  });

  it('logs a request the client abandoned at warn, and does not count it as answered', async () => {
    const client = new AbortController();
    // The client leaves once the replica has the request, and before it answers.
    const { app, lines, metrics } = observedApp(
      express.Router().get('/slow', (_req, res) => {
        client.abort();
        setTimeout(() => res.end(), 300);
      }),
    );
    const server = app.listen(0);
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/slow`, {
      headers: { 'x-request-id': 'gone-1' },
      signal: client.signal,
    }).catch(() => undefined);
    const [line] = await requestLines(lines, 1);
    expect(line).toMatchObject({ level: 40, req: { id: 'gone-1', url: '/slow' }, msg: 'request aborted' });
    await new Promise((resolve) => setTimeout(resolve, 400)); // the handler's late end() must not count either
    expect((await metrics.registry.getSingleMetric('http_requests_total')!.get()).values).toEqual([]);
    await new Promise((resolve) => server.close(resolve));
  });

  it('logs probes and scrapes only at debug, so they do not drown the traffic at info', async () => {
    const quiet = loggedApp('info');
    for (const path of ['/healthz', '/readyz', '/metrics']) await request(quiet.app).get(path).expect(200);
    await request(quiet.app).get('/api/whoami').expect(200);
    expect((await requestLines(quiet.lines, 1)).map((l) => l.req?.url)).toEqual(['/api/whoami']);

    const verbose = loggedApp('debug');
    await request(verbose.app).get('/readyz').expect(200);
    const [probe] = await requestLines(verbose.lines, 1);
    expect(probe).toMatchObject({ level: 20, req: { url: '/readyz' }, res: { statusCode: 200 } });
  });
});
