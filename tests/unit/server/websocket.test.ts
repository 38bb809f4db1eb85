import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import WebSocket from 'ws';
import { DrainState } from '../../../server/src/drain-state';
import { shutDownGracefully } from '../../../server/src/shutdown';
import { attachWebSockets, GOING_AWAY, type Tick } from '../../../server/src/websocket';

async function startServer(): Promise<{ server: http.Server; url: string; closeAll: () => void }> {
  const server = http.createServer((_req, res) => res.end('plain'));
  const { closeAll } = attachWebSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, closeAll, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function firstTick(ws: WebSocket): Promise<Tick> {
  return new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Tick)));
}

describe('/ws', () => {
  it('names the replica at once and numbers its messages', async () => {
    const { server, url, closeAll } = await startServer();
    const ws = new WebSocket(`${url}/ws`);
    expect(await firstTick(ws)).toEqual({ hostname: os.hostname(), seq: 0 });
    expect(await firstTick(ws)).toEqual({ hostname: os.hostname(), seq: 1 });
    closeAll();
    await new Promise((resolve) => ws.once('close', resolve));
    server.close();
  });

  it('refuses an upgrade on another path with a JSON 404', async () => {
    const { server, url } = await startServer();
    const ws = new WebSocket(`${url}/elsewhere`);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('unexpected-response', (_req, res: http.IncomingMessage) => resolve(res.statusCode));
      ws.once('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
    server.close();
  });

  it('closes its WebSockets with 1001 when the replica drains, and the drain completes', async () => {
    const { server, url, closeAll } = await startServer();
    const ws = new WebSocket(`${url}/ws`);
    await firstTick(ws);
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    const outcome = await shutDownGracefully(server, new DrainState(), { timeoutMs: 5_000, closeLongLived: closeAll });
    expect(await closed).toBe(GOING_AWAY);
    expect(outcome).toBe('drained');
  });
});
