import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../server/src/config';
import { createHttpServer, listen } from '../../../server/src/http-server';
import { DrainState } from '../../../server/src/drain-state';
import { IDLE_GRACE_MS, shutDownGracefully } from '../../../server/src/shutdown';

/** A server whose handler answers after `delayMs` (or never, when null). */
async function startServer(delayMs: number | null) {
  const server = createHttpServer((_req, res) => {
    if (delayMs !== null) setTimeout(() => res.end('done'), delayMs);
  }, loadConfig({}));
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  return { server, port };
}

function get(port: number, agent?: http.Agent): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', agent }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
      })
      .on('error', reject);
  });
}

describe('createHttpServer', () => {
  it('orders its timeouts above NGINX upstream keepalive_timeout (60 s)', () => {
    const server = createHttpServer(() => undefined, loadConfig({}));
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    expect(server.requestTimeout).toBeGreaterThanOrEqual(server.headersTimeout);
  });
});

describe('listen', () => {
  it("asks the kernel for the configured listen backlog, not Node's 511", async () => {
    const server = createHttpServer(() => undefined, loadConfig({}));
    const listenSpy = jest.spyOn(server, 'listen');
    await listen(server, 0, loadConfig({}).listenBacklog);
    server.close();
    expect(listenSpy).toHaveBeenCalledWith({ port: 0, backlog: 4_096 }, expect.any(Function));
  });
});

describe('shutDownGracefully', () => {
  it('lets an in-flight request finish, closes idle keep-alive sockets, and refuses new connections', async () => {
    const { server, port } = await startServer(300);
    const agent = new http.Agent({ keepAlive: true });
    await get(port, agent);
    await new Promise((r) => setImmediate(r)); // the agent parks the socket as free on the next tick
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
    const idleSocketClosed = new Promise<void>((resolve) => {
      const [socket] = Object.values(agent.freeSockets).flat();
      socket?.once('close', () => resolve());
    });

    const inFlightAgent = new http.Agent({ keepAlive: true });
    const inFlight = get(port, inFlightAgent);
    await new Promise((r) => setTimeout(r, 50)); // the request is now being handled
    const drainState = new DrainState();
    const outcome = shutDownGracefully(server, drainState, { timeoutMs: 5_000 });

    expect(drainState.draining).toBe(true);
    await idleSocketClosed;
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(inFlight).resolves.toMatchObject({ status: 200, body: 'done' });
    // The in-flight request's keep-alive socket was swept once its response went out.
    await expect(outcome).resolves.toBe('drained');
    agent.destroy();
    inFlightAgent.destroy();
  });

  it('answers, with Connection: close, a request that arrives on an idle keep-alive socket just after the listener closed', async () => {
    const { server, port } = await startServer(0);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await get(port, agent);
    await new Promise((r) => setImmediate(r));
    const outcome = shutDownGracefully(server, new DrainState(), { timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, IDLE_GRACE_MS / 4));

    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // NGINX may already be sending on the idle socket: cutting it would fail a POST it cannot retry.
    await expect(get(port, agent)).resolves.toMatchObject({ status: 200, body: 'done', connection: 'close' });
    await expect(outcome).resolves.toBe('drained');
    agent.destroy();
  });

  it('closes idle keep-alive sockets once the grace period is over', async () => {
    const { server, port } = await startServer(0);
    const agent = new http.Agent({ keepAlive: true });
    await get(port, agent);
    await new Promise((r) => setImmediate(r));
    const [socket] = Object.values(agent.freeSockets).flat();
    const closed = new Promise<number>((resolve) => socket?.once('close', () => resolve(Date.now())));
    const started = Date.now();
    await expect(shutDownGracefully(server, new DrainState(), { timeoutMs: 5_000 })).resolves.toBe('drained');
    const closedAfter = (await closed) - started;
    expect(closedAfter).toBeGreaterThanOrEqual(IDLE_GRACE_MS - 50);
    expect(closedAfter).toBeLessThan(IDLE_GRACE_MS + 1_000);
    agent.destroy();
  });

  it('cuts connections that outlive the timeout', async () => {
    const { server, port } = await startServer(null);
    const hanging = get(port).catch((err: NodeJS.ErrnoException) => err.code);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await expect(shutDownGracefully(server, new DrainState(), { timeoutMs: 200 })).resolves.toBe('forced');
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(hanging).resolves.toBe('ECONNRESET');
  });

  it('keeps accepting and answering, keep-alive included, for the delay; then refuses', async () => {
    const { server, port } = await startServer(0);
    const drainState = new DrainState();
    const started = Date.now();
    const outcome = shutDownGracefully(server, drainState, { timeoutMs: 5_000, delayMs: 400 });
    expect(drainState.draining).toBe(true);

    const during = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ port, host: '127.0.0.1', agent: new http.Agent({ keepAlive: true }) }, resolve).on('error', reject);
    });
    during.resume();
    expect(during.statusCode).toBe(200);
    // Keep-alive until the listener closes: Connection: close now would make NGINX reconnect for every request.
    expect(during.headers.connection).toBe('keep-alive');

    await expect(outcome).resolves.toBe('drained');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
