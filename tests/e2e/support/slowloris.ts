import net from 'node:net';

export interface SlowClientResult {
  /** How long after connecting the server closed the connection; null if it was still open at `giveUpMs`. */
  closedAfterMs: number | null;
  /** Bytes the server sent before closing (NGINX closes a header timeout without an answer). */
  received: number;
}

/**
 * Slowloris: `connections` clients that each start a request and then trickle its headers one byte
 * per `intervalMs`, never finishing. Resolves when the server has closed every one, or at `giveUpMs`.
 */
export function slowloris(
  port: number,
  {
    connections,
    intervalMs = 1_000,
    giveUpMs = 30_000,
  }: { connections: number; intervalMs?: number; giveUpMs?: number },
): Promise<SlowClientResult[]> {
  const trickle = Buffer.from(
    'X-Slow-Header-That-Never-Ends: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  );
  return Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<SlowClientResult>((resolve) => {
          const started = Date.now();
          let received = 0;
          let sent = 0;
          const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n'));
          const ticker = setInterval(() => {
            socket.write(trickle.subarray(sent, sent + 1));
            sent = (sent + 1) % trickle.length;
          }, intervalMs);
          const done = (closedAfterMs: number | null) => {
            clearInterval(ticker);
            clearTimeout(giveUp);
            socket.destroy();
            resolve({ closedAfterMs, received });
          };
          const giveUp = setTimeout(() => done(null), giveUpMs);
          socket.on('data', (chunk) => (received += chunk.length));
          socket.on('close', () => done(Date.now() - started));
          socket.on('error', () => undefined); // a reset is a close too: reported by 'close'
        }),
    ),
  );
}
