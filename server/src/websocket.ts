import type http from 'node:http';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** How often a connection gets a message: it shows the connection alive and which replica holds it. */
const TICK_MS = 1_000;

/** WebSockets one replica holds at once; an upgrade beyond gets a 503. NGINX's rate limit counts upgrades too. */
const MAX_WEBSOCKETS = 1_000;

/** 1001 "going away": the replica is stopping, the client should reconnect (and NGINX sends it to another replica). */
export const GOING_AWAY = 1001;

/** How long a client gets to answer the close frame before its socket is cut (the drain waits for every socket). */
const CLOSE_GRACE_MS = 1_000;

/** One message of the stream: which replica sent it, and its place in this connection's stream (0, 1, 2, ...). */
export interface Tick {
  hostname: string;
  seq: number;
}

function refuse(socket: Duplex, status: number, error: string, message: string): void {
  const body = JSON.stringify({ error, message });
  socket.end(
    `HTTP/1.1 ${status} ${error}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

/**
 * `/ws` on the replica's HTTP server: each connection gets a Tick every TICK_MS, the first at once.
 * Built on the `ws` package (docs/balancing.md says why). `closeAll()` is the drain's part: the listener
 * waits for every socket, upgraded ones included, so they must close for the process to stop.
 */
export function attachWebSockets(server: http.Server): { closeAll: () => void } {
  const hostname = os.hostname();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://replica').pathname !== '/ws') {
      refuse(socket, 404, 'not_found', 'WebSockets are served at /ws');
      return;
    }
    if (wss.clients.size >= MAX_WEBSOCKETS) {
      refuse(socket, 503, 'too_many_websockets', `This replica already holds ${MAX_WEBSOCKETS} WebSockets`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => stream(ws, hostname));
  });

  return {
    closeAll: () => {
      for (const ws of wss.clients) ws.close(GOING_AWAY, 'replica stopping');
      setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, CLOSE_GRACE_MS).unref();
    },
  };
}

function stream(ws: WebSocket, hostname: string): void {
  let seq = 0;
  const send = (): void => {
    const tick: Tick = { hostname, seq };
    seq += 1;
    ws.send(JSON.stringify(tick));
  };
  send();
  const timer = setInterval(send, TICK_MS);
  ws.on('close', () => clearInterval(timer));
  ws.on('error', () => ws.terminate());
}
