import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../server/src/config';
import { createHttpServer, listen } from '../../server/src/http-server';
import { Lifecycle } from '../../server/src/lifecycle';
import { shutDownGracefully } from '../../server/src/shutdown';

/** A server whose handler answers after `delayMs` (or never, when null). */
async function startServer(delayMs: number | null) {
  const server = createHttpServer((_req, res) => {
    if (delayMs !== null) setTimeout(() => res.end('done'), delayMs);
  }, loadConfig({}));
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  return { server, port };
}

function get(port: number, agent?: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', agent }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
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
  it('asks the kernel for the configured listen backlog, not Node\'s 511', async () => {
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
    const lifecycle = new Lifecycle();
    const outcome = shutDownGracefully(server, lifecycle, 5_000);

    expect(lifecycle.draining).toBe(true);
    await idleSocketClosed;
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(inFlight).resolves.toEqual({ status: 200, body: 'done' });
    // The in-flight request's keep-alive socket was swept once its response went out.
    await expect(outcome).resolves.toBe('drained');
    agent.destroy();
    inFlightAgent.destroy();
  });

  it('cuts connections that outlive the timeout', async () => {
    const { server, port } = await startServer(null);
    const hanging = get(port).catch((err: NodeJS.ErrnoException) => err.code);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await expect(shutDownGracefully(server, new Lifecycle(), 200)).resolves.toBe('forced');
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(hanging).resolves.toBe('ECONNRESET');
  });
});
