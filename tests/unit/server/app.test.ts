import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../server/src/app';
import { loadConfig } from '../../../server/src/config';
import { hostnameColour } from '../../../server/shared/hostname-colour';
import { DrainState } from '../../../server/src/drain-state';
import type { Identity } from '../../../server/src/identity';

/** The replica's JSON error body. */
interface JsonError {
  error: string;
  message: string;
}

const silent = pino({ level: 'silent' });

function makeApp(drainState = new DrainState()) {
  return createApp(loadConfig({ APP_VERSION: '9.9.9' }), { drainState, logger: silent });
}

/** Sends `raw` bytes to the app on a real socket (supertest always frames a body) and returns what came back. */
async function rawExchange(app: http.RequestListener, raw: string): Promise<string> {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.end(raw);
    let answer = '';
    for await (const chunk of socket) answer += String(chunk);
    return answer;
  } finally {
    server.close();
  }
}

describe('identity', () => {
  it('answers curl (Accept: */*) with JSON naming this host', async () => {
    const res = await request(makeApp()).get('/').set('Accept', '*/*').expect(200);
    expect(res.type).toBe('application/json');
    expect(res.body).toMatchObject({ hostname: os.hostname(), version: '9.9.9', requestsServed: 1 });
    expect((res.body as Identity).uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.vary).toMatch(/accept/i);
  });

  it('answers no Accept and */* with the same headers as a negotiated JSON answer, and no ETag', async () => {
    const app = makeApp();
    const headersFor = async (accept?: string) => {
      const req = request(app).get('/');
      const res = await (accept === undefined ? req : req.set('Accept', accept)).expect(200);
      expect(res.body).toMatchObject({ hostname: os.hostname() });
      // All but the two that differ from one answer to the next.
      const headers = { ...(res.headers as Record<string, string>) };
      delete headers.date;
      delete headers['content-length'];
      return headers;
    };
    const negotiated = await headersFor('application/json');
    expect(negotiated).toMatchObject({ 'content-type': 'application/json; charset=utf-8', vary: 'Accept' });
    // Every answer is no-store: there is no copy to revalidate, so no body is hashed for an ETag.
    expect(negotiated.etag).toBeUndefined();
    expect(await headersFor('*/*')).toEqual(negotiated);
    expect(await headersFor(undefined)).toEqual(negotiated);
  });

  it('answers a browser with an HTML page showing the hostname in its colour', async () => {
    const res = await request(makeApp())
      .get('/')
      .set('Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
      .expect(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain(`<h1 id="hostname">${os.hostname()}</h1>`);
    expect(res.text).toContain(hostnameColour(os.hostname()));
    expect(res.text).toContain('href="/live"');
  });

  it('refuses an Accept it cannot satisfy with a JSON 406', async () => {
    const res = await request(makeApp()).get('/').set('Accept', 'image/png').expect(406);
    expect(res.body).toEqual({ error: 'not_acceptable', message: 'Not Acceptable' });
  });

  it('always answers /api/whoami with JSON, counting requests served', async () => {
    const app = makeApp();
    await request(app).get('/api/whoami').expect(200);
    const res = await request(app).get('/api/whoami').set('Accept', 'text/html').expect(200);
    expect(res.type).toBe('application/json');
    expect((res.body as Identity).requestsServed).toBe(2);
  });

  it('passes a valid X-Request-ID through and replaces an invalid one', async () => {
    const app = makeApp();
    const kept = await request(app).get('/api/whoami').set('X-Request-ID', 'abc-123.x');
    expect((kept.body as Identity).requestId).toBe('abc-123.x');
    const replaced = await request(app).get('/api/whoami').set('X-Request-ID', 'bad id <script>');
    expect((replaced.body as Identity).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('trusts exactly one proxy hop for the client address', async () => {
    // NGINX overwrites X-Forwarded-For with the address it saw; a longer chain means a client
    // prepended its own claim, and only the hop NGINX added is believed.
    const res = await request(makeApp()).get('/api/whoami').set('X-Forwarded-For', '6.6.6.6, 10.1.2.3');
    expect((res.body as Identity).clientIp).toBe('10.1.2.3');
  });

  it('says whether the client reached NGINX over HTTPS (X-Forwarded-Proto, one trusted hop)', async () => {
    const app = makeApp();
    const secure = await request(app).get('/api/whoami').set('X-Forwarded-Proto', 'https');
    expect((secure.body as Identity).protocol).toBe('https');
    const plain = await request(app).get('/api/whoami');
    expect((plain.body as Identity).protocol).toBe('http');
  });
});

describe('health', () => {
  it('is alive and ready until draining starts, then not ready', async () => {
    const drainState = new DrainState();
    const app = makeApp(drainState);
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await request(app).get('/readyz').expect(200, { status: 'ready' });

    drainState.startDraining();
    await request(app).get('/readyz').expect(503, { status: 'draining' });
    await request(app).get('/healthz').expect(200);
  });
});

describe('errors', () => {
  it('answers an unknown route with a JSON 404', async () => {
    const res = await request(makeApp()).get('/nope').expect(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'Not Found' });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers a malformed percent-encoding with a JSON 404, no stack trace', async () => {
    const res = await request(makeApp()).get('/%E0%A4%A').expect(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'Not Found' });
  });
});

describe('POST /api/echo', () => {
  it('echoes JSON and names the replica', async () => {
    const res = await request(makeApp()).post('/api/echo').send({ hello: 'world' }).expect(200);
    expect(res.body).toMatchObject({ hostname: os.hostname(), received: { hello: 'world' } });
  });

  it('rejects invalid JSON with 400 without echoing it', async () => {
    const res = await request(makeApp())
      .post('/api/echo')
      .set('Content-Type', 'application/json')
      .send('{"a":')
      .expect(400);
    expect(res.body).toEqual({ error: 'invalid_json', message: 'Request body is not valid JSON' });
  });

  it('rejects a body over the limit with 413', async () => {
    const res = await request(makeApp())
      .post('/api/echo')
      .send({ big: 'x'.repeat(17 * 1024) })
      .expect(413);
    expect((res.body as JsonError).error).toBe('payload_too_large');
  });

  it('rejects another content type with 415 that says the type is not JSON', async () => {
    const res = await request(makeApp()).post('/api/echo').set('Content-Type', 'text/plain').send('hi').expect(415);
    expect(res.body).toEqual({
      error: 'unsupported_media_type',
      message: 'Content-Type is not JSON: send application/json',
    });
  });

  it('rejects a body without Content-Type with 415 that says the type is missing', async () => {
    const res = await request(makeApp()).post('/api/echo').set('Content-Length', '2').send(Buffer.from('{}'));
    expect(res.status).toBe(415);
    expect((res.body as JsonError).message).toBe('Content-Type is missing: send application/json');
  });

  // What `curl -X POST -H 'Content-Type: application/json' URL` sends: no body, no Content-Length.
  it('rejects a JSON request without a body with 400 that says the body is empty', async () => {
    const raw = await rawExchange(
      makeApp(),
      'POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('{"error":"empty_body","message":"Request body is empty: send a JSON document"}');
  });

  it('rejects Content-Length: 0 with 400 that says the body is empty', async () => {
    const res = await request(makeApp())
      .post('/api/echo')
      .set('Content-Type', 'application/json')
      .set('Content-Length', '0')
      .expect(400);
    expect((res.body as JsonError).error).toBe('empty_body');
  });

  it('answers GET on the echo route with 404, as for any unknown route', async () => {
    await request(makeApp()).get('/api/echo').expect(404);
  });
});
