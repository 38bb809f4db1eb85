/**
 * WebSockets through NGINX (/ws) under the default method, round robin: where they land, a stream that loses
 * nothing, a replica's drain closing them with 1001, and plain requests still reusing upstream connections.
 */
import WebSocket from 'ws';
import { docker } from '../../harness/docker';
import { ComposeStack } from '../../harness/stack';

interface Tick {
  hostname: string;
  seq: number;
}

let stack: ComposeStack;

beforeAll(async () => {
  stack = await ComposeStack.up('lb-websocket');
});

afterAll(async () => {
  await stack?.down();
});

/** A WebSocket through NGINX, with every message it received and how it closed. */
function connect() {
  const ws = new WebSocket(stack.url('/ws').replace(/^http/, 'ws'));
  const ticks: Tick[] = [];
  ws.on('message', (data: Buffer) => ticks.push(JSON.parse(data.toString()) as Tick));
  const first = new Promise<Tick>((resolve, reject) => {
    ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Tick));
    ws.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', resolve));
  return { ws, ticks, first, closed };
}

/** Connections from NGINX to the replicas' port 3000 that were closed recently (TIME_WAIT), summed over replicas. */
async function closedUpstreamConnections(): Promise<number> {
  let total = 0;
  for (const id of await stack.containers('server')) {
    // Node listens on `::`, so NGINX's IPv4 connections are listed in tcp6 (as ::ffff:a.b.c.d).
    const { stdout } = await docker(['exec', id, 'cat', '/proc/net/tcp', '/proc/net/tcp6']);
    // Columns: sl local_address rem_address st ...; 0BB8 is port 3000, 06 is TIME_WAIT.
    total += stdout.split('\n').filter((line) => /:0BB8 [0-9A-F]+:[0-9A-F]{4} 06 /.test(line)).length;
  }
  return total;
}

it('plain requests through the same NGINX reuse upstream connections: 90 GETs close at most 3', async () => {
  const before = await closedUpstreamConnections();
  for (let i = 0; i < 90; i += 1) {
    expect((await fetch(stack.url('/api/whoami'))).status).toBe(200);
  }
  const closed = (await closedUpstreamConnections()) - before;
  console.log(`websocket: upstream connections closed by 90 plain GETs: ${closed}`);
  expect(closed).toBeLessThanOrEqual(3);
});

it('lands 3 concurrent WebSockets on 3 replicas under round robin', async () => {
  const sockets = [connect(), connect(), connect()];
  const hostnames = await Promise.all(sockets.map(async (s) => (await s.first).hostname));
  expect(new Set(hostnames).size).toBe(3);
  for (const s of sockets) s.ws.close();
  await Promise.all(sockets.map((s) => s.closed));
});

it('streams a message a second for 10 s and loses none', async () => {
  const s = connect();
  await s.first;
  await new Promise((resolve) => setTimeout(resolve, 10_500));
  s.ws.close();
  await s.closed;
  expect(s.ticks.length).toBeGreaterThanOrEqual(10);
  expect(s.ticks.map((t) => t.seq)).toEqual(s.ticks.map((_t, i) => i));
  expect(new Set(s.ticks.map((t) => t.hostname)).size).toBe(1);
});

it('closes a draining replica WebSockets with 1001, and the client reconnects to another replica', async () => {
  const s = connect();
  const { hostname } = await s.first;
  const ids = await stack.containers('server');
  const stopped = docker(['stop', '--timeout', '10', ids[(await stack.hostnames()).indexOf(hostname)]]);
  expect(await s.closed).toBe(1001);
  const again = connect();
  expect((await again.first).hostname).not.toBe(hostname);
  again.ws.close();
  await Promise.all([again.closed, stopped]);
  await stack.compose(['up', '--detach', '--no-build', '--wait', '--scale', 'server=3']);
});
