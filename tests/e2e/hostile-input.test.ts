/**
 * Hostile and malformed input, sent raw over a socket where a normal client could not express it.
 * Every one gets a clear 4xx with a short JSON body, and the stack keeps serving: checked at the end
 * (normal traffic answers, no replica restarted).
 */
import { docker, inspect } from '../../harness/docker';
import type { Identity } from '../../server/src/identity';
import { eventually, sleep } from '../../harness/http';
import { parseRawResponses, rawRequest } from './support/raw-http';
import { expectShortJsonError, fetchedAnswer } from './support/json-error';
import { runLoad } from './support/load';
import { containerIp, restartCount } from './support/replica';
import { slowloris } from './support/slowloris';
import { ComposeStack } from '../../harness/stack';

let stack: ComposeStack;

beforeAll(async () => {
  stack = await ComposeStack.up('hostile');
});

afterAll(async () => {
  await stack?.down();
});

/** One request on its own connection; the connection is closed by the client's header. */
function request(head: string, body = ''): string {
  return `${head}\r\nHost: localhost\r\nConnection: close\r\n${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}\r\n${body}`;
}

function echo(contentType: string, body: string): string {
  return request(`POST /api/echo HTTP/1.1\r\nContent-Type: ${contentType}`, body);
}

async function only(raw: string) {
  const responses = parseRawResponses(await rawRequest(stack.port, raw));
  expect(responses).toHaveLength(1);
  const [res] = responses;
  return { ...res, contentType: res.headers['content-type'] };
}

/**
 * The urls each replica logged since `since`, read once every replica has logged a marker request sent
 * after it: anything a replica handled before the marker is then in its log (one stdout, in order).
 */
async function replicaLogUrlsAfterMarkers(since: Date): Promise<string[]> {
  const marker = `/api/whoami?log-marker=${Date.now()}`;
  const replicas = (await stack.containers('server')).length;
  for (let i = 0; i < replicas; i++) expect((await fetch(stack.url(marker))).status).toBe(200);
  return eventually(
    async () => {
      const urls = await replicaLogUrls(since);
      return urls.filter((url) => url === marker).length === replicas ? urls : undefined;
    },
    15_000,
    'every replica to log the marker request',
  );
}

async function replicaLogUrls(since: Date): Promise<string[]> {
  const from = new Date(since.getTime() - 1_000).toISOString();
  const { stdout } = await stack.compose(['logs', '--no-log-prefix', '--no-color', '--since', from, 'server']);
  return stdout
    .split('\n')
    .map((line) => line.slice(line.indexOf('{')))
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { req?: { url?: string } }).req?.url)
    .filter((url): url is string => url !== undefined);
}

describe('hostile and malformed input', () => {
  /** [what, raw request, expected status(es), expected error code] */
  type Case = [string, string, number | number[], string?];
  const cases: Case[] = [
    [
      'body over NGINX client_max_body_size (64k)',
      echo('application/json', `"${'a'.repeat(70_000)}"`),
      413,
      'payload_too_large',
    ],
    ['body over the echo limit (16 kB)', echo('application/json', `"${'a'.repeat(20_000)}"`), 413, 'payload_too_large'],
    ['invalid JSON', echo('application/json', '{"unterminated": '), 400, 'invalid_json'],
    ['wrong content type on /api/echo', echo('text/plain', 'hello'), 415, 'unsupported_media_type'],
    ['a 10 kB header', request(`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(10_000)}`), [431, 400]],
    ['a 9 kB URL', request(`GET /?q=${'a'.repeat(9_000)} HTTP/1.1`), 414, 'uri_too_long'],
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400, 'bad_request'],
    ['a request line with a stray token', request('GET / HTTP/1.1 extra'), 400, 'bad_request'],
    ['an unknown method', request('BREW / HTTP/1.1'), [405, 400]],
    ['DELETE, which nothing here answers', request('DELETE / HTTP/1.1'), 405, 'method_not_allowed'],
    ['a lower-case method', request('get / HTTP/1.1'), 400, 'bad_request'],
    ['path traversal', request('GET /../../etc/passwd HTTP/1.1'), [400, 404]],
    ['path traversal, percent-encoded dots', request('GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1'), [400, 404]],
    ['path traversal, encoded slashes', request('GET /..%2f..%2fetc%2fpasswd HTTP/1.1'), [400, 404]],
    ['path traversal, double-encoded', request('GET /static/..%252f..%252fetc%252fpasswd HTTP/1.1'), [400, 404]],
    ['an encoded NUL in the path', request('GET /etc/passwd%00.json HTTP/1.1'), [400, 404]],
    ['a raw NUL byte in the path', request('GET /etc/passwd\0 HTTP/1.1'), 400],
    // Not 4xx, but the right answers, and NGINX's HTML pages until json-errors.conf listed them.
    [
      'an unknown Transfer-Encoding',
      'POST /api/echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: xchunked\r\n\r\n',
      501,
      'not_implemented',
    ],
    [
      'an HTTP version NGINX does not speak',
      'GET / HTTP/2.0\r\nHost: localhost\r\n\r\n',
      505,
      'http_version_not_supported',
    ],
  ];

  // A rest parameter: with a named fourth parameter and a three-item row, Jest would take it for `done` and wait.
  it.each(cases)('%s: a short JSON error', async (...[, raw, status, code]: Case) => {
    const res = await only(raw);
    expectShortJsonError(res, status, code);
    expect(res.body).not.toContain('root:');
  });

  // A smuggled request hides after the first one's body; NGINX must refuse the whole connection.
  const smuggling: [string, string][] = [
    [
      'Content-Length and Transfer-Encoding together',
      'POST /api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled-cl-te HTTP/1.1\r\nHost: localhost\r\n\r\n',
    ],
    [
      'two different Content-Length headers',
      'POST /api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 47\r\n\r\n{}GET /smuggled-dup-cl HTTP/1.1\r\nHost: localhost\r\n\r\n',
    ],
  ];

  it.each(smuggling)('refuses %s with 400, and the request hidden behind it never runs', async (_what, raw) => {
    const since = new Date();
    const responses = parseRawResponses(await rawRequest(stack.port, raw));
    expect(responses).toHaveLength(1); // NGINX closed the connection: nothing after the 400 was read as a request
    expectShortJsonError({ ...responses[0], contentType: responses[0].headers['content-type'] }, 400, 'bad_request');
    expect(responses[0].headers.connection).toBe('close');

    // A smuggled request would reach a replica: it shows in the replicas' own request logs, not in NGINX's.
    const urls = await replicaLogUrlsAfterMarkers(since);
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => url.includes('/smuggled-'))).toEqual([]);
  });

  it('answers a JSON POST without a body (no Content-Length) with 400 that says the body is empty', async () => {
    const res = await only(request('POST /api/echo HTTP/1.1\r\nContent-Type: application/json'));
    expectShortJsonError(res, 400, 'empty_body');
    expect(JSON.parse(res.body)).toMatchObject({ message: 'Request body is empty: send a JSON document' });
  });

  it('names the allowed methods in the Allow header of a 405 (RFC 9110), and only there', async () => {
    const refused = await only(request('DELETE /api/whoami HTTP/1.1'));
    expectShortJsonError(refused, 405, 'method_not_allowed');
    expect(refused.headers.allow).toBe('GET, HEAD, POST');
    expect(JSON.parse(refused.body)).toMatchObject({ message: 'Method not allowed: use GET, HEAD or POST' });
    const malformed = await only('HELLO THERE\r\n\r\n');
    expect(malformed.headers.allow).toBeUndefined();
  });

  it('serves normal clients while 200 slowloris connections trickle headers, and closes those after client_header_timeout (10 s)', async () => {
    const slow = slowloris(stack.port, { connections: 200 });
    await sleep(500);
    const normal = await runLoad({
      url: stack.url('/api/whoami'),
      concurrency: 2,
      durationMs: 12_000,
      maxRequests: 50_000,
      until: slow,
    });
    const closed = await slow;
    const closedAfter = closed.map((c) => c.closedAfterMs ?? Infinity);
    console.log(
      `[hostile] slowloris: 200 slow connections closed after ${Math.min(...closedAfter)}-${Math.max(...closedAfter)} ms; normal clients ${normal.failures.length} failed of ${normal.total}, worst ${normal.maxLatencyMs} ms`,
    );
    expect(normal.failures).toEqual([]);
    expect(normal.ok).toBeGreaterThan(100);
    expect(normal.maxLatencyMs).toBeLessThan(2_000);
    // 10 s client_header_timeout, whatever the client still trickles; the margin is for a loaded 2-core machine.
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(9_500);
    expect(Math.max(...closedAfter)).toBeLessThan(13_000);
  });

  it('still answers normal traffic after the battery, and no replica restarted', async () => {
    const after = await runLoad({
      url: stack.url('/api/whoami'),
      concurrency: 4,
      durationMs: 10_000,
      maxRequests: 300,
    });
    expect(after.failures).toEqual([]);
    expect(after.hostnames.size).toBe(3);
    for (const id of await stack.containers('server')) {
      expect(await restartCount(id)).toBe(0);
      expect((await inspect(id)).State.Health?.Status).toBe('healthy');
    }
  });
});

describe('a flood from one client (RATE_LIMIT_RATE=10r/s, RATE_LIMIT_BURST=20)', () => {
  let limited: ComposeStack;

  beforeAll(async () => {
    limited = await ComposeStack.up('flood', { env: { RATE_LIMIT_RATE: '10r/s', RATE_LIMIT_BURST: '20' } });
  });

  afterAll(async () => {
    await limited?.down();
  });

  it('gets 429 with a short JSON body and Retry-After beyond the burst, and is served again a moment later', async () => {
    await sleep(2_500); // the bucket is empty again after the stack's own start-up checks (20 at 10/s: 2 s)
    const answers = await Promise.all(Array.from({ length: 100 }, () => fetch(limited.url('/api/whoami'))));
    const refused = answers.filter((res) => res.status === 429);
    const served = answers.filter((res) => res.status === 200);
    console.log(`[hostile] flood: ${served.length} served, ${refused.length} refused with 429 of ${answers.length}`);
    expect(served.length + refused.length).toBe(100);
    // burst 20 + the first request, plus whatever the rate (10/s) refilled while the flood was sent
    expect(served.length).toBeGreaterThanOrEqual(20);
    expect(served.length).toBeLessThanOrEqual(30);
    for (const res of refused) {
      expect(res.headers.get('retry-after')).toBe('1');
      expectShortJsonError(await fetchedAnswer(res), 429, 'too_many_requests');
    }
    await Promise.all(served.map((res) => res.text()));

    await sleep(2_500);
    expect((await fetch(limited.url('/api/whoami'))).status).toBe(200);
  });

  // Docker's userland proxy (docker-proxy) carries the host's loopback clients to NGINX from the network's
  // gateway address: they are one client to the rate limit. A container on the network keeps its own address.
  it("sees the host's loopback as the network gateway, sharing one bucket, and a container on the network as itself", async () => {
    const [nginx] = await limited.containers('nginx');
    const [gateway] = Object.values((await inspect(nginx)).NetworkSettings.Networks).map((n) => n.Gateway);
    const [replica] = await limited.containers('server');
    const fromReplica = async () => {
      const script = "fetch('http://nginx:8080/api/whoami').then(async (r) => console.log(r.status, await r.text()))";
      const [status, body] = (await docker(['exec', replica, 'node', '-e', script])).stdout.trim().split(/ (.*)/s);
      return {
        status: Number(status),
        clientIp: status === '200' ? (JSON.parse(body) as Identity).clientIp : undefined,
      };
    };
    await sleep(2_500); // an empty bucket again

    const fromLoopback = (await (await fetch(limited.url('/api/whoami'))).json()) as Identity;
    expect(fromLoopback.clientIp).toBe(gateway);
    expect(await fromReplica()).toEqual({ status: 200, clientIp: await containerIp(replica) });

    // Two loopback clients (two User-Agents), 20 requests each at once: each alone fits the burst (20 + 1),
    // together they do not, so refusals mean one shared bucket. A container asking meanwhile is served.
    const send = (userAgent: string) => fetch(limited.url('/api/whoami'), { headers: { 'User-Agent': userAgent } });
    const [flood, replicaAnswer] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, (_, i) => send(i % 2 === 0 ? 'one-client' : 'another-client'))),
      fromReplica(),
    ]);
    await Promise.all(flood.map((res) => res.text()));
    expect(flood.filter((res) => res.status === 429).length).toBeGreaterThan(0);
    expect(replicaAnswer.status).toBe(200);
  });
});
