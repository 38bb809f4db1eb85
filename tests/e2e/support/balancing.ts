import type { ComposeStack } from '../../../harness/stack';

/** Who answered a request through NGINX, and the sticky cookie NGINX set last, if any. */
export interface Answer {
  status: number;
  hostname: string;
  stickyCookie: string | undefined;
}

async function answerOf(res: Response): Promise<Answer> {
  const body = (await res.json()) as { hostname?: string };
  // The last one: an answer NGINX had to start again (nginx/snippets/routes.conf) carries the stale cookie, then
  // the new one, and a browser keeps the last.
  const stickyCookie = res.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .filter((pair) => pair.startsWith('srv_id='))
    .at(-1);
  return { status: res.status, hostname: body.hostname ?? '', stickyCookie };
}

/** One GET of /api/whoami through NGINX. */
export async function whoami(
  stack: ComposeStack,
  { query = '', headers = {} }: { query?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return answerOf(await fetch(stack.url(`/api/whoami${query}`), { headers, signal: AbortSignal.timeout(10_000) }));
}

/** One POST of /api/echo through NGINX: a request NGINX may send twice only if no replica received it. */
export async function echo(stack: ComposeStack, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(stack.url('/api/echo'), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'balancing.test.ts' }),
    signal: AbortSignal.timeout(10_000),
  });
  return answerOf(res);
}

/** Requests per hostname. */
export function tally(hostnames: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const hostname of hostnames) counts.set(hostname, (counts.get(hostname) ?? 0) + 1);
  return counts;
}

/** `count` requests, `concurrency` at a time; the hostname of each answer. Bounded by count. */
export async function concurrently(count: number, concurrency: number, send: (i: number) => Promise<string>) {
  const hostnames: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        hostnames.push(await send(next));
      }
    }),
  );
  return hostnames;
}

/** Scales the stack's replicas in place (no NGINX reload) and waits until NGINX balances over all of them. */
export async function scaleTo(stack: ComposeStack, replicas: number): Promise<void> {
  await stack.compose(['up', '--detach', '--no-build', '--no-recreate', '--wait', '--scale', `server=${replicas}`]);
  await stack.waitForReplicas(replicas);
}
